import { randomUUID } from 'node:crypto';
import { resolve } from '../../cpa/resolve.js';
import { GatewayError, ValidationError } from '../../errors.js';
import type { Delivery, MessagePart, MessageRecord } from '../../store/store.js';
import { encryptAttachment, outboundEncryption } from '../encryption/index.js';
import { ACTOR_TO_PARTY_MSH, type EbmsMessage, type MessageHeader } from '../envelope/model.js';
import { buildEnvelope } from '../envelope/index.js';
import { buildSoapWithAttachments } from '../mime/index.js';
import { messageRecord, type MshDeps } from '../msh/deps.js';
import { buildPing, buildStatusRequest, newMessageId } from '../signals/index.js';
import { signEnvelope } from '../signature/index.js';
import { signalDelivery } from './channel.js';

export interface SendPart {
  contentId?: string;
  contentType: string;
  content: Buffer;
}

/** What the application (REST API, CLI, hub router) asks to send (ebms-core MessageRequest). */
export interface SendRequest {
  cpaId: string;
  action: string;
  service?: string;
  serviceType?: string;
  conversationId?: string;
  refToMessageId?: string;
  /** MessageId to use (StUF binding: `{referentienummer}@{host}`); default `{uuid}@{host}`. */
  messageId?: string;
  parts: SendPart[];
}

/** A message ready to go: its record (with raw MIME bytes) and its outbox row. */
export interface PreparedMessage {
  record: MessageRecord;
  parts: MessagePart[];
  delivery: Delivery;
}

/**
 * Outbound messages (architecture "Outbound"): build the envelope from the CPA (resolve), sign and encrypt per
 * profile, and put it durably in the outbox; the DeliveryWorker sends it.
 */
export class Outbound {
  readonly #d: MshDeps;

  constructor(deps: MshDeps) {
    this.#d = deps;
  }

  async prepare(req: SendRequest): Promise<PreparedMessage> {
    const now = this.#d.now?.() ?? new Date();
    const { cpa, record: cpaRecord } = await this.#d.cpas.require(req.cpaId);
    if (cpaRecord.status !== 'geactiveerd') {
      throw new GatewayError('ERR_CPA_STATE', `CPA ${req.cpaId} is ${cpaRecord.status}; business messages need an activated CPA (Ping Pong first)`);
    }
    const self = this.#d.cpas.selfParty(cpa);
    const other = this.#d.cpas.otherParty(cpa);
    if (!self || !other) throw new GatewayError('ERR_CPA_INVALID', `CPA ${req.cpaId} does not name this knooppunt and one other party`);
    // The Service is the one whose CanSend names this action for our role, unless the caller names it.
    const bound = self.CollaborationRole.map((r) => r.ServiceBinding)
      .find((b) => (req.service === undefined || b.Service.value === req.service) && b.CanSend.some((c) => c.ThisPartyActionBinding.action === req.action))?.Service;
    const serviceValue = req.service ?? bound?.value;
    if (!serviceValue) throw new ValidationError('Unknown action', [{ path: 'action', message: `CPA ${req.cpaId} lets this party send no action "${req.action}"` }]);
    const serviceType = req.serviceType ?? bound?.type;
    const r = resolve(cpa, { fromPartyId: self.PartyId[0]!, toPartyId: other.PartyId[0]!, service: serviceValue, ...(serviceType ? { serviceType } : {}), action: req.action }, now);
    if (!r.ok) throw new ValidationError('The CPA does not allow this message', [{ path: 'action', message: r.description }]);

    const parts: MessagePart[] = req.parts.map((p, i) => ({ contentId: p.contentId ?? `part-${i + 1}-${randomUUID()}@${this.#d.identity.messageIdHost}`, contentType: p.contentType, content: p.content }));
    const ttl = r.reliability.timeToLiveMs;
    const header: MessageHeader = {
      From: { PartyId: self.PartyId.map((p) => ({ ...p })), Role: r.sendingParty.role },
      To: { PartyId: other.PartyId.map((p) => ({ ...p })), Role: r.receivingParty.role },
      CPAId: cpa.cpaid,
      ConversationId: req.conversationId ?? randomUUID(),
      Service: { value: serviceValue, ...(serviceType ? { type: serviceType } : {}) },
      Action: req.action,
      MessageData: {
        MessageId: req.messageId ?? newMessageId(this.#d.identity.messageIdHost),
        Timestamp: now,
        ...(req.refToMessageId ? { RefToMessageId: req.refToMessageId } : {}),
        ...(ttl !== null ? { TimeToLive: new Date(now.getTime() + ttl) } : {}),
      },
      ...(r.duplicateElimination ? { DuplicateElimination: true } : {}),
    };
    const message: EbmsMessage = {
      MessageHeader: header,
      // DK-07: reliable profiles request an Acknowledgment from the toPartyMSH; DK-26: signed when the CPA says so.
      ...(r.ackRequested ? { AckRequested: { actor: ACTOR_TO_PARTY_MSH, signed: r.ackSignatureRequested } } : {}),
      // DK-06: only MSH signals may come back on the same connection (mshSignalsOnly).
      ...(r.syncReplyMode === 'mshSignalsOnly' ? { SyncReply: {} } : {}),
      ...(parts.length > 0 ? { Manifest: { Reference: parts.map((p) => ({ href: `cid:${p.contentId}` })) } } : {}),
    };
    let xml = buildEnvelope(message);
    // Sign the plain payload first (b.6), then encrypt each part for the receiver (profiles -e, DK-28).
    if (r.signing.required) {
      xml = signEnvelope(xml, parts.map((p) => ({ contentId: p.contentId, content: p.content })), {
        keyPem: this.#d.identity.signing.key, certPem: this.#d.identity.signing.cert,
        ...(r.signing.signatureAlgorithm ? { signatureAlgorithm: r.signing.signatureAlgorithm } : {}),
        ...(r.signing.hashFunction ? { digestAlgorithm: r.signing.hashFunction } : {}),
      });
    }
    // The receiver's ReceiverDigitalEnvelope decides the algorithms (first data algorithm, as ebms-core reads it).
    const enc = outboundEncryption(r.encryption.algorithms);
    const wire = parts.map((p) => (r.encryption.required && r.encryption.receiverEncryptionCertPem
      ? { contentId: p.contentId, contentType: 'application/xml', content: encryptAttachment(p.content, { contentId: p.contentId, mimeType: p.contentType, certPem: r.encryption.receiverEncryptionCertPem, ...enc }) }
      : p));
    const mime = buildSoapWithAttachments(xml, wire, { alwaysMultipart: true });
    const record = messageRecord(header, { direction: 'out', status: 'PENDING', raw: mime.body, contentType: mime.contentType, at: now });
    const delivery: Delivery = {
      messageId: record.id, endpoint: r.endpointUri, attempts: 0,
      maxAttempts: r.ackRequested ? r.reliability.retries + 1 : 1,
      retryIntervalMs: r.reliability.retryIntervalMs, nextAttemptAt: now.toISOString(),
      expiresAt: ttl !== null ? new Date(now.getTime() + ttl).toISOString() : null,
      awaitingAck: false, lastError: null,
    };
    return { record, parts, delivery };
  }

  /** Build and store the message with its outbox row in one transaction (nothing accepted is lost). */
  async send(req: SendRequest): Promise<MessageRecord> {
    const p = await this.prepare(req);
    await this.#d.store.messages.insertOutbound(p.record, p.parts, { at: p.record.createdAt, event: 'QUEUED', detail: `to ${p.delivery.endpoint}` }, p.delivery);
    return p.record;
  }

  /** A Ping (ebMS 2.0 §8.1) or StatusRequest (§7.1) over the CPA, stored, not queued: the caller sends it now. */
  async prepareSignal(cpaId: string, kind: 'Ping' | 'StatusRequest', opts: { sync: boolean; refMessageId?: string }): Promise<{ record: MessageRecord; endpoint: string }> {
    const now = this.#d.now?.() ?? new Date();
    const { cpa } = await this.#d.cpas.require(cpaId);
    const self = this.#d.cpas.selfParty(cpa);
    const other = this.#d.cpas.otherParty(cpa);
    if (!self || !other) throw new GatewayError('ERR_CPA_INVALID', `CPA ${cpaId} does not name this knooppunt and one other party`);
    const route = { cpaId: cpa.cpaid, from: { PartyId: self.PartyId }, to: { PartyId: other.PartyId } };
    const o = { messageIdHost: this.#d.identity.messageIdHost, syncReply: opts.sync, timestamp: now };
    const built = kind === 'Ping' ? buildPing(route, o) : buildStatusRequest(route, opts.refMessageId ?? '', o);
    const delivery = signalDelivery(cpa, other, '', kind, now);
    if (!delivery) throw new GatewayError('ERR_CPA_INVALID', `CPA ${cpaId} has no endpoint for ${other.partyName}`);
    const raw = Buffer.from(built.xml, 'utf8');
    const record = messageRecord(built.header, { direction: 'out', status: 'PENDING', raw, contentType: 'text/xml; charset=UTF-8', at: now });
    await this.#d.store.messages.insertOutbound(record, [], { at: record.createdAt, event: 'SENDING', detail: `${kind} to ${delivery.endpoint}` });
    return { record, endpoint: delivery.endpoint };
  }
}
