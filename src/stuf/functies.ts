/**
 * StUF `functie` (the iWmo/iJw berichttype named in the envelope) → payload `Header/BerichtCode` (COD002-VEKT)
 * and the StUF berichtcode that may carry it, for the IB240 check ("combinatie berichtcode en functie is niet
 * toegestaan"). iWmo/iJw 3.x message catalogue (iwmo-ijw-stuf.md (a); GGk portal manual §2.1/2.2).
 * Heenberichten travel in a Di01, retourberichten in a Du01 whose crossRefnummer is the Di01's
 * referentienummer. 325 (declaratie-antwoord) answers a 323 but has its own header; chain implementations send
 * it as Di01 as well as Du01, so both are accepted (iwmo-ijw-stuf.md (d), DERIVED).
 */
import type { EnvelopBerichtcode } from './model.js';

export type Standaard = 'iJw' | 'iWmo';
export type Berichtsoort = 'heen' | 'retour' | 'antwoord';

export interface FunctieDefinitie {
  standaard: Standaard;
  /** COD002-VEKT BerichtCode in the payload header. */
  berichtCode: string;
  soort: Berichtsoort;
  /** The StUF envelope(s) allowed for this functie. */
  stufBerichtcodes: readonly EnvelopBerichtcode[];
  /** For a retour/antwoord: the functie it answers. */
  antwoordOp?: string;
}

const heen = (standaard: Standaard, berichtCode: string): FunctieDefinitie =>
  ({ standaard, berichtCode, soort: 'heen', stufBerichtcodes: ['Di01'] });
const retour = (standaard: Standaard, berichtCode: string, antwoordOp: string): FunctieDefinitie =>
  ({ standaard, berichtCode, soort: 'retour', stufBerichtcodes: ['Du01'], antwoordOp });
const antwoord = (standaard: Standaard, berichtCode: string, antwoordOp: string): FunctieDefinitie =>
  ({ standaard, berichtCode, soort: 'antwoord', stufBerichtcodes: ['Di01', 'Du01'], antwoordOp });

export const functies: Readonly<Record<string, FunctieDefinitie>> = {
  JW301: heen('iJw', '436'),
  JW302: retour('iJw', '437', 'JW301'),
  JW305: heen('iJw', '438'),
  JW306: retour('iJw', '439', 'JW305'),
  JW307: heen('iJw', '440'),
  JW308: retour('iJw', '441', 'JW307'),
  JW315: heen('iJw', '446'),
  JW316: retour('iJw', '447', 'JW315'),
  JW317: heen('iJw', '486'),
  JW318: retour('iJw', '487', 'JW317'),
  JW319: heen('iJw', '488'),
  JW320: retour('iJw', '489', 'JW319'),
  JW323: heen('iJw', '490'),
  JW325: antwoord('iJw', '491', 'JW323'),
  WMO301: heen('iWmo', '414'),
  WMO302: retour('iWmo', '415', 'WMO301'),
  WMO305: heen('iWmo', '418'),
  WMO306: retour('iWmo', '419', 'WMO305'),
  WMO307: heen('iWmo', '420'),
  WMO308: retour('iWmo', '421', 'WMO307'),
  WMO315: heen('iWmo', '444'),
  WMO316: retour('iWmo', '445', 'WMO315'),
  WMO317: heen('iWmo', '480'),
  WMO318: retour('iWmo', '481', 'WMO317'),
  WMO319: heen('iWmo', '482'),
  WMO320: retour('iWmo', '483', 'WMO319'),
  WMO323: heen('iWmo', '484'),
  WMO325: antwoord('iWmo', '485', 'WMO323'),
};

export function functieDefinitie(functie: string): FunctieDefinitie | undefined {
  return Object.hasOwn(functies, functie) ? functies[functie] : undefined;
}

/** The functie whose payload carries `berichtCode`, if any (e.g. '436' → 'JW301'). */
export function functieVoorBerichtCode(berichtCode: string | number): string | undefined {
  const code = String(berichtCode);
  return Object.keys(functies).find((f) => functies[f]!.berichtCode === code);
}
