import { Command } from 'commander';
import { registerUsers } from '../../../src/cli/users.js';
import { UserService } from '../../../src/portal/users.js';
import { OrganisationService } from '../../../src/registry/organisations.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { testConfigObject, writeTestConfig } from '../../helpers/config.js';

/** Runs `knooppunt users …`; stdout lines, and what went to stderr (the passwords) separately. */
async function run(file: string, ...args: string[]): Promise<{ out: string[]; stderr: string; exitCode: number | undefined }> {
  const out: string[] = [];
  let stderr = '';
  const { log, error } = console;
  const write = process.stderr.write.bind(process.stderr);
  const before = process.exitCode;
  // A test file run earlier in the same jest worker may have left an exit code behind (commands set it).
  process.exitCode = undefined;
  console.log = (l: string) => { out.push(l); };
  console.error = (l: string) => { stderr += `${l}\n`; };
  process.stderr.write = ((chunk: string) => { stderr += chunk; return true; }) as typeof process.stderr.write;
  try {
    const program = new Command('knooppunt').exitOverride();
    registerUsers(program);
    await program.parseAsync(['node', 'knooppunt', 'users', ...args, '--config', file]);
    return { out, stderr, exitCode: process.exitCode as number | undefined };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
    process.exitCode = before;
  }
}

describe('knooppunt users', () => {
  let file: string;
  let dbPath: string;
  beforeAll(async () => {
    const obj = testConfigObject();
    file = writeTestConfig(obj);
    dbPath = (obj.store as { path: string }).path;
    const store = await SqliteStore.open(dbPath);
    await new OrganisationService(store).add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] });
    await store.close();
  });

  async function canLogin(username: string, password: string): Promise<string> {
    const store = await SqliteStore.open(dbPath);
    try {
      const r = await new UserService({ store, lockoutAttempts: 5, lockoutMinutes: 15 }).login(username, password);
      return r.ok ? 'ok' : r.reason;
    } finally { await store.close(); }
  }

  test('add prints the password once on stderr (not stdout); list, disable, reset-password', async () => {
    const add = await run(file, 'add', '--org', '0363', '--username', 'anna', '--role', 'productbeheerder', '--product', 'iwmo', 'ijw');
    expect(add.exitCode).toBeUndefined();
    expect(add.out).toEqual(['created anna (gemeente:0363); roles gebruiker, productbeheerder; products iwmo, ijw']);
    const password = /password \(shown once\): (\S+)/.exec(add.stderr)![1]!;
    expect(add.out.join('\n')).not.toContain(password);
    expect(await canLogin('anna', password)).toBe('ok');

    const list = await run(file, 'list', '--org', '0363');
    expect(list.out).toHaveLength(1);
    expect(list.out[0]).toMatch(/^anna\s+gemeente:0363\s+active\s+gebruiker,productbeheerder\s+\[iwmo,ijw\]$/);

    expect((await run(file, 'disable', 'anna')).out).toEqual(['anna disabled']);
    expect(await canLogin('anna', password)).toBe('disabled');
    expect((await run(file, 'enable', 'anna')).out).toEqual(['anna enabled']);

    const reset = await run(file, 'reset-password', 'anna');
    const fresh = /new password \(shown once\): (\S+)/.exec(reset.stderr)![1]!;
    expect(await canLogin('anna', password)).toBe('invalid');
    expect(await canLogin('anna', fresh)).toBe('ok');
  });

  test('bad input: unknown product and role, each with its field; unknown user', async () => {
    const bad = await run(file, 'add', '--org', '0363', '--username', 'bert', '--role', 'baas', '--product', 'iwmo', 'ixx');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('ERR_VALIDATION: Invalid user');
    expect(bad.stderr).toContain('  - roles: unknown role baas; one of gebruiker, productbeheerder, gebruikersbeheerder');
    expect(bad.stderr).toContain('  - products: unknown product ixx; one of iwmo, ijw, ieb, pgb-wmo, pgb-jw');
    const none = await run(file, 'disable', 'niemand');
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toContain('ERR_NOT_FOUND: no user niemand');
  });
});
