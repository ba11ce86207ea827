/**
 * XML primitives for the envelope layer: a DTD-free DOM parse, namespace-aware element access, XML escaping and
 * xs:dateTime handling. No DTD is ever processed (house rule; ebMS b.7 rule 1 lists XXE as a SOAP Fault case).
 */
import { DOMParser } from '@xmldom/xmldom';
import { SoapFaultError } from '../errors.js';
import { XmlLimitError, checkXmlLimits } from '../../xml-limits.js';

export const DOCTYPE_REFUSED = 'XML with a DOCTYPE declaration is refused: no DTD is ever processed';

/**
 * Parses XML text into a DOM. Any DOCTYPE (and so any entity declaration, the XXE vector) is refused before
 * parsing; any well-formedness complaint of the parser (xmldom reports some only as warnings) is fatal.
 * @throws SoapFaultError('Client', …)
 */
export function parseXml(xml: string): Document {
  if (/<!DOCTYPE/i.test(xml)) throw new SoapFaultError('Client', DOCTYPE_REFUSED);
  checkLimits(xml);
  // xmldom accepts control characters and references to them; XML 1.0 §2.2 does not (issue 9 item 2).
  checkXmlChars(xml);
  checkCharReferences(xml);
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

/** The XML limits (src/xml-limits.ts) before xmldom, which has none; a hit is the peer's fault: a Client Fault. */
export function checkLimits(xml: string): void {
  try {
    checkXmlLimits(xml);
  } catch (err) {
    if (err instanceof XmlLimitError) throw new SoapFaultError('Client', `SOAP envelope refused: ${err.message}`);
    throw err;
  }
}

/** Charsets of the SOAP part we decode (RFC 2045 names, lower-cased); anything else is refused, not guessed. */
export const SOAP_CHARSETS = ['utf-8', 'us-ascii', 'iso-8859-1'] as const;
const CHARSET_ALIASES: Record<string, (typeof SOAP_CHARSETS)[number]> = {
  'utf-8': 'utf-8', utf8: 'utf-8', 'us-ascii': 'us-ascii', ascii: 'us-ascii', 'iso-8859-1': 'iso-8859-1', 'iso_8859-1': 'iso-8859-1', latin1: 'iso-8859-1',
};
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes the SOAP part's octets by its MIME `charset` parameter (RFC 2045 §5.1; default UTF-8, a BOM dropped):
 * UTF-8 (strict: invalid sequences are refused, not replaced), US-ASCII (octets above 0x7F refused) or ISO-8859-1.
 * Any other charset (UTF-16 among them) is refused: a parse with the wrong decoder would read another message
 * than the one sent (issue 9 item 7).
 * @throws SoapFaultError('Client', …)
 */
export function decodeXmlBytes(bytes: Buffer, charset?: string): string {
  const given = (charset ?? 'utf-8').trim().toLowerCase();
  const cs = CHARSET_ALIASES[given];
  if (cs === undefined) {
    throw new SoapFaultError('Client', `charset "${clip(given, 40)}" of the SOAP part is not supported: send it as ${SOAP_CHARSETS.join(', ')}`);
  }
  if (cs === 'iso-8859-1') return bytes.toString('latin1');
  if (cs === 'us-ascii') {
    const high = bytes.findIndex((b) => b > 0x7f);
    if (high >= 0) throw new SoapFaultError('Client', `SOAP part declared US-ASCII has a non-ASCII octet 0x${bytes[high]!.toString(16)} at offset ${high}`);
    return bytes.toString('latin1');
  }
  try {
    return UTF8.decode(bytes); // drops a BOM
  } catch {
    throw new SoapFaultError('Client', `SOAP part is not valid UTF-8 (byte offset ${invalidUtf8At(bytes)})`);
  }
}

/** Offset of the first invalid UTF-8 sequence (only computed for the refusal message). */
function invalidUtf8At(b: Buffer): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const n = c < 0x80 ? 0 : c >= 0xc2 && c <= 0xdf ? 1 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    const cp = n === 2 ? ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) : n === 3 ? ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) : 0x800;
    if ((n === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n === 3 && (cp < 0x10000 || cp > 0x10ffff))) return i;
    i += n + 1;
  }
  return b.length;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]. The complement in a
// JS string: C0 controls except TAB/LF/CR, U+FFFE/U+FFFF, and surrogates that are not part of a pair.
const NON_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CHAR_REF = /&#(?:([0-9]+)|x([0-9a-fA-F]+));/g;

function isXmlChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Refuses characters outside XML 1.0's Char production written literally (XML 1.0 §2.2): a control character,
 * U+FFFE/U+FFFF or a lone surrogate makes the document not well-formed. SOAP Fault (Client), ebMS b.7 rule 1.
 */
export function checkXmlChars(text: string): void {
  const m = NON_CHAR.exec(text);
  if (m) throw new SoapFaultError('Client', `SOAP envelope is not well-formed XML: character ${hex(m[0].charCodeAt(0))} at offset ${m.index} is not allowed (XML 1.0 §2.2 Char)`);
}

/** Refuses character references to non-characters (XML 1.0 §4.1 WFC: Legal Character), e.g. `&#1;`, `&#xFFFE;`. */
export function checkCharReferences(text: string): void {
  if (!text.includes('&#')) return;
  for (const m of text.matchAll(CHAR_REF)) {
    const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
    if (!isXmlChar(cp)) {
      throw new SoapFaultError('Client', `SOAP envelope is not well-formed XML: character reference ${clip(m[0], 16)} at offset ${m.index} is not a legal character (XML 1.0 §4.1 WFC Legal Character)`);
    }
  }
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
