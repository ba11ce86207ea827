/**
 * `npm run bench`: every benchmark in ONE run, on loopback (127.0.0.1) with mutual TLS and keep-alive, so that
 * the ratios compare figures measured on the same machine at the same time (see bench/README.md). Prints a table
 * and writes .tmp/bench-results.json. Speed targets live here as ratios, never as timed assertions in tests.
 *
 *   BENCH_QUICK=1          smaller runs (a smoke test of the benchmark itself, figures not meaningful)
 *   BENCH_ONLY=micro,msh,hub,intake  run only these groups (e.g. under node --cpu-prof)
 *   BENCH_INTAKE_MB=1024   size of the generated ZIP for the intake group (default 16, QUICK 8)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { linkAssets } from './lib/assets.js';
import { assertClean, rate, runLoad, summarise, type LoadResult, type Summary } from './lib/load.js';
import { createWorld, type World } from './lib/world.js';
import { startFloor } from './e2e/floor.js';
import { hubRun, prepareDi01s, setupHub } from './e2e/hub.js';
import { intakeRun } from './e2e/intake.js';
import { mshPingRun, prepareMessages, preparePings, receiverRun, setupMsh, slice, type Prepared } from './e2e/msh.js';
import { run as cpaMicro } from './micro/cpa.js';
import { run as istandaardenMicro } from './micro/istandaarden.js';
import { run as securityMicro } from './micro/security.js';
import { run as xmlDepthMicro } from './micro/xml-depth.js';

const QUICK = process.env.BENCH_QUICK === '1';
const ONLY = new Set((process.env.BENCH_ONLY ?? 'micro,msh,hub,intake').split(',').map((x) => x.trim()));
const CONCURRENCY = 16;
type Kind = 'ping' | 'osb-rm' | 'osb-rm-s' | 'osb-rm-e';
/** Interleaved rounds of the MSH figures, pre-built messages per round and kind, and the time cap of each part. */
const ROUNDS = QUICK ? 1 : 3;
const SIZE = QUICK
  ? { warmup: 50, roundMs: 1_500, hubN: 100, hubSingle: 10, perRound: { ping: 300, 'osb-rm': 300, 'osb-rm-s': 150, 'osb-rm-e': 150 } }
  : { warmup: 300, roundMs: 2_500, hubN: 600, hubSingle: 50, perRound: { ping: 2500, 'osb-rm': 2000, 'osb-rm-s': 600, 'osb-rm-e': 500 } };

type Row = { name: string; value: string; note: string };
const rows: Row[] = [];
const results: Record<string, number | string> = {};
const f = (n: number, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const log = (s: string) => process.stderr.write(`[bench] ${s}\n`);

function record(key: string, s: Summary | { count: number; perSecond: number; p50: number; p99: number }, note: string): void {
  results[`${key}.per_s`] = Number(s.perSecond.toFixed(1));
  results[`${key}.p50_ms`] = Number(s.p50.toFixed(2));
  results[`${key}.p99_ms`] = Number(s.p99.toFixed(2));
  results[`${key}.count`] = s.count;
  rows.push({ name: key, value: `${f(s.perSecond)}/s  p50 ${f(s.p50, 2)} ms  p99 ${f(s.p99, 2)} ms`, note: `${s.count} msgs; ${note}` });
}

async function main(): Promise<void> {
  const repo = linkAssets();
  const t0 = performance.now();
  results['machine.cpus'] = availableParallelism();
  results['machine.cpu'] = cpus()[0]?.model ?? 'unknown';
  results['machine.memory_gb'] = Math.round(totalmem() / 2 ** 30);
  results['machine.node'] = process.version;
  results['run.quick'] = QUICK ? 1 : 0;

  // 1. Micro benchmarks first, while nothing else runs.
  if (ONLY.has('micro')) log('micro: security, cpa, istandaarden, xml-depth');
  for (const [group, fn] of ONLY.has('micro') ? [['security', securityMicro], ['cpa', cpaMicro], ['istandaarden', istandaardenMicro], ['xml-depth', xmlDepthMicro]] as const : []) {
    const r = await fn();
    for (const [k, v] of Object.entries(r)) {
      results[k] = v;
      rows.push({ name: k, value: k.endsWith('bytes') ? String(v) : k.endsWith('ratio') ? `${f(v, 2)}×` : `${f(v, 3)} ms`, note: `micro (${group})` });
    }
  }

  const world = createWorld();
  try {
    if (ONLY.has('msh')) await mshGroup(world);
    if (ONLY.has('hub')) await hubGroup(world);
    if (ONLY.has('intake')) await intakeGroup(world, repo);
  } finally {
    await world.close();
  }
  results['run.seconds'] = Number(((performance.now() - t0) / 1000).toFixed(1));
  report(repo);
}

/** MSH: hub (mode adapter) and gemeente adapter, in process; the load generator in a worker thread. */
async function mshGroup(world: World): Promise<void> {
  log('msh: setting up two knooppunten, CPAs osb-rm / osb-rm-s / osb-rm-e (mshSignalsOnly), Ping Pong');
  const msh = await setupMsh(world);
  const gemCpa = (await msh.gemeente.msh.deps.cpas.require(msh.cpas['osb-rm'])).cpa;
  const perRound = SIZE.perRound;
  const built: Record<Kind, { warm: Prepared; msgs: Prepared }> = {} as never;
  for (const profile of ['osb-rm', 'osb-rm-s', 'osb-rm-e'] as const) {
    log(`msh: pre-building ${SIZE.warmup + perRound[profile] * ROUNDS} ${profile} messages`);
    const b0 = performance.now();
    built[profile] = { warm: await prepareMessages(msh.gemeente, msh.cpas[profile], SIZE.warmup), msgs: await prepareMessages(msh.gemeente, msh.cpas[profile], perRound[profile] * ROUNDS) };
    results[`${profile}.prepare_ms`] = Number(((performance.now() - b0) / (SIZE.warmup + perRound[profile] * ROUNDS)).toFixed(3));
    results[`${profile}.wire_bytes`] = built[profile].msgs.bytes;
  }
  built.ping = { warm: preparePings(msh.gemeente, msh.cpas['osb-rm'], SIZE.warmup, gemCpa), msgs: preparePings(msh.gemeente, msh.cpas['osb-rm'], perRound.ping * ROUNDS, gemCpa) };
  const fl = await startFloor(world.dir, { server: { cert: world.pem('hub', 'server', 'cert'), key: world.pem('hub', 'server', 'key') }, ca: [world.caPem] });
  const runs: Record<Kind | 'floor', LoadResult[]> = { floor: [], ping: [], 'osb-rm': [], 'osb-rm-s': [], 'osb-rm-e': [] };
  const none = { bodies: [], contentTypes: [], messageIds: [], conversationIds: [], bytes: 0 };
  const size = { maxMs: SIZE.roundMs, concurrency: CONCURRENCY };
  try {
    // Interleaved rounds (floor, Ping, osb-rm, osb-rm-s, osb-rm-e; again): a machine whose speed drifts during the
    // run (other load, disk) affects the floor and the MSH alike, so the ratios stay meaningful.
    for (let round = 0; round < ROUNDS; round++) {
      log(`msh: round ${round + 1}/${ROUNDS}: floor, ping, osb-rm, osb-rm-s, osb-rm-e`);
      const warm = (k: Kind) => (round === 0 ? built[k].warm : none);
      const part = (k: Kind) => slice(built[k].msgs, round * perRound[k], (round + 1) * perRound[k]);
      const floorRun = await runLoad({
        url: fl.url, tls: msh.clientTls, concurrency: CONCURRENCY, maxMs: SIZE.roundMs, expect: { status: 204 },
        bodies: built['osb-rm'].msgs.bodies, contentTypes: built['osb-rm'].msgs.contentTypes, warmup: warm('osb-rm'), // the same bytes as osb-rm
      });
      assertClean('floor', floorRun);
      runs.floor.push(floorRun);
      runs.ping.push(await receiverRun(msh, 'ping', warm('ping'), part('ping'), size, 'Pong'));
      for (const k of ['osb-rm', 'osb-rm-s', 'osb-rm-e'] as const) runs[k].push(await receiverRun(msh, k, warm(k), part(k), size, 'Acknowledgment'));
    }
  } finally {
    await fl.close();
  }
  const floorSummary = summarise(runs.floor);
  record('floor', floorSummary, 'bare HTTPS mTLS POST (osb-rm bytes) + 1 SQLite insert, 204');
  const notes: Record<Kind, string> = {
    ping: 'sync Ping → Pong, both persisted', 'osb-rm': `${built['osb-rm'].msgs.bytes} B; persist + sync Ack`,
    'osb-rm-s': `${built['osb-rm-s'].msgs.bytes} B; + verify, signed sync Ack`, 'osb-rm-e': `${built['osb-rm-e'].msgs.bytes} B; + decrypt, verify, signed sync Ack`,
  };
  const kinds: Kind[] = ['ping', 'osb-rm', 'osb-rm-s', 'osb-rm-e'];
  for (const k of kinds) record(k, summarise(runs[k]), notes[k]);
  for (const k of kinds) {
    const ratio = summarise(runs[k]).perSecond / floorSummary.perSecond;
    const perRoundRatios = runs[k].map((r, i) => rate(r) / rate(runs.floor[i]!));
    results[`ratio.${k}/floor`] = Number(ratio.toFixed(3));
    const spread = ROUNDS > 1 ? `rounds ${perRoundRatios.map((x) => `${(x * 100).toFixed(0)}`).join('/')} %` : '';
    const target = k === 'osb-rm' ? `; target ≥ 50 %: ${ratio >= 0.5 ? 'met' : 'NOT met'}` : '';
    rows.push({ name: `ratio ${k} / floor`, value: `${(ratio * 100).toFixed(0)} %`, note: `${spread}${target}` });
  }
  log('msh.ping: Msh.ping round trips between the two in-process knooppunten');
  const mp = await mshPingRun(msh, msh.cpas['osb-rm'], QUICK ? 1_000 : 3_000, CONCURRENCY);
  record('msh.ping', mp, 'Msh.ping() gemeente → hub; both MSHs on this event loop');
  await world.stopAll();
}

/** Hub path: gemeente → hub (mode hub) → partner, osb-rm-s on both hops. */
async function hubGroup(world: World): Promise<void> {
  log('hub path: three knooppunten, organisations, CPAs, chain partner route');
  const hs = await setupHub(world);
  const warm = await prepareDi01s(hs, Math.min(SIZE.warmup, 100));
  const msgs = await prepareDi01s(hs, SIZE.hubN);
  const single = await prepareDi01s(hs, SIZE.hubSingle);
  results['hub.wire_bytes'] = msgs.bytes;
  log(`hub path: ${msgs.bodies.length} Di01/JW301 messages, ${CONCURRENCY} in flight`);
  const hr = await hubRun(hs, warm, msgs, CONCURRENCY, 60_000);
  record('hub.jw301', hr, `${msgs.bytes} B Di01/JW301 gemeente → hub → partner stored, ${CONCURRENCY} in flight (burst: latency includes the queue); hub Ack p99 ${f(hr.ackP99, 1)} ms`);
  results['hub.jw301.ack_p99_ms'] = Number(hr.ackP99.toFixed(2));
  log(`hub path: ${single.bodies.length} messages one at a time`);
  const h1 = await hubRun(hs, slice(warm, 0, 0), single, 1, 30_000);
  record('hub.jw301.single', h1, 'the same with 1 in flight on the first hop: end-to-end latency without a backlog');
  await world.stopAll();
}

/** ZIP intake: a generated ZIP uploaded to a hub running as its own process; its peak RSS and entries/s. */
async function intakeGroup(world: World, repo: string): Promise<void> {
  const mb = Number(process.env.BENCH_INTAKE_MB ?? (QUICK ? 8 : 16));
  const r = await intakeRun(world, repo, { targetBytes: mb * 1048576, entryBytes: 48 * 1024, timeoutMs: 4 * 3_600_000, log });
  for (const [k, v] of Object.entries(r)) results[`intake.${k}`] = typeof v === 'number' ? Number(v.toFixed(2)) : v;
  rows.push({ name: 'intake.peak_rss', value: `${f(r.peakRssMb)} MB`, note: `server process (idle ${f(r.idleRssMb)} MB) while a ${f(r.zipBytes / 1048576)} MB ZIP was uploaded and processed; target < 256 MB` });
  rows.push({ name: 'intake.entries', value: `${f(r.perSecond)}/s`, note: `${r.entries} entries of ≈ 48 KB in ${f(r.processSeconds)} s → ${r.status}, ${r.refused} refused; upload ${f(r.uploadMBps)} MB/s` });
  await world.stopAll();
}

function report(repo: string): void {
  const w = Math.max(...rows.map((r) => r.name.length));
  const v = Math.max(...rows.map((r) => r.value.length));
  const lines = [`knooppunt bench — ${results['machine.cpus']} CPUs (${results['machine.cpu']}), Node ${process.version}, concurrency ${CONCURRENCY}${QUICK ? ', QUICK' : ''}`, ''];
  for (const r of rows) lines.push(`${r.name.padEnd(w)}  ${r.value.padEnd(v)}  ${r.note}`);
  lines.push('', `total ${results['run.seconds']} s`);
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(join(repo, '.tmp'), { recursive: true });
  writeFileSync(join(repo, '.tmp', 'bench-results.json'), `${JSON.stringify({ at: new Date().toISOString(), results, table: lines }, null, 2)}\n`);
  log(`results written to ${join(repo, '.tmp', 'bench-results.json')}`);
}

main().then(() => process.exit(0), (err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
