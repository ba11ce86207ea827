/**
 * Structural limits for every XML reader of the product (issue 9: a 100,000-level payload froze the hub).
 * Each reader — the StUF reader (src/stuf/xml.ts), the strict scanner (src/istandaarden/xml-scan.ts, also the
 * envelope's light tree), the xmldom readers of the envelope fallback, signatures, encryption and CPAs — enforces
 * them while it reads, so a bomb fails fast, and each turns a hit into its own protocol's error (ebMS SOAP Fault,
 * StUF RIN001/StUF055, CPA validation problem). The defaults are far above any real message (a real iWmo/iJw
 * message is < 20 levels deep, an ebMS envelope < 15, a CPA < 25). `server.ts` sets them from the configuration
 * (`limits.xml.*`); readers take the current value at every call.
 */
export interface XmlLimits {
  /** Deepest element nesting (the root element is depth 1). */
  maxDepth: number;
  /** Most elements in one document. */
  maxElements: number;
  /** Most attributes (namespace declarations included) on one element. */
  maxAttributes: number;
  /** Longest element or attribute name (qualified, in characters). */
  maxNameLength: number;
  /** Longest attribute value (in characters). */
  maxAttributeValueLength: number;
}

export const DEFAULT_XML_LIMITS: Readonly<XmlLimits> = Object.freeze({
  maxDepth: 256,
  maxElements: 1_000_000,
  maxAttributes: 256,
  maxNameLength: 1024,
  maxAttributeValueLength: 65_536,
});

let current: Readonly<XmlLimits> = DEFAULT_XML_LIMITS;

/** The limits in force (configuration or defaults). */
export function xmlLimits(): Readonly<XmlLimits> {
  return current;
}

/** Sets the limits (at start-up, from `limits.xml`); missing fields keep their defaults. */
export function setXmlLimits(limits: Partial<XmlLimits>): void {
  current = Object.freeze({ ...DEFAULT_XML_LIMITS, ...limits });
}

/** A limit hit: `message` names the element (or attribute) and the limit with its value. */
export class XmlLimitError extends Error {
  readonly limit: keyof XmlLimits;
  readonly element: string;
  constructor(limit: keyof XmlLimits, element: string, detail: string, max: number) {
    super(`XML limit exceeded at <${element.slice(0, 64)}>: ${detail} (limits.xml.${limit} = ${max})`);
    this.name = 'XmlLimitError';
    this.limit = limit;
    this.element = element.slice(0, 64);
  }
}

/** Counts as a reader goes; every method throws XmlLimitError on the first limit hit. O(1) per call. */
export class XmlLimitCounter {
  private elements = 0;
  private readonly limits: Readonly<XmlLimits>;
  constructor(limits: Readonly<XmlLimits> = current) {
    this.limits = limits;
  }

  /** An element start tag `name` at `depth` (root = 1). */
  element(name: string, depth: number): void {
    const l = this.limits;
    if (name.length > l.maxNameLength) throw new XmlLimitError('maxNameLength', name, `element name of ${name.length} characters`, l.maxNameLength);
    if (depth > l.maxDepth) throw new XmlLimitError('maxDepth', name, `nesting depth ${depth}`, l.maxDepth);
    if (++this.elements > l.maxElements) throw new XmlLimitError('maxElements', name, `more than ${l.maxElements} elements`, l.maxElements);
  }

  /** The `index`-th (1-based) attribute of element `element`. */
  attribute(element: string, index: number, name: string, valueLength: number): void {
    const l = this.limits;
    if (index > l.maxAttributes) throw new XmlLimitError('maxAttributes', element, `more than ${l.maxAttributes} attributes`, l.maxAttributes);
    if (name.length > l.maxNameLength) throw new XmlLimitError('maxNameLength', element, `attribute name of ${name.length} characters`, l.maxNameLength);
    if (valueLength > l.maxAttributeValueLength) {
      throw new XmlLimitError('maxAttributeValueLength', element, `attribute ${name.slice(0, 64)} value of ${valueLength} characters`, l.maxAttributeValueLength);
    }
  }
}

const NAME_END = /[\s/>]/g;
const ATTR = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/**
 * A linear pre-scan for readers that cannot count while they parse (xmldom): walks the markup once, skipping
 * comments, CDATA, PIs and quoted attribute values, and applies the limits. It judges nothing else — malformed
 * input is left to the parser that follows, so its own messages stay as they were.
 */
export function checkXmlLimits(xml: string, limits: Readonly<XmlLimits> = current): void {
  const counter = new XmlLimitCounter(limits);
  let depth = 0;
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    if (lt < 0) return;
    const c = xml.charCodeAt(lt + 1);
    if (c === 0x21) { // <!
      if (xml.startsWith('<!--', lt)) pos = until(xml, '-->', lt + 4);
      else if (xml.startsWith('<![CDATA[', lt)) pos = until(xml, ']]>', lt + 9);
      else pos = lt + 2;
      continue;
    }
    if (c === 0x3f) { pos = until(xml, '?>', lt + 2); continue; } // <?
    if (c === 0x2f) { depth = Math.max(0, depth - 1); pos = lt + 2; continue; } // </
    NAME_END.lastIndex = lt + 1;
    const nameEnd = NAME_END.exec(xml)?.index ?? xml.length;
    const name = xml.slice(lt + 1, nameEnd);
    counter.element(name, depth + 1);
    // The end of the start tag: the first '>' outside quotes.
    let i = nameEnd;
    let quote = 0;
    for (; i < xml.length; i++) {
      const ch = xml.charCodeAt(i);
      if (quote !== 0) { if (ch === quote) quote = 0; } else if (ch === 0x22 || ch === 0x27) quote = ch; else if (ch === 0x3e || ch === 0x3c) break;
    }
    const selfClosing = xml.charCodeAt(i - 1) === 0x2f;
    const body = xml.slice(nameEnd, selfClosing ? i - 1 : i);
    let attributes = 0;
    ATTR.lastIndex = 0;
    for (let a = ATTR.exec(body); a; a = ATTR.exec(body)) counter.attribute(name, ++attributes, a[1]!, (a[2] ?? a[3] ?? '').length);
    if (!selfClosing) depth++;
    pos = i;
  }
}

function until(xml: string, end: string, from: number): number {
  const at = xml.indexOf(end, from);
  return at < 0 ? xml.length : at + end.length;
}
