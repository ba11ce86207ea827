/**
 * Envelope checks that need no registry or sender identity (a hub check and `knooppunt validate` both run them):
 * size (IB007), UUID v4 references (IB009), berichtcode ↔ StUF element and functie ↔ berichtcode ↔ payload
 * BerichtCode (IB240), one message per envelope (StUF055). Each returns a StufError ready for a Fo01, or
 * undefined; `checkEnvelope` collects all of them.
 */
import { SaxesParser } from 'saxes';
import { StufError } from './errors.js';
import { functieDefinitie } from './functies.js';
import { DU01_ELEMENT, MAX_ENVELOPE_BYTES, UUID_V4_PATTERN, berichtcodeOfElement } from './model.js';
import type { GgkEnvelop } from './model.js';
import { decodeXmlBestand } from './parse.js';
import { XmlLimitCounter } from '../xml-limits.js';

export function isUuidV4(value: string): boolean {
  return UUID_V4_PATTERN.test(value);
}

/** IB007: the whole envelope incl. base64 payload is at most 25 MB (GGk manual §3.2). */
export function checkEnvelopeSize(byteLength: number, maxBytes = MAX_ENVELOPE_BYTES): StufError | undefined {
  return byteLength > maxBytes ? new StufError('IB007', `Envelop is ${byteLength} bytes, maximaal ${maxBytes} bytes toegestaan`) : undefined;
}

/** IB009: referentienummer (and in a Du01 crossRefnummer) must be a UUID v4 (ggk0210 pattern, lower-case). */
export function checkUuids(envelop: GgkEnvelop): StufError | undefined {
  const { referentienummer, crossRefnummer } = envelop.stuurgegevens;
  const base = 'GGK:stuurgegevens';
  if (!isUuidV4(referentienummer)) {
    return new StufError('IB009', `"${referentienummer}" is geen UUID versie 4`, { element: `${base}/StUF:referentienummer` });
  }
  if (envelop.element === DU01_ELEMENT && !isUuidV4(crossRefnummer ?? '')) {
    return new StufError('IB009', `"${crossRefnummer ?? ''}" is geen UUID versie 4`, { element: `${base}/StUF:crossRefnummer` });
  }
  return undefined;
}

/** IB240: the StUF berichtcode must be the one of the envelope element (Di01 in a heenbericht-envelop…). */
export function checkBerichtcode(envelop: GgkEnvelop): StufError | undefined {
  const expected = berichtcodeOfElement[envelop.element];
  const { berichtcode } = envelop.stuurgegevens;
  if (berichtcode === expected) return undefined;
  return new StufError('IB240', `berichtcode "${berichtcode}" hoort niet bij ${envelop.element} (verwacht ${expected})`,
    { element: 'GGK:stuurgegevens/StUF:berichtcode' });
}

/**
 * IB240: functie ↔ StUF berichtcode ↔ payload BerichtCode. The functie must be a known iWmo/iJw 3.x berichttype,
 * travel in the StUF envelope allowed for it (heen = Di01, retour = Du01, 325 either), and, when the caller
 * (src/istandaarden) passes the payload's `Header/BerichtCode`, name the same message.
 */
export function checkFunctieConsistency(
  functie: string,
  stufBerichtcode: string,
  payloadBerichtCode?: string | number,
): StufError | undefined {
  const element = 'GGK:stuurgegevens/StUF:functie';
  const fout = (toelichting: string): StufError => new StufError('IB240', toelichting, { element });
  const definitie = functieDefinitie(functie);
  if (definitie === undefined) return fout(`functie "${functie}" is geen iWmo/iJw berichttype`);
  if (!definitie.stufBerichtcodes.some((c) => c === stufBerichtcode)) {
    return fout(`functie ${functie} (${definitie.soort}bericht) hoort in ${definitie.stufBerichtcodes.join(' of ')}, niet in ${stufBerichtcode}`);
  }
  if (payloadBerichtCode !== undefined && String(payloadBerichtCode) !== definitie.berichtCode) {
    return fout(`functie ${functie} hoort bij BerichtCode ${definitie.berichtCode}, het bericht heeft BerichtCode ${String(payloadBerichtCode)}`);
  }
  return undefined;
}

/**
 * One message per envelope (GGk portal manual §3.2): the xmlBestand must hold one XML document with one root,
 * not a ZIP archive of several messages, and no DOCTYPE. Well-formedness beyond that is the payload validator's
 * job (src/istandaarden), which reports StUF055 with the element and rule.
 */
export function checkOneMessage(envelop: GgkEnvelop): StufError | undefined {
  if (envelop.bericht.soort !== 'xmlBestand') return undefined;
  const element = 'GGK:parameters/GGK:bericht/GGK:xmlBestand';
  const raw = envelop.bericht.inhoud;
  if (raw.length >= 4 && raw[0] === 0x50 && raw[1] === 0x4b && raw[2] === 0x03 && raw[3] === 0x04) {
    return new StufError('StUF055', 'één bericht per envelop: xmlBestand bevat een ZIP-archief', { element });
  }
  let text: string;
  try {
    text = decodeXmlBestand(envelop.bericht).text;
  } catch (err) {
    if (err instanceof StufError) return err;
    throw err;
  }
  let roots = 0;
  let depth = 0;
  let doctype = false;
  const parser = new SaxesParser();
  parser.on('error', () => undefined);
  parser.on('doctype', () => { doctype = true; });
  // The XML limits stop a bomb early (the payload validator then reports the limit as StUF055).
  const limits = new XmlLimitCounter();
  parser.on('opentagstart', (tag) => { limits.element(tag.name, depth + 1); });
  parser.on('opentag', (tag) => { if (depth === 0) roots += 1; if (!tag.isSelfClosing) depth += 1; });
  parser.on('closetag', (tag) => { if (!tag.isSelfClosing) depth -= 1; });
  try {
    parser.write(text).close();
  } catch {
    // well-formedness errors are reported by the payload validator
  }
  if (doctype) return new StufError('StUF055', 'DOCTYPE is niet toegestaan in xmlBestand', { element });
  if (roots === 0) return new StufError('StUF055', 'één bericht per envelop: xmlBestand bevat geen XML-bericht', { element });
  if (roots > 1) return new StufError('StUF055', `één bericht per envelop: xmlBestand bevat ${roots} berichten`, { element });
  return undefined;
}

export interface EnvelopeCheckOptions {
  /** Payload `Header/BerichtCode` from src/istandaarden, for the full IB240 check. */
  payloadBerichtCode?: string | number;
  /** Refuse a BOM before the xmlBestand (ggk0210: UTF-8 without BOM) with StUF055. Default false: stripped. */
  rejectBom?: boolean;
}

/**
 * Every registry-free check of a parsed Di01/Du01, in Fo01 priority order (the first is what a hub answers).
 * The size check (IB007) happens before parsing, in parseStufMessage.
 */
export function checkEnvelope(envelop: GgkEnvelop, options: EnvelopeCheckOptions = {}): StufError[] {
  const berichtcodeFout = checkBerichtcode(envelop);
  const problems: (StufError | undefined)[] = [checkUuids(envelop), berichtcodeFout];
  if (envelop.bericht.soort === 'xmlBestand') {
    // The functie is only checked against a correct berichtcode (one IB240 per cause); a tekstBestand carries
    // no iWmo/iJw message, so its functie is not an iWmo/iJw berichttype.
    if (!berichtcodeFout) problems.push(checkFunctieConsistency(envelop.stuurgegevens.functie, envelop.stuurgegevens.berichtcode, options.payloadBerichtCode));
    problems.push(checkOneMessage(envelop));
    const bom = envelop.bericht.inhoud.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]));
    if (options.rejectBom && bom) {
      problems.push(new StufError('StUF055', 'xmlBestand begint met een BOM (UTF-8 zonder BOM vereist)',
        { element: 'GGK:parameters/GGK:bericht/GGK:xmlBestand' }));
    }
  }
  return problems.filter((p): p is StufError => p !== undefined);
}
