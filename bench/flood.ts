/**
 * Connection-flood benchmark for the ebMS listener (issue 9 item 4): RSS of a real `knooppunt serve` process before
 * and after floods of connections that never present a certificate, on loopback only.
 *
 *   npm run bench:flood                           one flood of 10,000 connections
 *   FLOOD_N=10000 FLOOD_ROUNDS=5 npm run bench:flood
 *   MALLOC_ARENA_MAX=2 npm run bench:flood        (passed on to the server process)
 *
 * FLOOD_SHAPE=churn (default): each flood opens FLOOD_N connections, FLOOD_CONCURRENCY at a time, alternating a bare
 * TCP connection closed at once and a TLS handshake without a client certificate (refused by the server).
 * FLOOD_SHAPE=hold: each flood opens FLOOD_N TCP connections that send nothing and keeps them all open (what a
 * peer without a certificate can do), then closes them together.
 * The figure is a ratio: RSS after the floods (after FLOOD_SETTLE_MS of quiet) over RSS before; the target is
 * ≤ 1.5. It also counts the server's log lines during the floods and checks that /healthz answers afterwards.
 * Nothing here is a test assertion (bench/README.md).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { generateDevPki } from '../src/pki/dev-pki.js';

const N = Number(process.env.FLOOD_N ?? 10_000);
const ROUNDS = Number(process.env.FLOOD_ROUNDS ?? 1);
const CONCURRENCY = Number(process.env.FLOOD_CONCURRENCY ?? 200);
const SHAPE = process.env.FLOOD_SHAPE ?? 'churn';
const SETTLE_MS = Number(process.env.FLOOD_SETTLE_MS ?? 20_000);
const BIN = join(process.cwd(), 'bin', 'knooppunt.js');
const log = (s: string) => process.stderr.write(`[flood] ${s}\n`);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One connection of the flood; resolves when it is closed, whatever happened. */
function oneConnection(port: number, tls: boolean, ca: string): Promise<void> {
  return new Promise((resolve) => {
    const done = () => resolve();
    if (tls) {
      const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca, rejectUnauthorized: false });
      s.on('error', () => {});
      s.on('close', done);
      s.setTimeout(15_000, () => s.destroy());
    } else {
      const s = tcpConnect(port, '127.0.0.1');
      s.on('error', () => {});
      s.on('connect', () => s.end());
      s.on('close', done);
      s.setTimeout(15_000, () => s.destroy());
    }
  });
}

/** Opens N silent TCP connections, holds them until every one is open or closed by the server, then closes all. */
async function hold(port: number): Promise<number> {
  const t0 = Date.now();
  const sockets: ReturnType<typeof tcpConnect>[] = [];
  let next = 0;
  const worker = async () => {
    while (next < N) {
      next++;
      await new Promise<void>((resolve) => {
        const s = tcpConnect(port, '127.0.0.1');
        sockets.push(s);
        s.on('error', () => {});
        s.on('connect', () => resolve());
        s.on('close', () => resolve());
      });
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  await sleep(2_000);
  const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
  log(`hold: ${open} of ${N} connections still open after 2 s`);
  await Promise.all(sockets.map((s) => new Promise<void>((resolve) => { if (s.destroyed) resolve(); else { s.on('close', () => resolve()); s.destroy(); } })));
  return Date.now() - t0;
}

async function flood(port: number, ca: string): Promise<number> {
  if (SHAPE === 'hold') return hold(port);
  const t0 = Date.now();
  let next = 0;
  const worker = async () => { while (next < N) { const i = next++; await oneConnection(port, i % 2 === 1, ca); } };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return Date.now() - t0;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-flood-'));
  const { files } = generateDevPki(join(dir, 'pki'));
  const hub = files.parties.hub!;
  const [portalPort, ebmsPort] = [await freePort(), await freePort()];
  const configFile = join(dir, 'knooppunt.config.json');
  writeFileSync(configFile, JSON.stringify({
    hub: { name: 'Flood hub', oin: hub.oin, endpoints: { diginetwerk: `https://localhost:${ebmsPort}/ebms`, internet: `https://localhost:${ebmsPort}/ebms` } },
    tls: { server: hub.server, client: hub.client, signing: hub.signing, trustAnchors: [files.caCert] },
    listen: { portal: { host: '127.0.0.1', port: portalPort }, ebms: { host: '127.0.0.1', port: ebmsPort } },
    store: { path: join(dir, 'knooppunt.db') }, dataDir: join(dir, 'data'), log: { level: 'info' },
  }));
  const proc = spawn(process.execPath, [BIN, 'serve', '--config', configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KNOOPPUNT_CONFIG: '' } });
  let lines = 0;
  let counting = false;
  const count = (c: Buffer) => { if (counting) lines += c.toString().split('\n').filter((l) => l.trim() !== '').length; };
  proc.stdout!.on('data', count);
  proc.stderr!.on('data', count);
  const healthz = async () => { try { return (await fetch(`http://127.0.0.1:${portalPort}/healthz`)).status; } catch { return 0; } };
  for (let i = 0; (await healthz()) !== 200; i++) { if (i > 300) throw new Error('server did not start'); await sleep(100); }
  await sleep(3_000);
  const before = rssMb(proc.pid!);
  log(`server pid ${proc.pid}, MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '(unset)'}; RSS before: ${before.toFixed(1)} MB`);
  const ca = readFileSync(files.caCert, 'utf8');
  let peak = before;
  counting = true;
  for (let r = 1; r <= ROUNDS; r++) {
    const sampler = setInterval(() => { peak = Math.max(peak, rssMb(proc.pid!)); }, 200);
    const ms = await flood(ebmsPort, ca);
    clearInterval(sampler);
    peak = Math.max(peak, rssMb(proc.pid!));
    log(`flood ${r}/${ROUNDS}: ${N} connections in ${ms} ms; RSS now ${rssMb(proc.pid!).toFixed(1)} MB`);
  }
  counting = false;
  const samples: number[] = [];
  for (let t = 0; t < SETTLE_MS; t += 1_000) { await sleep(1_000); samples.push(rssMb(proc.pid!)); }
  const after = samples[samples.length - 1]!;
  const health = await healthz();
  proc.kill('SIGTERM');
  const result = {
    shape: SHAPE, connections: N * ROUNDS, rounds: ROUNDS, concurrency: CONCURRENCY, mallocArenaMax: process.env.MALLOC_ARENA_MAX ?? null,
    rssBeforeMb: Number(before.toFixed(1)), rssPeakMb: Number(peak.toFixed(1)), rssAfterMb: Number(after.toFixed(1)),
    afterOverBefore: Number((after / before).toFixed(2)), logLinesDuringFloods: lines, healthzAfter: health,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((e: unknown) => { process.stderr.write(`${String(e)}\n`); process.exit(1); });
