import { Worker } from 'node:worker_threads';

/** One load run: pre-built request bodies POSTed to `url` with `concurrency` requests in flight. */
export interface LoadJob {
  url: string;
  tls: { cert: string; key: string; ca: string[] };
  bodies: Uint8Array[];
  contentTypes: string[];
  /** Sent first, not measured (JIT, TLS sessions, SQLite page cache). */
  warmup: { bodies: Uint8Array[]; contentTypes: string[] };
  concurrency: number;
  /** Stop starting new requests after this many ms of the measured part. */
  maxMs: number;
  /** What counts as a good answer. */
  expect: { status: number; bodyIncludes?: string; bodyExcludes?: string };
}

export interface LoadResult {
  done: number;
  ok: number;
  errors: number;
  firstError: string | null;
  /** Wall-clock ms (performance.timeOrigin + now(), comparable between threads) of the measured part. */
  startedAt: number;
  endedAt: number;
  /** Per body index: latency ms and start wall-clock ms (NaN when not sent before the deadline). */
  latencies: number[];
  starts: number[];
}

export interface Summary {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Run `job` in a worker thread (bench/lib/load-worker.ts) and wait for its result. */
export function runLoad(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
    let answered = false;
    w.once('message', (r: LoadResult) => { answered = true; resolve(r); });
    w.once('error', reject);
    w.once('exit', (code) => { if (!answered) reject(new Error(`load worker exited with ${code} before answering`)); });
  });
}

/** Nearest-rank percentile of the finite values. */
export function percentile(values: number[], p: number): number {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))]!;
}

/** One summary of several runs (interleaved rounds): requests over the sum of their measured times. */
export function summarise(runs: LoadResult | LoadResult[]): Summary {
  const rs = Array.isArray(runs) ? runs : [runs];
  const seconds = rs.reduce((s, r) => s + (r.endedAt - r.startedAt) / 1000, 0);
  const count = rs.reduce((n, r) => n + r.done, 0);
  const latencies = rs.flatMap((r) => r.latencies);
  return { count, errors: rs.reduce((n, r) => n + r.errors, 0), seconds, perSecond: count / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** Requests per second of one run. */
export const rate = (r: LoadResult): number => r.done / ((r.endedAt - r.startedAt) / 1000);

/** Throw when a run had failures: a benchmark of refused messages measures the wrong thing. */
export function assertClean(name: string, r: LoadResult): void {
  if (r.errors > 0) throw new Error(`${name}: ${r.errors} of ${r.done} requests failed; first: ${r.firstError}`);
}
