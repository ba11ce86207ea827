/**
 * XSD content-model helpers for the envelope parser: an `xs:sequence` reader and simple-type facets. Every
 * violation is RIN001 ("envelop niet conform XSD") with the element path in canonical prefixes (StUF:, GGK:),
 * whatever prefixes the sender used. Internal to src/stuf.
 */
import { StufError } from './errors.js';
import { GGK_NS, STUF_NS } from './model.js';
import type { XmlElement } from './xml.js';
import { textOf } from './xml.js';

export interface Field {
  ns: string;
  name: string;
  optional?: boolean;
}

export function refuse(element: string, rule: string): StufError {
  return new StufError('RIN001', `envelop niet conform XSD: ${rule}`, { element });
}

export function qname(ns: string, local: string): string {
  if (ns === STUF_NS) return `StUF:${local}`;
  if (ns === GGK_NS) return `GGK:${local}`;
  return ns === '' ? local : `{${ns}}${local}`;
}

/**
 * Reads an xs:sequence of single-occurrence elements (minOccurs 0|1, maxOccurs 1): every child element must be
 * the next expected field, in order; no character data other than whitespace.
 */
export function readSequence(parent: XmlElement, path: string, fields: Field[]): Map<string, XmlElement> {
  const found = new Map<string, XmlElement>();
  let next = 0;
  for (const child of parent.children) {
    if (typeof child === 'string') {
      if (child.trim() !== '') throw refuse(path, 'text is not allowed here');
      continue;
    }
    const name = qname(child.uri, child.local);
    const at = fields.findIndex((f, i) => i >= next && f.ns === child.uri && f.name === child.local);
    const skipped = at < 0 ? [] : fields.slice(next, at).filter((f) => !f.optional);
    if (at < 0) {
      const earlier = fields.findIndex((f) => f.ns === child.uri && f.name === child.local);
      throw refuse(`${path}/${name}`, earlier >= 0 ? 'element is repeated or out of order' : 'element is not allowed here');
    }
    const missing = skipped[0];
    if (missing) throw refuse(`${path}/${qname(missing.ns, missing.name)}`, `required element is missing (found ${name})`);
    found.set(child.local, child);
    next = at + 1;
  }
  const missing = fields.slice(next).find((f) => !f.optional);
  if (missing) throw refuse(`${path}/${qname(missing.ns, missing.name)}`, 'required element is missing');
  return found;
}

/** Simple content: no child elements. */
export function leafText(el: XmlElement, path: string): string {
  if (el.children.some((c) => typeof c !== 'string')) throw refuse(path, 'element must have simple content');
  return textOf(el);
}

export interface Facet {
  min?: number;
  max?: number;
  pattern?: RegExp;
  /** The pattern as the XSD writes it, for the message. */
  rule?: string;
}

/** Checks length (in characters, as XSD counts) and pattern; returns the value. */
export function checkFacet(value: string, path: string, facet: Facet): string {
  const length = value.length - (value.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);
  if (facet.min !== undefined && length < facet.min) throw refuse(path, `length ${length} is below minLength ${facet.min}`);
  if (facet.max !== undefined && length > facet.max) throw refuse(path, `length ${length} exceeds maxLength ${facet.max}`);
  if (facet.pattern && !facet.pattern.test(value)) throw refuse(path, `value "${clip(value)}" does not match pattern ${facet.rule ?? facet.pattern.source}`);
  return value;
}

function clip(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
