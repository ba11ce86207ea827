/**
 * A small pool of worker threads for the hub's preflight (issue 9: "no single message can hold the event loop for
 * long"). Within the XML limits a maximal message (≈10 MB, 1M payload elements) takes seconds of synchronous
 * parsing and validation; run inline that would stall /healthz, the ebMS listener and the SIGTERM grace timer.
 * The hub sends messages of at least `processing.workerThresholdBytes` here (small ones stay inline: a worker
 * round trip costs more than their parse). Each task gets `processing.budgetMs`: a worker that overruns it is
 * terminated (`worker.terminate()`) and the task fails with PreflightOverrunError, which the PoisonGuard counts as
 * a failed attempt (QUARANTINED after `processing.maxAttempts`). Only plain data crosses the thread boundary.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { packageRoot } from '../paths.js';
import { xmlLimits } from '../xml-limits.js';
import type { PreflightResult } from './preflight.js';
import { fromPlain, type PlainPreflightResult } from './preflight-plain.js';

export class PreflightOverrunError extends Error {
  constructor(budgetMs: number) {
    super(`preflight overran processing.budgetMs ${budgetMs} ms; worker terminated`);
    this.name = 'PreflightOverrunError';
  }
}

export interface PreflightPoolOptions {
  /** Most worker threads at once (further tasks wait in line). */
  size: number;
  /** Per task, from the moment a worker starts it. */
  budgetMs: number;
}

type Reply = { id: number; result?: PlainPreflightResult; error?: { name: string; message: string } };
interface Task { id: number; content: Buffer; resolve: (r: PreflightResult) => void; reject: (e: Error) => void }

/** The compiled worker next to this module; under the test runner (TypeScript sources) the built one in dist/. */
function workerScript(): URL {
  const here = new URL('./preflight-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(here))) return here;
  return pathToFileURL(join(packageRoot, 'dist', 'routing', 'preflight-worker.js'));
}

export class PreflightPool {
  readonly #o: PreflightPoolOptions;
  readonly #idle: Worker[] = [];
  readonly #queue: Task[] = [];
  #busy = 0;
  #next = 1;
  #closed = false;
  /** Workers terminated for overrunning their budget (observable for tests and metrics). */
  terminated = 0;

  constructor(options: PreflightPoolOptions) {
    this.#o = options;
  }

  run(content: Buffer): Promise<PreflightResult> {
    if (this.#closed) return Promise.reject(new Error('preflight pool closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#next++, content, resolve, reject });
      this.#pump();
    });
  }

  /** Terminates every worker; queued tasks fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#queue.splice(0)) t.reject(new Error('preflight pool closed'));
    await Promise.all(this.#idle.splice(0).map((w) => w.terminate()));
  }

  #pump(): void {
    while (this.#queue.length > 0 && (this.#idle.length > 0 || this.#busy < this.#o.size)) {
      const task = this.#queue.shift()!;
      const worker = this.#idle.pop() ?? this.#spawn();
      this.#busy++;
      this.#start(worker, task);
    }
  }

  #spawn(): Worker {
    const w = new Worker(workerScript(), { workerData: { xmlLimits: { ...xmlLimits() } } });
    w.unref();
    return w;
  }

  #start(worker: Worker, task: Task): void {
    let settled = false;
    const finish = (reuse: boolean): void => {
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      this.#busy--;
      if (reuse && !this.#closed) this.#idle.push(worker);
      else void worker.terminate();
      this.#pump();
    };
    const onMessage = (reply: Reply): void => {
      if (settled || reply.id !== task.id) return;
      finish(true);
      if (reply.result) task.resolve(fromPlain(reply.result));
      else task.reject(Object.assign(new Error(reply.error?.message ?? 'preflight failed'), { name: reply.error?.name ?? 'Error' }));
    };
    const onError = (err: Error): void => { if (!settled) { finish(false); task.reject(err); } };
    const onExit = (code: number): void => { if (!settled) { finish(false); task.reject(new Error(`preflight worker exited with code ${code}`)); } };
    const timer = setTimeout(() => {
      if (settled) return;
      this.terminated++;
      finish(false);
      task.reject(new PreflightOverrunError(this.#o.budgetMs));
    }, this.#o.budgetMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ id: task.id, content: task.content });
  }
}
