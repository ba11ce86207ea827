import { PayloadReadError } from '../../istandaarden/xml-input.js';
import { scanXml, type ScanAttribute } from '../../istandaarden/xml-scan.js';

/**
 * A small read-only element tree for the envelope parser's hot path. @xmldom/xmldom builds a full DOM, which cost
 * about half of the inbound pipeline's CPU for an unsigned message (bench/README.md); the envelope parser only
 * walks elements and reads attributes and text. The tree is filled by the strict scanner of src/istandaarden
 * (XML 1.0 well-formedness and Namespaces, no DOCTYPE, checked against xmllint) and offers exactly the DOM subset
 * the parser uses. Signed envelopes and anything the scanner cannot read (a non-UTF-8 encoding declaration) still
 * go through xmldom, as does `document` when someone asks for it.
 */
class LightText {
  readonly nodeType = 3;
  nextSibling: LightNode | null = null;
  readonly data: string;

  constructor(data: string) {
    this.data = data;
  }

  get textContent(): string {
    return this.data;
  }
}

class LightElement {
  readonly nodeType = 1;
  readonly namespaceURI: string | null;
  readonly localName: string;
  readonly prefix: string | null;
  readonly #attributes: ScanAttribute[];
  firstChild: LightNode | null = null;
  lastChild: LightNode | null = null;
  nextSibling: LightNode | null = null;

  constructor(uri: string, local: string, qname: string, attributes: ScanAttribute[]) {
    this.namespaceURI = uri === '' ? null : uri;
    this.localName = local;
    const colon = qname.indexOf(':');
    this.prefix = colon >= 0 ? qname.slice(0, colon) : null;
    this.#attributes = attributes;
  }

  append(n: LightNode): void {
    if (this.lastChild) this.lastChild.nextSibling = n;
    else this.firstChild = n;
    this.lastChild = n;
  }

  get textContent(): string {
    let s = '';
    for (let n = this.firstChild; n; n = n.nextSibling) s += n.textContent;
    return s;
  }

  getAttributeNS(ns: string | null, local: string): string | null {
    return this.#attributes.find((a) => a.uri === (ns ?? '') && a.local === local)?.value ?? null;
  }

  hasAttributeNS(ns: string | null, local: string): boolean {
    return this.getAttributeNS(ns, local) !== null;
  }

  /** All attributes, for checks that walk them (limits.ts). */
  attributeValues(): Array<{ local: string; value: string }> {
    return this.#attributes.map((a) => ({ local: a.local, value: a.value }));
  }

  getAttribute(name: string): string | null {
    return this.#attributes.find((a) => a.name === name)?.value ?? null;
  }

  hasAttribute(name: string): boolean {
    return this.getAttribute(name) !== null;
  }
}

type LightNode = LightText | LightElement;

export class LightReadError extends Error {
  readonly rule: string;

  constructor(rule: string, message: string) {
    super(message);
    this.name = 'LightReadError';
    this.rule = rule;
  }
}

/** The root element of `xml`, as a DOM `Element` for the parser's purposes. Throws LightReadError. */
export function lightParse(xml: string): Element {
  let root: LightElement | null = null;
  const stack: LightElement[] = [];
  try {
    scanXml(xml, {
      open(uri, local, attributes, qname) {
        const el = new LightElement(uri, local, qname, attributes);
        const parent = stack[stack.length - 1];
        if (parent) parent.append(el);
        else root = el;
        stack.push(el);
      },
      text(t) {
        stack[stack.length - 1]?.append(new LightText(t));
      },
      close() {
        stack.pop();
      },
    });
  } catch (e) {
    if (e instanceof PayloadReadError) throw new LightReadError(e.rule, e.message);
    throw e;
  }
  return root as unknown as Element;
}
