/**
 * The iWmo/iJw 3.x message catalogue as data (iwmo-ijw-stuf.md (a) and (c)).
 *
 * BerichtCode = codelijst COD002-VEKT, the fixed pattern facet on Header/BerichtCode in every 3.2 XSD.
 * Where the gemeentecode sits: the header field typed LDT_Gemeente. Retourberichten copy Afzender/Ontvanger of
 * their heenbericht (IV028), so a JW302 sent by the aanbieder still has the gemeente in Afzender; JW325 has its own
 * header with the gemeente as Afzender.
 */

export type Berichtstroom = 'ijw' | 'iwmo';
export type Direction = 'gemeente->aanbieder' | 'aanbieder->gemeente';
export type IstandaardVersion = '3.0' | '3.1' | '3.2';
export type HeaderPartyField = 'Afzender' | 'Ontvanger';

export const ISTANDAARD_VERSIONS: readonly IstandaardVersion[] = ['3.0', '3.1', '3.2'];

/** A termijn from iwmo-ijw-stuf.md (c); werkdagen = ma–vr excluding recognised public holidays. */
export interface Deadline {
  /** The message(s) that must follow; empty when the deadline is for sending this message itself. */
  expect: string[];
  werkdagen?: number;
  weken?: number;
  /** What the period counts from. */
  from: string;
  /** Only when this holds (e.g. VerzoekAntwoord = 2). */
  when?: string;
  rule: string;
}

export interface Berichtdefinitie {
  berichttype: string;
  /** COD002-VEKT BerichtCode as it appears in Header/BerichtCode. */
  berichtCode: string;
  berichtstroom: Berichtstroom;
  /** "301", "302", … */
  nummer: string;
  name: string;
  kind: 'heen' | 'retour';
  /** Who sends this message (a retour goes back the way its heenbericht came). */
  direction: Direction;
  /** For a heenbericht: its retourbericht. */
  retour?: string;
  /** For a retourbericht: the heenbericht it answers. */
  heen?: string;
  /** The header field typed LDT_Gemeente (CBS gemeentecode, 4 digits). */
  gemeentecodeField: HeaderPartyField;
  /** The header field typed LDT_AgbCode (8 digits). */
  agbCodeField: HeaderPartyField;
  /** The element under Bericht after Header. */
  bodyRoot: string;
  deadlines: Deadline[];
}

interface Row { nummer: string; jw: string; wmo: string; name: string; body: string; g2a: boolean; retour?: string }

// iwmo-ijw-stuf.md (a), COD002-VEKT.
const ROWS: Row[] = [
  { nummer: '301', jw: '436', wmo: '414', name: 'Toewijzing', body: 'Client', g2a: true, retour: '302' },
  { nummer: '302', jw: '437', wmo: '415', name: 'Toewijzing retour', body: 'Client', g2a: true },
  { nummer: '305', jw: '438', wmo: '418', name: 'Start zorg', body: 'Client', g2a: false, retour: '306' },
  { nummer: '306', jw: '439', wmo: '419', name: 'Start zorg retour', body: 'Client', g2a: false },
  { nummer: '307', jw: '440', wmo: '420', name: 'Stop zorg', body: 'Client', g2a: false, retour: '308' },
  { nummer: '308', jw: '441', wmo: '421', name: 'Stop zorg retour', body: 'Client', g2a: false },
  { nummer: '315', jw: '446', wmo: '444', name: 'Verzoek om toewijzing', body: 'Client', g2a: false, retour: '316' },
  { nummer: '316', jw: '447', wmo: '445', name: 'Verzoek om toewijzing retour', body: 'Client', g2a: false },
  { nummer: '317', jw: '486', wmo: '480', name: 'Verzoek om wijziging', body: 'Client', g2a: false, retour: '318' },
  { nummer: '318', jw: '487', wmo: '481', name: 'Verzoek om wijziging retour', body: 'Client', g2a: false },
  { nummer: '319', jw: '488', wmo: '482', name: 'Antwoordbericht', body: 'Antwoord', g2a: true, retour: '320' },
  { nummer: '320', jw: '489', wmo: '483', name: 'Antwoordbericht retour', body: 'Antwoord', g2a: true },
  { nummer: '323', jw: '490', wmo: '484', name: 'Declaratie', body: 'Declaratie', g2a: false, retour: '325' },
  { nummer: '325', jw: '491', wmo: '485', name: 'Declaratie-antwoord', body: 'DeclaratieAntwoord', g2a: true },
];

const HEEN_OF: Record<string, string> = Object.fromEntries(ROWS.filter((r) => r.retour).map((r) => [r.retour!, r.nummer]));

function deadlines(prefix: string, nummer: string): Deadline[] {
  const t = (n: string): string => prefix + n;
  switch (nummer) {
    case '301': case '305': case '307': case '315': case '317': case '319': {
      const out: Deadline[] = [{ expect: [t(String(Number(nummer) + 1))], werkdagen: 3, from: 'receipt of the heenbericht', rule: 'OP090' }];
      if (nummer === '305') out.push({ expect: [], werkdagen: 5, from: 'the actual start of care (receipt of the 301 if the toewijzing was retroactive)', rule: 'OP271' });
      if (nummer === '307') out.push({ expect: [], werkdagen: 5, from: 'the actual end of care (or when a temporary stop becomes definitive)', rule: 'OP272' });
      if (nummer === '315') out.push({ expect: [t('301'), t('319')], werkdagen: 5, from: 'receipt of the verzoek, per AangevraagdProduct', rule: 'OP274' });
      if (nummer === '317') out.push({ expect: [t('301'), t('319')], werkdagen: 5, from: 'receipt of the verzoek', rule: 'OP346' });
      if (nummer === '319') out.push({ expect: [t('301'), t('319')], weken: 8, from: 'the dagtekening of the verzoek', when: 'VerzoekAntwoord = 2 (in onderzoek)', rule: 'OP274/OP346' });
      return out;
    }
    case '323':
      return [{ expect: [t('325')], werkdagen: 10, from: 'receipt of the declaratie', rule: 'OP090x4' }];
    default:
      return [];
  }
}

function build(stroom: Berichtstroom): Berichtdefinitie[] {
  const prefix = stroom === 'ijw' ? 'JW' : 'WMO';
  return ROWS.map((r) => {
    const heen = HEEN_OF[r.nummer];
    const gemeenteIsAfzender = r.g2a;
    // A retour travels opposite to its heenbericht, but keeps the heenbericht's header parties (IV028);
    // 325 is sent by the gemeente and has the gemeente as Afzender.
    const sender: Direction = heen && r.nummer !== '325'
      ? (gemeenteIsAfzender ? 'aanbieder->gemeente' : 'gemeente->aanbieder')
      : (gemeenteIsAfzender ? 'gemeente->aanbieder' : 'aanbieder->gemeente');
    const def: Berichtdefinitie = {
      berichttype: prefix + r.nummer,
      berichtCode: stroom === 'ijw' ? r.jw : r.wmo,
      berichtstroom: stroom,
      nummer: r.nummer,
      name: r.name,
      kind: heen ? 'retour' : 'heen',
      direction: sender,
      gemeentecodeField: gemeenteIsAfzender ? 'Afzender' : 'Ontvanger',
      agbCodeField: gemeenteIsAfzender ? 'Ontvanger' : 'Afzender',
      bodyRoot: r.body,
      deadlines: deadlines(prefix, r.nummer),
    };
    if (r.retour) def.retour = prefix + r.retour;
    if (heen) def.heen = prefix + heen;
    return def;
  });
}

/** Every iJw and iWmo 3.x berichttype. */
export const catalogue: readonly Berichtdefinitie[] = [...build('ijw'), ...build('iwmo')];

const BY_TYPE = new Map(catalogue.map((d) => [d.berichttype, d]));
const BY_CODE = new Map(catalogue.map((d) => [d.berichtCode, d]));

export function berichtByType(berichttype: string): Berichtdefinitie | undefined {
  return BY_TYPE.get(berichttype.toUpperCase());
}

export function berichtByCode(berichtCode: string): Berichtdefinitie | undefined {
  return BY_CODE.get(berichtCode.trim());
}

/**
 * Namespaces (iwmo-ijw-stuf.md (a)): 3.2 verified from the XSD targetNamespace, 3.0 seen in a public fixture,
 * 3.1 by the same pattern (DERIVED).
 */
export function basisschemaNamespace(stroom: Berichtstroom, version: IstandaardVersion): string {
  return `http://www.istandaarden.nl/${stroom}/${version.replace('.', '_')}/basisschema/schema`;
}

export function messageNamespace(berichttype: string, version: IstandaardVersion): string {
  const def = berichtByType(berichttype);
  if (!def) throw new RangeError(`unknown berichttype ${berichttype}`);
  return `http://www.istandaarden.nl/${def.berichtstroom}/${version.replace('.', '_')}/${def.berichttype.toLowerCase()}/schema`;
}

const NS_RE = /^http:\/\/www\.istandaarden\.nl\/(ijw|iwmo)\/(3)_([012])\/((?:jw|wmo)\d{3})\/schema$/;

/** The berichttype and release a root-element namespace stands for, if it is a 3.x message namespace. */
export function lookupNamespace(uri: string): { bericht: Berichtdefinitie; version: IstandaardVersion } | undefined {
  const m = NS_RE.exec(uri);
  if (!m) return undefined;
  const bericht = BY_TYPE.get(m[4]!.toUpperCase());
  if (!bericht || bericht.berichtstroom !== m[1]) return undefined;
  return { bericht, version: `${m[2]}.${m[3]}` as IstandaardVersion };
}
