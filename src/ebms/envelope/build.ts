/**
 * ebMS 2.0 model → SOAP 1.1 envelope text, by string assembly (fast; every value escaped).
 * Output conventions: prefixes SOAP/eb/xlink/ds (b.1), eb:version="2.0" and SOAP:mustUnderstand="1" on every
 * header block (msg-header-2_0.xsd headerExtension.grp), attributes eb-qualified (attributeFormDefault
 * "qualified"), element order as in msg-header-2_0.xsd, timestamps in UTC with `Z` (interop gotcha 6).
 */
import { EBMS_ERROR_CODE_CONTEXT } from '../errors.js';
import { EBMS_VERSION, NS_DS, NS_EB, NS_SOAP, NS_XLINK, SOAP_ACTOR_NEXT } from './model.js';
import type {
  AckRequested, Acknowledgment, Description, EbmsMessage, ErrorList, Manifest, MessageHeader, Party, StatusRequest,
  StatusResponse, SyncReply,
} from './model.js';
import { escapeAttr as a, escapeText as t, formatDateTime } from './xml.js';

const HEADER_ATTRS = `eb:version="${EBMS_VERSION}" SOAP:mustUnderstand="1"`;

/** Builds the SOAP envelope (no XML declaration; the MIME part says UTF-8). */
export function buildEnvelope(message: EbmsMessage): string {
  const header =
    messageHeader(message.MessageHeader) +
    (message.SyncReply ? syncReply(message.SyncReply) : '') +
    (message.AckRequested ? ackRequested(message.AckRequested) : '') +
    (message.Acknowledgment ? acknowledgment(message.Acknowledgment) : '') +
    (message.ErrorList ? errorList(message.ErrorList) : '');
  const body =
    (message.Manifest ? manifest(message.Manifest) : '') +
    (message.StatusRequest ? statusRequest(message.StatusRequest) : '') +
    (message.StatusResponse ? statusResponse(message.StatusResponse) : '');
  return (
    `<SOAP:Envelope xmlns:SOAP="${NS_SOAP}" xmlns:eb="${NS_EB}" xmlns:xlink="${NS_XLINK}" xmlns:ds="${NS_DS}">` +
    `<SOAP:Header>${header}</SOAP:Header>` +
    (body === '' ? '<SOAP:Body/>' : `<SOAP:Body>${body}</SOAP:Body>`) +
    '</SOAP:Envelope>'
  );
}

function el(name: string, value: string, attrs = ''): string {
  return `<eb:${name}${attrs}>${t(value)}</eb:${name}>`;
}

function opt(name: string, value: string | undefined): string {
  return value === undefined ? '' : el(name, value);
}

function typeAttr(type: string | undefined): string {
  return type === undefined ? '' : ` eb:type="${a(type)}"`;
}

function descriptions(list: readonly Description[] | undefined): string {
  return (list ?? []).map((d) => el('Description', d.value, ` xml:lang="${a(d.lang ?? 'en')}"`)).join('');
}

function party(name: 'From' | 'To', p: Party): string {
  if (p.PartyId.length === 0) throw new TypeError(`${name} needs at least one PartyId`);
  const ids = p.PartyId.map((id) => el('PartyId', id.value, typeAttr(id.type))).join('');
  return `<eb:${name}>${ids}${opt('Role', p.Role)}</eb:${name}>`;
}

/** ebMS 2.0 §3.1; children in msg-header-2_0.xsd order. */
function messageHeader(h: MessageHeader): string {
  const md = h.MessageData;
  return (
    `<eb:MessageHeader ${HEADER_ATTRS}>` +
    party('From', h.From) +
    party('To', h.To) +
    el('CPAId', h.CPAId) +
    el('ConversationId', h.ConversationId) +
    el('Service', h.Service.value, typeAttr(h.Service.type)) +
    el('Action', h.Action) +
    '<eb:MessageData>' +
    el('MessageId', md.MessageId) +
    el('Timestamp', formatDateTime(md.Timestamp)) +
    opt('RefToMessageId', md.RefToMessageId) +
    (md.TimeToLive ? el('TimeToLive', formatDateTime(md.TimeToLive)) : '') +
    '</eb:MessageData>' +
    (h.DuplicateElimination ? '<eb:DuplicateElimination/>' : '') +
    descriptions(h.Description) +
    '</eb:MessageHeader>'
  );
}

function actorAttr(actor: string | undefined): string {
  return actor === undefined ? '' : ` SOAP:actor="${a(actor)}"`;
}

/** ebMS 2.0 §4.3.1: SOAP:actor is required and is the SOAP "next" actor. */
function syncReply(s: SyncReply): string {
  return `<eb:SyncReply ${HEADER_ATTRS}${actorAttr(s.actor ?? SOAP_ACTOR_NEXT)}/>`;
}

/** ebMS 2.0 §6.3.1. */
function ackRequested(r: AckRequested): string {
  return `<eb:AckRequested ${HEADER_ATTRS}${actorAttr(r.actor)} eb:signed="${r.signed}"/>`;
}

/** ebMS 2.0 §6.3.2; ds:Reference elements are inserted as given (raw XML copied from the signed message). */
function acknowledgment(ack: Acknowledgment): string {
  return (
    `<eb:Acknowledgment ${HEADER_ATTRS}${actorAttr(ack.actor)}>` +
    el('Timestamp', formatDateTime(ack.Timestamp)) +
    el('RefToMessageId', ack.RefToMessageId) +
    (ack.From ? party('From', ack.From) : '') +
    (ack.Reference ?? []).join('') +
    '</eb:Acknowledgment>'
  );
}

/** ebMS 2.0 §4.2.3. */
function errorList(list: ErrorList): string {
  if (list.Error.length === 0) throw new TypeError('ErrorList needs at least one Error');
  const errors = list.Error.map((e) => {
    const attrs =
      (e.id === undefined ? '' : ` eb:id="${a(e.id)}"`) +
      ` eb:codeContext="${a(e.codeContext ?? EBMS_ERROR_CODE_CONTEXT)}"` +
      ` eb:errorCode="${a(e.errorCode)}" eb:severity="${a(e.severity)}"` +
      (e.location === undefined ? '' : ` eb:location="${a(e.location)}"`);
    const desc = e.Description ? descriptions([e.Description]) : '';
    return desc === '' ? `<eb:Error${attrs}/>` : `<eb:Error${attrs}>${desc}</eb:Error>`;
  });
  return `<eb:ErrorList ${HEADER_ATTRS} eb:highestSeverity="${a(list.highestSeverity)}">${errors.join('')}</eb:ErrorList>`;
}

/** ebMS 2.0 §3.2; xlink:type is fixed "simple". */
function manifest(m: Manifest): string {
  const refs = m.Reference.map((r) => {
    const attrs =
      (r.id === undefined ? '' : ` eb:id="${a(r.id)}"`) +
      ` xlink:type="simple" xlink:href="${a(r.href)}"` +
      (r.role === undefined ? '' : ` xlink:role="${a(r.role)}"`);
    const schemas = (r.Schema ?? [])
      .map((s) => `<eb:Schema eb:location="${a(s.location)}"${s.version === undefined ? '' : ` eb:version="${a(s.version)}"`}/>`)
      .join('');
    const inner = schemas + descriptions(r.Description);
    return inner === '' ? `<eb:Reference${attrs}/>` : `<eb:Reference${attrs}>${inner}</eb:Reference>`;
  });
  return `<eb:Manifest eb:version="${EBMS_VERSION}">${refs.join('')}</eb:Manifest>`;
}

/** ebMS 2.0 §7.1.1. */
function statusRequest(s: StatusRequest): string {
  return `<eb:StatusRequest eb:version="${EBMS_VERSION}">${el('RefToMessageId', s.RefToMessageId)}</eb:StatusRequest>`;
}

/** ebMS 2.0 §7.1.2. */
function statusResponse(s: StatusResponse): string {
  return (
    `<eb:StatusResponse eb:version="${EBMS_VERSION}" eb:messageStatus="${a(s.messageStatus)}">` +
    el('RefToMessageId', s.RefToMessageId) +
    (s.Timestamp ? el('Timestamp', formatDateTime(s.Timestamp)) : '') +
    '</eb:StatusResponse>'
  );
}
