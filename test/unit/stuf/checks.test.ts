import { buildDi01, buildDu01 } from '../../../src/stuf/build.js';
import {
  checkBerichtcode, checkEnvelope, checkEnvelopeSize, checkFunctieConsistency, checkOneMessage, checkUuids, isUuidV4,
} from '../../../src/stuf/checks.js';
import type { StufError } from '../../../src/stuf/errors.js';
import { functieDefinitie, functies, functieVoorBerichtCode } from '../../../src/stuf/functies.js';
import { MAX_ENVELOPE_BYTES } from '../../../src/stuf/model.js';
import type { GgkEnvelop } from '../../../src/stuf/model.js';
import { parseEnvelop } from '../../../src/stuf/parse.js';
import { REF_DI01, REF_DU01, di01Input, voorbeeld } from './helpers.js';

const summary = (e: StufError | undefined): [string, string, string | undefined] | undefined =>
  e === undefined ? undefined : [e.code, e.omschrijving, e.element];

const IB240 = 'Combinatie berichtcode en functie is niet toegestaan';
const FUNCTIE = 'GGK:stuurgegevens/StUF:functie';

describe('IB240 checkFunctieConsistency(functie, stufBerichtcode, payloadBerichtCode)', () => {
  it.each([
    ['JW301', 'Di01', '436'], ['JW301', 'Di01', 436], ['WMO301', 'Di01', '414'], ['WMO302', 'Du01', '415'],
    ['JW315', 'Di01', '446'], ['JW319', 'Di01', '488'], ['WMO320', 'Du01', '483'], ['JW323', 'Di01', '490'],
    ['JW325', 'Di01', '491'], ['JW325', 'Du01', '491'], ['WMO325', 'Du01', '485'], ['JW301', 'Di01', undefined],
  ] as const)('%s in %s with BerichtCode %s is consistent', (functie, code, payload) => {
    expect(checkFunctieConsistency(functie, code, payload)).toBeUndefined();
  });

  it.each([
    ['JW999', 'Di01', '436', 'functie "JW999" is geen iWmo/iJw berichttype'],
    ['jw301', 'Di01', '436', 'functie "jw301" is geen iWmo/iJw berichttype'],
    ['WMO303', 'Di01', undefined, 'functie "WMO303" is geen iWmo/iJw berichttype'],
    ['JW302', 'Di01', '437', 'functie JW302 (retourbericht) hoort in Du01, niet in Di01'],
    ['JW301', 'Du01', '436', 'functie JW301 (heenbericht) hoort in Di01, niet in Du01'],
    ['JW325', 'Fo01', '491', 'functie JW325 (antwoordbericht) hoort in Di01 of Du01, niet in Fo01'],
    ['JW301', 'Di01', '414', 'functie JW301 hoort bij BerichtCode 436, het bericht heeft BerichtCode 414'],
    ['WMO302', 'Du01', 437, 'functie WMO302 hoort bij BerichtCode 415, het bericht heeft BerichtCode 437'],
  ] as const)('%s in %s with BerichtCode %s: IB240', (functie, code, payload, toelichting) => {
    expect(summary(checkFunctieConsistency(functie, code, payload))).toEqual(['IB240', `${IB240}. ${FUNCTIE}: ${toelichting}`, FUNCTIE]);
  });
});

describe('functies (iwmo-ijw-stuf.md (a))', () => {
  it('holds the 28 iWmo/iJw 3.x berichttypen with their COD002 codes', () => {
    expect(Object.keys(functies)).toHaveLength(28);
    expect(Object.fromEntries(Object.entries(functies).map(([f, d]) => [f, d.berichtCode]))).toEqual({
      JW301: '436', JW302: '437', JW305: '438', JW306: '439', JW307: '440', JW308: '441', JW315: '446', JW316: '447',
      JW317: '486', JW318: '487', JW319: '488', JW320: '489', JW323: '490', JW325: '491',
      WMO301: '414', WMO302: '415', WMO305: '418', WMO306: '419', WMO307: '420', WMO308: '421', WMO315: '444', WMO316: '445',
      WMO317: '480', WMO318: '481', WMO319: '482', WMO320: '483', WMO323: '484', WMO325: '485',
    });
  });

  it('pairs each retour with its heenbericht', () => {
    expect(functieDefinitie('WMO316')).toEqual({ standaard: 'iWmo', berichtCode: '445', soort: 'retour', stufBerichtcodes: ['Du01'], antwoordOp: 'WMO315' });
    expect(functieDefinitie('toString')).toBeUndefined();
    expect(functieVoorBerichtCode(436)).toBe('JW301');
    expect(functieVoorBerichtCode('999')).toBeUndefined();
  });
});

describe('IB009 checkUuids', () => {
  const di01 = (ref: string): GgkEnvelop => parseEnvelop(voorbeeld('Di01-xml').replace('9c0f7b90-5c69-41e5-a837-0800200c9a66', ref));

  it('accepts the official example and lower-case v4 UUIDs', () => {
    expect(checkUuids(parseEnvelop(voorbeeld('Du01')))).toBeUndefined();
    expect(isUuidV4(REF_DI01)).toBe(true);
  });

  it.each([
    ['version 1', '9c0f7b90-5c69-11e5-a837-0800200c9a66'],
    ['upper case', '9C0F7B90-5C69-41E5-A837-0800200C9A66'],
    ['wrong variant', '9c0f7b90-5c69-41e5-c837-0800200c9a66'],
    ['braces', '{9c0f7b90-5c69-41e5-a837-0800200c9a66}'],
    ['a counter', '12345'],
    ['empty', ''],
  ])('refuses a referentienummer that is %s', (_name, ref) => {
    expect(summary(checkUuids(di01(ref)))).toEqual([
      'IB009', `Referentienummer of crossRefnummer is geen UUID versie 4. GGK:stuurgegevens/StUF:referentienummer: "${ref}" is geen UUID versie 4`,
      'GGK:stuurgegevens/StUF:referentienummer',
    ]);
  });

  it('refuses a Du01 crossRefnummer that is not v4', () => {
    const du01 = parseEnvelop(voorbeeld('Du01').replace('<StUF:crossRefnummer>9c0f7b90-5c69-41e5', '<StUF:crossRefnummer>9c0f7b90-5c69-11e5'));
    expect(summary(checkUuids(du01))).toEqual([
      'IB009', 'Referentienummer of crossRefnummer is geen UUID versie 4. GGK:stuurgegevens/StUF:crossRefnummer: "9c0f7b90-5c69-11e5-a837-0800200c9a66" is geen UUID versie 4',
      'GGK:stuurgegevens/StUF:crossRefnummer',
    ]);
  });
});

describe('IB240 checkBerichtcode: berichtcode vs the StUF element', () => {
  it('refuses Du01 inside a heenbericht-envelop', () => {
    const m = parseEnvelop(voorbeeld('Di01-xml').replace('>Di01<', '>Du01<'));
    expect(summary(checkBerichtcode(m))).toEqual([
      'IB240', `${IB240}. GGK:stuurgegevens/StUF:berichtcode: berichtcode "Du01" hoort niet bij envelopHeenbericht-ggk_Di01 (verwacht Di01)`,
      'GGK:stuurgegevens/StUF:berichtcode',
    ]);
    expect(checkEnvelope(m).map((e) => e.code)).toEqual(['IB240', 'StUF055']);
  });
});

describe('one message per envelope (StUF055) checkOneMessage', () => {
  const withPayload = (inhoud: Buffer): GgkEnvelop => parseEnvelop(buildDi01(di01Input({ bericht: { soort: 'xmlBestand', inhoud } })));
  const XML = 'GGK:parameters/GGK:bericht/GGK:xmlBestand';
  const STUF055 = 'Berichtbody is niet conform schema in sectormodel';

  it.each([
    ['two root elements', '<?xml version="1.0"?><jw301:Bericht xmlns:jw301="u"/>\n<jw301:Bericht xmlns:jw301="u"/>', 'één bericht per envelop: xmlBestand bevat 2 berichten'],
    ['a ZIP archive', 'PK\u0003\u0004rest-of-zip', 'één bericht per envelop: xmlBestand bevat een ZIP-archief'],
    ['no XML at all', 'Hier staat een iWmo/iJw-heenbericht.', 'één bericht per envelop: xmlBestand bevat geen XML-bericht'],
    ['a DOCTYPE', '<!DOCTYPE Bericht [<!ENTITY x "y">]><Bericht>&x;</Bericht>', 'DOCTYPE is niet toegestaan in xmlBestand'],
  ])('refuses %s', (_name, payload, toelichting) => {
    expect(summary(checkOneMessage(withPayload(Buffer.from(payload, 'latin1'))))).toEqual(['StUF055', `${STUF055}. ${XML}: ${toelichting}`, XML]);
  });

  it('accepts one message, leaves other well-formedness errors to the payload validator, ignores tekstBestand', () => {
    expect(checkOneMessage(withPayload(Buffer.from('<a><b/></a>')))).toBeUndefined();
    expect(checkOneMessage(withPayload(Buffer.from('<a><b></a>')))).toBeUndefined();
    expect(checkOneMessage(parseEnvelop(voorbeeld('Di01-tekst')))).toBeUndefined();
  });
});

describe('checkEnvelope collects every registry-free problem in priority order', () => {
  it('a correct JW301 Di01 and JW302 Du01 pass', () => {
    expect(checkEnvelope(parseEnvelop(buildDi01(di01Input())), { payloadBerichtCode: '436' })).toEqual([]);
    const du01 = buildDu01(di01Input({ referentienummer: REF_DU01, crossRefnummer: REF_DI01, functie: 'JW302' }));
    expect(checkEnvelope(parseEnvelop(du01), { payloadBerichtCode: 437 })).toEqual([]);
  });

  it('the official tekstBestand example passes (its functie "Dummy" is no iWmo/iJw berichttype and is not checked)', () => {
    expect(checkEnvelope(parseEnvelop(voorbeeld('Di01-tekst')))).toEqual([]);
  });

  it('the official xmlBestand example carries placeholder text, not a message', () => {
    expect(checkEnvelope(parseEnvelop(voorbeeld('Di01-xml'))).map((e) => e.code)).toEqual(['StUF055']);
  });

  it('lists IB009, IB240 and StUF055 together', () => {
    const xml = voorbeeld('Di01-xml').replace('9c0f7b90-5c69-41e5', '9c0f7b90-5c69-11e5').replace('>WMO301<', '>WMO302<');
    expect(checkEnvelope(parseEnvelop(xml), { payloadBerichtCode: '415' }).map((e) => [e.code, e.element])).toEqual([
      ['IB009', 'GGK:stuurgegevens/StUF:referentienummer'],
      ['IB240', 'GGK:stuurgegevens/StUF:functie'],
      ['StUF055', 'GGK:parameters/GGK:bericht/GGK:xmlBestand'],
    ]);
  });

  it('flags a BOM only when asked to', () => {
    const withBom = parseEnvelop(buildDi01(di01Input({ bericht: { soort: 'xmlBestand', inhoud: Buffer.from('\uFEFF<a/>') } })));
    expect(checkEnvelope(withBom, { payloadBerichtCode: '436' })).toEqual([]);
    expect(checkEnvelope(withBom, { payloadBerichtCode: '436', rejectBom: true }).map((e) => e.omschrijving)).toEqual([
      'Berichtbody is niet conform schema in sectormodel. GGK:parameters/GGK:bericht/GGK:xmlBestand: xmlBestand begint met een BOM (UTF-8 zonder BOM vereist)',
    ]);
  });
});

it('IB007 checkEnvelopeSize', () => {
  expect(checkEnvelopeSize(MAX_ENVELOPE_BYTES)).toBeUndefined();
  expect(summary(checkEnvelopeSize(MAX_ENVELOPE_BYTES + 1))).toEqual([
    'IB007', `Bericht is te groot. Envelop is ${MAX_ENVELOPE_BYTES + 1} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan`, undefined,
  ]);
});
