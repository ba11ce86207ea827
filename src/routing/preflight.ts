/**
 * The registry-free checks of a StUF-GGk envelope, written once for the hub (HubProcessor answers the first
 * problem with a Fo01) and for `knooppunt validate` (which prints them all), in Fo01 priority order:
 * envelope size (IB007) and structure (RIN001) → UUIDs (IB009) → payload (StUF055, naming element and rule) →
 * berichtcode/functie/BerichtCode consistency (IB240). Issue 6 §2/§3.
 */
import { extractHeader } from '../istandaarden/extract.js';
import type { PayloadHeader } from '../istandaarden/extract.js';
import { validatePayload } from '../istandaarden/validate.js';
import { StufError, isStufError } from '../stuf/errors.js';
import { checkBerichtcode, checkFunctieConsistency, checkOneMessage, checkUuids } from '../stuf/checks.js';
import { FO01_ELEMENT, MAX_MESSAGE_BYTES } from '../stuf/model.js';
import type { Fo01Bericht, GgkEnvelop } from '../stuf/model.js';
import { decodeXmlBestand, parseStufMessage } from '../stuf/parse.js';
import type { ParseOptions } from '../stuf/parse.js';

export type PreflightResult =
  | { kind: 'unreadable'; problems: StufError[] }
  | { kind: 'fo01'; fo01: Fo01Bericht; problems: StufError[] }
  | { kind: 'envelop'; envelop: GgkEnvelop; header?: PayloadHeader; problems: StufError[] };

export interface PreflightOptions extends ParseOptions {
  /** Stop at the first problem (the hub answers one Fo01); default false: collect all (validate). */
  firstOnly?: boolean;
}

/** StUF055 for one payload problem, naming the element and the rule (GGk spec §2.3; IV028 controleniveau 1). */
export function payloadFout(p: { element: string; rule: string; message: string }): StufError {
  return new StufError('StUF055', `${p.rule}: ${p.message}`, { element: p.element });
}

/** Every registry-free problem of a Di01/Du01 (a Fo01 is only parsed: it is never refused with a Fo01). */
export function preflightEnvelope(input: Uint8Array | string, options: PreflightOptions = {}): PreflightResult {
  let message;
  try {
    message = parseStufMessage(input, options);
  } catch (err) {
    if (isStufError(err)) return { kind: 'unreadable', problems: [err] };
    throw err;
  }
  if (message.element === FO01_ELEMENT) return { kind: 'fo01', fo01: message, problems: [] };
  const envelop = message;
  const problems: StufError[] = [];
  const result: PreflightResult = { kind: 'envelop', envelop, problems };
  const add = (e: StufError | undefined): boolean => {
    if (e) problems.push(e);
    return options.firstOnly === true && problems.length > 0;
  };
  if (add(checkUuids(envelop))) return result;
  const berichtcodeFout = checkBerichtcode(envelop);

  // Payload (StUF055). The hub routes iWmo/iJw messages only; they travel as xmlBestand.
  if (envelop.bericht.soort !== 'xmlBestand') {
    add(new StufError('StUF055', `functie ${envelop.stuurgegevens.functie} moet als xmlBestand worden verstuurd, niet als tekstBestand`,
      { element: 'GGK:parameters/GGK:bericht/GGK:tekstBestand' }));
    if (!options.firstOnly) add(berichtcodeFout);
    return result;
  }
  let bytes: Buffer | undefined;
  try {
    bytes = decodeXmlBestand(envelop.bericht).bytes;
  } catch (err) {
    if (!isStufError(err)) throw err;
    if (add(err)) return result;
  }
  if (bytes !== undefined && bytes.length > MAX_MESSAGE_BYTES) {
    // "De grootte van het bericht kent een maximum van 10 Mb" (GGk manual, Berichtenstandaard; seed 002 §5).
    add(new StufError('IB007', `Bericht is ${bytes.length} bytes, maximaal ${MAX_MESSAGE_BYTES} bytes toegestaan`,
      { element: 'GGK:parameters/GGK:bericht/GGK:xmlBestand' }));
    return result;
  }
  if (bytes !== undefined) {
    if (add(checkOneMessage(envelop))) return result;
    const validation = validatePayload(bytes);
    for (const p of validation.problems) if (add(payloadFout(p))) return result;
    try {
      result.header = extractHeader(bytes);
    } catch {
      // not readable as XML: already reported by validatePayload
    }
  }

  // IB240: berichtcode ↔ element, functie ↔ berichtcode ↔ payload BerichtCode (and the payload's namespace).
  if (add(berichtcodeFout)) return result;
  if (!berichtcodeFout) {
    const { functie, berichtcode } = envelop.stuurgegevens;
    const header = result.header;
    let fout = checkFunctieConsistency(functie, berichtcode, header?.berichtCode);
    if (!fout && header?.berichttype && header.berichttype !== functie.toUpperCase()) {
      fout = new StufError('IB240', `functie ${functie} hoort niet bij een ${header.berichttype}-bericht in xmlBestand`,
        { element: 'GGK:stuurgegevens/StUF:functie' });
    }
    add(fout);
  }
  return result;
}

