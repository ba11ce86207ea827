/**
 * XML primitives for the envelope layer: a DTD-free DOM parse, namespace-aware element access, XML escaping and
 * xs:dateTime handling. No DTD is ever processed (house rule; ebMS b.7 rule 1 lists XXE as a SOAP Fault case).
 */
import { DOMParser } from '@xmldom/xmldom';
import { SoapFaultError } from '../errors.js';

export const DOCTYPE_REFUSED = 'XML with a DOCTYPE declaration is refused: no DTD is ever processed';

/**
 * Parses XML text into a DOM. Any DOCTYPE (and so any entity declaration, the XXE vector) is refused before
 * parsing; any well-formedness complaint of the parser (xmldom reports some only as warnings) is fatal.
 * @throws SoapFaultError('Client', …)
 */
export function parseXml(xml: string): Document {
  if (/<!DOCTYPE/i.test(xml)) throw new SoapFaultError('Client', DOCTYPE_REFUSED);
  let complaint: string | null = null;
  const note = (msg: unknown): void => {
    complaint ??= String(msg).replace(/^\[xmldom \w+\]\s*/, '').replace(/\s*@#\[line:.*$/s, '').trim();
  };
  let doc: Document;
  try {
    doc = new DOMParser({ errorHandler: { warning: note, error: note, fatalError: note } }).parseFromString(xml, 'text/xml');
  } catch (err) {
    note(err instanceof Error ? err.message : err);
    throw new SoapFaultError('Client', `SOAP envelope is not well-formed XML: ${complaint}`);
  }
  if (complaint !== null) throw new SoapFaultError('Client', `SOAP envelope is not well-formed XML: ${complaint}`);
  if (!doc || !doc.documentElement) throw new SoapFaultError('Client', 'SOAP envelope is not well-formed XML: no root element');
  return doc;
}

/** Decodes the SOAP part's octets: UTF-8 (the default, BOM dropped) or ISO-8859-1 when the charset says so. */
export function decodeXmlBytes(bytes: Buffer, charset?: string): string {
  const cs = (charset ?? 'utf-8').toLowerCase();
  if (cs === 'iso-8859-1' || cs === 'latin1' || cs === 'us-ascii') return bytes.toString('latin1');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function childElements(parent: Element): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) if (n.nodeType === 1) out.push(n as Element);
  return out;
}

export function childrenNS(parent: Element, ns: string, localName: string): Element[] {
  return childElements(parent).filter((e) => e.namespaceURI === ns && e.localName === localName);
}

export function firstChildNS(parent: Element, ns: string, localName: string): Element | undefined {
  for (let n = parent.firstChild; n !== null; n = n.nextSibling) {
    if (n.nodeType === 1 && (n as Element).namespaceURI === ns && (n as Element).localName === localName) return n as Element;
  }
  return undefined;
}

/** Trimmed text content (element content of ebMS header fields never has meaningful edge whitespace). */
export function textOf(el: Element | undefined): string | undefined {
  return el === undefined ? undefined : (el.textContent ?? '').trim();
}

/**
 * Attribute in namespace `ns`, falling back to the unqualified attribute: msg-header-2_0.xsd has
 * attributeFormDefault="qualified" (`eb:type`), yet some MSHs write `type`; accept both.
 */
export function attrOf(el: Element, ns: string, localName: string): string | undefined {
  if (el.hasAttributeNS(ns, localName)) return el.getAttributeNS(ns, localName) ?? undefined;
  if (el.hasAttribute(localName)) return el.getAttribute(localName) ?? undefined;
  return undefined;
}

const XSD_DATE_TIME = /^(-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * xs:dateTime → Date. Accepts offsets (`+00:00`, `+01:00`), `Z`, no zone (taken as UTC) and any number of
 * fractional digits (interop gotcha 6). Returns undefined when the lexical form is invalid.
 */
export function parseDateTime(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const m = XSD_DATE_TIME.exec(value.trim());
  if (!m) return undefined;
  const fraction = m[2] ? m[2].slice(0, 4).padEnd(4, '0') : '';
  const date = new Date(`${m[1]}${fraction}${m[3] ?? 'Z'}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Date → xs:dateTime in UTC with `Z` (interop gotcha 6), e.g. `2026-03-01T10:15:30.123Z`. */
export function formatDateTime(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('invalid Date');
  return date.toISOString();
}

// Characters XML 1.0 does not allow at all (§2.2); escaping cannot help, so they are a programming error.
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;
const TEXT_SPECIAL = /[&<>\r]/g;
const ATTR_SPECIAL = /[&<>"\r\n\t]/g;
const ENTITY: Record<string, string> = {
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;',
};

function checkChars(value: string): void {
  if (XML_INVALID.test(value)) throw new TypeError('value contains a character that XML 1.0 does not allow');
}

/** Escapes character data (CR as `&#13;` so that it survives end-of-line normalisation). */
export function escapeText(value: string): string {
  checkChars(value);
  return value.replace(TEXT_SPECIAL, (c) => ENTITY[c]!);
}

/** Escapes an attribute value for a double-quoted attribute (whitespace as character references, §3.3.3). */
export function escapeAttr(value: string): string {
  checkChars(value);
  return value.replace(ATTR_SPECIAL, (c) => ENTITY[c]!);
}
