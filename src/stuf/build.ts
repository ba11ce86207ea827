/**
 * Build `GGK:envelopHeenbericht-ggk_Di01`, `GGK:envelopRetourbericht-ggk_Du01` and `StUF:Fo01Bericht` in the
 * XSD's element order (ggk0210_msg_ggkberichten.xsd, ggk0210_stuf0301_msg_ggkberichten.xsd, stuf0301.xsd).
 * Input that would not validate is our own mistake: a ValidationError (ERR_VALIDATION) listing every problem.
 * Output is UTF-8 XML text with prefixes StUF and GGK as in the official voorbeeldberichten.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import type { Problem } from '../errors.js';
import {
  BESTANDSNAAM_PATTERN, DU01_ELEMENT, FO01_ELEMENT, GGK_NS, STUF_NS, TIJDSTIP_PATTERN, UUID_V4_PATTERN,
  VERSIENR_PATTERN, berichtcodeOfElement, stufMaxLength,
} from './model.js';
import type { EnvelopElement, Fo01Bericht, GgkBericht, GgkEnvelop, GgkParameters, Systeem } from './model.js';
import { formatTijdstip } from './tijdstip.js';
import { DOCTYPE_PATTERN, XmlReadError, escapeAttribute, escapeText, isXmlChars, readXml } from './xml.js';

export interface EnvelopInput {
  zender: Systeem;
  ontvanger: Systeem;
  /** Default: a new UUID v4. */
  referentienummer?: string;
  /** Default: now. A Date is written as yyyyMMddHHmmssfff (Europe/Amsterdam). */
  tijdstipBericht?: string | Date;
  /** Du01 only (required there): the referentienummer of the Di01 it answers. */
  crossRefnummer?: string;
  /** The berichttype, e.g. JW301, WMO302. */
  functie: string;
  parameters: GgkParameters;
  bericht: GgkBericht;
}

/** An `xmlBestand` from XML text or UTF-8 bytes; a leading BOM is removed (ggk0210: UTF-8 without BOM). */
export function xmlBestand(xml: string | Uint8Array): GgkBericht {
  const bytes = typeof xml === 'string' ? Buffer.from(xml, 'utf8') : Buffer.from(xml);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { soort: 'xmlBestand', inhoud: bom ? bytes.subarray(3) : bytes };
}

/** A `tekstBestand` (CSV, PDF, …) with its bestandsnaam. */
export function tekstBestand(bestandsnaam: string, inhoud: string | Uint8Array): GgkBericht {
  return { soort: 'tekstBestand', bestandsnaam, inhoud: typeof inhoud === 'string' ? Buffer.from(inhoud, 'utf8') : Buffer.from(inhoud) };
}

/** The envelope model for `element`, defaults filled in (new UUID, now). */
export function createEnvelop(element: EnvelopElement, input: EnvelopInput): GgkEnvelop {
  const tijdstip = input.tijdstipBericht;
  const stuurgegevens: GgkEnvelop['stuurgegevens'] = {
    berichtcode: berichtcodeOfElement[element],
    zender: input.zender,
    ontvanger: input.ontvanger,
    referentienummer: input.referentienummer ?? randomUUID(),
    tijdstipBericht: typeof tijdstip === 'string' ? tijdstip : formatTijdstip(tijdstip),
    functie: input.functie,
  };
  if (element === DU01_ELEMENT || input.crossRefnummer !== undefined) stuurgegevens.crossRefnummer = input.crossRefnummer ?? '';
  return { element, stuurgegevens, parameters: input.parameters, bericht: input.bericht };
}

export function buildDi01(input: EnvelopInput): string {
  return buildEnvelop(createEnvelop('envelopHeenbericht-ggk_Di01', input));
}

export function buildDu01(input: EnvelopInput): string {
  return buildEnvelop(createEnvelop(DU01_ELEMENT, input));
}

/** Serialises an envelope model exactly (parse(buildEnvelop(m)) deep-equals m). */
export function buildEnvelop(envelop: GgkEnvelop): string {
  const problems = validateEnvelop(envelop);
  if (problems.length > 0) throw new ValidationError(`${envelop.element} cannot be built`, problems);
  const { stuurgegevens: sg, parameters: p, bericht } = envelop;
  const base64 = bericht.inhoud.toString('base64');
  const berichtXml = bericht.soort === 'xmlBestand'
    ? `<GGK:xmlBestand>${base64}</GGK:xmlBestand>`
    : `<GGK:tekstBestand bestandsnaam="${escapeAttribute(bericht.bestandsnaam)}">${base64}</GGK:tekstBestand>`;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<GGK:${envelop.element} xmlns:StUF="${STUF_NS}" xmlns:GGK="${GGK_NS}">`,
    '<GGK:stuurgegevens>',
    leaf('berichtcode', sg.berichtcode),
    systeem('zender', sg.zender),
    systeem('ontvanger', sg.ontvanger),
    leaf('referentienummer', sg.referentienummer),
    leaf('tijdstipBericht', sg.tijdstipBericht),
    envelop.element === DU01_ELEMENT ? leaf('crossRefnummer', sg.crossRefnummer ?? '') : '',
    leaf('functie', sg.functie),
    '</GGK:stuurgegevens>',
    '<GGK:parameters>',
    `<GGK:applicatieVersie>${escapeText(p.applicatieVersie)}</GGK:applicatieVersie>`,
    `<GGK:applicatieSubversie>${escapeText(p.applicatieSubversie)}</GGK:applicatieSubversie>`,
    `<GGK:functieVersie>${escapeText(p.functieVersie)}</GGK:functieVersie>`,
    `<GGK:functieSubversie>${escapeText(p.functieSubversie)}</GGK:functieSubversie>`,
    `<GGK:bericht>${berichtXml}</GGK:bericht>`,
    '</GGK:parameters>',
    `</GGK:${envelop.element}>\n`,
  ].join('');
}

/** Serialises a Fo01 model (parse(buildFo01Bericht(m)) deep-equals m). */
export function buildFo01Bericht(fo01: Fo01Bericht): string {
  const problems = validateFo01(fo01);
  if (problems.length > 0) throw new ValidationError('Fo01Bericht cannot be built', problems);
  const { stuurgegevens: sg, body } = fo01;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    `<StUF:${FO01_ELEMENT} xmlns:StUF="${STUF_NS}">`,
    '<StUF:stuurgegevens>',
    leaf('berichtcode', 'Fo01'),
    systeem('zender', sg.zender),
    systeem('ontvanger', sg.ontvanger),
    leaf('referentienummer', sg.referentienummer),
    leaf('tijdstipBericht', sg.tijdstipBericht),
    leaf('crossRefnummer', sg.crossRefnummer),
    '</StUF:stuurgegevens>',
    '<StUF:body>',
    leaf('code', body.code),
    leaf('plek', body.plek),
    leaf('omschrijving', body.omschrijving),
    body.details === undefined ? '' : leaf('details', body.details),
    body.detailsXML === undefined ? '' : `<StUF:detailsXML>${body.detailsXML}</StUF:detailsXML>`,
    '</StUF:body>',
    `</StUF:${FO01_ELEMENT}>\n`,
  ].join('');
}

function leaf(name: string, value: string): string {
  return `<StUF:${name}>${escapeText(value)}</StUF:${name}>`;
}

function systeem(name: string, s: Systeem): string {
  return `<StUF:${name}>${s.organisatie === undefined ? '' : leaf('organisatie', s.organisatie)}${leaf('applicatie', s.applicatie)}`
    + `${s.administratie === undefined ? '' : leaf('administratie', s.administratie)}`
    + `${s.gebruiker === undefined ? '' : leaf('gebruiker', s.gebruiker)}</StUF:${name}>`;
}

/** detailsXML: a well-formed fragment (no XML declaration, no DOCTYPE); only the StUF prefix is in scope. */
export function normaliseDetailsXml(fragment: string): string {
  const body = fragment.replace(/^\uFEFF/, '').replace(/^\s*<\?xml[^?]*\?>\s*/, '');
  if (DOCTYPE_PATTERN.test(body)) throw new ValidationError('detailsXML cannot be embedded', [{ path: 'body.detailsXML', message: 'DOCTYPE is not allowed' }]);
  try {
    readXml(`<StUF:detailsXML xmlns:StUF="${STUF_NS}">${body}</StUF:detailsXML>`);
  } catch (err) {
    const message = err instanceof XmlReadError ? err.message : String(err);
    throw new ValidationError('detailsXML cannot be embedded', [{ path: 'body.detailsXML', message }]);
  }
  return body;
}

function validateEnvelop(e: GgkEnvelop): Problem[] {
  const problems: Problem[] = [];
  const sg = e.stuurgegevens;
  const expected = berichtcodeOfElement[e.element];
  if (sg.berichtcode !== expected) problems.push({ path: 'stuurgegevens.berichtcode', message: `must be ${expected} for ${e.element}` });
  checkSysteem(problems, 'stuurgegevens.zender', sg.zender, true);
  checkSysteem(problems, 'stuurgegevens.ontvanger', sg.ontvanger, true);
  checkPattern(problems, 'stuurgegevens.referentienummer', sg.referentienummer, UUID_V4_PATTERN, 'a lower-case UUID v4');
  checkPattern(problems, 'stuurgegevens.tijdstipBericht', sg.tijdstipBericht, TIJDSTIP_PATTERN, 'StUF:Tijdstip [0-9]{8,17}');
  if (e.element === DU01_ELEMENT) {
    checkPattern(problems, 'stuurgegevens.crossRefnummer', sg.crossRefnummer ?? '', UUID_V4_PATTERN, 'a lower-case UUID v4 (required in Du01)');
  } else if (sg.crossRefnummer !== undefined) {
    problems.push({ path: 'stuurgegevens.crossRefnummer', message: 'is not part of a Di01' });
  }
  checkLength(problems, 'stuurgegevens.functie', sg.functie, 0, stufMaxLength.functie);
  for (const key of ['applicatieVersie', 'applicatieSubversie', 'functieVersie', 'functieSubversie'] as const) {
    checkPattern(problems, `parameters.${key}`, e.parameters[key], VERSIENR_PATTERN, 'StUF:Versienr [0-9]{4}');
  }
  if (e.bericht.soort === 'tekstBestand') {
    checkPattern(problems, 'bericht.bestandsnaam', e.bericht.bestandsnaam, BESTANDSNAAM_PATTERN, '[A-Za-z0-9\\-._]{4,255}');
  }
  return problems;
}

function validateFo01(f: Fo01Bericht): Problem[] {
  const problems: Problem[] = [];
  const sg = f.stuurgegevens;
  if (sg.berichtcode !== 'Fo01') problems.push({ path: 'stuurgegevens.berichtcode', message: 'must be Fo01' });
  checkSysteem(problems, 'stuurgegevens.zender', sg.zender, false);
  checkSysteem(problems, 'stuurgegevens.ontvanger', sg.ontvanger, false);
  checkLength(problems, 'stuurgegevens.referentienummer', sg.referentienummer, 0, stufMaxLength.refnummer);
  checkLength(problems, 'stuurgegevens.crossRefnummer', sg.crossRefnummer, 0, stufMaxLength.refnummer);
  checkPattern(problems, 'stuurgegevens.tijdstipBericht', sg.tijdstipBericht, TIJDSTIP_PATTERN, 'StUF:Tijdstip [0-9]{8,17}');
  checkLength(problems, 'body.code', f.body.code, 0, stufMaxLength.foutcode);
  if (f.body.plek !== 'client' && f.body.plek !== 'server') problems.push({ path: 'body.plek', message: 'must be client or server' });
  checkLength(problems, 'body.omschrijving', f.body.omschrijving, 0, stufMaxLength.foutomschrijving);
  if (f.body.details !== undefined) checkLength(problems, 'body.details', f.body.details, 0, stufMaxLength.foutdetails);
  if (f.body.detailsXML !== undefined) {
    try {
      if (normaliseDetailsXml(f.body.detailsXML) !== f.body.detailsXML) problems.push({ path: 'body.detailsXML', message: 'must not carry an XML declaration or BOM' });
    } catch (err) {
      problems.push(...(err instanceof ValidationError ? err.problems : [{ path: 'body.detailsXML', message: String(err) }]));
    }
  }
  return problems;
}

function checkSysteem(problems: Problem[], path: string, s: Systeem, organisatieRequired: boolean): void {
  if (s.organisatie === undefined) {
    if (organisatieRequired) problems.push({ path: `${path}.organisatie`, message: 'is required in a ggk0210 envelope' });
  } else {
    checkLength(problems, `${path}.organisatie`, s.organisatie, 0, stufMaxLength.organisatie);
  }
  checkLength(problems, `${path}.applicatie`, s.applicatie, stufMaxLength.applicatieMin, stufMaxLength.applicatie);
  if (s.administratie !== undefined) checkLength(problems, `${path}.administratie`, s.administratie, 0, stufMaxLength.administratie);
  if (s.gebruiker !== undefined) checkLength(problems, `${path}.gebruiker`, s.gebruiker, 0, stufMaxLength.gebruiker);
}

function checkLength(problems: Problem[], path: string, value: string, min: number, max: number): void {
  const length = [...value].length;
  if (length < min || length > max) problems.push({ path, message: `length ${length} is outside ${min}..${max}` });
  else if (!isXmlChars(value)) problems.push({ path, message: 'contains a character XML 1.0 does not allow' });
}

function checkPattern(problems: Problem[], path: string, value: string, pattern: RegExp, what: string): void {
  if (!pattern.test(value)) problems.push({ path, message: `"${value}" is not ${what}` });
}
