/**
 * Recover the stuurgegevens of a message that cannot be parsed as a whole (over 25 MB: IB007, or not conform the
 * XSD: RIN001), so that its Fo01 can still carry crossRefnummer and go back to the sender. Reads at most the
 * first `maxScan` bytes (the stuurgegevens come first in every ggk0210 message) and stops at the end of
 * stuurgegevens. DTDs are never processed.
 */
import { SaxesParser } from 'saxes';
import { STUF_NS, stufMaxLength } from './model.js';
import type { Systeem } from './model.js';
import type { RefusedStuurgegevens } from './fo01.js';
import { DOCTYPE_PATTERN, NamespaceScope, splitQName } from './xml.js';
import { XmlLimitCounter } from '../xml-limits.js';

export interface PeekedStuurgegevens extends RefusedStuurgegevens {
  berichtcode?: string;
  tijdstipBericht?: string;
  crossRefnummer?: string;
  functie?: string;
}

const STOP = new Error('stuurgegevens read');

/** Undefined when zender, ontvanger or referentienummer cannot be read, or would not fit a Fo01. */
export function peekStuurgegevens(input: Uint8Array | string, maxScan = 64 * 1024): PeekedStuurgegevens | undefined {
  const head = typeof input === 'string' ? input.slice(0, maxScan) : new TextDecoder('utf-8').decode(input.subarray(0, maxScan));
  if (DOCTYPE_PATTERN.test(head)) return undefined;
  // Own namespace scoping and the XML limits, as in readXml (saxes' xmlns mode is quadratic in depth).
  const parser = new SaxesParser({ xmlns: false });
  const scope = new NamespaceScope();
  const limits = new XmlLimitCounter();
  const path: string[] = [];
  const values = new Map<string, string>();
  let text = '';
  let failed = false;
  parser.on('error', () => { failed = true; throw STOP; });
  parser.on('opentagstart', (tag) => { limits.element(tag.name, path.length + 1); });
  parser.on('opentag', (tag) => {
    scope.open(tag.attributes);
    const { prefix, local } = splitQName(tag.name);
    path.push(scope.resolve(prefix) === STUF_NS || path.length === 1 ? local : `?${local}`);
    if (tag.isSelfClosing) scope.close();
    text = '';
  });
  parser.on('text', (t) => { text += t; });
  parser.on('closetag', (tag) => {
    if (!tag.isSelfClosing) scope.close();
    const key = path.slice(2).join('/');
    if (path.length >= 3 && path[1] === 'stuurgegevens') values.set(key, text);
    path.pop();
    text = '';
    if (splitQName(tag.name).local === 'stuurgegevens' && path.length === 1) throw STOP;
  });
  try {
    parser.write(head);
  } catch (err) {
    if (err !== STOP) return undefined;
  }
  if (failed) return undefined;
  const systeem = (name: string): Systeem | undefined => {
    const applicatie = values.get(`${name}/applicatie`);
    if (applicatie === undefined || applicatie.length < stufMaxLength.applicatieMin || applicatie.length > stufMaxLength.applicatie) return undefined;
    const s: Systeem = { applicatie };
    const organisatie = values.get(`${name}/organisatie`);
    if (organisatie !== undefined && organisatie.length <= stufMaxLength.organisatie) s.organisatie = organisatie;
    const administratie = values.get(`${name}/administratie`);
    if (administratie !== undefined && administratie.length <= stufMaxLength.administratie) s.administratie = administratie;
    const gebruiker = values.get(`${name}/gebruiker`);
    if (gebruiker !== undefined && gebruiker.length <= stufMaxLength.gebruiker) s.gebruiker = gebruiker;
    return s;
  };
  const zender = systeem('zender');
  const ontvanger = systeem('ontvanger');
  const referentienummer = values.get('referentienummer');
  if (!zender || !ontvanger || referentienummer === undefined || referentienummer.length > stufMaxLength.refnummer) return undefined;
  const peeked: PeekedStuurgegevens = { zender, ontvanger, referentienummer };
  for (const key of ['berichtcode', 'tijdstipBericht', 'crossRefnummer', 'functie'] as const) {
    const value = values.get(key);
    if (value !== undefined) peeked[key] = value;
  }
  return peeked;
}
