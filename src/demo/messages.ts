/**
 * The demo's own iJw 3.2 messages (issue 6 §5): small JW301 / JW302 / JW315 payloads written from the documented
 * element trees (iwmo-ijw-stuf.md (b); header order BerichtCode, BerichtVersie, BerichtSubversie, Afzender,
 * Ontvanger, BerichtIdentificatie, XsdVersie) and wrapped in the ggk0210 Di01/Du01 envelope. Every payload here is
 * valid for the istandaarden validator (and xmllint with the official XSDs — see test/unit/demo); `brokenJw301`
 * is the one that is not, on purpose (Fo01 StUF055).
 */
import { randomUUID } from 'node:crypto';
import { buildDi01, buildDu01, xmlBestand } from '../stuf/build.js';
import type { GgkParameters, Systeem } from '../stuf/model.js';

const JW_NS = (type: string) => `http://www.istandaarden.nl/ijw/3_2/${type}/schema`;
const IJW_NS = 'http://www.istandaarden.nl/ijw/3_2/basisschema/schema';

/** StUF parameters: our application version, and the payload's release 3.2 as functieVersie 0003 / subversie 0002. */
export const DEMO_PARAMETERS: GgkParameters = { applicatieVersie: '0001', applicatieSubversie: '0000', functieVersie: '0003', functieSubversie: '0002' };

export interface HeaderInput {
  afzender: string;
  ontvanger: string;
  /** BerichtIdentificatie/Identificatie: 1..12 characters, unique per berichtsoort per sender (TR056). */
  identificatie: string;
  /** BerichtIdentificatie/Dagtekening, YYYY-MM-DD. */
  dagtekening: string;
}

function header(p: string, code: string, h: HeaderInput): string {
  return `<${p}:Header>`
    + `<${p}:BerichtCode>${code}</${p}:BerichtCode><${p}:BerichtVersie>3</${p}:BerichtVersie><${p}:BerichtSubversie>2</${p}:BerichtSubversie>`
    + `<${p}:Afzender>${h.afzender}</${p}:Afzender><${p}:Ontvanger>${h.ontvanger}</${p}:Ontvanger>`
    + `<${p}:BerichtIdentificatie><ijw:Identificatie>${h.identificatie}</ijw:Identificatie><ijw:Dagtekening>${h.dagtekening}</ijw:Dagtekening></${p}:BerichtIdentificatie>`
    + `<${p}:XsdVersie>${XSD_VERSIE}</${p}:XsdVersie>`;
}

const XSD_VERSIE = '<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie>';

function bericht(p: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${p}:Bericht xmlns:${p}="${JW_NS(p)}" xmlns:ijw="${IJW_NS}">${inner}</${p}:Bericht>\n`;
}

export interface Client {
  bsn: string;
  geboortedatum: string;
  /** 0 onbekend, 1 man, 2 vrouw. */
  geslacht: '0' | '1' | '2';
  achternaam: string;
  voornamen: string;
}

export const DEMO_CLIENT: Client = { bsn: '999993653', geboortedatum: '2012-05-14', geslacht: '2', achternaam: 'Vries', voornamen: 'Sanne' };

export interface Jw301Input extends HeaderInput {
  client: Client;
  toewijzingNummer: string;
  /** The zorgaanbieder's reference from a JW315 this toewijzing answers. */
  referentieAanbieder?: string;
  /** ProductCategorie (JZ020) and productcode. */
  product: { categorie: string; code: string };
  toewijzingsdatum: string;
  ingangsdatum: string;
  einddatum: string;
  /** Omvang: 6 uur (04) per week (2). */
  omvang: { volume: number; eenheid: string; frequentie: string };
}

/** JW301 Toewijzing (BerichtCode 436), gemeente → zorgaanbieder. */
export function jw301(i: Jw301Input): string {
  const c = i.client;
  return bericht('jw301', header('jw301', '436', i) + '</jw301:Header>'
    + '<jw301:Client>'
    + `<jw301:Bsn>${c.bsn}</jw301:Bsn><jw301:Geboortedatum><ijw:Datum>${c.geboortedatum}</ijw:Datum></jw301:Geboortedatum>`
    + `<jw301:Geslacht>${c.geslacht}</jw301:Geslacht>`
    + `<jw301:Naam><ijw:Geslachtsnaam><ijw:Achternaam>${c.achternaam}</ijw:Achternaam></ijw:Geslachtsnaam><ijw:Voornamen>${c.voornamen}</ijw:Voornamen><ijw:NaamGebruik>1</ijw:NaamGebruik></jw301:Naam>`
    + '<jw301:Contactgegevens><jw301:Contact><jw301:Soort>01</jw301:Soort>'
    + '<jw301:Adres><ijw:Huis><ijw:Huisnummer>12</ijw:Huisnummer></ijw:Huis><ijw:Postcode>1011AB</ijw:Postcode>'
    + '<ijw:Straatnaam>Prinsengracht</ijw:Straatnaam><ijw:Plaatsnaam>Amsterdam</ijw:Plaatsnaam><ijw:LandCode>NL</ijw:LandCode></jw301:Adres>'
    + '</jw301:Contact></jw301:Contactgegevens>'
    + '<jw301:ToegewezenProducten><jw301:ToegewezenProduct>'
    + `<jw301:ToewijzingNummer>${i.toewijzingNummer}</jw301:ToewijzingNummer>`
    + (i.referentieAanbieder ? `<jw301:ReferentieAanbieder>${i.referentieAanbieder}</jw301:ReferentieAanbieder>` : '')
    + `<jw301:Product><ijw:Categorie>${i.product.categorie}</ijw:Categorie><ijw:Code>${i.product.code}</ijw:Code></jw301:Product>`
    + `<jw301:Toewijzingsdatum>${i.toewijzingsdatum}</jw301:Toewijzingsdatum><jw301:Toewijzingstijd>09:30:00</jw301:Toewijzingstijd>`
    + `<jw301:Ingangsdatum>${i.ingangsdatum}</jw301:Ingangsdatum><jw301:Einddatum>${i.einddatum}</jw301:Einddatum>`
    + `<jw301:Omvang><ijw:Volume>${i.omvang.volume}</ijw:Volume><ijw:Eenheid>${i.omvang.eenheid}</ijw:Eenheid><ijw:Frequentie>${i.omvang.frequentie}</ijw:Frequentie></jw301:Omvang>`
    + '</jw301:ToegewezenProduct></jw301:ToegewezenProducten>'
    + '</jw301:Client>');
}

/**
 * A JW301 that breaks the schema in two ways the validator names (StUF055): the Bsn is not 9 digits
 * (LDT_BurgerServicenummer) and the required Geslacht is missing.
 */
export function brokenJw301(i: Jw301Input): string {
  return jw301(i)
    .replace(/<jw301:Bsn>\d+<\/jw301:Bsn>/, '<jw301:Bsn>12345AB</jw301:Bsn>')
    .replace(/<jw301:Geslacht>\d<\/jw301:Geslacht>/, '');
}

export interface Jw302Input {
  /** The JW301 header it answers: copied, incl. Afzender (gemeente) and Ontvanger (AGB) (IV028). */
  heen: HeaderInput;
  identificatieRetour: string;
  dagtekeningRetour: string;
  /** WJ001; 0200 = geen opmerking. */
  retourCode?: string;
}

/** JW302 Retour toewijzing (BerichtCode 437), header only: the JW301 was accepted without remarks. */
export function jw302(i: Jw302Input): string {
  return bericht('jw302', header('jw302', '437', i.heen)
    + `<jw302:IdentificatieRetour>${i.identificatieRetour}</jw302:IdentificatieRetour><jw302:DagtekeningRetour>${i.dagtekeningRetour}</jw302:DagtekeningRetour>`
    + `<jw302:XsdVersieRetour>${XSD_VERSIE}</jw302:XsdVersieRetour>`
    + `<jw302:RetourCodes><jw302:RetourCode>${i.retourCode ?? '0200'}</jw302:RetourCode></jw302:RetourCodes>`
    + '</jw302:Header>');
}

export interface Jw315Input extends HeaderInput {
  client: Client;
  referentieAanbieder: string;
  product: { categorie: string; code: string };
  toewijzingIngangsdatum: string;
  toewijzingEinddatum: string;
  omvang: { volume: number; eenheid: string; frequentie: string };
  /** Verwijzer type (COD327): 02 = huisarts. */
  verwijzer: { type: string; naam: string };
}

/** JW315 Verzoek om toewijzing (BerichtCode 446), zorgaanbieder → gemeente. */
export function jw315(i: Jw315Input): string {
  const c = i.client;
  return bericht('jw315', header('jw315', '446', i) + '</jw315:Header>'
    + '<jw315:Client>'
    + `<jw315:Bsn>${c.bsn}</jw315:Bsn><jw315:Geboortedatum><ijw:Datum>${c.geboortedatum}</ijw:Datum></jw315:Geboortedatum>`
    + `<jw315:Geslacht>${c.geslacht}</jw315:Geslacht>`
    + `<jw315:Naam><ijw:Geslachtsnaam><ijw:Achternaam>${c.achternaam}</ijw:Achternaam></ijw:Geslachtsnaam><ijw:Voornamen>${c.voornamen}</ijw:Voornamen></jw315:Naam>`
    + '<jw315:AangevraagdeProducten><jw315:AangevraagdProduct>'
    + `<jw315:ReferentieAanbieder>${i.referentieAanbieder}</jw315:ReferentieAanbieder>`
    + `<jw315:Product><ijw:Categorie>${i.product.categorie}</ijw:Categorie><ijw:Code>${i.product.code}</ijw:Code></jw315:Product>`
    + `<jw315:ToewijzingIngangsdatum>${i.toewijzingIngangsdatum}</jw315:ToewijzingIngangsdatum><jw315:ToewijzingEinddatum>${i.toewijzingEinddatum}</jw315:ToewijzingEinddatum>`
    + `<jw315:Omvang><ijw:Volume>${i.omvang.volume}</ijw:Volume><ijw:Eenheid>${i.omvang.eenheid}</ijw:Eenheid><ijw:Frequentie>${i.omvang.frequentie}</ijw:Frequentie></jw315:Omvang>`
    + `<jw315:Verwijzer><ijw:Type>${i.verwijzer.type}</ijw:Type><ijw:Naam>${i.verwijzer.naam}</ijw:Naam></jw315:Verwijzer>`
    + '</jw315:AangevraagdProduct></jw315:AangevraagdeProducten>'
    + '</jw315:Client>');
}

export interface EnvelopeParties {
  zender: Systeem;
  ontvanger: Systeem;
}

/** A ggk0210 Di01 (heenbericht) around `payload`; returns the XML and its referentienummer. */
export function di01(functie: string, parties: EnvelopeParties, payload: string): { xml: string; referentienummer: string } {
  const referentienummer = randomUUID();
  return { referentienummer, xml: buildDi01({ ...parties, referentienummer, functie, parameters: DEMO_PARAMETERS, bericht: xmlBestand(payload) }) };
}

/** A ggk0210 Du01 (retourbericht) answering the Di01 with referentienummer `crossRefnummer`. */
export function du01(functie: string, parties: EnvelopeParties, crossRefnummer: string, payload: string): { xml: string; referentienummer: string } {
  const referentienummer = randomUUID();
  return { referentienummer, xml: buildDu01({ ...parties, referentienummer, crossRefnummer, functie, parameters: DEMO_PARAMETERS, bericht: xmlBestand(payload) }) };
}

/** YYYY-MM-DD of `d` plus `days` (UTC). */
export function day(d: Date, days = 0): string {
  return new Date(d.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The payloads of the demo scenario, for one gemeente and one zorgaanbieder (AGB), dated `today`. */
export interface DemoPayloads {
  /** Step 1: JW301 gemeente → zorgaanbieder. */
  toewijzing: string;
  toewijzingHeader: HeaderInput;
  /** Step 2: its JW302 retour (header copied from the JW301, IV028). */
  retour: string;
  /** Step 3: JW315 verzoek om toewijzing, zorgaanbieder → gemeente. */
  verzoek: string;
  /** Step 4: the gemeente's JW301 answering the JW315 (ReferentieAanbieder from the verzoek). */
  antwoord: string;
  /** Step 5: a JW301 for a gemeente the sender may not act for (IB002). */
  andereGemeente: string;
  /** Step 6: a JW301 that breaks the schema (StUF055). */
  ongeldig: string;
}

export function demoPayloads(o: { gemeentecode: string; andereGemeentecode: string; agb: string; today: Date }): DemoPayloads {
  const vandaag = day(o.today);
  const product = { categorie: '45', code: '45A53' };
  const omvang = { volume: 6, eenheid: '04', frequentie: '2' };
  const toewijzing = (identificatie: string, afzender: string, toewijzingNummer: string, referentieAanbieder?: string): Jw301Input => ({
    afzender, ontvanger: o.agb, identificatie, dagtekening: vandaag, client: DEMO_CLIENT, toewijzingNummer, product,
    toewijzingsdatum: vandaag, ingangsdatum: day(o.today, 7), einddatum: day(o.today, 180), omvang,
    ...(referentieAanbieder ? { referentieAanbieder } : {}),
  });
  const heen = toewijzing('TW-DEMO-0001', o.gemeentecode, '70000001');
  return {
    toewijzing: jw301(heen),
    toewijzingHeader: { afzender: heen.afzender, ontvanger: heen.ontvanger, identificatie: heen.identificatie, dagtekening: heen.dagtekening },
    retour: jw302({ heen, identificatieRetour: 'RT-DEMO-0001', dagtekeningRetour: vandaag }),
    verzoek: jw315({
      afzender: o.agb, ontvanger: o.gemeentecode, identificatie: 'VOT-DEMO-01', dagtekening: vandaag, client: DEMO_CLIENT,
      referentieAanbieder: 'VOT-2025-0042', product, toewijzingIngangsdatum: day(o.today, 7), toewijzingEinddatum: day(o.today, 180), omvang,
      verwijzer: { type: '02', naam: 'Huisartsenpraktijk Centrum' },
    }),
    antwoord: jw301(toewijzing('TW-DEMO-0002', o.gemeentecode, '70000002', 'VOT-2025-0042')),
    andereGemeente: jw301(toewijzing('TW-DEMO-0003', o.andereGemeentecode, '70000003')),
    ongeldig: brokenJw301(toewijzing('TW-DEMO-0004', o.gemeentecode, '70000004')),
  };
}
