/**
 * Length cap on ebMS header values (issue 9 item 7). ebMS 2.0 (msg-header-2_0.xsd) types MessageId,
 * ConversationId, CPAId, PartyId, Service, Action … as unbounded xs:string/xs:anyURI, and Digikoppeling states no
 * limit either; real values are well under 256 characters (DK-20: `uuid@host`). Every reply echoes some of them
 * (RefToMessageId, ConversationId, CPAId, PartyIds: ebms2-digikoppeling.md "signals"), so an oversized value
 * cannot be answered with an ebMS message without sending it back: it is refused with a SOAP Fault (Client) that
 * names the location, as other envelopes that cannot be answered are (b.7 rule 1). Conformance ledger:
 * test/conformance/ebms2/README.md.
 */
import { SoapFaultError } from '../errors.js';
import { NS_DS, NS_EB, NS_SOAP } from './model.js';

/** Default of `limits.ebmsMaxHeaderValueChars`. */
export const DEFAULT_MAX_HEADER_VALUE_CHARS = 1024;

/**
 * Walks the ebMS elements of the SOAP Header and Body (not ds:Signature or ds:Reference content, which the
 * signature layer bounds, nor eb:Description, free text that is never echoed) and refuses any text or attribute
 * value longer than `max` characters.
 * @throws SoapFaultError('Client', '<location> is … characters long …')
 */
export function checkHeaderValueLengths(root: Element, max: number): void {
  for (let n = root.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType !== 1) continue;
    const part = n as Element;
    if (part.namespaceURI !== NS_SOAP || (part.localName !== 'Header' && part.localName !== 'Body')) continue;
    for (let c = part.firstChild; c !== null; c = c.nextSibling) {
      if (c.nodeType === 1 && (c as Element).namespaceURI === NS_EB) walk(c as Element, `//${part.localName}/${(c as Element).localName}`, max);
    }
  }
}

function walk(el: Element, location: string, max: number): void {
  if (el.namespaceURI === NS_DS || (el.namespaceURI === NS_EB && el.localName === 'Description')) return;
  const attributes = (el as unknown as { attributes?: ArrayLike<Attr> }).attributes;
  checkAttributes(el, attributes, location, max);
  let text = 0;
  for (let n = el.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1) walk(n as Element, `${location}/${(n as Element).localName}`, max);
    else if (n.nodeType === 3 || n.nodeType === 4) text += (n.textContent ?? '').trim().length;
  }
  if (text > max) tooLong(location, text, max);
}

function checkAttributes(el: Element, attributes: ArrayLike<Attr> | undefined, location: string, max: number): void {
  // The light tree (light-dom.ts) exposes attributes through `attributeValues`; xmldom through `attributes`.
  const light = (el as unknown as { attributeValues?: () => Array<{ local: string; value: string }> }).attributeValues?.();
  const list = light ?? Array.from(attributes ?? [], (a) => ({ local: a.localName ?? a.name, value: a.value }));
  for (const a of list) if (a.value.length > max) tooLong(`${location}/@${a.local}`, a.value.length, max);
}

function tooLong(location: string, length: number, max: number): never {
  throw new SoapFaultError('Client', `Invalid ebMS header: ${location} is ${length} characters long; at most ${max} are accepted (limits.ebmsMaxHeaderValueChars)`);
}
