import type { CollaborationProtocolAgreement } from '../../cpa/model.js';
import type { MessageRecord } from '../../store/store.js';
import { EbmsError } from '../errors.js';
import type { ParsedEnvelope } from '../envelope/model.js';
import { parseEnvelope } from '../envelope/index.js';
import { parseSoapWithAttachments } from '../mime/index.js';
import type { MshDeps } from '../msh/deps.js';
import type { MshEvents } from '../msh/events.js';
import { extractAcknowledgmentReferences, extractSignedInfoReferences, verifyEnvelope, verifySignedAckReferences } from '../signature/index.js';
import { partyByPartyId } from '../../cpa/resolve.js';

/** The SOAP part of a stored message, as text (for the signed-Ack reference check). */
export function soapTextOf(rec: MessageRecord): string {
  return parseSoapWithAttachments(rec.raw, rec.contentType).soapPart.content.toString('utf8');
}

/**
 * Signals that answer something we sent: Acknowledgment (ebMS 2.0 §6.3.2), MessageError (§4.2), Pong (§8.2),
 * StatusResponse (§7.1.2). They arrive on the listener (async) or in the HTTP response (sync); both end here.
 * Returns the referenced outbound message. Unknown references are ValueNotRecognized (b.7 rule 5).
 */
export async function applyAnswerSignal(deps: MshDeps, events: MshEvents, cpa: CollaborationProtocolAgreement, env: ParsedEnvelope, soapXml: string, signalRecord: MessageRecord): Promise<MessageRecord> {
  const out = await checkAnswerSignal(deps, cpa, env, soapXml);
  await applyCheckedAnswerSignal(deps, events, env, out, signalRecord);
  return out;
}

/**
 * The checks of an answer signal, without side effects (so that a refused signal is stored as REJECTED, not
 * applied): the referenced message was sent by us over this CPA (b.7 rule 5), and a requested signed Ack is
 * signed as DK-26 says. Returns the referenced outbound message; throws EbmsError.
 */
export async function checkAnswerSignal(deps: MshDeps, cpa: CollaborationProtocolAgreement, env: ParsedEnvelope, soapXml: string): Promise<MessageRecord> {
  const h = env.MessageHeader;
  const refId = env.Acknowledgment?.RefToMessageId ?? env.StatusResponse?.RefToMessageId ?? h.MessageData.RefToMessageId;
  const refLoc = env.Acknowledgment ? '//Header/Acknowledgment/RefToMessageId' : '//Header/MessageHeader/MessageData/RefToMessageId';
  if (!refId) throw new EbmsError('Inconsistent', refLoc, `${h.Action} without RefToMessageId`);
  const out = await deps.store.messages.getByMessageId('out', refId);
  if (!out || out.cpaId !== h.CPAId) throw new EbmsError('ValueNotRecognized', refLoc, `RefToMessageId ${refId} is not a message sent over CPA ${h.CPAId}`);
  if (h.Action === 'Acknowledgment') await checkSignedAck(deps, cpa, env, soapXml, out);
  return out;
}

/** The effects of a checked answer signal on the referenced outbound message `out` (after the signal was stored). */
export async function applyCheckedAnswerSignal(deps: MshDeps, events: MshEvents, env: ParsedEnvelope, out: MessageRecord, signalRecord: MessageRecord): Promise<void> {
  const h = env.MessageHeader;
  const at = (deps.now?.() ?? new Date()).toISOString();
  switch (h.Action) {
    case 'Acknowledgment': {
      // Status and outbox row in one transaction: a crash in between would resend (and expire) a delivered message.
      if (await deps.store.outbox.completeIf(out.id, ['PENDING', 'SENT'], 'DELIVERED', [
        { at, event: 'DELIVERED', detail: `Acknowledgment ${h.MessageData.MessageId}` }, { at, event: 'ACK', detail: null }])) {
        events.emit('delivered', out);
      }
      break;
    }
    case 'MessageError': {
      const reason = (env.ErrorList?.Error ?? []).map((e) => `${e.errorCode} at ${e.location ?? '?'}: ${e.Description?.value ?? ''}`).join('; ');
      if (await deps.store.outbox.completeIf(out.id, ['PENDING', 'SENT', 'DELIVERED'], 'FAILED', [
        { at, event: 'FAILED', detail: `MessageError: ${reason}` }, { at, event: 'MESSAGE_ERROR', detail: reason }])) {
        events.emit('failed', out, reason);
      }
      break;
    }
    default:
      // Pong or StatusResponse: the request was sent directly (not through the outbox).
      await deps.store.messages.setStatusIf(out.id, ['PENDING', 'SENT'], 'DELIVERED', { at, event: 'ANSWERED', detail: `${h.Action} ${h.MessageData.MessageId}` });
  }
  events.emit('signal', h.Action, out.messageId, signalRecord);
}

/**
 * DK-26 / ebMS 2.0 §6.3.2.2: when we asked for a signed Acknowledgment, it must be signed by the receiver's CPA
 * signing certificate and carry exactly the ds:Reference elements of the message we signed (ebms-core
 * EbMSSignatureValidator).
 */
async function checkSignedAck(deps: MshDeps, cpa: CollaborationProtocolAgreement, env: ParsedEnvelope, soapXml: string, out: MessageRecord): Promise<void> {
  const sentXml = soapTextOf(out);
  const sent = parseEnvelope(sentXml);
  if (!sent.AckRequested?.signed) return;
  if (!env.signaturePresent) throw new EbmsError('SecurityFailure', '//Header/Signature', 'a signed Acknowledgment was requested (AckRequested signed="true"); this one is not signed');
  const signer = partyByPartyId(cpa, env.MessageHeader.From.PartyId[0]!);
  const signingCert = signer?.Certificate.find((c) => signer.DocExchange.some((d) => d.ebXMLSenderBinding?.SenderNonRepudiation?.SigningCertificateRef === c.certId))?.pem;
  verifyEnvelope(soapXml, [], { ...(signingCert ? { expectedCertPem: signingCert } : {}), allowSha1: deps.legacy?.sha1 ?? false });
  verifySignedAckReferences(extractAcknowledgmentReferences(soapXml), extractSignedInfoReferences(sentXml));
}
