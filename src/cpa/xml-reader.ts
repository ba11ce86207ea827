import { DOMParser } from '@xmldom/xmldom';
import { GatewayError } from '../errors.js';
import { XmlLimitError, checkXmlLimits } from '../xml-limits.js';
import { CPPA_NS, type ParseIssue } from './model.js';

/**
 * Namespace-aware, prefix-agnostic element access for the CPA parser. Elements are matched on namespace URI and
 * local name only, so `tns:`, `cppa:` or a default namespace all read the same. No DTD is ever processed.
 */

export const DEFAULT_MAX_CPA_BYTES = 5 * 1024 * 1024;

/** Parse XML text into a DOM after the size cap and the DOCTYPE refusal; throws ERR_CPA_INVALID. */
export function parseXmlDocument(xml: string, maxBytes = DEFAULT_MAX_CPA_BYTES): Document {
  const size = Buffer.byteLength(xml, 'utf8');
  if (size > maxBytes) {
    throw new GatewayError('ERR_CPA_INVALID', `CPA is ${size} bytes, more than the limit of ${maxBytes} bytes`, {
      problems: [{ path: '/', message: `document larger than ${maxBytes} bytes`, severity: 'error' }],
    });
  }
  if (/<!DOCTYPE/i.test(xml)) {
    throw new GatewayError('ERR_CPA_INVALID', 'CPA contains a DOCTYPE declaration; DTDs are never processed', {
      problems: [{ path: '/', message: 'DOCTYPE declarations are not allowed', severity: 'error' }],
    });
  }
  try {
    checkXmlLimits(xml);
  } catch (e) {
    if (!(e instanceof XmlLimitError)) throw e;
    throw new GatewayError('ERR_CPA_INVALID', `CPA refused: ${e.message}`, {
      problems: [{ path: '/', message: e.message, severity: 'error' }],
    });
  }
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => undefined,
      error: (m: string) => { errors.push(m); },
      fatalError: (m: string) => { errors.push(m); },
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0 || !doc?.documentElement) {
    const msg = (errors[0] ?? 'no root element').replace(/\s+/g, ' ').trim();
    throw new GatewayError('ERR_CPA_INVALID', `CPA is not well-formed XML: ${msg}`, {
      problems: [{ path: '/', message: `not well-formed XML: ${msg}`, severity: 'error' }],
    });
  }
  return doc as unknown as Document;
}

/** Collects ParseIssues and reads CPPA elements/attributes relative to an XPath-like location. */
export class CpaReader {
  readonly issues: ParseIssue[] = [];

  issue(kind: ParseIssue['kind'], location: string, message: string): void {
    this.issues.push({ kind, location, message });
  }

  /** CPPA-namespace element children with this local name. */
  children(el: Element, name: string, ns = CPPA_NS): Element[] {
    const out: Element[] = [];
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns) out.push(n as Element);
    }
    return out;
  }

  child(el: Element, name: string, ns = CPPA_NS): Element | undefined {
    return this.children(el, name, ns)[0];
  }

  /** A required single child; records a `missing` issue when absent. */
  required(el: Element, name: string, path: string): Element | undefined {
    const c = this.child(el, name);
    if (!c) this.issue('missing', path, `required element ${name} is missing`);
    return c;
  }

  /**
   * Attribute in the CPPA namespace (attributeFormDefault="qualified"); an unqualified attribute of the same name
   * is accepted too, as some tools write them.
   */
  attr(el: Element, name: string, ns = CPPA_NS): string | undefined {
    if (el.hasAttributeNS(ns, name)) return el.getAttributeNS(ns, name) ?? undefined;
    if (el.hasAttribute(name)) return el.getAttribute(name) ?? undefined;
    return undefined;
  }

  requiredAttr(el: Element, name: string, path: string, ns = CPPA_NS): string {
    const v = this.attr(el, name, ns);
    if (v === undefined || v === '') {
      this.issue('missing', `${path}/@${name}`, `required attribute ${name} is missing or empty`);
      return '';
    }
    return v;
  }

  enumAttr<T extends string>(el: Element, name: string, path: string, allowed: readonly T[], fallback?: T): T | undefined {
    const v = this.attr(el, name);
    if (v === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(v)) {
      this.issue('invalid', `${path}/@${name}`, `value "${v}" is not one of ${allowed.join(', ')}`);
    }
    return v as T;
  }

  boolAttr(el: Element, name: string, path: string): boolean | undefined {
    const v = this.attr(el, name);
    if (v === undefined) return undefined;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.issue('invalid', `${path}/@${name}`, `value "${v}" is not an xs:boolean`);
    return undefined;
  }

  intAttr(el: Element, name: string, path: string): number | undefined {
    const v = this.attr(el, name);
    if (v === undefined) return undefined;
    if (!/^[+-]?\d+$/.test(v.trim())) {
      this.issue('invalid', `${path}/@${name}`, `value "${v}" is not an integer`);
      return undefined;
    }
    return Number(v);
  }

  text(el: Element): string {
    return (el.textContent ?? '').trim();
  }

  /**
   * Records every element child that is not in `known` (by local name, CPPA namespace) as unknown, or as
   * unsupported with the reason given in `unsupported`.
   */
  checkChildren(el: Element, path: string, known: readonly string[], unsupported: Record<string, string> = {}): void {
    for (let n = el.firstChild; n; n = n.nextSibling) {
      if (n.nodeType !== 1) continue;
      const c = n as Element;
      const name = c.localName ?? c.nodeName;
      if (c.namespaceURI === CPPA_NS && known.includes(name)) continue;
      const reason = c.namespaceURI === CPPA_NS ? unsupported[name] : undefined;
      if (reason) this.issue('unsupported', `${path}/${name}`, reason);
      else this.issue('unknown', `${path}/${name}`, `element {${c.namespaceURI ?? ''}}${name} is not part of the supported CPA model`);
    }
  }
}

/** `name[i]` for repeating elements (1-based, XPath style). */
export function indexed(name: string, i: number): string {
  return `${name}[${i + 1}]`;
}
