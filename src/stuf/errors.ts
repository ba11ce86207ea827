import type { StufPlek } from './model.js';
import { stufMaxLength } from './model.js';

/**
 * The Fo01 error codes of the StUF-GGk chain ("Foutcodes asynchroon berichtenverkeer ISD-keten 2.1 patch 04";
 * GGk manual "Foutomschrijvingen"). `omschrijving` is the code's Dutch title as the chain publishes it, the
 * start of `StUF:omschrijving` in the Fo01 (official example: "Ontvangende organisatie onbekend. Organisatie
 * 99999"). `bron` is the party that issues the code: StUF = the receiving application (a gemeente answers an
 * invalid payload with StUF055), IB = the knooppunt (GGk), RINIS = the Digikoppeling intermediary.
 * `plek` is the default `StUF:plek`: client = the refused message (or its sender) is at fault, server = the
 * knooppunt cannot handle an otherwise correct message (missing CPA, route, blocked berichttype).
 */
export const stufFoutcodes = {
  StUF055: { bron: 'StUF', plek: 'client', omschrijving: 'Berichtbody is niet conform schema in sectormodel' },
  IB002: { bron: 'IB', plek: 'client', omschrijving: 'Organisatie is niet geautoriseerd' },
  IB007: { bron: 'IB', plek: 'client', omschrijving: 'Bericht is te groot' },
  IB009: { bron: 'IB', plek: 'client', omschrijving: 'Referentienummer of crossRefnummer is geen UUID versie 4' },
  IB101: { bron: 'IB', plek: 'server', omschrijving: 'Geen geldige CPA voor organisatie en berichttype' },
  IB102: { bron: 'IB', plek: 'server', omschrijving: 'Geen routering voor organisatie en berichttype' },
  IB103: { bron: 'IB', plek: 'server', omschrijving: 'Berichttype is tijdelijk geblokkeerd' },
  IB210: { bron: 'IB', plek: 'client', omschrijving: 'Ontvangende organisatie onbekend' },
  IB213: { bron: 'IB', plek: 'client', omschrijving: 'Zendende organisatie onbekend' },
  IB216: { bron: 'IB', plek: 'client', omschrijving: 'Combinatie zender en referentienummer is niet uniek' },
  IB234: { bron: 'IB', plek: 'client', omschrijving: 'Combinatie functie en organisatie is niet toegestaan' },
  IB240: { bron: 'IB', plek: 'client', omschrijving: 'Combinatie berichtcode en functie is niet toegestaan' },
  IB798: { bron: 'IB', plek: 'client', omschrijving: 'Ontvangen StUF versie wijkt af van geconfigureerde versie' },
  RIN001: { bron: 'RINIS', plek: 'client', omschrijving: 'Asynchrone algemene fout' },
} as const satisfies Record<string, { bron: 'StUF' | 'IB' | 'RINIS'; plek: StufPlek; omschrijving: string }>;

export type StufFoutcode = keyof typeof stufFoutcodes;

export function isStufFoutcode(code: string): code is StufFoutcode {
  return Object.hasOwn(stufFoutcodes, code);
}

export interface StufErrorOptions {
  /** The element the problem is in, e.g. `GGK:stuurgegevens/StUF:referentienummer` or `jw301:Client/jw301:Bsn`. */
  element?: string;
  /** Fo01 `StUF:details` (max 1000), by convention functie + '-' + applicatieVersie + applicatieSubversie. */
  details?: string;
  /** Overrides the catalogue's default plek. */
  plek?: StufPlek;
  cause?: unknown;
}

/**
 * The peer's StUF message is wrong: answered with a Fo01 carrying `code`, `plek`, `omschrijving`, `details`.
 * `omschrijving` = catalogue title, then ". " + (element + ": ") + toelichting, cut to the 200 characters of
 * StUF:Foutomschrijving; `message` keeps the full text.
 */
export class StufError extends Error {
  readonly code: StufFoutcode;
  readonly plek: StufPlek;
  readonly omschrijving: string;
  readonly toelichting: string | undefined;
  readonly details: string | undefined;
  readonly element: string | undefined;

  constructor(code: StufFoutcode, toelichting?: string, options: StufErrorOptions = {}) {
    const full = composeOmschrijving(code, toelichting, options.element);
    super(full, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StufError';
    this.code = code;
    this.plek = options.plek ?? stufFoutcodes[code].plek;
    this.omschrijving = truncate(full, stufMaxLength.foutomschrijving);
    this.toelichting = toelichting;
    this.details = options.details === undefined ? undefined : truncate(options.details, stufMaxLength.foutdetails);
    this.element = options.element;
  }
}

export function isStufError(e: unknown): e is StufError {
  return e instanceof StufError;
}

function composeOmschrijving(code: StufFoutcode, toelichting: string | undefined, element: string | undefined): string {
  const titel = stufFoutcodes[code].omschrijving;
  if (toelichting === undefined && element === undefined) return titel;
  if (element === undefined) return `${titel}. ${toelichting}`;
  return toelichting === undefined ? `${titel}. ${element}` : `${titel}. ${element}: ${toelichting}`;
}

/** Cuts to `max` UTF-16 code units without splitting a surrogate pair; marks the cut with "…". */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
