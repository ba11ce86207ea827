/**
 * Poison messages (issue 9): the hub processes every accepted inbound message, and one whose processing throws or
 * overruns its budget must neither block the rest nor come back forever. Each attempt is counted durably BEFORE
 * it starts (so an attempt that froze or crashed the process counts too); past `maxAttempts` the message is set
 * aside as QUARANTINED with its reason (CLI `messages list --status QUARANTINED`, `messages show`, the API, the
 * metric `knooppunt_messages_quarantined`), answered with a Fo01 where the protocol allows, and catch-up skips it.
 * An operator may release it (`knooppunt messages release ID`): it is processed again at the next catch-up.
 */
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { MessageRecord, Store } from '../store/store.js';
import { StufError } from '../stuf/errors.js';
import { buildFo01 } from '../stuf/fo01.js';
import { FO01_ELEMENT } from '../stuf/model.js';
import { peekStuurgegevens } from '../stuf/peek.js';
import type { HubIdentity, StufSender } from './model.js';
import { STUF_CONTENT_TYPE } from './model.js';

export interface PoisonGuardOptions {
  store: Store;
  logger: Logger;
  /** Attempts before a message is quarantined (`processing.maxAttempts`). */
  maxAttempts: number;
  /** Processing-time budget per attempt (`processing.budgetMs`). */
  budgetMs: number;
  metrics?: Metrics;
  /** Answers a quarantined message (a Fo01 to its sender); errors are logged, never thrown. */
  onQuarantine?: (rec: MessageRecord, reason: string) => Promise<void>;
}

export type GuardOutcome = 'done' | 'failed' | 'quarantined';

const FAILED = 'PROCESSING_FAILED';
const OVERRUN = 'PROCESSING_OVERRUN';

export class PoisonGuard {
  readonly #o: PoisonGuardOptions;

  constructor(options: PoisonGuardOptions) {
    this.#o = options;
  }

  /**
   * One guarded attempt at `work` for inbound message `rec`. Resolves when the work settles (so a caller that
   * keeps the message busy until then never runs it twice at once); an overrun of the budget is recorded as soon
   * as the budget is spent. Callers that must not wait (catch-up) race this with `budgetMs`.
   */
  async run(rec: MessageRecord, work: () => Promise<void>): Promise<GuardOutcome> {
    const { store, logger, maxAttempts, budgetMs, metrics } = this.#o;
    const attempts = await store.messages.countProcessingAttempt(rec.id);
    if (attempts === 0) return 'done'; // processed meanwhile (or not an inbound message)
    if (attempts > maxAttempts) {
      await this.#quarantine(rec, `${maxAttempts} processing attempts failed or overran; last: ${await this.#lastProblem(rec.id)}`);
      return 'quarantined';
    }
    let overran = false;
    const timer = setTimeout(() => {
      overran = true;
      metrics?.hubProcessing.inc({ outcome: 'overrun' });
      logger.warn({ messageId: rec.messageId, attempt: attempts, budgetMs }, 'hub processing overran its budget');
      void store.messages.addEvent(rec.id, { at: new Date().toISOString(), event: OVERRUN, detail: `attempt ${attempts} took longer than processing.budgetMs ${budgetMs} ms` })
        .catch((err: unknown) => logger.error({ err }, 'recording an overrun failed'));
    }, budgetMs);
    timer.unref();
    try {
      await work();
      return 'done';
    } catch (err) {
      const reason = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      metrics?.hubProcessing.inc({ outcome: 'failed' });
      logger.error({ err, messageId: rec.messageId, attempt: attempts, maxAttempts }, 'hub processing failed');
      await store.messages.addEvent(rec.id, { at: new Date().toISOString(), event: FAILED, detail: `attempt ${attempts}: ${reason.slice(0, 500)}` });
      if (attempts >= maxAttempts) {
        await this.#quarantine(rec, `${attempts} processing attempts failed${overran ? ' or overran' : ''}; last: ${reason.slice(0, 500)}`);
        return 'quarantined';
      }
      return 'failed';
    } finally {
      clearTimeout(timer);
    }
  }

  /** The gauge's value from the store (at start and after a release). */
  async refreshGauge(): Promise<void> {
    const list = await this.#o.store.messages.list({ status: 'QUARANTINED', direction: 'in', limit: 100_000 });
    this.#o.metrics?.quarantined.set(list.length);
  }

  async #lastProblem(id: string): Promise<string> {
    const last = (await this.#o.store.messages.events(id)).filter((e) => e.event === FAILED || e.event === OVERRUN).at(-1);
    return last ? `${last.event} ${last.detail ?? ''}`.trim() : 'the process stopped during processing (crash, kill or freeze)';
  }

  async #quarantine(rec: MessageRecord, reason: string): Promise<void> {
    const { store, logger, metrics, onQuarantine } = this.#o;
    if (!(await store.messages.quarantine(rec.id, new Date().toISOString(), reason))) return;
    metrics?.hubProcessing.inc({ outcome: 'quarantined' });
    metrics?.quarantined.inc();
    logger.error({ messageId: rec.messageId, reason }, 'message QUARANTINED (poison message); release with `knooppunt messages release`');
    await onQuarantine?.(rec, reason).catch((err: unknown) => logger.error({ err, messageId: rec.messageId }, 'answering a quarantined message failed'));
  }
}

/**
 * The Fo01 for a quarantined StUF message: RIN001 with plek server (the hub could not process it), over the CPA it
 * came in on, when its stuurgegevens can be read from the head (peek: bounded and limit-checked). A Fo01 is never
 * answered with a Fo01. Returns the Fo01's MessageId, or null when none could be sent.
 */
export async function fo01ForQuarantined(
  deps: { store: Store; sender: StufSender; hubIdentity: HubIdentity; now?: () => Date },
  rec: MessageRecord,
  reason: string,
): Promise<string | null> {
  if (rec.action === FO01_ELEMENT) return null;
  const part = (await deps.store.messages.parts(rec.id)).find((p) => /xml/i.test(p.contentType));
  const refused = part && peekStuurgegevens(part.content);
  if (!refused) return null;
  const error = new StufError('RIN001', `bericht kon niet worden verwerkt en is in quarantaine gezet: ${reason}`, { plek: 'server' });
  const xml = buildFo01(refused, error, { zender: { ...deps.hubIdentity.stufZender }, tijdstip: deps.now?.() ?? new Date() });
  const sent = await deps.sender.send({
    cpaId: rec.cpaId, action: FO01_ELEMENT, conversationId: rec.conversationId, refToMessageId: rec.messageId,
    parts: [{ contentType: STUF_CONTENT_TYPE, content: Buffer.from(xml, 'utf8') }],
  });
  return sent.messageId;
}
