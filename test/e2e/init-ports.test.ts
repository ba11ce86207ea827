import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPayloads, di01 } from '../../src/demo/messages.js';
import { BIN, built, waitFor } from './harness.js';

/**
 * Issue 10, Done when: "A hub and an adapter started with `init --ports` and activated by one Ping from the gemeente
 * side exchange a signed message" — everything through the real binary, as a new user would type it.
 */
const e2e = built ? describe : describe.skip;
const GEMEENTE_OIN = '00000099000000036300';
const HUB_OIN = '00000099000000000001';
const DI01 = 'envelopHeenbericht-ggk_Di01';

/**
 * A port p on 127.0.0.1 with p + 1 free too (a moment ago), below the ephemeral range (32768–60999 on Linux) so that
 * no other test's listen(0) or outgoing connection takes it between here and `serve`.
 */
async function freeBase(): Promise<number> {
  const tryListen = (port: number) => new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  for (;;) {
    const p = 20_000 + 2 * Math.floor(Math.random() * 6000);
    if ((await tryListen(p)) && (await tryListen(p + 1))) return p;
  }
}

function kp(dir: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, KNOOPPUNT_CONFIG: '', KNOOPPUNT_LOG_LEVEL: 'warn' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(r: ReturnType<typeof kp>): string {
  if (r.status !== 0) throw new Error(`exit ${r.status}: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

interface Msg { id: string; messageId: string; status: string; action: string; direction: string; events: { event: string; detail: string | null }[] }

e2e('e2e: hub and adapter from `init --ports`, activated by one Ping from the gemeente', () => {
  const root = mkdtempSync(join(tmpdir(), 'kp-e2e-init-'));
  const hubDir = join(root, 'hub');
  const gemDir = join(root, 'gemeente');
  const procs: ChildProcess[] = [];
  const logs: string[] = [];
  let hubBase = 0;
  let gemBase = 0;

  async function serve(dir: string, base: number): Promise<void> {
    const p = spawn(process.execPath, [BIN, 'serve'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KNOOPPUNT_CONFIG: '' } });
    procs.push(p);
    p.stdout!.on('data', (c: Buffer) => logs.push(c.toString()));
    p.stderr!.on('data', (c: Buffer) => logs.push(c.toString()));
    await waitFor(`${dir} healthz`, async () => {
      if (p.exitCode !== null) throw new Error(`serve exited ${p.exitCode}: ${logs.join('')}`);
      try { return (await fetch(`http://127.0.0.1:${base}/healthz`)).status === 200; } catch { return false; }
    }, 30_000);
  }

  beforeAll(async () => {
    hubBase = await freeBase();
    gemBase = await freeBase();
    while (Math.abs(gemBase - hubBase) < 2) gemBase = await freeBase();
    expect(ok(kp(root, 'init', '--ports', String(hubBase), '--dir', hubDir))).toMatch(/^created .*knooppunt\.config\.json \(mode hub, party hub, OIN 00000099000000000001, portal port \d+, ebMS port \d+\); dev PKI created in certs-dev\/\n$/);
    expect(ok(kp(root, 'init', '--mode', 'adapter', '--party', 'gemeente-0363', '--ports', String(gemBase), '--dir', gemDir, '--pki', join(hubDir, 'certs-dev'))))
      .toContain(`(mode adapter, party gemeente-0363, OIN ${GEMEENTE_OIN}, portal port ${gemBase}, ebMS port ${gemBase + 1}); dev PKI kept in`);
    await Promise.all([serve(hubDir, hubBase), serve(gemDir, gemBase)]);
  }, 90_000);
  afterAll(async () => {
    await Promise.all(procs.map((p) => new Promise<void>((r) => { if (p.exitCode !== null) { r(); return; } p.once('exit', () => r()); p.kill('SIGTERM'); })));
  });

  test('the hub endpoints follow the ebMS port chosen with --ports', () => {
    const cfg = JSON.parse(ok(kp(hubDir, 'config'))) as { mode: string; hub: { endpoints: Record<string, string> }; listen: { ebms: { port: number } } };
    expect(cfg.mode).toBe('hub');
    expect(cfg.listen.ebms.port).toBe(hubBase + 1);
    expect(cfg.hub.endpoints).toEqual({ diginetwerk: `https://localhost:${hubBase + 1}/ebms`, internet: `https://localhost:${hubBase + 1}/ebms` });
  });

  test('one Ping from the gemeente activates both copies; then a signed message goes each way', async () => {
    const pki = join(hubDir, 'certs-dev', 'gemeente-0363');
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const cpaFile = join(root, 'cpa.xml');
    const gen = kp(hubDir, 'cpa', 'generate', '--store', '--profielnaam', 'Amsterdam iJw', '--oin', GEMEENTE_OIN, '--ingangsdatum', day(-1), '--einddatum', day(30),
      '--connectietype', 'internet', '--endpoint', `https://localhost:${gemBase + 1}/ebms`, '--server-cert', join(pki, 'server.crt.pem'),
      '--client-cert', join(pki, 'client.crt.pem'), '--signing-cert', join(pki, 'signing.crt.pem'), '--retry-interval', 'PT2S', '--retries', '5', '--out', cpaFile);
    expect(gen.status).toBe(0);
    const cpaId = /wrote CPA (\S+) to/.exec(gen.stderr)![1]!;
    expect(readFileSync(cpaFile, 'utf8')).toContain(`https://localhost:${hubBase + 1}/ebms`);
    expect(ok(kp(gemDir, 'cpa', 'import', cpaFile))).toBe(`imported CPA ${cpaId} (status gegenereerd, party ${HUB_OIN})\n`);

    const ping = ok(kp(gemDir, 'ping', '--cpa', cpaId)).split('\n');
    expect(ping[1]).toBe(`this side:  CPA ${cpaId} is geactiveerd (activated by this Ping Pong)`);
    const hubShow = ok(kp(hubDir, 'cpa', 'show', cpaId)).split('\n');
    expect(hubShow[1]).toBe('status:        geactiveerd' + hubShow[1]!.slice('status:        geactiveerd'.length));
    expect(hubShow[2]).toMatch(/^this side: {5}geactiveerd \S+ by the other party's Ping, answered with our Pong$/);

    const payload = join(root, 'bericht.xml');
    const parties = { zender: { organisatie: '0363', applicatie: 'E2E' }, ontvanger: { organisatie: '87654321', applicatie: 'GGk' } };
    writeFileSync(payload, di01('JW301', parties, demoPayloads({ gemeentecode: '0363', andereGemeentecode: '0518', agb: '87654321', today: new Date() }).toewijzing).xml);
    const queued = /^queued (\S+) \(id (\S+), conversation \S+\)\n$/.exec(ok(kp(gemDir, 'send', '--cpa', cpaId, '--action', DI01, '--payload', payload)))!;
    const [, messageId, id] = queued;
    const show = (dir: string, ref: string) => JSON.parse(ok(kp(dir, 'messages', 'show', ref))) as Msg;
    const sent = await waitFor('DELIVERED at the gemeente', async () => { const m = show(gemDir, id!); return m.status === 'DELIVERED' ? m : null; }, 60_000, 500);
    expect(sent.events.map((e) => e.event)).toContain('DELIVERED');
    // The hub received it signed (osb-rm-s, the default profile) and acknowledged it with a signed Acknowledgment.
    const raw = ok(kp(hubDir, 'messages', 'show', messageId!, '--raw'));
    expect(raw).toContain('<ds:Signature');
    // The hub's answer (a Fo01: no organisations are registered at this hub) comes back signed over the same CPA.
    const fo01 = await waitFor('a Fo01 at the gemeente', async () => {
      const list = JSON.parse(ok(kp(gemDir, 'messages', 'list', '--direction', 'in', '--json'))) as Msg[];
      return list.find((m) => m.action === 'Fo01Bericht') ?? null;
    }, 60_000, 500);
    expect(ok(kp(gemDir, 'messages', 'show', fo01.messageId, '--raw'))).toContain('<ds:Signature');
  }, 180_000);
});
