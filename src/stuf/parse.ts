/**
 * Parse `GGK:envelopHeenbericht-ggk_Di01`, `GGK:envelopRetourbericht-ggk_Du01` and `StUF:Fo01Bericht`
 * (ggk0210 / StUF0301). Namespace-aware and prefix-agnostic; element order and the facets of the XSD are
 * checked here, so what parses is what the XSD accepts, with these exceptions left to src/stuf/checks.ts
 * (they have their own Fo01 codes): the UUID v4 pattern of referentienummer/crossRefnummer (IB009) and the
 * Di01/Du01 berichtcode value (IB240). Peer-wrong input throws StufError: IB007 for size (checked before any
 * parsing), RIN001 ("envelop niet conform XSD") for everything else, with the element path relative to the root
 * element (e.g. `GGK:stuurgegevens/StUF:zender/StUF:applicatie`; the root itself is named for root-level faults).
 */
import { StufError } from './errors.js';
import type { Field } from './structure.js';
import { checkFacet, leafText, readSequence, refuse } from './structure.js';
import {
  BESTANDSNAAM_PATTERN, DI01_ELEMENT, DU01_ELEMENT, FO01_ELEMENT, GGK_NS, MAX_ENVELOPE_BYTES, STUF_NS,
  TIJDSTIP_PATTERN, VERSIENR_PATTERN, stufMaxLength,
} from './model.js';
import type {
  EnvelopElement, EnvelopStuurgegevens, Fo01Bericht, Foutbericht, GgkBericht, GgkEnvelop, GgkParameters,
  StufMessage, StufPlek, Systeem, XmlPayload,
} from './model.js';
import type { XmlElement } from './xml.js';
import { XmlReadError, childElements, decodeUtf8, readXml, textOf } from './xml.js';

export interface ParseOptions {
  /** Size cap in bytes (UTF-8), checked before parsing. Default MAX_ENVELOPE_BYTES (25 MiB). */
  maxBytes?: number;
}

/** Parses any of the three messages; the result's `element` tells which. */
export function parseStufMessage(input: Uint8Array | string, options: ParseOptions = {}): StufMessage {
  const root = readRoot(input, options);
  if (root.uri === GGK_NS && (root.local === DI01_ELEMENT || root.local === DU01_ELEMENT)) {
    return readEnvelop(root, root.local);
  }
  if (root.uri === STUF_NS && root.local === FO01_ELEMENT) return readFo01(root);
  throw refuse(`{${root.uri}}${root.local}`, 'root element is not a ggk0210 Di01/Du01 envelope or StUF Fo01Bericht');
}

/** Parses a Di01 or Du01 envelope; a Fo01 (or anything else) is refused with RIN001. */
export function parseEnvelop(input: Uint8Array | string, options: ParseOptions = {}): GgkEnvelop {
  const message = parseStufMessage(input, options);
  if (message.element === FO01_ELEMENT) throw refuse('StUF:Fo01Bericht', 'a Di01 or Du01 envelope is expected here');
  return message;
}

/** Parses a Fo01Bericht; an envelope is refused with RIN001. */
export function parseFo01(input: Uint8Array | string, options: ParseOptions = {}): Fo01Bericht {
  const message = parseStufMessage(input, options);
  if (message.element !== FO01_ELEMENT) throw refuse(`GGK:${message.element}`, 'a StUF:Fo01Bericht is expected here');
  return message;
}

/** IB007: refuses input over the cap before anything reads it. */
export function checkSizeBeforeParsing(input: Uint8Array | string, maxBytes = MAX_ENVELOPE_BYTES): void {
  const size = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (size > maxBytes) {
    throw new StufError('IB007', `Envelop is ${size} bytes, maximaal ${maxBytes} bytes toegestaan`);
  }
}

/**
 * The `xmlBestand` payload as bytes and text: a leading UTF-8 BOM is removed and flagged (ggk0210: UTF-8
 * without BOM); bytes that are not UTF-8 are StUF055 (the body cannot be schema-valid).
 */
export function decodeXmlBestand(bericht: GgkBericht): XmlPayload {
  if (bericht.soort !== 'xmlBestand') throw new TypeError('decodeXmlBestand: the envelope carries a tekstBestand');
  const raw = bericht.inhoud;
  const bom = raw.length >= 3 && raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf;
  const bytes = bom ? raw.subarray(3) : raw;
  try {
    return { bytes, text: decodeUtf8(bytes, 'xmlBestand'), bom };
  } catch {
    throw new StufError('StUF055', 'xmlBestand is geen geldige UTF-8', { element: 'GGK:parameters/GGK:bericht/GGK:xmlBestand' });
  }
}

function readRoot(input: Uint8Array | string, options: ParseOptions): XmlElement {
  checkSizeBeforeParsing(input, options.maxBytes);
  try {
    const text = typeof input === 'string' ? input : decodeUtf8(input, 'envelope');
    return readXml(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    if (err instanceof XmlReadError) throw refuse('/', err.message);
    throw err;
  }
}

const S = (name: string, optional = false): Field => ({ ns: STUF_NS, name, optional });
const G = (name: string, optional = false): Field => ({ ns: GGK_NS, name, optional });

function readEnvelop(root: XmlElement, element: EnvelopElement): GgkEnvelop {
  const base = `GGK:${element}`;
  const top = readSequence(root, base, [G('stuurgegevens'), G('parameters')]);
  return {
    element,
    stuurgegevens: readEnvelopStuurgegevens(top.get('stuurgegevens')!, 'GGK:stuurgegevens', element === DU01_ELEMENT),
    ...readParameters(top.get('parameters')!, 'GGK:parameters'),
  };
}

function readEnvelopStuurgegevens(el: XmlElement, path: string, du01: boolean): EnvelopStuurgegevens {
  const fields = [S('berichtcode'), S('zender'), S('ontvanger'), S('referentienummer'), S('tijdstipBericht')];
  if (du01) fields.push(S('crossRefnummer'));
  fields.push(S('functie'));
  const f = readSequence(el, path, fields);
  const sg: EnvelopStuurgegevens = {
    berichtcode: leafText(f.get('berichtcode')!, `${path}/StUF:berichtcode`),
    zender: readSysteem(f.get('zender')!, `${path}/StUF:zender`, true),
    ontvanger: readSysteem(f.get('ontvanger')!, `${path}/StUF:ontvanger`, true),
    referentienummer: readRefnummer(f.get('referentienummer')!, `${path}/StUF:referentienummer`),
    tijdstipBericht: readTijdstip(f.get('tijdstipBericht')!, `${path}/StUF:tijdstipBericht`),
    functie: checkFacet(leafText(f.get('functie')!, `${path}/StUF:functie`), `${path}/StUF:functie`, { max: stufMaxLength.functie }),
  };
  if (du01) sg.crossRefnummer = readRefnummer(f.get('crossRefnummer')!, `${path}/StUF:crossRefnummer`);
  return sg;
}

function readParameters(el: XmlElement, path: string): { parameters: GgkParameters; bericht: GgkBericht } {
  const names = ['applicatieVersie', 'applicatieSubversie', 'functieVersie', 'functieSubversie'] as const;
  const f = readSequence(el, path, [...names.map((n) => G(n)), G('bericht')]);
  const versie = (n: (typeof names)[number]): string =>
    checkFacet(leafText(f.get(n)!, `${path}/GGK:${n}`), `${path}/GGK:${n}`, { pattern: VERSIENR_PATTERN, rule: '[0-9]{4}' });
  const parameters: GgkParameters = {
    applicatieVersie: versie('applicatieVersie'),
    applicatieSubversie: versie('applicatieSubversie'),
    functieVersie: versie('functieVersie'),
    functieSubversie: versie('functieSubversie'),
  };
  return { parameters, bericht: readBericht(f.get('bericht')!, `${path}/GGK:bericht`) };
}

/** GGK:BinaireInhoud-basis_ggkberichten: choice of tekstBestand | xmlBestand, exactly one. */
function readBericht(el: XmlElement, path: string): GgkBericht {
  if (textOf(el).trim() !== '') throw refuse(path, 'text is not allowed here');
  const children = childElements(el);
  const [only] = children;
  if (children.length !== 1 || only === undefined || only.uri !== GGK_NS || (only.local !== 'xmlBestand' && only.local !== 'tekstBestand')) {
    throw refuse(path, 'exactly one GGK:xmlBestand or GGK:tekstBestand is required (one message per envelope)');
  }
  const childPath = `${path}/GGK:${only.local}`;
  const inhoud = decodeBase64(leafText(only, childPath), childPath);
  if (only.local === 'xmlBestand') return { soort: 'xmlBestand', inhoud };
  const attr = only.attributes.find((a) => a.uri === '' && a.local === 'bestandsnaam');
  if (attr === undefined) throw refuse(`${childPath}/@bestandsnaam`, 'attribute bestandsnaam is required');
  checkFacet(attr.value, `${childPath}/@bestandsnaam`, { pattern: BESTANDSNAAM_PATTERN, rule: '[A-Za-z0-9\\-._]{4,255}' });
  return { soort: 'tekstBestand', bestandsnaam: attr.value, inhoud };
}

function readFo01(root: XmlElement): Fo01Bericht {
  const base = 'StUF:Fo01Bericht';
  const top = readSequence(root, base, [S('stuurgegevens'), S('body')]);
  const path = 'StUF:stuurgegevens';
  const f = readSequence(top.get('stuurgegevens')!, path,
    [S('berichtcode'), S('zender'), S('ontvanger'), S('referentienummer'), S('tijdstipBericht'), S('crossRefnummer')]);
  const berichtcode = leafText(f.get('berichtcode')!, `${path}/StUF:berichtcode`);
  if (berichtcode !== 'Fo01') throw refuse(`${path}/StUF:berichtcode`, `value "${berichtcode}" must be the fixed value Fo01`);
  return {
    element: FO01_ELEMENT,
    stuurgegevens: {
      berichtcode: 'Fo01',
      zender: readSysteem(f.get('zender')!, `${path}/StUF:zender`, false),
      ontvanger: readSysteem(f.get('ontvanger')!, `${path}/StUF:ontvanger`, false),
      referentienummer: readRefnummer(f.get('referentienummer')!, `${path}/StUF:referentienummer`),
      tijdstipBericht: readTijdstip(f.get('tijdstipBericht')!, `${path}/StUF:tijdstipBericht`),
      crossRefnummer: readRefnummer(f.get('crossRefnummer')!, `${path}/StUF:crossRefnummer`),
    },
    body: readFoutbericht(top.get('body')!, 'StUF:body'),
  };
}

function readFoutbericht(el: XmlElement, path: string): Foutbericht {
  const f = readSequence(el, path, [S('code'), S('plek'), S('omschrijving'), S('details', true), S('detailsXML', true)]);
  const leaf = (name: string, max: number): string =>
    checkFacet(leafText(f.get(name)!, `${path}/StUF:${name}`), `${path}/StUF:${name}`, { max });
  const plek = leafText(f.get('plek')!, `${path}/StUF:plek`);
  if (plek !== 'client' && plek !== 'server') throw refuse(`${path}/StUF:plek`, `value "${plek}" is not one of client, server`);
  const body: Foutbericht = {
    code: leaf('code', stufMaxLength.foutcode),
    plek: plek satisfies StufPlek,
    omschrijving: leaf('omschrijving', stufMaxLength.foutomschrijving),
  };
  if (f.has('details')) body.details = leaf('details', stufMaxLength.foutdetails);
  const detailsXML = f.get('detailsXML');
  if (detailsXML) body.detailsXML = rawContent(detailsXML);
  return body;
}

function readSysteem(el: XmlElement, path: string, organisatieRequired: boolean): Systeem {
  const f = readSequence(el, path, [S('organisatie', !organisatieRequired), S('applicatie'), S('administratie', true), S('gebruiker', true)]);
  const leaf = (name: string, facet: { min?: number; max: number }): string =>
    checkFacet(leafText(f.get(name)!, `${path}/StUF:${name}`), `${path}/StUF:${name}`, facet);
  const systeem = {} as Systeem;
  if (f.has('organisatie')) systeem.organisatie = leaf('organisatie', { max: stufMaxLength.organisatie });
  systeem.applicatie = leaf('applicatie', { min: stufMaxLength.applicatieMin, max: stufMaxLength.applicatie });
  if (f.has('administratie')) systeem.administratie = leaf('administratie', { max: stufMaxLength.administratie });
  if (f.has('gebruiker')) systeem.gebruiker = leaf('gebruiker', { max: stufMaxLength.gebruiker });
  return systeem;
}

function readRefnummer(el: XmlElement, path: string): string {
  return checkFacet(leafText(el, path), path, { max: stufMaxLength.refnummer });
}

function readTijdstip(el: XmlElement, path: string): string {
  return checkFacet(leafText(el, path), path, { pattern: TIJDSTIP_PATTERN, rule: '[0-9]{8,17}' });
}

/** xs:base64Binary: whitespace ignored, groups of four, '=' padding only at the end. */
function decodeBase64(value: string, path: string): Buffer {
  const compact = value.replace(/[ \t\r\n]+/g, '');
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (compact.length % 4 !== 0 || /[^A-Za-z0-9+/]/.test(compact.slice(0, compact.length - padding))) {
    throw refuse(path, 'content is not valid base64 (xs:base64Binary)');
  }
  return Buffer.from(compact, 'base64');
}

/** The raw source text of an element's content (detailsXML is `xs:any processContents="skip"`). */
function rawContent(el: XmlElement): string {
  return el.source.slice(el.contentStart, el.contentEnd);
}
