import { partyByPartyId, resolve, type Resolved } from '../../cpa/resolve.js';
import type { CollaborationProtocolAgreement } from '../../cpa/model.js';
import { EbmsError } from '../errors.js';
import { ACTOR_NEXT_MSH, ACTOR_TO_PARTY_MSH, type ParsedEnvelope } from '../envelope/model.js';

const ACTION = '//Header/MessageHeader/Action';

/**
 * The role of the From (CanSend) or To (CanReceive) party for the message's Service and Action when the header names
 * none: the one role name the CPA gives it; undefined when the party or binding is unknown (resolve reports that).
 * Several role names → Inconsistent at that Role (ambiguous; a CPA that passes validation has one, DK-17).
 */
function impliedRole(cpa: CollaborationProtocolAgreement, h: ParsedEnvelope['MessageHeader'], side: 'From' | 'To'): string | undefined {
  const party = h[side].PartyId.map((id) => partyByPartyId(cpa, id)).find((p) => p !== undefined);
  if (!party) return undefined;
  const kind = side === 'From' ? 'CanSend' : 'CanReceive';
  const names = [...new Set(party.CollaborationRole.filter((role) => {
    const svc = role.ServiceBinding.Service;
    return svc.value === h.Service.value && (h.Service.type === undefined || svc.type === h.Service.type)
      && role.ServiceBinding[kind].some((b) => b.ThisPartyActionBinding.action === h.Action);
  }).map((role) => role.Role.name))];
  if (names.length > 1) {
    throw new EbmsError('Inconsistent', `//Header/MessageHeader/${side}/Role`, `${side}/Role is absent and CPA ${cpa.cpaid} gives ${party.partyName} ${names.length} roles for action ${h.Action}: ${names.join(', ')}`);
  }
  return names[0];
}

/**
 * Header checks of a business message against the CPA (ebms2-digikoppeling.md b.7 rule 5, as ebms-core's
 * MessageHeaderValidator asserts them). Returns the resolved channel; throws the first EbmsError.
 * `refToMessageIdKnown`: whether MessageData/RefToMessageId (when present) names a message this MSH has stored.
 */
export function checkBusinessHeader(cpa: CollaborationProtocolAgreement, env: ParsedEnvelope, now: Date, refToMessageIdKnown = true): Resolved {
  const h = env.MessageHeader;
  // ebMS 2.0 §9.1 / DK-13: MessageOrder is not supported (ebms-core returns NotSupported too).
  if (env.MessageOrder) throw new EbmsError('NotSupported', '//Header/MessageOrder', 'MessageOrder is not supported (DK-13)');
  // ebMS 2.0 §3.1.1: From and To carry zero or one Role (Hermes 2 sends none). An absent Role is the one role the CPA
  // gives that party for this Service and Action (DK-17: one role per party); Inconsistent only when that is ambiguous.
  const fromRole = h.From.Role ?? impliedRole(cpa, h, 'From');
  const toRole = h.To.Role ?? impliedRole(cpa, h, 'To');
  const r = resolve(cpa, {
    fromPartyId: h.From.PartyId[0]!, toPartyId: h.To.PartyId[0]!, service: h.Service.value,
    ...(h.Service.type !== undefined ? { serviceType: h.Service.type } : {}), action: h.Action, ...(fromRole !== undefined ? { role: fromRole } : {}),
  }, h.MessageData.Timestamp);
  // b.7 rule 5 (ebms-core validateService): an unknown Role, Service, Service type or Action — no CanSend for the
  // From Role or no CanReceive for the To Role — is ValueNotRecognized at //Header/MessageHeader/Action.
  if (!r.ok) throw new EbmsError(r.errorCode, r.errorCode === 'ValueNotRecognized' && r.location.endsWith('/Role') ? ACTION : r.location, r.description);
  if (toRole !== undefined && r.receivingParty.role !== toRole) {
    throw new EbmsError('ValueNotRecognized', ACTION, `To/Role "${toRole}" is not the receiving role "${r.receivingParty.role}" for action ${h.Action} (no CanReceive)`);
  }
  // b.7 rule 5 (ebms-core validateMessageData): RefToMessageId must name a message this MSH knows.
  if (h.MessageData.RefToMessageId !== undefined && !refToMessageIdKnown) {
    throw new EbmsError('ValueNotRecognized', '//Header/MessageHeader/MessageData/RefToMessageId', `RefToMessageId ${h.MessageData.RefToMessageId} names no message known to this MSH`);
  }
  // ebMS 2.0 §6.4.4: a message whose TimeToLive has passed is not delivered.
  if (h.MessageData.TimeToLive && h.MessageData.TimeToLive.getTime() < now.getTime()) {
    throw new EbmsError('TimeToLiveExpired', '//Header/MessageHeader/MessageData/TimeToLive', `TimeToLive ${h.MessageData.TimeToLive.toISOString()} has passed`);
  }
  // b.7 rule 5: reliability and sync elements must be as the CPA's DeliveryChannel says (DK-06, DK-07).
  if (r.duplicateElimination !== (h.DuplicateElimination === true)) {
    throw new EbmsError('Inconsistent', '//Header/MessageHeader/DuplicateElimination', `DuplicateElimination ${h.DuplicateElimination ? 'present' : 'absent'}, CPA says duplicateElimination="${r.deliveryChannel.MessagingCharacteristics.duplicateElimination}"`);
  }
  const ack = env.AckRequested;
  if (ack?.actor === ACTOR_NEXT_MSH) throw new EbmsError('NotSupported', '//Header/AckRequested/@actor', 'AckRequested for the nextMSH actor is not supported (DK-14: no multi-hop)');
  if (r.ackRequested !== (ack !== undefined)) {
    throw new EbmsError('Inconsistent', '//Header/AckRequested', `AckRequested ${ack ? 'present' : 'absent'}, CPA says ackRequested="${r.deliveryChannel.MessagingCharacteristics.ackRequested}"`);
  }
  if (ack && ack.actor !== undefined && ack.actor !== ACTOR_TO_PARTY_MSH) {
    throw new EbmsError('Inconsistent', '//Header/AckRequested/@actor', `AckRequested actor "${ack.actor}" is not ${ACTOR_TO_PARTY_MSH} (DK-07)`);
  }
  if (ack && ack.signed !== r.ackSignatureRequested) {
    throw new EbmsError('Inconsistent', '//Header/AckRequested/@signed', `AckRequested signed="${ack.signed}", CPA says ackSignatureRequested="${r.deliveryChannel.MessagingCharacteristics.ackSignatureRequested}"`);
  }
  const syncAllowed = r.syncReplyMode === 'mshSignalsOnly';
  if (env.SyncReply && !syncAllowed) {
    throw new EbmsError('Inconsistent', '//Header/SyncReply', `SyncReply present, CPA says syncReplyMode="${r.syncReplyMode}" (DK-06)`);
  }
  if (!env.SyncReply && syncAllowed) {
    throw new EbmsError('Inconsistent', '//Header/SyncReply', 'SyncReply absent, CPA says syncReplyMode="mshSignalsOnly"');
  }
  return r;
}
