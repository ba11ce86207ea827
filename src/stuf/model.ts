/**
 * StUF-GGk ggk0210 ("StUF-GGk 2.1 patch 04") message model. Names follow the XSD element names:
 * `ggk0210_msg_ggkberichten.xsd` (namespace GGK) and `ggk0210_stuf0301_msg_ggkberichten.xsd` + `stuf0301.xsd`
 * (namespace StUF). The three messages a gemeente exchanges are `GGK:envelopHeenbericht-ggk_Di01`,
 * `GGK:envelopRetourbericht-ggk_Du01` and `StUF:Fo01Bericht`; all three validate against the root schema
 * `ggkberichten/ggk0210_msg_ggkberichten.xsd` (it imports the StUF0301 schema that declares Fo01Bericht).
 */

export const STUF_NS = 'http://www.egem.nl/StUF/StUF0301';
export const GGK_NS = 'http://www.stufstandaarden.nl/koppelvlak/ggk0210';

export const DI01_ELEMENT = 'envelopHeenbericht-ggk_Di01';
export const DU01_ELEMENT = 'envelopRetourbericht-ggk_Du01';
export const FO01_ELEMENT = 'Fo01Bericht';

export type EnvelopElement = typeof DI01_ELEMENT | typeof DU01_ELEMENT;
export type StufElement = EnvelopElement | typeof FO01_ELEMENT;

/** The StUF berichtcode each element carries (XSD types StUF:BerichtcodeDi01 / BerichtcodeDu01, Fo01 fixed). */
export const berichtcodeOfElement = {
  [DI01_ELEMENT]: 'Di01',
  [DU01_ELEMENT]: 'Du01',
  [FO01_ELEMENT]: 'Fo01',
} as const satisfies Record<StufElement, string>;

export type EnvelopBerichtcode = (typeof berichtcodeOfElement)[EnvelopElement];

/** Whole Di01/Du01 incl. base64 payload: at most 25 MB (GGk manual §3.2; iStandaarden OP179; Fo01 IB007). */
export const MAX_ENVELOPE_BYTES = 25 * 1024 * 1024;

/** The message inside the envelope (decoded xmlBestand): at most 10 MB (GGk manual "Berichtenstandaard"; Fo01 IB007). */
export const MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

/** ggk0210 referentienummer/crossRefnummer pattern (UUID version 4, lower-case hex; Fo01 IB009). */
export const UUID_V4_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** StUF:Tijdstip: `[0-9]{8,17}`, i.e. yyyyMMdd[HH[mm[ss[fff]]]]. */
export const TIJDSTIP_PATTERN = /^[0-9]{8,17}$/;

/** StUF:Versienr: exactly four digits. */
export const VERSIENR_PATTERN = /^[0-9]{4}$/;

/** StUF:bestandsnaampattern: 4..255 characters of `[A-Za-z0-9\-._]`. */
export const BESTANDSNAAM_PATTERN = /^[A-Za-z0-9\-._]{4,255}$/;

/**
 * StUF:Systeem (zender/ontvanger). In Di01/Du01 (`StUF:Systeem_ggkberichten`) organisatie is required: the CBS
 * gemeentecode, an AGB code or a chain partner name; in Fo01 (plain `StUF:Systeem`) it is optional.
 */
export interface Systeem {
  organisatie?: string;
  applicatie: string;
  administratie?: string;
  gebruiker?: string;
}

/** Stuurgegevens of a Di01/Du01 envelope, in XSD order. crossRefnummer is present in Du01 only. */
export interface EnvelopStuurgegevens {
  berichtcode: string;
  zender: Systeem;
  ontvanger: Systeem;
  referentienummer: string;
  tijdstipBericht: string;
  crossRefnummer?: string;
  functie: string;
}

/** GGK:Parameters_ggkberichten (without `bericht`, which is modelled separately). */
export interface GgkParameters {
  applicatieVersie: string;
  applicatieSubversie: string;
  functieVersie: string;
  functieSubversie: string;
}

/**
 * GGK:bericht: a choice of `xmlBestand` (base64 iWmo/iJw XML, UTF-8 without BOM) or `tekstBestand` (base64 of any
 * file, with its `bestandsnaam`). `inhoud` is the decoded bytes exactly as sent.
 */
export type GgkBericht =
  | { soort: 'xmlBestand'; inhoud: Buffer }
  | { soort: 'tekstBestand'; bestandsnaam: string; inhoud: Buffer };

export interface GgkEnvelop {
  element: EnvelopElement;
  stuurgegevens: EnvelopStuurgegevens;
  parameters: GgkParameters;
  bericht: GgkBericht;
}

/** Stuurgegevens of a Fo01Bericht (stuf0301.xsd): no functie, crossRefnummer required. */
export interface Fo01Stuurgegevens {
  berichtcode: 'Fo01';
  zender: Systeem;
  ontvanger: Systeem;
  referentienummer: string;
  tijdstipBericht: string;
  crossRefnummer: string;
}

export type StufPlek = 'client' | 'server';

/** StUF:Foutbericht, the Fo01 body. detailsXML is kept as raw XML text (its content is `xs:any` skip). */
export interface Foutbericht {
  code: string;
  plek: StufPlek;
  omschrijving: string;
  details?: string;
  detailsXML?: string;
}

export interface Fo01Bericht {
  element: typeof FO01_ELEMENT;
  stuurgegevens: Fo01Stuurgegevens;
  body: Foutbericht;
}

export type StufMessage = GgkEnvelop | Fo01Bericht;

/** The decoded `xmlBestand`: bytes and text without a leading BOM, and whether one was there. */
export interface XmlPayload {
  bytes: Buffer;
  text: string;
  bom: boolean;
}

/** Facet limits of the StUF0301 simple types used in the envelope (stuf0301.xsd). */
export const stufMaxLength = {
  organisatie: 200,
  applicatieMin: 3,
  applicatie: 50,
  administratie: 50,
  gebruiker: 100,
  refnummer: 40,
  functie: 30,
  foutcode: 7,
  foutomschrijving: 200,
  foutdetails: 1000,
} as const;
