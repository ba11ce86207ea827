import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { MessageRecord } from '../../store/store.js';
import type { MshEvents } from './events.js';

/**
 * Issue 10 §11/§12: one structured line per outbound ebMS message outcome (MessageId, CPA, action, outcome, reason)
 * and the delivery metrics — from the MSH's events, so the worker and the signal handling stay as they are.
 * No payloads: the record's raw bytes are never logged.
 */
export function observeOutbound(events: MshEvents, deps: { logger: Logger; metrics: Metrics; now?: () => Date }): () => void {
  const now = deps.now ?? (() => new Date());
  const line = (rec: MessageRecord, outcome: string, extra: Record<string, unknown> = {}) => ({
    ebms: { direction: 'out', messageId: rec.messageId, cpaId: rec.cpaId, action: rec.action, kind: rec.kind, outcome, ...extra },
  });
  const delivered = (rec: MessageRecord) => {
    deps.metrics.outboundDeliveries.inc({ outcome: 'delivered' });
    const seconds = Math.max(0, (now().getTime() - Date.parse(rec.createdAt)) / 1000);
    if (rec.kind === 'business') deps.metrics.ackSeconds.observe(seconds);
    deps.logger.info(line(rec, 'delivered', { seconds }), 'ebMS message delivered');
  };
  const retry = (rec: MessageRecord, attempt: number, error: string) => {
    deps.metrics.outboundDeliveries.inc({ outcome: 'retried' });
    deps.logger.info(line(rec, 'retried', { attempt, error }), 'ebMS message will be sent again');
  };
  const failed = (rec: MessageRecord, reason: string) => {
    deps.metrics.outboundDeliveries.inc({ outcome: 'failed' });
    deps.logger.warn(line(rec, 'failed', { reason }), 'ebMS message refused by the peer');
  };
  const expired = (rec: MessageRecord, reason: string) => {
    deps.metrics.outboundDeliveries.inc({ outcome: 'expired' });
    deps.logger.warn(line(rec, 'expired', { reason }), 'ebMS message not delivered (DeliveryFailure)');
  };
  events.on('delivered', delivered);
  events.on('retry', retry);
  events.on('failed', failed);
  events.on('expired', expired);
  return () => {
    events.off('delivered', delivered);
    events.off('retry', retry);
    events.off('failed', failed);
    events.off('expired', expired);
  };
}
