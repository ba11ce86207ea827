import type { LoadedConfig } from './config/schema.js';
import { messageIdHost } from './ebms/msh/factory.js';
import type { Msh } from './ebms/msh/msh.js';
import type { SendRequest } from './ebms/outbound/outbound.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import { oinOf } from './registry/model.js';
import type { OrganisationService } from './registry/organisations.js';
import { reportDeliveryFailure } from './routing/delivery-failure.js';
import { HubProcessor } from './routing/hub-processor.js';
import { PoisonGuard, fo01ForQuarantined } from './routing/poison.js';
import { PreflightPool } from './routing/preflight-pool.js';
import type { StufSendRequest, StufSender } from './routing/model.js';
import type { MessageRecord, Store } from './store/store.js';
import { DI01_ELEMENT, DU01_ELEMENT, FO01_ELEMENT } from './stuf/model.js';

/** The StUF actions the hub routes (architecture map: Actions = the StUF element names). */
const STUF_ACTIONS = new Set([DI01_ELEMENT, DU01_ELEMENT, FO01_ELEMENT]);

export interface HubRole {
  processor: HubProcessor;
  /** Process every stored inbound message not yet processed (after a crash or restart). */
  catchUp(): Promise<number>;
  /** Operator: a QUARANTINED message back to RECEIVED, processed again at the next catch-up. */
  release(id: string): Promise<boolean>;
  stop(): void;
}

/**
 * Hub mode (architecture "Inbound ebMS pipeline" → hand to the application): every inbound StUF message the MSH
 * accepted goes to the HubProcessor (unwrap, authorise the gemeentecode, validate, route); forwarding goes out
 * through the same MSH. A message is confirmed (PROCESSED) in the transaction that stores what the processor did
 * with it, so one that was acknowledged but not yet routed when the process died is routed at the next start —
 * nothing accepted is lost — and one that was routed is never routed again.
 */
export function attachHub(config: LoadedConfig, deps: { store: Store; msh: Msh; organisations: OrganisationService; logger: Logger; metrics?: Metrics }): HubRole {
  const { store, msh, logger } = deps;
  const request = (req: StufSendRequest): SendRequest => ({
    cpaId: req.cpaId, action: req.action, parts: req.parts,
    ...(req.service ? { service: req.service } : {}), ...(req.conversationId ? { conversationId: req.conversationId } : {}),
    ...(req.refToMessageId ? { refToMessageId: req.refToMessageId } : {}), ...(req.messageId ? { messageId: req.messageId } : {}),
  });
  const sender: StufSender = {
    async send(req) {
      const rec = await msh.send(request(req));
      return { messageId: rec.messageId };
    },
    async prepare(req) {
      const p = await msh.outbound.prepare(request(req));
      return { msg: p.record, parts: p.parts, event: { at: p.record.createdAt, event: 'QUEUED', detail: `to ${p.delivery.endpoint}` }, delivery: p.delivery };
    },
    queued: () => msh.worker.wake(),
  };
  const hubIdentity = { oin: config.hub.oin, name: config.hub.name, stufZender: { organisatie: 'IB', applicatie: 'GGK' } };
  const pool = new PreflightPool({ size: config.processing.workers, budgetMs: config.processing.budgetMs });
  const processor = new HubProcessor({
    store, organisations: deps.organisations, sender, hubIdentity,
    // StUF ebMS binding (architecture map): a forwarded message's MessageId is `{referentienummer}@{host}`.
    messageIdDomain: messageIdHost(config),
    // Issue 9: large messages are parsed and validated off the event loop, within processing.budgetMs.
    preflight: { pool, thresholdBytes: config.processing.workerThresholdBytes },
  });
  // Poison messages (issue 9): every attempt counted, bounded, overruns recorded, then QUARANTINED with a Fo01.
  const guard = new PoisonGuard({
    store, logger, maxAttempts: config.processing.maxAttempts, budgetMs: config.processing.budgetMs,
    ...(deps.metrics ? { metrics: deps.metrics } : {}),
    onQuarantine: async (rec, reason) => {
      const fo01 = await fo01ForQuarantined({ store, sender, hubIdentity }, rec, reason);
      if (fo01) logger.warn({ messageId: rec.messageId, fo01 }, 'quarantined message answered with a Fo01');
    },
  });
  const busy = new Set<string>();
  const handle = async (rec: MessageRecord): Promise<void> => {
    if (busy.has(rec.id) || !STUF_ACTIONS.has(rec.action)) return;
    busy.add(rec.id);
    try {
      // The catch-up list may be stale: a message handled meanwhile on the 'received' path is done — processing it
      // again would refuse the hub's own forward as a duplicate (IB216) and send the sender a false Fo01.
      const current = await store.messages.get(rec.id);
      if (!current || current.processedAt !== null) return;
      // The processor marks the message PROCESSED in the same transaction as its outcome (forward queued, mailbox
      // item or Fo01): a crash before that commit leaves the message to the next catch-up, one after it is final.
      await guard.run(current, async () => {
        const out = await processor.process({
          id: rec.id, ebmsMessageId: rec.messageId, cpaId: rec.cpaId, senderOin: oinOf(rec.fromParty), action: rec.action,
          conversationId: rec.conversationId, parts: await store.messages.parts(rec.id),
        });
        // Issue 10 §11/§12: one line per routing decision (berichttype, gemeentecode, route or Fo01 code), counted by
        // outcome and Fo01 code.
        deps.metrics?.routingOutcomes.inc({ outcome: out.outcome, fo01_code: out.foutcode ?? 'none' });
        logger.info({
          routing: {
            messageId: rec.messageId, cpaId: rec.cpaId, berichttype: out.berichttype ?? null, gemeentecode: out.gemeentecode ?? null, outcome: out.outcome,
            ...(out.forwarded ? { route: 'digikoppeling', toCpaId: out.forwarded.cpaId, forwardedMessageId: out.forwarded.messageId } : {}),
            ...(out.mailboxItemId ? { route: 'portaal', mailboxItemId: out.mailboxItemId } : {}),
            ...(out.foutcode ? { fo01Code: out.foutcode, fo01MessageId: out.fo01MessageId ?? null } : {}),
          },
        }, `routing: ${out.outcome}${out.foutcode ? ` (${out.foutcode})` : ''}`);
      });
    } catch (err) {
      logger.error({ err, messageId: rec.messageId }, 'hub processing failed; retried at the next catch-up');
    } finally {
      busy.delete(rec.id);
    }
  };
  void guard.refreshGauge().catch((err: unknown) => logger.error({ err }, 'counting quarantined messages failed'));
  const onReceived = (rec: MessageRecord) => { void handle(rec); };
  msh.events.on('received', onReceived);
  // A forward that could not be delivered (Retries/TimeToLive exhausted, or refused) → Fo01 to the original sender.
  const onUndelivered = (rec: MessageRecord, reason: string) => {
    if (rec.kind !== 'business' || !STUF_ACTIONS.has(rec.action)) return;
    void reportDeliveryFailure({ store, sender, hubIdentity }, rec, reason)
      .then((fo01) => { if (fo01) logger.warn({ messageId: rec.messageId, fo01, reason }, 'forward not delivered; Fo01 sent to the sender'); })
      .catch((err: unknown) => logger.error({ err, messageId: rec.messageId }, 'reporting a delivery failure failed'));
  };
  msh.events.on('expired', onUndelivered);
  msh.events.on('failed', onUndelivered);
  const catchUp = async () => {
    const pending = await msh.unprocessed(undefined, 1000);
    // One slow message never holds catch-up: each gets at most its budget before the next one starts.
    for (const rec of pending) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([handle(rec), new Promise<void>((resolve) => { timer = setTimeout(resolve, config.processing.budgetMs); })]);
      clearTimeout(timer);
    }
    await guard.refreshGauge().catch((err: unknown) => logger.error({ err }, 'counting quarantined messages failed'));
    return pending.length;
  };
  const timer = setInterval(() => { void catchUp(); }, 60_000).unref();
  const release = async (id: string): Promise<boolean> => {
    const done = await store.messages.release(id, new Date().toISOString());
    if (done) await guard.refreshGauge();
    return done;
  };
  return { processor, catchUp, release, stop: () => {
    clearInterval(timer);
    void pool.close();
    msh.events.off('received', onReceived);
    msh.events.off('expired', onUndelivered);
    msh.events.off('failed', onUndelivered);
  } };
}
