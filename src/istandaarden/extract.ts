/**
 * Header and business-key extraction from an iWmo/iJw 3.x payload (one streaming pass, no schema needed), for
 * gemeentecode authorisation (IB002), routing, retour linking (IV028) and Ketendata. Works on schema-invalid but
 * well-formed messages too, so the hub can read the header before validating; throws PayloadReadError when the
 * bytes are not readable XML (size, encoding, DOCTYPE, well-formedness).
 */
import { berichtByCode, lookupNamespace } from './catalogue.js';
import type { Berichtdefinitie, IstandaardVersion } from './catalogue.js';
import { payloadText } from './xml-input.js';
import { scanXml } from './xml-scan.js';

export interface PayloadHeader {
  /** From the root namespace, else from BerichtCode; null when neither is known. */
  berichttype: string | null;
  /** From the root namespace; null for an unknown namespace. */
  version: IstandaardVersion | null;
  berichtCode?: string;
  berichtVersie?: string;
  berichtSubversie?: string;
  afzender?: string;
  ontvanger?: string;
  identificatieBericht?: string;
  dagtekeningBericht?: string;
  /** The CBS gemeentecode: Afzender or Ontvanger, whichever the catalogue names for this berichttype. */
  gemeentecode?: string;
  /** The zorgaanbieder's AGB code: the other party field. */
  agbCode?: string;
  /** Retourberichten (302 … 320). */
  identificatieRetour?: string;
  dagtekeningRetour?: string;
  /** 325: the identification of the 323 it answers (IV087/TR337). */
  identificatieDeclaratie?: string;
  dagtekeningDeclaratie?: string;
  /** Header/RetourCodes/RetourCode of a retourbericht or 325. */
  retourCodes: string[];
}

/** One business line: ToegewezenProduct, StartProduct, StopProduct, AangevraagdProduct, … Prestatie, Antwoord. */
export interface BusinessItem {
  element: string;
  /** XPath-like location, e.g. /Bericht/Client/ToegewezenProducten/ToegewezenProduct[2] */
  path: string;
  bsn?: string;
  toewijzingNummer?: string;
  referentieAanbieder?: string;
  beschikkingNummer?: string;
  productCategorie?: string;
  productCode?: string;
  /** Every *datum below the item, keyed by its relative path (e.g. Ingangsdatum, ProductPeriode/Begindatum). */
  dates: Record<string, string>;
  /** Every leaf below the item except RetourCodes, keyed by relative path (the first occurrence wins). */
  fields: Record<string, string>;
  retourCodes: string[];
}

export interface BusinessKeys {
  berichttype: string | null;
  /** Distinct values in document order. */
  bsn: string[];
  toewijzingNummers: string[];
  referentiesAanbieder: string[];
  beschikkingNummers: string[];
  declaratieNummer?: string;
  declaratiePeriode?: { begindatum?: string; einddatum?: string };
  items: BusinessItem[];
}

export interface ExtractedPayload { header: PayloadHeader; keys: BusinessKeys }

const ITEMS = new Set(['ToegewezenProduct', 'StartProduct', 'StopProduct', 'AangevraagdProduct', 'OngewijzigdProduct',
  'TeWijzigenProduct', 'NieuwProduct', 'Prestatie', 'Antwoord']);

const HEADER_FIELDS: Record<string, keyof PayloadHeader> = {
  'Header/BerichtCode': 'berichtCode',
  'Header/BerichtVersie': 'berichtVersie',
  'Header/BerichtSubversie': 'berichtSubversie',
  'Header/Afzender': 'afzender',
  'Header/Ontvanger': 'ontvanger',
  'Header/BerichtIdentificatie/Identificatie': 'identificatieBericht',
  'Header/BerichtIdentificatie/Dagtekening': 'dagtekeningBericht',
  'Header/IdentificatieRetour': 'identificatieRetour',
  'Header/DagtekeningRetour': 'dagtekeningRetour',
  'Header/DeclaratieIdentificatie/Identificatie': 'identificatieDeclaratie',
  'Header/DeclaratieIdentificatie/Dagtekening': 'dagtekeningDeclaratie',
};

function pushUnique(list: string[], v: string | undefined): void {
  if (v !== undefined && v !== '' && !list.includes(v)) list.push(v);
}

interface OpenItem { item: BusinessItem; depth: number }

/** Header and business keys in one pass. */
export function extractPayload(xml: string | Buffer | Uint8Array): ExtractedPayload {
  const header: PayloadHeader = { berichttype: null, version: null, retourCodes: [] };
  const keys: BusinessKeys = { berichttype: null, bsn: [], toewijzingNummers: [], referentiesAanbieder: [], beschikkingNummers: [], items: [] };
  let bericht: Berichtdefinitie | undefined;
  const names: string[] = [];
  const paths: string[] = [];
  const childCounts: Map<string, number>[] = [];
  const hasChild: boolean[] = [];
  let text = '';
  let currentBsn: string | undefined;
  let currentReferentie: string | undefined;
  const openItems: OpenItem[] = [];

  const open = (uri: string, local: string): void => {
    if (names.length === 0) {
      const found = lookupNamespace(uri);
      if (found) { bericht = found.bericht; header.version = found.version; }
    }
    if (hasChild.length > 0) hasChild[hasChild.length - 1] = true;
    const counts = childCounts[childCounts.length - 1];
    const n = counts ? (counts.get(local) ?? 0) + 1 : 1;
    counts?.set(local, n);
    const parentPath = paths[paths.length - 1] ?? '';
    const path = `${parentPath}/${local}${ITEMS.has(local) && local !== 'Antwoord' ? `[${n}]` : ''}`;
    names.push(local);
    paths.push(path);
    childCounts.push(new Map());
    hasChild.push(false);
    text = '';
    if (ITEMS.has(local)) {
      const item: BusinessItem = { element: local, path, dates: {}, fields: {}, retourCodes: [] };
      if (currentBsn !== undefined) item.bsn = currentBsn;
      keys.items.push(item);
      openItems.push({ item, depth: names.length });
    }
  };
  const onText = (t: string): void => { text += t; };
  const close = (): void => {
    const leaf = !hasChild.pop();
    const depth = names.length;
    const local = names[depth - 1]!;
    if (leaf) leafValue(names.slice(1).join('/'), local, text.trim(), depth);
    names.pop();
    paths.pop();
    childCounts.pop();
    if (openItems.length > 0 && openItems[openItems.length - 1]!.depth === depth) openItems.pop();
    text = '';
  };

  const leafValue = (rel: string, local: string, value: string, depth: number): void => {
    const hf = HEADER_FIELDS[rel];
    if (hf) { (header as unknown as Record<string, string>)[hf] = value; return; }
    if (rel === 'Header/RetourCodes/RetourCode') { header.retourCodes.push(value); return; }
    if (local === 'Bsn') { currentBsn = value; pushUnique(keys.bsn, value); }
    if (local === 'ToewijzingNummer') pushUnique(keys.toewijzingNummers, value);
    if (local === 'ReferentieAanbieder') pushUnique(keys.referentiesAanbieder, value);
    if (local === 'BeschikkingNummer') pushUnique(keys.beschikkingNummers, value);
    if (/^(Declaratie|DeclaratieAntwoord)\/DeclaratieNummer$/.test(rel)) keys.declaratieNummer = value;
    if (rel === 'Declaratie/DeclaratiePeriode/Begindatum') (keys.declaratiePeriode ??= {}).begindatum = value;
    if (rel === 'Declaratie/DeclaratiePeriode/Einddatum') (keys.declaratiePeriode ??= {}).einddatum = value;
    // 317: the products of a Verzoek share its ReferentieAanbieder.
    if (rel === 'Client/Verzoek/ReferentieAanbieder') currentReferentie = value;
    const top = openItems[openItems.length - 1];
    if (!top) return;
    const within = names.slice(top.depth, depth).join('/');
    const item = top.item;
    if (local === 'RetourCode') { item.retourCodes.push(value); return; }
    if (!(within in item.fields)) item.fields[within] = value;
    if (/datum$/i.test(local)) item.dates[within] ??= value;
    if (within === 'ToewijzingNummer') item.toewijzingNummer = value;
    if (within === 'ReferentieAanbieder') item.referentieAanbieder = value;
    if (within === 'BeschikkingNummer') item.beschikkingNummer = value;
    if (within === 'Product/Categorie' || within === 'ProductCategorie') item.productCategorie = value;
    if (within === 'Product/Code' || within === 'ProductCode') item.productCode = value;
  };

  scanXml(payloadText(xml), { open, text: onText, close });

  bericht ??= header.berichtCode !== undefined ? berichtByCode(header.berichtCode) : undefined;
  if (bericht) {
    header.berichttype = keys.berichttype = bericht.berichttype;
    const g = bericht.gemeentecodeField === 'Afzender' ? header.afzender : header.ontvanger;
    const a = bericht.agbCodeField === 'Afzender' ? header.afzender : header.ontvanger;
    if (g !== undefined) header.gemeentecode = g;
    if (a !== undefined) header.agbCode = a;
  }
  if (currentReferentie !== undefined) {
    for (const item of keys.items) item.referentieAanbieder ??= currentReferentie;
  }
  return { header, keys };
}

export function extractHeader(xml: string | Buffer | Uint8Array): PayloadHeader {
  return extractPayload(xml).header;
}

export function extractBusinessKeys(xml: string | Buffer | Uint8Array): BusinessKeys {
  return extractPayload(xml).keys;
}
