import { randomUUID } from 'node:crypto';
import type { Delivery, MessageRecord } from '../../store/store.js';
import type { MshDeps } from '../msh/deps.js';
import type { MshEvents } from '../msh/events.js';
import { isRetryableStatus, TransportError, type EbmsClient, type PostResult } from '../transport/client.js';

/** Outcome of handing a synchronous HTTP response body to the MSH (a signal in the response, or nothing). */
export type SyncAnswer = 'Acknowledgment' | 'MessageError' | 'other' | 'none';

export interface WorkerOptions {
  /** Deliveries claimed per round. */
  batch?: number;
  /** Lease on a claimed delivery; longer than the client timeout. */
  leaseMs?: number;
  /** Upper bound of the idle poll (the outbox may be filled by another instance). */
  pollMs?: number;
}

/**
 * The outbox worker (ebMS 2.0 §6.4, DK-07..DK-11, DK-33): sends due deliveries, resends the identical message
 * every RetryInterval until its Acknowledgment arrives, at most Retries + 1 times and never after TimeToLive;
 * HTTP 5xx (503 explicitly) and connection errors are retried, 3xx/4xx are not; when it gives up, the message is
 * EXPIRED with a DeliveryFailure event for the application.
 */
export class DeliveryWorker {
  readonly #d: MshDeps;
  readonly #events: MshEvents;
  readonly #client: EbmsClient;
  readonly #onResponse: (msg: MessageRecord, res: PostResult) => Promise<SyncAnswer>;
  readonly #owner = randomUUID();
  readonly #batch: number;
  readonly #leaseMs: number;
  readonly #pollMs: number;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #again = false;
  #stopped = true;
  #inflight: Promise<void> = Promise.resolve();

  constructor(deps: MshDeps, events: MshEvents, client: EbmsClient, onResponse: (msg: MessageRecord, res: PostResult) => Promise<SyncAnswer>, opts: WorkerOptions = {}) {
    this.#d = deps;
    this.#events = events;
    this.#client = client;
    this.#onResponse = onResponse;
    this.#batch = opts.batch ?? 32;
    this.#leaseMs = opts.leaseMs ?? 120_000;
    this.#pollMs = opts.pollMs ?? 5_000;
  }

  /** Start sending; leases left by a previous, crashed process are released first. */
  start(): void {
    this.#stopped = false;
    this.#inflight = this.#d.store.outbox.releaseLeases()
      .then((n) => { if (n > 0) this.#d.logger.warn({ deliveries: n }, 'released deliveries leased by a previous process'); })
      .catch((err: unknown) => this.#d.logger.error({ err }, 'releasing leases failed'))
      .finally(() => this.wake());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inflight;
  }

  /** Run a round now (new work was queued). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#running) { this.#again = true; return; }
    clearTimeout(this.#timer);
    this.#inflight = this.#round();
  }

  async #round(): Promise<void> {
    this.#running = true;
    try {
      do {
        this.#again = false;
        const now = this.#d.now?.() ?? new Date();
        const due = await this.#d.store.outbox.claimDue(now, this.#batch, this.#owner, this.#leaseMs);
        await Promise.all(due.map((d) => this.#attempt(d).catch((err: unknown) => this.#d.logger.error({ err, messageId: d.messageId }, 'delivery attempt failed unexpectedly'))));
        if (due.length === this.#batch) this.#again = true;
      } while (this.#again && !this.#stopped);
    } finally {
      this.#running = false;
    }
    if (!this.#stopped) await this.#schedule();
  }

  async #schedule(): Promise<void> {
    const next = await this.#d.store.outbox.nextDueAt();
    const now = (this.#d.now?.() ?? new Date()).getTime();
    const wait = next ? Math.max(0, Math.min(this.#pollMs, new Date(next).getTime() - now)) : this.#pollMs;
    this.#timer = setTimeout(() => this.wake(), wait);
    this.#timer.unref();
  }

  async #attempt(d: Delivery): Promise<void> {
    const now = this.#d.now?.() ?? new Date();
    const at = now.toISOString();
    const msg = await this.#d.store.messages.get(d.messageId);
    if (!msg) return;
    const expired = d.expiresAt !== null && now.getTime() >= new Date(d.expiresAt).getTime();
    if (expired || d.attempts >= d.maxAttempts) {
      const reason = `DeliveryFailure: ${expired ? `TimeToLive ${d.expiresAt} passed` : `no Acknowledgment after ${d.attempts} attempt(s)`}${d.lastError ? ` (last: ${d.lastError})` : ''}`;
      // Only a message still waiting expires; one settled meanwhile (e.g. DELIVERED) just leaves the outbox.
      if (await this.#d.store.outbox.completeIf(msg.id, ['PENDING', 'SENT'], 'EXPIRED', [{ at, event: 'EXPIRED', detail: reason }])) {
        this.#d.logger.warn({ messageId: msg.messageId, cpaId: msg.cpaId, reason }, 'delivery given up');
        this.#events.emit('expired', msg, reason);
      }
      return;
    }
    const attempts = d.attempts + 1;
    const retry = async (error: string) => {
      this.#d.metrics.ebmsRequests.inc({ outcome: 'send_retry' });
      await this.#d.store.outbox.reschedule(msg.id, { attempts, nextAttemptAt: new Date(now.getTime() + d.retryIntervalMs).toISOString(), awaitingAck: d.awaitingAck, lastError: error });
      await this.#d.store.messages.addEvent(msg.id, { at, event: 'RETRY', detail: `attempt ${attempts}/${d.maxAttempts}: ${error}` });
      this.#events.emit('retry', msg, attempts, error);
    };
    let res: PostResult;
    try {
      res = await this.#client.post(d.endpoint, msg.raw, msg.contentType);
    } catch (e) {
      if (e instanceof TransportError) return retry(`${e.code}: ${e.message}`);
      throw e;
    }
    if (res.status < 200 || res.status >= 300) {
      if (isRetryableStatus(res.status)) return retry(`HTTP ${res.status}`);
      const reason = `HTTP ${res.status} from ${d.endpoint} (DK-33: 3xx/4xx are errors)`;
      if (await this.#d.store.outbox.completeIf(msg.id, ['PENDING', 'SENT'], 'FAILED', [{ at, event: 'FAILED', detail: reason }])) this.#events.emit('failed', msg, reason);
      return;
    }
    const answer = res.body.length > 0 ? await this.#onResponse(msg, res) : 'none';
    if (answer === 'Acknowledgment' || answer === 'MessageError') return; // the signal handler completed it
    const reliable = msg.kind === 'business' && d.maxAttempts > 1 && d.retryIntervalMs > 0 && msg.status !== 'DELIVERED';
    if (!reliable) {
      if (await this.#d.store.outbox.completeIf(msg.id, ['PENDING', 'SENT'], 'DELIVERED', [{ at, event: 'DELIVERED', detail: `HTTP ${res.status}` }, { at, event: 'SENT', detail: null }])) {
        this.#events.emit('delivered', msg);
      }
      return;
    }
    // Reliable: sent, now wait RetryInterval for the Acknowledgment, then send the identical message again.
    await this.#d.store.messages.setStatusIf(msg.id, ['PENDING'], 'SENT', { at, event: 'SENT', detail: `HTTP ${res.status}` });
    await this.#d.store.outbox.reschedule(msg.id, { attempts, nextAttemptAt: new Date(now.getTime() + d.retryIntervalMs).toISOString(), awaitingAck: true, lastError: null });
  }
}
