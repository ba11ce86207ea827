import { Command } from 'commander';
import { registerRoutes } from '../../../src/cli/routes.js';
import { OrganisationService } from '../../../src/registry/organisations.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { testConfigObject, writeTestConfig } from '../../helpers/config.js';
import { cpa } from '../routing/helpers.js';

const OIN_0363 = '00000099000000036300';
const OIN_VECOZO = '00000099000000077700';

async function run(file: string, ...args: string[]): Promise<{ out: string[]; err: string[]; exitCode: number | undefined }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  const before = process.exitCode;
  console.log = (l: string) => { out.push(l); };
  console.error = (l: string) => { err.push(l); };
  try {
    const program = new Command('knooppunt').exitOverride();
    registerRoutes(program);
    await program.parseAsync(['node', 'knooppunt', 'routes', ...args, '--config', file]);
    return { out, err, exitCode: process.exitCode as number | undefined };
  } finally {
    console.log = log;
    console.error = error;
    process.exitCode = before;
  }
}

describe('knooppunt routes', () => {
  let file: string;
  beforeAll(async () => {
    const obj = testConfigObject();
    file = writeTestConfig(obj);
    const store = await SqliteStore.open((obj.store as { path: string }).path);
    const orgs = new OrganisationService(store);
    await orgs.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [OIN_0363] });
    await orgs.add({ kind: 'ketenpartner', code: OIN_VECOZO, name: 'VECOZO' });
    const ev = { at: '2024-01-01T00:00:00.000Z', event: 'test', detail: null };
    await store.cpas.insert(cpa('CPA-0363', OIN_0363), ev);
    await store.cpas.insert(cpa('CPA-VECOZO', OIN_VECOZO), ev);
    await store.close();
  });

  test('set, partner, list, delete', async () => {
    expect((await run(file, 'set', '--gemeente', '0363', '--stroom', 'ijw', '--berichttype', 'JW302', '--richting', 'ontvangen', '--kanaal', 'digikoppeling', '--cpa', 'CPA-0363')).out)
      .toEqual(['set 0363 ijw JW302 ontvangen: digikoppeling CPA-0363, StUF 0210']);
    expect((await run(file, 'partner', '--stroom', 'ijw', '--org', OIN_VECOZO, '--cpa', 'CPA-VECOZO')).out)
      .toEqual([`ketenpartner for ijw: ketenpartner:${OIN_VECOZO} via CPA CPA-VECOZO, StUF 0210`]);
    const list = await run(file, 'list', '--json');
    expect(JSON.parse(list.out[0]!)).toMatchObject({
      routes: [{ gemeentecode: '0363', berichttype: 'JW302', kanaal: 'digikoppeling', cpaId: 'CPA-0363', updatedBy: 'cli' }],
      ketenpartners: [{ berichtstroom: 'ijw', cpaId: 'CPA-VECOZO' }],
    });
    expect((await run(file, 'list')).out).toEqual([
      'KETENPARTNER  STROOM  ORGANISATION                       CPA         STUF',
      `ketenpartner  ijw     ketenpartner:${OIN_VECOZO}  CPA-VECOZO  0210`,
      'GEMEENTE  STROOM  BERICHTTYPE  RICHTING   KANAAL         CPA       STUF',
      '0363      ijw     JW302        ontvangen  digikoppeling  CPA-0363  0210',
    ]);
    expect((await run(file, 'delete', '--gemeente', '0363', '--stroom', 'ijw', '--berichttype', 'jw302', '--richting', 'ontvangen')).out)
      .toEqual(['deleted 0363 ijw JW302 ontvangen']);
    // Issue 10 §14: a missing route is one clear line and exit 1, no stack trace; enum options are checked.
    const again = await run(file, 'delete', '--gemeente', '0363', '--stroom', 'ijw', '--berichttype', 'jw302', '--richting', 'ontvangen');
    expect([again.exitCode, again.err]).toEqual([1, ['ERR_NOT_FOUND: no route 0363 ijw JW302 ontvangen']]);
  });

  test('invalid input: every problem printed, exit code 1', async () => {
    const r = await run(file, 'set', '--gemeente', '0363', '--stroom', 'ijw', '--berichttype', 'JW301', '--richting', 'ontvangen', '--kanaal', 'digikoppeling');
    expect(r.exitCode).toBe(1);
    expect(r.err).toEqual([
      'ERR_VALIDATION: Invalid route',
      '  - richting: a gemeente only sends JW301: richting must be verzenden',
      '  - cpaId: required for kanaal digikoppeling',
    ]);
  });
});
