/**
 * Reads the ebMS 2.0 SOAP header blocks (msg-header-2_0.xsd) from DOM elements into the model. Prefix-agnostic:
 * only namespace URIs and local names are compared (interop gotcha 7).
 *
 * Error split (ebms2-digikoppeling.md b.7): what makes the header XSD-invalid or leaves no one to answer
 * (missing CPAId, From PartyId, MessageId …) is a SOAP Fault; wrong values in a valid header (eb:version ≠ 2.0)
 * are collected as EbmsError problems with ebms-core style locations.
 */
import { XMLSerializer } from '@xmldom/xmldom';
import { EbmsError, SoapFaultError } from '../errors.js';
import type { EbmsSeverity } from '../errors.js';
import { EBMS_VERSION, NS_DS, NS_EB, NS_SOAP, NS_XML, SOAP_ACTOR_NEXT } from './model.js';
import type {
  AckRequested, Acknowledgment, Description, ErrorDetail, ErrorList, MessageData, MessageHeader, MessageOrder,
  Party, PartyId, SyncReply,
} from './model.js';
import { attrOf, childrenNS, firstChildNS, parseDateTime, textOf } from './xml.js';

function invalid(what: string): never {
  throw new SoapFaultError('Client', `Invalid ebMS header: ${what}`);
}

/** Text of a required child element; missing or empty is XSD-invalid (b.7 rule 1: SOAP Fault). */
function required(parent: Element, localName: string, path: string): string {
  const v = textOf(firstChildNS(parent, NS_EB, localName));
  if (v === undefined || v === '') invalid(`${path}/${localName} is missing or empty`);
  return v;
}

function requiredDateTime(parent: Element, localName: string, path: string): Date {
  const raw = required(parent, localName, path);
  const d = parseDateTime(raw);
  if (d === undefined) invalid(`${path}/${localName} "${raw}" is not an xs:dateTime`);
  return d;
}

/** eb:version must be "2.0" (ebMS 2.0 §3.1.8); ebms-core answers Inconsistent at `<location>/@version`. */
export function checkVersion(el: Element, location: string, problems: EbmsError[]): void {
  const version = attrOf(el, NS_EB, 'version');
  if (version !== EBMS_VERSION) {
    problems.push(new EbmsError('Inconsistent', `${location}/@version`, `Invalid value: version must be ${EBMS_VERSION}, found ${version === undefined ? 'none' : `"${version}"`}`));
  }
}

export function readDescriptions(parent: Element): Description[] {
  return childrenNS(parent, NS_EB, 'Description').map((d) => {
    const lang = d.getAttributeNS(NS_XML, 'lang') || d.getAttribute('xml:lang') || undefined;
    return lang ? { value: textOf(d) ?? '', lang } : { value: textOf(d) ?? '' };
  });
}

/** eb:From / eb:To: PartyId+ (any number, interop gotcha 11) and Role? (absent in signals, gotcha 8). */
export function readParty(el: Element | undefined, path: string): Party {
  if (el === undefined) invalid(`${path} is missing`);
  const PartyId: PartyId[] = childrenNS(el, NS_EB, 'PartyId').map((p) => {
    const type = attrOf(p, NS_EB, 'type');
    const value = textOf(p) ?? '';
    return type ? { value, type } : { value };
  });
  if (PartyId.length === 0 || PartyId.some((p) => p.value === '')) invalid(`${path}/PartyId is missing or empty`);
  const role = textOf(firstChildNS(el, NS_EB, 'Role'));
  return role ? { PartyId, Role: role } : { PartyId };
}

export function readMessageHeader(el: Element, problems: EbmsError[]): MessageHeader {
  const path = 'MessageHeader';
  checkVersion(el, '//Header/MessageHeader', problems);
  const From = readParty(firstChildNS(el, NS_EB, 'From'), `${path}/From`);
  const To = readParty(firstChildNS(el, NS_EB, 'To'), `${path}/To`);
  const CPAId = required(el, 'CPAId', path);
  const ConversationId = required(el, 'ConversationId', path);
  const serviceEl = firstChildNS(el, NS_EB, 'Service');
  const serviceValue = required(el, 'Service', path);
  const serviceType = serviceEl && attrOf(serviceEl, NS_EB, 'type');
  const Action = required(el, 'Action', path);
  const md = firstChildNS(el, NS_EB, 'MessageData');
  if (md === undefined) invalid(`${path}/MessageData is missing`);
  const mdPath = `${path}/MessageData`;
  const MessageData: MessageData = {
    MessageId: required(md, 'MessageId', mdPath),
    Timestamp: requiredDateTime(md, 'Timestamp', mdPath),
  };
  const ref = textOf(firstChildNS(md, NS_EB, 'RefToMessageId'));
  if (ref) MessageData.RefToMessageId = ref;
  if (firstChildNS(md, NS_EB, 'TimeToLive')) MessageData.TimeToLive = requiredDateTime(md, 'TimeToLive', mdPath);

  const header: MessageHeader = {
    From, To, CPAId, ConversationId,
    Service: serviceType ? { value: serviceValue, type: serviceType } : { value: serviceValue },
    Action, MessageData,
  };
  if (firstChildNS(el, NS_EB, 'DuplicateElimination')) header.DuplicateElimination = true;
  const descriptions = readDescriptions(el);
  if (descriptions.length > 0) header.Description = descriptions;
  return header;
}

/** xs:boolean lexical space: true/false/1/0. */
function readBoolean(value: string | undefined, what: string): boolean {
  const v = value?.trim();
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return invalid(`${what} must be a boolean, found ${v === undefined ? 'none' : `"${v}"`}`);
}

export function soapActor(el: Element): string | undefined {
  return el.hasAttributeNS(NS_SOAP, 'actor') ? el.getAttributeNS(NS_SOAP, 'actor') ?? undefined : undefined;
}

export function readAckRequested(el: Element, problems: EbmsError[]): AckRequested {
  checkVersion(el, '//Header/AckRequested', problems);
  const actor = soapActor(el);
  const signed = readBoolean(attrOf(el, NS_EB, 'signed'), 'AckRequested/@signed');
  return actor === undefined ? { signed } : { actor, signed };
}

/** ebMS 2.0 §4.3.1: SOAP:actor must be the SOAP "next" actor (ebms-core: Inconsistent at …/@actor). */
export function readSyncReply(el: Element, problems: EbmsError[]): SyncReply {
  checkVersion(el, '//Header/SyncReply', problems);
  const actor = soapActor(el);
  if (actor !== SOAP_ACTOR_NEXT) {
    problems.push(new EbmsError('Inconsistent', '//Header/SyncReply/@actor', `Invalid value: actor must be ${SOAP_ACTOR_NEXT}, found ${actor === undefined ? 'none' : `"${actor}"`}`));
  }
  return actor === undefined ? {} : { actor };
}

export function readMessageOrder(el: Element, problems: EbmsError[]): MessageOrder {
  checkVersion(el, '//Header/MessageOrder', problems);
  const seq = firstChildNS(el, NS_EB, 'SequenceNumber');
  const order: MessageOrder = { SequenceNumber: textOf(seq) ?? '' };
  const status = seq && attrOf(seq, NS_EB, 'status');
  if (status === 'Reset' || status === 'Continue') order.status = status;
  return order;
}

export function readAcknowledgment(el: Element, problems: EbmsError[]): Acknowledgment {
  checkVersion(el, '//Header/Acknowledgment', problems);
  const ack: Acknowledgment = {
    Timestamp: requiredDateTime(el, 'Timestamp', 'Acknowledgment'),
    RefToMessageId: required(el, 'RefToMessageId', 'Acknowledgment'),
  };
  const actor = soapActor(el);
  if (actor !== undefined) ack.actor = actor;
  const from = firstChildNS(el, NS_EB, 'From');
  if (from) ack.From = readParty(from, 'Acknowledgment/From');
  const refs = childrenNS(el, NS_DS, 'Reference');
  if (refs.length > 0) {
    const serializer = new XMLSerializer();
    ack.Reference = refs.map((r) => serializer.serializeToString(r));
  }
  return ack;
}

function readSeverity(value: string | undefined, what: string): EbmsSeverity {
  if (value === 'Error' || value === 'Warning') return value;
  return invalid(`${what} must be Error or Warning, found ${value === undefined ? 'none' : `"${value}"`}`);
}

export function readErrorList(el: Element, problems: EbmsError[]): ErrorList {
  checkVersion(el, '//Header/ErrorList', problems);
  const errors = childrenNS(el, NS_EB, 'Error').map((e): ErrorDetail => {
    const errorCode = attrOf(e, NS_EB, 'errorCode');
    if (!errorCode) invalid('ErrorList/Error/@errorCode is missing');
    const detail: ErrorDetail = { errorCode, severity: readSeverity(attrOf(e, NS_EB, 'severity'), 'ErrorList/Error/@severity') };
    const codeContext = attrOf(e, NS_EB, 'codeContext');
    const location = attrOf(e, NS_EB, 'location');
    const id = attrOf(e, NS_EB, 'id');
    if (codeContext) detail.codeContext = codeContext;
    if (location) detail.location = location;
    if (id) detail.id = id;
    const [description] = readDescriptions(e);
    if (description) detail.Description = description;
    return detail;
  });
  if (errors.length === 0) invalid('ErrorList has no Error');
  return { highestSeverity: readSeverity(attrOf(el, NS_EB, 'highestSeverity'), 'ErrorList/@highestSeverity'), Error: errors };
}
