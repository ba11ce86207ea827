import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerConfig } from '../../../src/cli/config.js';
import { registerCpa } from '../../../src/cli/cpa.js';
import { registerDemo } from '../../../src/cli/demo.js';
import { registerEbms } from '../../../src/cli/ebms.js';
import { registerInit } from '../../../src/cli/init.js';
import { registerOrgs } from '../../../src/cli/orgs.js';
import { registerRoutes } from '../../../src/cli/routes.js';
import { registerServe } from '../../../src/cli/serve.js';
import { registerUsers } from '../../../src/cli/users.js';
import { registerValidate } from '../../../src/cli/validate.js';
import { packageRoot } from '../../../src/paths.js';
import { testConfigObject, writeTestConfig } from '../../helpers/config.js';

/** Issue 10 §10/§11/§14, through the real binary: the operator token, clean failures, closed pipes. */
const BIN = join(packageRoot, 'bin', 'knooppunt.js');
const built = existsSync(join(packageRoot, 'dist', 'cli', 'main.js'));
const suite = built ? describe : describe.skip;

function cli(config: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args, '--config', config], { encoding: 'utf8', env: { ...process.env, KNOOPPUNT_CONFIG: '' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, err: r.stderr.split('\n').filter((l) => l && !l.startsWith('{')) };
}

/** Run `serve` until `until` matches its stderr or stdout, then SIGTERM; the output so far. */
function serveUntil(config: string, until: RegExp, deadlineMs = 60_000): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [BIN, 'serve', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let done = false;
    const finish = () => { if (!done) { done = true; p.kill('SIGTERM'); } };
    const timer = setTimeout(() => { finish(); reject(new Error(`serve: no ${until} within ${deadlineMs} ms:\n${stdout}\n${stderr}`)); }, deadlineMs);
    p.stdout.on('data', (c: Buffer) => { stdout += c.toString(); if (until.test(stdout + stderr)) finish(); });
    p.stderr.on('data', (c: Buffer) => { stderr += c.toString(); if (until.test(stdout + stderr)) finish(); });
    p.on('exit', (code) => { clearTimeout(timer); resolve({ stdout, stderr, code }); });
  });
}

suite('CLI as an operator meets it', () => {
  test('serve on an own configuration with a fresh database prints an operator token once, on stderr only', async () => {
    const config = writeTestConfig(testConfigObject('hub', { log: { level: 'info' } }));
    const first = await serveUntil(config, /"msg":"knooppunt started"[\s\S]*hub operator API token/);
    const token = /hub operator API token \(shown once; store it safely\): (kpt_\S+)/.exec(first.stderr)?.[1];
    expect(token).toBeDefined();
    expect(first.stdout).not.toContain(token!);
    expect(first.stdout).toContain('"audit":true');
    // stdout is not a terminal here: no plain-text banner anywhere, stdout holds only JSON lines.
    expect(`${first.stdout}${first.stderr}`).not.toContain('knooppunt is running');
    expect(first.stdout.split('\n').filter(Boolean).every((l) => l.startsWith('{'))).toBe(true);
    const list = cli(config, 'tokens', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/^ID\s+ORGANISATION\s+NAME\s+CREATED\s+LAST USED\s+REVOKED$/);
    const again = await serveUntil(config, /"msg":"knooppunt started"/);
    expect(again.stderr).not.toContain('hub operator API token');
  }, 120_000);

  test('unknown ids, a token revoked twice, enum options: one line, exit 1, no stack trace', () => {
    const config = writeTestConfig(testConfigObject());
    const created = cli(config, 'tokens', 'create', '--org', '00000099000000000001', '--name', 'x');
    expect(created.status).toBe(0);
    const id = /token (\S+) for/.exec(created.stderr)![1]!;
    expect(cli(config, 'tokens', 'revoke', id).status).toBe(0);
    const twice = cli(config, 'tokens', 'revoke', id);
    expect([twice.status, twice.err.length, twice.err[0]]).toEqual([1, 1, expect.stringMatching(new RegExp(`^ERR_CONFLICT: token ${id} was revoked already at `))]);
    const cases: [string[], string][] = [
      [['tokens', 'revoke', 'nope'], 'ERR_NOT_FOUND: no token nope'],
      [['messages', 'show', 'nope'], 'ERR_NOT_FOUND: no message nope'],
      [['cpa', 'show', 'nope'], 'ERR_CPA_NOT_FOUND: no CPA nope'],
      [['messages', 'list', '--status', 'BOGUS'], "error: option '--status <status>' argument 'BOGUS' is invalid. Allowed choices are PENDING, SENT, DELIVERED, FAILED, EXPIRED, RECEIVED, PROCESSED, REJECTED, QUARANTINED."],
      [['messages', 'list', '--limit', '-1'], "error: option '--limit <n>' argument '-1' is invalid. must be a whole number from 1 to 1000"],
      [['orgs', 'add', '--kind', 'bakker', '--code', '1', '--name', 'x'], "error: option '--kind <kind>' argument 'bakker' is invalid. Allowed choices are gemeente, zorgaanbieder, ketenpartner."],
    ];
    for (const [args, line] of cases) {
      const r = cli(config, ...args);
      expect([args.join(' '), r.status, r.err[0]]).toEqual([args.join(' '), 1, line]);
      expect(r.stderr).not.toMatch(/^\s+at /m);
    }
  });

  test('a port in use: one line with the KNOOPPUNT_LISTEN_* hint, exit 1', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const config = writeTestConfig(testConfigObject('hub', { listen: { portal: { host: '127.0.0.1', port }, ebms: { host: '127.0.0.1', port: 0 } } }));
      const r = spawnSync(process.execPath, [BIN, 'serve', '--config', config], { encoding: 'utf8', timeout: 60_000 });
      expect(r.status).toBe(1);
      expect(r.stderr.trim().split('\n')).toEqual([
        `error: address 127.0.0.1:${port} is already in use; stop the other process or choose another port (KNOOPPUNT_LISTEN_PORTAL_PORT, KNOOPPUNT_LISTEN_EBMS_PORT, or listen.* in the configuration)`,
      ]);
    } finally {
      blocker.close();
    }
  }, 90_000);

  test('a reader that closes the pipe early (| head): one line on stderr, exit 1', async () => {
    const config = writeTestConfig(testConfigObject());
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, [BIN, 'orgs', 'list', '--config', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      p.stdout.destroy();
      p.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
      p.on('exit', (code) => resolve({ code, stderr }));
    });
    expect([r.code, r.stderr]).toEqual([1, 'error: the output was closed before the end (EPIPE)\n']);
  }, 60_000);
});

describe('CLI help', () => {
  test('help texts are English and name no internal documents (seeds, issues, DK rule numbers)', () => {
    const program = new Command('knooppunt');
    for (const register of [registerServe, registerInit, registerConfig, registerOrgs, registerCpa, registerEbms, registerRoutes, registerUsers, registerValidate, registerDemo]) register(program);
    const texts: [string, string][] = [];
    const walk = (cmd: Command, path: string) => {
      texts.push([path, cmd.helpInformation()]);
      for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`.trim());
    };
    walk(program, '');
    expect(texts.length).toBeGreaterThan(25);
    const bad = /\bseed \d|\bissue \d|\bDK-\d|house style|\bbrief\b/i;
    expect(texts.filter(([, t]) => bad.test(t)).map(([c, t]) => `${c}: ${bad.exec(t)![0]}`)).toEqual([]);
  });
});
