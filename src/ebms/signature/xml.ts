import { DOMParser } from '@xmldom/xmldom';
import { XMLNS_NS } from './algorithms.js';
import { XmlLimitError, checkXmlLimits } from '../../xml-limits.js';

/**
 * Small DOM helpers shared by the signature and encryption modules. Inputs are size-checked and DOCTYPEs refused
 * before parsing (house rule: no DTD is ever processed; SOAP 1.1 §3 forbids a DTD in a SOAP message anyway).
 */

/** Default size limit for an XML document handed to the security layer (checked before parsing). */
export const DEFAULT_MAX_XML_CHARS = 64 * 1024 * 1024;

/**
 * Parse XML text into a DOM. Throws `fail(reason)` for a DOCTYPE, an oversized input or a parse error, so that
 * each caller reports in its own terms (EbmsError for peer input, GatewayError for our own).
 */
export function parseXml(text: string, fail: (reason: string) => Error, maxChars = DEFAULT_MAX_XML_CHARS): Document {
  if (text.length > maxChars) throw fail(`XML document of ${text.length} characters exceeds the limit of ${maxChars}`);
  if (/<!DOCTYPE/i.test(text)) throw fail('a DOCTYPE declaration is not allowed');
  try {
    checkXmlLimits(text);
  } catch (e) {
    if (e instanceof XmlLimitError) throw fail(e.message);
    throw e;
  }
  const errors: string[] = [];
  const record = (msg: unknown) => { errors.push(String(msg).replace(/\s+/g, ' ').replace(/@#\[line:.*$/, '').trim()); };
  let doc: Document;
  try {
    // xmldom 0.8 only *warns* about mismatched or unclosed end tags, so warnings count as errors here.
    doc = new DOMParser({ errorHandler: { warning: record, error: record, fatalError: record }, locator: {} })
      .parseFromString(text, 'text/xml') as unknown as Document;
  } catch (e) {
    throw fail(`XML is not well-formed: ${(e as Error).message}`);
  }
  if (errors.length > 0 || !doc?.documentElement) throw fail(`XML is not well-formed: ${errors[0] ?? 'no root element'}`);
  const problem = strictnessProblem(doc);
  if (problem) throw fail(`XML is not well-formed: ${problem}`);
  return doc;
}

/** What xmldom 0.8 lets through silently: text beside the document element and unbound prefixes. */
function strictnessProblem(doc: Document): string | null {
  for (let c = doc.firstChild; c; c = c.nextSibling) {
    if ((c.nodeType === 3 || c.nodeType === 4) && /\S/.test((c as Text).data)) return 'text outside the document element';
  }
  const all = doc.getElementsByTagName('*') as unknown as ArrayLike<Element>;
  for (let i = 0; i < all.length; i++) {
    const el = all[i]!;
    if (el.prefix && !el.namespaceURI) return `unbound namespace prefix "${el.prefix}"`;
    for (let j = 0; j < el.attributes.length; j++) {
      const a = el.attributes[j]!;
      if (a.prefix && a.prefix !== 'xmlns' && !a.namespaceURI) return `unbound namespace prefix "${a.prefix}"`;
    }
  }
  return null;
}

export function childElements(el: Element | Document): Element[] {
  const out: Element[] = [];
  for (let c = el.firstChild; c; c = c.nextSibling) if (c.nodeType === 1) out.push(c as Element);
  return out;
}

/** Child elements with the given namespace and local name. */
export function childrenNS(el: Element, ns: string, localName: string): Element[] {
  return childElements(el).filter((c) => c.namespaceURI === ns && c.localName === localName);
}

/** All descendant elements (document order) with the given namespace and local name. */
export function descendantsNS(root: Element | Document, ns: string, localName: string): Element[] {
  return Array.from(root.getElementsByTagNameNS(ns, localName) as unknown as ArrayLike<Element>);
}

export interface NamespaceBinding {
  prefix: string;
  namespaceURI: string;
}

/**
 * The namespaces in scope at `el` (nearest declaration wins), including those declared on `el` itself.
 * Undeclarations (`xmlns=""`) hide outer bindings and are not returned (XPath data model: no namespace node).
 */
export function inScopeNamespaces(el: Element): NamespaceBinding[] {
  const seen = new Set<string>();
  const out: NamespaceBinding[] = [];
  for (let n: Node | null = el; n && n.nodeType === 1; n = n.parentNode) {
    const attrs = (n as Element).attributes;
    for (let i = 0; i < attrs.length; i++) {
      const a = attrs[i]!;
      if (a.namespaceURI !== XMLNS_NS && a.name !== 'xmlns' && !a.name.startsWith('xmlns:')) continue;
      const prefix = a.name === 'xmlns' ? '' : a.localName ?? a.name.slice(6);
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      if (a.value !== '') out.push({ prefix, namespaceURI: a.value });
    }
  }
  return out;
}

/** Namespace bindings in scope at the parent of `el` that `el` does not redeclare itself (C14N document subsets). */
export function ancestorNamespaces(el: Element): NamespaceBinding[] {
  const own = new Set<string>();
  for (let i = 0; i < el.attributes.length; i++) {
    const a = el.attributes[i]!;
    if (a.name === 'xmlns') own.add('');
    else if (a.name.startsWith('xmlns:')) own.add(a.name.slice(6));
  }
  const parent = el.parentNode;
  if (!parent || parent.nodeType !== 1) return [];
  return inScopeNamespaces(parent as Element).filter((b) => !own.has(b.prefix));
}

/** Escape for XML text content. */
export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escape for a double-quoted XML attribute value. */
export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

/** Decode base64 text from an XML element (xs:base64Binary: white space, including `&#13;` line breaks, ignored). */
export function base64Content(el: Element): Buffer {
  return Buffer.from((el.textContent ?? '').replace(/\s+/g, ''), 'base64');
}

/** True when the text is well-formed base64 after removing white space. */
export function isBase64(el: Element): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test((el.textContent ?? '').replace(/\s+/g, ''));
}
