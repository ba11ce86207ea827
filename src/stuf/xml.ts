/**
 * A small namespace-aware XML reader on saxes (strict XML 1.0, unlike xmldom 0.8 which accepts unclosed tags and
 * trailing junk). Produces a minimal element tree for the envelope parser. DTDs are never processed: any
 * `<!DOCTYPE` is refused before saxes sees the text. Internal to src/stuf.
 *
 * Namespaces in XML 1.0 are resolved here (NamespaceScope), not by saxes' `xmlns` mode: saxes resolves a prefix
 * by walking every open element's own (unchained) namespace table, so each element costs O(depth) and a document
 * of n nested elements O(n²) — 10,000 levels took ~1 s, 40,000 levels ~40 s, and a 100,000-level payload froze the
 * hub (issue 9). NamespaceScope keeps one stack of URIs per prefix: O(1) per lookup, linear in the document. The
 * structural limits of src/xml-limits.ts are applied while reading (fail fast).
 */
import { SaxesParser } from 'saxes';
import type { SaxesTagPlain } from 'saxes';
import { XmlLimitCounter, XmlLimitError } from '../xml-limits.js';

export interface XmlElement {
  uri: string;
  local: string;
  prefix: string;
  attributes: XmlAttribute[];
  children: XmlNode[];
  /** UTF-16 offsets of the element's content in the source text (after the start tag, before the end tag). */
  contentStart: number;
  contentEnd: number;
  /** The whole source text (shared, not copied), for raw content such as Fo01 detailsXML. */
  source: string;
}

export interface XmlAttribute {
  uri: string;
  local: string;
  value: string;
}

export type XmlNode = XmlElement | string;

/** Thrown for input that is not well-formed or not allowed (DOCTYPE, non-UTF-8 declaration, a limit). */
export class XmlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlReadError';
  }
}

export const DOCTYPE_PATTERN = /<!DOCTYPE/i;

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NS = 'http://www.w3.org/2000/xmlns/';

/**
 * Namespaces in XML 1.0 scoping with O(1) lookups: one stack of URIs per prefix, and per open element the
 * prefixes it declared (popped when it closes). Errors are thrown as XmlReadError with the rule broken.
 */
export class NamespaceScope {
  private readonly uris = new Map<string, string[]>([['xml', [XML_NS]]]);
  private readonly declared: string[][] = [];

  /** Opens an element: applies its xmlns / xmlns:p attributes (Namespaces in XML 1.0 §3, constraints of §3). */
  open(attributes: Record<string, string>): void {
    const mine: string[] = [];
    for (const [name, raw] of Object.entries(attributes)) {
      let prefix: string;
      if (name === 'xmlns') prefix = '';
      else if (name.startsWith('xmlns:')) prefix = name.slice(6);
      else continue;
      const uri = raw.trim();
      if (prefix === 'xmlns') throw new XmlReadError('the prefix xmlns may not be declared');
      if (prefix !== '' && uri === '') throw new XmlReadError(`invalid attempt to undefine prefix ${prefix} in XML 1.0`);
      if ((prefix === 'xml') !== (uri === XML_NS)) throw new XmlReadError(`the xml prefix and ${XML_NS} belong only to each other`);
      if (uri === XMLNS_NS) throw new XmlReadError(`no prefix may be bound to ${XMLNS_NS}`);
      let stack = this.uris.get(prefix);
      if (!stack) this.uris.set(prefix, (stack = []));
      stack.push(uri);
      mine.push(prefix);
    }
    this.declared.push(mine);
  }

  /** Closes the innermost open element. */
  close(): void {
    for (const prefix of this.declared.pop() ?? []) this.uris.get(prefix)!.pop();
  }

  /** The URI bound to `prefix` ('' for no default namespace); an unbound prefix is an error. */
  resolve(prefix: string): string {
    const stack = this.uris.get(prefix);
    const uri = stack && stack.length > 0 ? stack[stack.length - 1]! : '';
    if (uri === '' && prefix !== '') throw new XmlReadError(`unbound namespace prefix: "${prefix}"`);
    return uri;
  }
}

/** Splits a QName (Namespaces in XML 1.0 §4); `a:`, `:b` and `a:b:c` are not QNames. */
export function splitQName(name: string): { prefix: string; local: string } {
  const colon = name.indexOf(':');
  if (colon < 0) return { prefix: '', local: name };
  const prefix = name.slice(0, colon);
  const local = name.slice(colon + 1);
  if (prefix === '' || local === '' || local.includes(':')) throw new XmlReadError(`malformed name: ${name.slice(0, 64)}`);
  return { prefix, local };
}

/** Decodes UTF-8 bytes strictly (a leading BOM is dropped); anything else is refused. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new XmlReadError(`${what} is not valid UTF-8`);
  }
}

export function readXml(text: string): XmlElement {
  if (DOCTYPE_PATTERN.test(text)) throw new XmlReadError('DOCTYPE is not allowed (no DTD processing)');
  const parser = new SaxesParser({ position: true, xmlns: false });
  const scope = new NamespaceScope();
  const limits = new XmlLimitCounter();
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: string | undefined;
  let attributeCount = 0;
  let tagName = '';

  parser.on('error', (err) => {
    failure ??= err.message;
  });
  parser.on('xmldecl', (decl) => {
    if (decl.encoding !== undefined && decl.encoding.toUpperCase() !== 'UTF-8') {
      failure ??= `encoding "${decl.encoding}" is not allowed; only UTF-8`;
    }
  });
  parser.on('doctype', () => {
    failure ??= 'DOCTYPE is not allowed (no DTD processing)';
  });
  // Limits are checked as soon as a name or attribute is read (fail fast); a throw here aborts parser.write.
  parser.on('opentagstart', (tag) => {
    tagName = tag.name;
    attributeCount = 0;
    limits.element(tag.name, stack.length + 1);
  });
  parser.on('attribute', (attr) => {
    limits.attribute(tagName, ++attributeCount, attr.name, attr.value.length);
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    scope.open(tag.attributes);
    const { prefix, local } = splitQName(tag.name);
    if (prefix === 'xmlns') throw new XmlReadError('tags may not have "xmlns" as prefix');
    const attributes: XmlAttribute[] = [];
    const seen = new Set<string>();
    for (const [name, value] of Object.entries(tag.attributes)) {
      if (name === 'xmlns' || name.startsWith('xmlns:')) continue;
      const a = splitQName(name);
      // Namespaces in XML 1.0 §6.3: the default namespace does not apply to attributes.
      const uri = a.prefix === '' ? '' : scope.resolve(a.prefix);
      if (seen.has(`{${uri}}${a.local}`)) throw new XmlReadError(`duplicate attribute: {${uri}}${a.local}`);
      seen.add(`{${uri}}${a.local}`);
      attributes.push({ uri, local: a.local, value });
    }
    const element: XmlElement = {
      uri: scope.resolve(prefix),
      local,
      prefix,
      attributes,
      children: [],
      contentStart: parser.position,
      contentEnd: parser.position,
      source: text,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    if (!tag.isSelfClosing) stack.push(element);
    else scope.close();
  });
  parser.on('closetag', (tag: SaxesTagPlain) => {
    if (tag.isSelfClosing) return;
    const element = stack.pop();
    scope.close();
    if (element) element.contentEnd = text.lastIndexOf('</', parser.position - 1);
  });
  const onText = (text: string): void => {
    const parent = stack.at(-1);
    if (!parent) return;
    const last = parent.children.at(-1);
    if (typeof last === 'string') parent.children[parent.children.length - 1] = last + text;
    else parent.children.push(text);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);

  try {
    parser.write(text).close();
  } catch (err) {
    if (err instanceof XmlLimitError) throw new XmlReadError(err.message);
    failure ??= err instanceof Error ? err.message : String(err);
  }
  if (failure !== undefined) throw new XmlReadError(`not well-formed XML: ${failure}`);
  if (!root) throw new XmlReadError('not well-formed XML: no root element');
  return root;
}

/** Child elements only (text, comments and PIs left out). */
export function childElements(element: XmlElement): XmlElement[] {
  return element.children.filter((c): c is XmlElement => typeof c !== 'string');
}

/** Concatenated direct text of an element (character data and CDATA). */
export function textOf(element: XmlElement): string {
  return element.children.filter((c): c is string => typeof c === 'string').join('');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;', '\n': '&#10;', '\t': '&#9;' };

/** True when every character may appear in an XML 1.0 document. */
export function isXmlChars(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(value);
}

/** Escapes character data so that it reads back unchanged (CR kept as a character reference). */
export function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) => escapes[c] ?? c);
}

/** Escapes an attribute value so that it reads back unchanged (no attribute-value normalisation losses). */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"\r\n\t]/g, (c) => escapes[c] ?? c);
}
