import { partyByPartyId } from '../../cpa/resolve.js';
import type { CollaborationProtocolAgreement } from '../../cpa/model.js';
import type { Delivery, MessageRecord } from '../../store/store.js';
import type { EbmsError } from '../errors.js';
import type { MessageStatus, ParsedEnvelope } from '../envelope/model.js';
import { signalDelivery } from '../outbound/channel.js';
import { buildAcknowledgment, buildMessageError, buildPong, buildStatusResponse, type BuiltSignal } from '../signals/index.js';
import { signEnvelope } from '../signature/index.js';
import { messageRecord, type MshDeps } from './deps.js';

export type ReplySpec =
  | { kind: 'Acknowledgment'; signedReferences: string[] | null }
  | { kind: 'MessageError'; errors: EbmsError[]; forceSync?: boolean }
  | { kind: 'Pong' }
  | { kind: 'StatusResponse'; status: MessageStatus; refMessageId: string; timestamp?: Date }
  | { kind: 'resend'; record: MessageRecord };

/** A reply signal: its record (direction out) and, when it goes asynchronously, its outbox row. */
export interface Reply {
  record: MessageRecord;
  delivery: Delivery | null;
}

/**
 * Build the signal that answers `env`. It goes back in the HTTP response when the message asked for it with
 * eb:SyncReply (the CPA allowing mshSignalsOnly, DK-06) — otherwise on a new connection to the sender's MSH
 * signal endpoint (HTTP 204 now, DK-03). A signed Acknowledgment carries the message's ds:Reference elements and
 * is signed with our key (ebMS 2.0 §6.3.2.2, DK-26).
 */
export function buildReply(deps: MshDeps, cpa: CollaborationProtocolAgreement, env: ParsedEnvelope, spec: ReplySpec, now: Date): Reply {
  const h = env.MessageHeader;
  const sender = h.From.PartyId.map((p) => partyByPartyId(cpa, p)).find((p) => p !== undefined);
  const sync = env.SyncReply !== undefined || (spec.kind === 'MessageError' && spec.forceSync === true);
  const async = (rec: MessageRecord): Delivery | null => (sync || !sender ? null : signalDelivery(cpa, sender, rec.id, rec.action, now));
  if (spec.kind === 'resend') return { record: spec.record, delivery: async(spec.record) };

  const o = { messageIdHost: deps.identity.messageIdHost, timestamp: now };
  let built: BuiltSignal;
  switch (spec.kind) {
    case 'Acknowledgment': built = buildAcknowledgment(h, { ...o, ...(spec.signedReferences ? { signedReferences: spec.signedReferences } : {}) }); break;
    case 'MessageError': built = buildMessageError(h, spec.errors, o); break;
    case 'Pong': built = buildPong(h, o); break;
    case 'StatusResponse': built = buildStatusResponse(h, spec.status, spec.refMessageId, spec.timestamp, o); break;
  }
  let xml = built.xml;
  if (spec.kind === 'Acknowledgment' && spec.signedReferences) {
    xml = signEnvelope(xml, [], { keyPem: deps.identity.signing.key, certPem: deps.identity.signing.cert });
  }
  const record = messageRecord(built.header, { direction: 'out', status: 'PENDING', raw: Buffer.from(xml, 'utf8'), contentType: 'text/xml; charset=UTF-8', at: now });
  const delivery = async(record);
  if (!delivery) record.status = 'DELIVERED';
  return { record, delivery };
}
