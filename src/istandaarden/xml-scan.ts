/**
 * A small, strict, namespace-aware XML 1.0 scanner for iWmo/iJw payloads: the hot path of payload validation.
 * It is ~5× faster than a character-by-character SAX parser because it moves between markup with indexOf and
 * sticky regular expressions. Everything it does not need is refused rather than half-supported: any DOCTYPE
 * (no DTD, hence no entities beyond the five predefined ones), a non-UTF-8 encoding declaration.
 * Well-formedness (XML 1.0 5th ed. §2) and Namespaces in XML 1.0 are enforced; the test suite checks it against
 * saxes and xmllint on malformed input. The structural limits of src/xml-limits.ts (depth, element and attribute
 * counts, name and attribute value lengths) are applied while scanning; a hit is PayloadReadError rule `limit`.
 * Linear in the input: namespace lookups are O(1) (one stack of URIs per prefix), whatever the nesting.
 */
import { XmlLimitCounter, XmlLimitError } from '../xml-limits.js';
import { PayloadReadError } from './xml-input.js';

export interface ScanAttribute { name: string; prefix: string; local: string; uri: string; value: string }

export interface ScanHandler {
  /** `qname` is the element name as written (prefix:local), for callers that need the prefix. */
  open(uri: string, local: string, attributes: ScanAttribute[], qname: string): void;
  text(text: string): void;
  close(): void;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';
// XML 1.0 5th edition NameStartChar / NameChar, without ':' (NCName).
const START = 'A-Z_a-z\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD\\u{10000}-\\u{EFFFF}';
const CHAR = `${START}\\-.0-9\\u00B7\\u0300-\\u036F\\u203F\\u2040`;
const NCNAME = `[${START}][${CHAR}]*`;
const QNAME = `${NCNAME}(?::${NCNAME})?`;
const S = '[ \\t\\n]';
const START_TAG = new RegExp(`<(${QNAME})((?:${S}+${QNAME}${S}*=${S}*(?:"[^<"]*"|'[^<']*'))*)${S}*(/?)>`, 'uy');
const ATTRIBUTE = new RegExp(`${S}+(${QNAME})${S}*=${S}*(?:"([^<"]*)"|'([^<']*)')`, 'uy');
const END_TAG = new RegExp(`</(${QNAME})${S}*>`, 'uy');
const PI_TARGET = new RegExp(`<\\?(${NCNAME})(?:${S}|\\?>)`, 'uy');
const XML_DECL = new RegExp(`<\\?xml${S}+version${S}*=${S}*(?:"1\\.[0-9]+"|'1\\.[0-9]+')`
  + `(?:${S}+encoding${S}*=${S}*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)'))?`
  + `(?:${S}+standalone${S}*=${S}*(?:"(?:yes|no)"|'(?:yes|no)'))?${S}*\\?>`, 'y');
// Characters outside the XML 1.0 Char production (control characters, U+FFFE/U+FFFF, lone surrogates).
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const WS_ONLY = /^[ \t\n]*$/;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

function fail(message: string, at: number): never {
  throw new PayloadReadError('wellformed', `${message} (at offset ${at})`);
}

function isChar(cp: number): boolean {
  return cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** Resolve the five predefined entities and character references; anything else is an error. */
function decode(s: string, at: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&([^&;]*)(;?)/g, (_m, ref: string, semi: string) => {
    if (semi !== ';') fail('"&" must start an entity or character reference', at);
    if (PREDEFINED[ref] !== undefined) return PREDEFINED[ref]!;
    const m = /^#(?:([0-9]+)|x([0-9a-fA-F]+))$/.exec(ref);
    if (!m) fail(`undefined entity &${ref}; (no DTD is processed)`, at);
    const cp = m[1] !== undefined ? Number(m[1]) : parseInt(m[2]!, 16);
    if (!isChar(cp)) fail(`character reference &${ref}; is not a legal XML character`, at);
    return String.fromCodePoint(cp);
  });
}

/** `declared`: the prefixes this element bound (popped from `ns` when it closes). */
interface OpenElement { qname: string; declared: string[] | null }

/** Scan a whole document, calling `h` for every element and text run; throws PayloadReadError. */
export function scanXml(input: string, h: ScanHandler): void {
  try {
    scan(input, h);
  } catch (e) {
    if (e instanceof XmlLimitError) throw new PayloadReadError('limit', e.message);
    throw e;
  }
}

function scan(input: string, h: ScanHandler): void {
  let xml = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  if (xml.includes('\r')) xml = xml.replace(/\r\n?/g, '\n'); // §2.11 end-of-line handling
  const bad = BAD_CHAR.exec(xml);
  if (bad) fail(`illegal XML character U+${bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`, bad.index);
  const ns = new Map<string, string[]>([['xml', [XML_NS]]]);
  const unbind = (declared: string[] | null): void => { if (declared) for (const p of declared) ns.get(p)!.pop(); };
  const limits = new XmlLimitCounter();
  const stack: OpenElement[] = [];
  let rootDone = false;
  let pos = 0;

  const lookup = (prefix: string, at: number): string => {
    const uris = ns.get(prefix);
    if (uris && uris.length > 0) return uris[uris.length - 1]!;
    if (prefix === '') return '';
    return fail(`namespace prefix ${prefix} is not declared`, at);
  };

  XML_DECL.lastIndex = 0;
  const decl = XML_DECL.exec(xml);
  if (decl) {
    const enc = decl[1] ?? decl[2];
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) {
      throw new PayloadReadError('encoding', `encoding ${enc} is not allowed; iWmo/iJw messages are UTF-8`);
    }
    pos = decl[0].length;
  } else if (/^<\?xml[ \t\n?]/.test(xml)) fail('malformed XML declaration', 0);

  while (pos < xml.length) {
    const lt = xml.indexOf('<', pos);
    const end = lt < 0 ? xml.length : lt;
    if (end > pos) {
      const raw = xml.slice(pos, end);
      if (stack.length === 0) {
        if (!WS_ONLY.test(raw)) fail('text is not allowed outside the root element', pos);
      } else {
        if (raw.includes(']]>')) fail('"]]>" is not allowed in text', pos);
        h.text(decode(raw, pos));
      }
    }
    if (lt < 0) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 0x2f) { // </
      END_TAG.lastIndex = lt;
      const m = END_TAG.exec(xml);
      if (!m) fail('malformed end tag', lt);
      const top = stack.pop();
      if (!top || top.qname !== m[1]) fail(`end tag </${m[1]}> does not match <${top?.qname ?? ''}>`, lt);
      unbind(top.declared);
      h.close();
      if (stack.length === 0) rootDone = true;
      pos = lt + m[0].length;
    } else if (c === 0x21) { // <!
      if (xml.startsWith('<!--', lt)) {
        const close = xml.indexOf('--', lt + 4);
        if (close < 0 || xml.charCodeAt(close + 2) !== 0x3e) fail('"--" is not allowed inside a comment', lt);
        pos = close + 3;
      } else if (xml.startsWith('<![CDATA[', lt)) {
        if (stack.length === 0) fail('CDATA is not allowed outside the root element', lt);
        const close = xml.indexOf(']]>', lt + 9);
        if (close < 0) fail('unterminated CDATA section', lt);
        h.text(xml.slice(lt + 9, close));
        pos = close + 3;
      } else if (xml.startsWith('<!DOCTYPE', lt)) {
        throw new PayloadReadError('doctype', 'DOCTYPE is not allowed in an iWmo/iJw message (no DTD processing)');
      } else fail('malformed markup declaration', lt);
    } else if (c === 0x3f) { // <?
      PI_TARGET.lastIndex = lt;
      const m = PI_TARGET.exec(xml);
      if (!m || m[1]!.toLowerCase() === 'xml') fail('malformed processing instruction', lt);
      const close = xml.indexOf('?>', lt + 2 + m[1]!.length);
      if (close < 0) fail('unterminated processing instruction', lt);
      pos = close + 2;
    } else {
      // Depth and element count before the (regex) tag scan: a bomb fails at its first element too many.
      limits.element(elementName(xml, lt), stack.length + 1);
      START_TAG.lastIndex = lt;
      const m = START_TAG.exec(xml);
      if (!m) fail('malformed start tag', lt);
      if (rootDone) fail('only one root element is allowed', lt);
      let declared: string[] | null = null;
      let count = 0;
      const pending: Array<[string, string, string]> = []; // qname, prefix, value of ordinary attributes
      const seen = new Set<string>();
      if (m[2]) {
        const list = m[2];
        ATTRIBUTE.lastIndex = 0;
        for (let a = ATTRIBUTE.exec(list); a; a = ATTRIBUTE.exec(list)) {
          const name = a[1]!;
          limits.attribute(m[1]!, ++count, name, (a[2] ?? a[3]!).length);
          if (seen.has(name)) fail(`duplicate attribute ${name}`, lt);
          seen.add(name);
          const value = decode((a[2] ?? a[3]!).replace(/[\t\n]/g, ' '), lt);
          if (name === 'xmlns' || name.startsWith('xmlns:')) {
            const prefix = name === 'xmlns' ? '' : name.slice(6);
            if (prefix === 'xmlns' || (prefix === 'xml') !== (value === XML_NS) || value === XMLNS_NS) fail(`illegal namespace declaration ${name}`, lt);
            if (prefix !== '' && value === '') fail(`namespace prefix ${prefix} may not be undeclared`, lt);
            let uris = ns.get(prefix);
            if (!uris) ns.set(prefix, (uris = []));
            uris.push(value);
            (declared ??= []).push(prefix);
          } else pending.push([name, name.includes(':') ? name.slice(0, name.indexOf(':')) : '', value]);
          if (ATTRIBUTE.lastIndex === list.length) break;
        }
      }
      const qname = m[1]!;
      const colon = qname.indexOf(':');
      if (colon >= 0 && qname.slice(0, colon) === 'xmlns') fail('an element may not have the prefix xmlns', lt);
      const uri = lookup(colon >= 0 ? qname.slice(0, colon) : '', lt);
      const attributes: ScanAttribute[] = [];
      const expanded = new Set<string>();
      for (const [name, prefix, value] of pending) {
        const aUri = prefix === '' ? '' : lookup(prefix, lt);
        const local = prefix === '' ? name : name.slice(prefix.length + 1);
        if (expanded.has(`${aUri} ${local}`)) fail(`duplicate attribute {${aUri}}${local}`, lt);
        expanded.add(`${aUri} ${local}`);
        attributes.push({ name, prefix, local, uri: aUri, value });
      }
      h.open(uri, colon >= 0 ? qname.slice(colon + 1) : qname, attributes, qname);
      if (m[3] === '/') {
        unbind(declared);
        h.close();
        if (stack.length === 0) rootDone = true;
      } else stack.push({ qname, declared });
      pos = lt + m[0].length;
    }
  }
  if (stack.length > 0) fail(`element <${stack[stack.length - 1]!.qname}> is not closed`, xml.length);
  if (!rootDone) fail('the document has no root element', 0);
}

const NAME_END = /[ \t\n/>]/g;

/** The element name at `<` position `lt`, up to the first blank, `/` or `>` (for the limits, before the tag scan). */
function elementName(xml: string, lt: number): string {
  NAME_END.lastIndex = lt + 1;
  const end = NAME_END.exec(xml)?.index ?? xml.length;
  return xml.slice(lt + 1, end);
}
