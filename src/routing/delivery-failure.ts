import { randomUUID } from 'node:crypto';
import type { MessageRecord, Store } from '../store/store.js';
import { StufError } from '../stuf/errors.js';
import { buildFo01 } from '../stuf/fo01.js';
import { FO01_ELEMENT } from '../stuf/model.js';
import { parseEnvelop } from '../stuf/parse.js';
import { STUF_CONTENT_TYPE, type HubIdentity, type StufSender } from './model.js';

/**
 * DeliveryFailure of a message the hub forwarded (architecture "Outbound": DeliveryFailure to the originator; hub:
 * Fo01 to the sender). When the onward ebMS delivery expired or was refused, the original sender gets a Fo01
 * RIN001 (plek server) over the CPA the message came in on, so it knows the message did not arrive. Never for a
 * Fo01 itself (no Fo01 answers a Fo01). Returns the Fo01's MessageId, or null when there is nothing to answer.
 */
export async function reportDeliveryFailure(
  deps: { store: Store; sender: StufSender; hubIdentity: HubIdentity; now?: () => Date },
  forwarded: MessageRecord,
  reason: string,
): Promise<string | null> {
  const [log] = await deps.store.routing.listLog({ forwardedMessageId: forwarded.messageId, limit: 1 });
  if (!log || log.outcome !== 'doorgestuurd' || log.stufElement === FO01_ELEMENT || forwarded.action === FO01_ELEMENT) return null;
  const original = await deps.store.messages.getByMessageId('in', log.ebmsMessageId);
  if (!original) return null;
  const part = (await deps.store.messages.parts(original.id)).find((p) => /xml/i.test(p.contentType));
  if (!part) return null;
  const envelop = parseEnvelop(part.content);
  const now = deps.now?.() ?? new Date();
  const error = new StufError('RIN001', `aflevering aan ${log.targetOrganisationId ?? 'de ontvanger'} mislukt: ${reason}`, { plek: 'server' });
  const xml = buildFo01(envelop.stuurgegevens, error, { zender: { ...deps.hubIdentity.stufZender }, tijdstip: now });
  const sent = await deps.sender.send({
    cpaId: original.cpaId, action: FO01_ELEMENT, conversationId: original.conversationId, refToMessageId: original.messageId,
    parts: [{ contentType: STUF_CONTENT_TYPE, content: Buffer.from(xml, 'utf8') }],
  });
  await deps.store.routing.insertLog({
    ...log, id: randomUUID(), at: now.toISOString(), outcome: 'geweigerd', foutcode: 'RIN001', detail: error.omschrijving,
    targetCpaId: original.cpaId, forwardedMessageId: sent.messageId, mailboxItemId: null,
  });
  return sent.messageId;
}
