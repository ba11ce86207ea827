import type { HubCompletion, HubCompletionResult } from '../store.js';
import type { Db } from './database.js';
import { messageWriters } from './messages.js';
import { mailboxWriter, routingWriters } from './routing.js';

/** Thrown inside the transaction to roll it back with a result. */
class Rollback {
  readonly result: HubCompletionResult;
  constructor(result: HubCompletionResult) {
    this.result = result;
  }
}

/**
 * The hub's completion of one inbound StUF message in ONE SQLite transaction (RoutingRepository.complete): the
 * inbound message's event and PROCESSED first (nothing is written when it was processed already), then the IB216 reservation
 * (nothing is written when it is taken), the outbound forward or Fo01 with its outbox row, the mailbox item, the
 * Berichtenlog row and the inbound message's event. synchronous=FULL: committed means on disk (DK-40).
 */
export function hubCompletion(db: Db): (c: HubCompletion) => Promise<HubCompletionResult> {
  const messages = messageWriters(db);
  const routing = routingWriters(db);
  const mailbox = mailboxWriter(db);
  const tx = db.transaction((c: HubCompletion): HubCompletionResult => {
    if (c.inboundId !== undefined) {
      messages.addEvent(c.inboundId, c.event);
      if (!messages.markProcessed(c.inboundId, c.event.at)) throw new Rollback('processed-already');
    }
    if (c.referentie && !routing.reserve(c.referentie, c.event.at)) throw new Rollback('referentie-used');
    if (c.outbound) {
      messages.insertAll(c.outbound.msg, c.outbound.parts, c.outbound.event);
      if (c.outbound.delivery) messages.addDelivery(c.outbound.delivery);
    }
    if (c.mailbox) mailbox(c.mailbox.item, c.mailbox.content);
    routing.insertLog(c.log);
    return 'committed';
  });
  return async (c) => {
    try {
      return tx(c);
    } catch (e) {
      if (e instanceof Rollback) return e.result;
      throw e;
    }
  };
}
