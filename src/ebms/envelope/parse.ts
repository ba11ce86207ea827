/**
 * SOAP 1.1 envelope → ebMS 2.0 model (ebMS 2.0 §2-§8). Namespace-aware and prefix-agnostic; DTDs refused.
 * Header blocks carrying SOAP mustUnderstand "1"/"true" (SOAP 1.1 §4.2.3) that this MSH does not process are
 * listed in `notUnderstood` for the pipeline to refuse; eb:MessageOrder is modelled only so it can be refused.
 */
import { EbmsError, SoapFaultError } from '../errors.js';
import { NS_DS, NS_EB, NS_SOAP, NS_XLINK, messageStatuses, ACTOR_NEXT_MSH, ACTOR_TO_PARTY_MSH, SOAP_ACTOR_NEXT } from './model.js';
import type { Manifest, ManifestReference, MessageStatus, ParsedEnvelope, QualifiedName, StatusRequest, StatusResponse } from './model.js';
import {
  checkVersion, readAckRequested, readAcknowledgment, readDescriptions, readErrorList, readMessageHeader,
  readMessageOrder, readSyncReply, soapActor,
} from './parse-header.js';
import { LightReadError, lightParse } from './light-dom.js';
import { DEFAULT_MAX_HEADER_VALUE_CHARS, checkHeaderValueLengths } from './limits.js';
import { DOCTYPE_REFUSED, attrOf, checkXmlChars, childElements, childrenNS, decodeXmlBytes, firstChildNS, parseDateTime, parseXml, textOf } from './xml.js';

/** Header blocks this MSH processes (ebMS 2.0 §3.1, §4.1, §4.2, §4.3, §6.3, §9.1). */
const UNDERSTOOD_EB_HEADERS = new Set(['MessageHeader', 'AckRequested', 'SyncReply', 'Acknowledgment', 'ErrorList', 'MessageOrder']);
/** SOAP 1.1 §4.2.2: blocks for another actor are not ours to understand. */
const OUR_ACTORS = new Set([SOAP_ACTOR_NEXT, ACTOR_TO_PARTY_MSH, ACTOR_NEXT_MSH]);

export interface EnvelopeLimits {
  /** Longest ebMS header value accepted (limits.ebmsMaxHeaderValueChars). */
  maxHeaderValueChars?: number;
}

function fault(reason: string): never {
  throw new SoapFaultError('Client', reason);
}

/**
 * Parses the SOAP part of an ebMS message.
 * @param xml the SOAP part's octets (UTF-8 unless `charset` says otherwise) or its text
 * @throws SoapFaultError('Client', …) for anything that cannot be answered with an ebMS error (b.7 rule 1)
 */
export function parseEnvelope(xml: Buffer | string, charset?: string, opts: EnvelopeLimits = {}): ParsedEnvelope {
  const { root, document } = envelopeRoot(typeof xml === 'string' ? xml : decodeXmlBytes(xml, charset));
  if (root.namespaceURI !== NS_SOAP || root.localName !== 'Envelope') {
    fault(`Root element {${root.namespaceURI ?? ''}}${root.localName} is not a SOAP 1.1 Envelope`);
  }
  checkHeaderValueLengths(root, opts.maxHeaderValueChars ?? DEFAULT_MAX_HEADER_VALUE_CHARS);
  const header = firstChildNS(root, NS_SOAP, 'Header');
  const body = firstChildNS(root, NS_SOAP, 'Body');
  if (header === undefined) fault('SOAP Envelope has no Header (eb:MessageHeader is required)');
  if (body === undefined) fault('SOAP Envelope has no Body');

  const problems: EbmsError[] = [];
  const notUnderstood: QualifiedName[] = [];
  const seen = new Set<string>();
  let signaturePresent = false;
  const result: Partial<ParsedEnvelope> = {};

  for (const el of childElements(header)) {
    const local = el.localName;
    if (el.namespaceURI === NS_EB && UNDERSTOOD_EB_HEADERS.has(local)) {
      if (seen.has(local)) fault(`SOAP Header contains more than one eb:${local}`);
      seen.add(local);
      switch (local) {
        case 'MessageHeader': result.MessageHeader = readMessageHeader(el, problems); break;
        case 'AckRequested': result.AckRequested = readAckRequested(el, problems); break;
        case 'SyncReply': result.SyncReply = readSyncReply(el, problems); break;
        case 'Acknowledgment': result.Acknowledgment = readAcknowledgment(el, problems); break;
        case 'ErrorList': result.ErrorList = readErrorList(el, problems); break;
        default: result.MessageOrder = readMessageOrder(el, problems);
      }
      continue;
    }
    if (el.namespaceURI === NS_DS && local === 'Signature') {
      signaturePresent = true;
      continue;
    }
    if (mustUnderstand(el)) notUnderstood.push({ namespaceURI: el.namespaceURI, localName: local });
  }
  const MessageHeader = result.MessageHeader;
  if (MessageHeader === undefined) fault('SOAP Header has no eb:MessageHeader');

  for (const el of childElements(body)) {
    if (el.namespaceURI !== NS_EB) continue;
    if (el.localName === 'Manifest') result.Manifest ??= readManifest(el, problems);
    else if (el.localName === 'StatusRequest') result.StatusRequest ??= readStatusRequest(el, problems);
    else if (el.localName === 'StatusResponse') result.StatusResponse ??= readStatusResponse(el, problems);
  }

  const parsed = { ...result, MessageHeader, notUnderstood, signaturePresent, problems, soapPrefix: root.prefix || null };
  // The DOM is built only when someone asks for it (see envelopeRoot).
  return Object.defineProperty(parsed, 'document', { get: document, enumerable: false }) as ParsedEnvelope;
}

/**
 * The envelope's root element, from the light tree (light-dom.ts: strict scanner, no DOM). A document the scanner
 * does not accept goes through xmldom as before, so refusals and their messages are xmldom's; so does an
 * Acknowledgment carrying ds:Reference elements, which are kept as serialized XML. DOCTYPE is refused first.
 */
function envelopeRoot(text: string): { root: Element; document: () => Document } {
  if (/<!DOCTYPE/i.test(text)) throw new SoapFaultError('Client', DOCTYPE_REFUSED);
  checkXmlChars(text); // character references are checked by the scanner, or by parseXml on the xmldom path
  try {
    const root = lightParse(text);
    const header = root.namespaceURI === NS_SOAP ? firstChildNS(root, NS_SOAP, 'Header') : undefined;
    const ack = header ? firstChildNS(header, NS_EB, 'Acknowledgment') : undefined;
    if (!ack || !childElements(ack).some((e) => e.namespaceURI === NS_DS)) {
      let doc: Document | undefined;
      return { root, document: () => (doc ??= parseXml(text)) };
    }
  } catch (e) {
    if (!(e instanceof LightReadError)) throw e;
    if (e.rule === 'limit') throw new SoapFaultError('Client', `SOAP envelope refused: ${e.message}`);
  }
  const doc = parseXml(text);
  return { root: doc.documentElement, document: () => doc };
}

/** SOAP 1.1 §4.2.3: mustUnderstand "1" (ebMS peers also send "true", gotcha 11), for us or for no actor. */
function mustUnderstand(el: Element): boolean {
  const value = el.getAttributeNS(NS_SOAP, 'mustUnderstand')?.trim();
  if (value !== '1' && value !== 'true') return false;
  const actor = soapActor(el);
  return actor === undefined || OUR_ACTORS.has(actor);
}

function readManifest(el: Element, problems: EbmsError[]): Manifest {
  checkVersion(el, '//Body/Manifest', problems);
  const refs = childrenNS(el, NS_EB, 'Reference');
  // msg-header-2_0.xsd: Manifest holds Reference (minOccurs 1, maxOccurs unbounded); an empty Manifest is
  // schema-invalid and refused with a SOAP Fault like other schema-invalid headers (b.7 rule 1, as ebms-core does).
  if (refs.length === 0) fault('Invalid ebMS header: eb:Manifest has no eb:Reference (msg-header-2_0.xsd requires one or more)');
  const Reference = refs.map((r): ManifestReference => {
    const href = r.getAttributeNS(NS_XLINK, 'href') ?? '';
    if (href === '') {
      problems.push(new EbmsError('MimeProblem', '//Body/Manifest/Reference/@href', 'Manifest Reference has no xlink:href'));
    }
    const ref: ManifestReference = { href };
    const role = r.getAttributeNS(NS_XLINK, 'role');
    const id = attrOf(r, NS_EB, 'id');
    if (role) ref.role = role;
    if (id) ref.id = id;
    const schemas = childrenNS(r, NS_EB, 'Schema').map((s) => {
      const location = attrOf(s, NS_EB, 'location') ?? '';
      const version = attrOf(s, NS_EB, 'version');
      return version ? { location, version } : { location };
    });
    if (schemas.length > 0) ref.Schema = schemas;
    const descriptions = readDescriptions(r);
    if (descriptions.length > 0) ref.Description = descriptions;
    return ref;
  });
  return { Reference };
}

function readStatusRequest(el: Element, problems: EbmsError[]): StatusRequest {
  checkVersion(el, '//Body/StatusRequest', problems);
  const ref = textOf(firstChildNS(el, NS_EB, 'RefToMessageId'));
  if (!ref) fault('Invalid ebMS body: StatusRequest/RefToMessageId is missing or empty');
  return { RefToMessageId: ref };
}

function readStatusResponse(el: Element, problems: EbmsError[]): StatusResponse {
  checkVersion(el, '//Body/StatusResponse', problems);
  const status = attrOf(el, NS_EB, 'messageStatus');
  if (!(messageStatuses as readonly string[]).includes(status ?? '')) {
    fault(`Invalid ebMS body: StatusResponse/@messageStatus "${status ?? ''}" is not one of ${messageStatuses.join(', ')}`);
  }
  const ref = textOf(firstChildNS(el, NS_EB, 'RefToMessageId'));
  if (!ref) fault('Invalid ebMS body: StatusResponse/RefToMessageId is missing or empty');
  const response: StatusResponse = { messageStatus: status as MessageStatus, RefToMessageId: ref };
  const ts = textOf(firstChildNS(el, NS_EB, 'Timestamp'));
  if (ts !== undefined) {
    const d = parseDateTime(ts);
    if (d === undefined) fault(`Invalid ebMS body: StatusResponse/Timestamp "${ts}" is not an xs:dateTime`);
    response.Timestamp = d;
  }
  return response;
}
