/**
 * Load generator, run in a worker thread (bench/lib/load.ts) so that the client's TLS and HTTP work runs on its
 * own event loop, not on the one of the server under test. POSTs pre-built bodies with a fixed number of requests
 * in flight over EbmsClient (the MSH's own HTTPS client: mutual TLS, keep-alive), first a warm-up set, then the
 * measured set; answers every request's latency and start time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { EbmsClient } from '../../src/ebms/transport/client.js';
import type { LoadJob, LoadResult } from './load.js';

const job = workerData as LoadJob;
const client = new EbmsClient({ cert: job.tls.cert, key: job.tls.key, ca: job.tls.ca }, { timeoutMs: 60_000 });
const wallClock = () => performance.timeOrigin + performance.now();

async function drive(bodies: Uint8Array[], types: string[], measure: LoadResult | null, deadline: number): Promise<void> {
  let next = 0;
  const one = async (): Promise<void> => {
    for (;;) {
      const i = next++;
      if (i >= bodies.length || (measure && performance.now() > deadline)) return;
      const t0 = performance.now();
      if (measure) measure.starts[i] = wallClock();
      let ok = false;
      let detail = '';
      try {
        const res = await client.post(job.url, Buffer.from(bodies[i]!.buffer, bodies[i]!.byteOffset, bodies[i]!.byteLength), types[i]!);
        const text = job.expect.bodyIncludes || job.expect.bodyExcludes ? res.body.toString('utf8') : '';
        ok = res.status === job.expect.status
          && (!job.expect.bodyIncludes || text.includes(job.expect.bodyIncludes))
          && (!job.expect.bodyExcludes || !text.includes(job.expect.bodyExcludes));
        if (!ok) detail = `HTTP ${res.status} ${res.body.toString('utf8').slice(0, 600)}`;
      } catch (e) {
        detail = (e as Error).message;
      }
      if (!measure) continue;
      measure.latencies[i] = performance.now() - t0;
      measure.done++;
      if (ok) measure.ok++;
      else { measure.errors++; measure.firstError ??= detail; }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, one));
}

const result: LoadResult = {
  done: 0, ok: 0, errors: 0, firstError: null, startedAt: 0, endedAt: 0,
  latencies: new Array<number>(job.bodies.length).fill(NaN), starts: new Array<number>(job.bodies.length).fill(NaN),
};
await drive(job.warmup.bodies, job.warmup.contentTypes, null, Infinity);
result.startedAt = wallClock();
await drive(job.bodies, job.contentTypes, result, performance.now() + job.maxMs);
result.endedAt = wallClock();
client.close();
parentPort!.postMessage(result);
