/**
 * A small namespace-aware XML reader on saxes (strict XML 1.0 + Namespaces, unlike xmldom 0.8 which accepts
 * unclosed tags and trailing junk). Produces a minimal element tree for the envelope parser. DTDs are never
 * processed: any `<!DOCTYPE` is refused before saxes sees the text. Internal to src/stuf.
 */
import { SaxesParser } from 'saxes';
import type { SaxesTagNS } from 'saxes';

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

/** Thrown for input that is not well-formed or not allowed (DOCTYPE, non-UTF-8 declaration). */
export class XmlReadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlReadError';
  }
}

export const DOCTYPE_PATTERN = /<!DOCTYPE/i;

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
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let failure: string | undefined;

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
  parser.on('opentag', (tag: SaxesTagNS) => {
    const element: XmlElement = {
      uri: tag.uri,
      local: tag.local,
      prefix: tag.prefix,
      attributes: Object.values(tag.attributes)
        .filter((a) => a.prefix !== 'xmlns' && !(a.prefix === '' && a.local === 'xmlns'))
        .map((a) => ({ uri: a.uri, local: a.local, value: a.value })),
      children: [],
      contentStart: parser.position,
      contentEnd: parser.position,
      source: text,
    };
    const parent = stack.at(-1);
    if (parent) parent.children.push(element);
    else root = element;
    if (!tag.isSelfClosing) stack.push(element);
  });
  parser.on('closetag', (tag: SaxesTagNS) => {
    if (tag.isSelfClosing) return;
    const element = stack.pop();
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
