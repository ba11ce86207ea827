import { C14nCanonicalization, ExclusiveCanonicalization } from 'xml-crypto';
import { C14N, EXC_C14N, XML_NS } from './algorithms.js';
import { ancestorNamespaces } from './xml.js';

/**
 * Canonical XML 1.0 (inclusive) and Exclusive XML Canonicalization 1.0, both without comments, built on the
 * C14N classes that xml-crypto 6.3.2 exports, with its bugs fixed (node-stack.md §1.2, each found by diffing
 * against `xmlsec1 --store-references` and libxml2):
 *
 * 1. xml-crypto sorts namespace declarations with `String#localeCompare`. C14N 1.0 §2.2 requires code-point
 *    order, so `xmlns:SOAP` sorts before `xmlns:eb`; xml-crypto emits `eb` first. Every ebMS envelope with an
 *    upper-case `SOAP`/`SOAP-ENV` prefix then gets a wrong `URI=""` digest (xmlsec1: "data and digest do not
 *    match"). The exclusive class has the same bug.
 * 2. It sorts attributes by the concatenation namespaceURI+localName instead of (namespace URI, then local name),
 *    so `p:b` (ns `http://x/`) and `q:a` (ns `http://x/a`) come out in the wrong order.
 * 3. Inclusive C14N of a document subset (SignedInfo) must carry the `xml:*` attributes of the apex's ancestors
 *    (C14N 1.0 §2.4); xml-crypto does not, so `xml:lang` on the SOAP Envelope breaks every SignatureValue
 *    against xmlsec1 and the JDK. Fixed in `canonicalizeSubset` below.
 *
 * Also: xml-crypto renders a processing instruction as escaped text (it takes any node with `.data` for text)
 * and throws on an empty text node; both are handled in `processInner`.
 */

/** Compare strings by Unicode code point (JS `<` compares UTF-16 code units; differs only for astral characters). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

interface NsDecl { prefix?: string | null }
interface AttrLike { namespaceURI?: string | null; localName?: string | null; name: string }

// Called unbound by xml-crypto (`list.sort(this.attrCompare)`), so these must not use `this`.
function nsCompare(a: NsDecl, b: NsDecl): number {
  return compareCodePoints(a.prefix ?? '', b.prefix ?? '');
}
function attrCompare(a: AttrLike, b: AttrLike): -1 | 0 | 1 {
  const byNs = compareCodePoints(a.namespaceURI ?? '', b.namespaceURI ?? '');
  if (byNs !== 0) return byNs < 0 ? -1 : 1;
  const byName = compareCodePoints(a.localName ?? a.name, b.localName ?? b.name);
  return byName < 0 ? -1 : byName > 0 ? 1 : 0;
}

function renderProcessingInstruction(node: ProcessingInstruction): string {
  return `<?${node.target}${node.data ? ` ${node.data}` : ''}?>`;
}

/** Inclusive Canonical XML 1.0 without comments, code-point ordering (fixes 1 and 2 above). */
export class InclusiveC14n extends C14nCanonicalization {
  override nsCompare(a: NsDecl, b: NsDecl): number { return nsCompare(a, b); }
  override attrCompare(a: AttrLike, b: AttrLike): -1 | 0 | 1 { return attrCompare(a, b); }
  override processInner(node: Node, ...rest: unknown[]): string {
    if (node.nodeType === 7) return renderProcessingInstruction(node as ProcessingInstruction);
    if ((node.nodeType === 3 || node.nodeType === 4) && (node as Text).data === '') return '';
    return (super.processInner as (n: Node, ...r: unknown[]) => string)(node, ...rest);
  }
}

/** Exclusive XML Canonicalization 1.0 without comments, code-point ordering (fixes 1 and 2 above). */
export class ExclusiveC14n extends ExclusiveCanonicalization {
  override nsCompare(a: NsDecl, b: NsDecl): number { return nsCompare(a, b); }
  override attrCompare(a: AttrLike, b: AttrLike): -1 | 0 | 1 { return attrCompare(a, b); }
  override processInner(node: Node, ...rest: unknown[]): string {
    if (node.nodeType === 7) return renderProcessingInstruction(node as ProcessingInstruction);
    if ((node.nodeType === 3 || node.nodeType === 4) && (node as Text).data === '') return '';
    return (super.processInner as (n: Node, ...r: unknown[]) => string)(node, ...rest);
  }
}

/** Remove comment nodes (a same-document `URI=""` reference is canonicalized without comments, XMLDSig §4.3.3.3). */
export function stripComments(node: Node): void {
  for (let c = node.firstChild; c; ) {
    const next = c.nextSibling;
    if (c.nodeType === 8) node.removeChild(c);
    else if (c.nodeType === 1) stripComments(c);
    c = next;
  }
}

/**
 * Canonicalize a detached element tree that stands for a whole document (the `URI=""` reference after the
 * enveloped-signature and XPath transforms), with the given algorithm.
 */
export function canonicalizeTree(root: Element, algorithm: string, inclusivePrefixes: string[] = []): string {
  if (algorithm === C14N) return new InclusiveC14n().process(root, {});
  if (algorithm === EXC_C14N) return new ExclusiveC14n().process(root, { inclusiveNamespacesPrefixList: inclusivePrefixes });
  throw new Error(`unsupported canonicalization algorithm ${algorithm}`);
}

/**
 * Canonicalize the document subset rooted at `el` (e.g. ds:SignedInfo) in its document context.
 * Inclusive: ancestor namespace declarations and the nearest ancestors' `xml:*` attributes (fix 3) are rendered
 * on the apex. Exclusive: only visibly used namespaces (plus the InclusiveNamespaces PrefixList), no `xml:*`
 * inheritance (Exclusive C14N §3).
 */
export function canonicalizeSubset(el: Element, algorithm: string, inclusivePrefixes: string[] = []): string {
  const clone = el.cloneNode(true) as Element;
  const ancestors = ancestorNamespaces(el);
  if (algorithm === C14N) {
    for (let a = el.parentNode; a && a.nodeType === 1; a = a.parentNode) {
      const attrs = (a as Element).attributes;
      for (let i = 0; i < attrs.length; i++) {
        const at = attrs[i]!;
        if (at.namespaceURI === XML_NS && !clone.hasAttributeNS(XML_NS, at.localName!)) clone.setAttributeNS(XML_NS, at.name, at.value);
      }
    }
    return new InclusiveC14n().process(clone, { ancestorNamespaces: ancestors });
  }
  if (algorithm === EXC_C14N) {
    return new ExclusiveC14n().process(clone, { inclusiveNamespacesPrefixList: inclusivePrefixes, ancestorNamespaces: ancestors });
  }
  throw new Error(`unsupported canonicalization algorithm ${algorithm}`);
}
