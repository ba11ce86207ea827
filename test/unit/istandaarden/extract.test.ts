import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractBusinessKeys, extractHeader, extractPayload } from '../../../src/istandaarden/extract.js';
import { PayloadReadError } from '../../../src/istandaarden/xml-input.js';
import { packageRoot } from '../../../src/paths.js';
import { buildInstance, serialize } from './corpus.js';

const fixture = (f: string): Buffer => readFileSync(join(packageRoot, 'test', 'fixtures', 'istandaarden', f));

describe('extractHeader', () => {
  test('JW301: gemeentecode from Afzender, AGB from Ontvanger', () => {
    expect(extractHeader(fixture('jw301.xml'))).toEqual({
      berichttype: 'JW301', version: '3.2', berichtCode: '436', berichtVersie: '3', berichtSubversie: '2',
      afzender: '0363', ontvanger: '98765432', identificatieBericht: 'TW2024-00417', dagtekeningBericht: '2024-03-04',
      gemeentecode: '0363', agbCode: '98765432', retourCodes: [],
    });
  });

  test('JW302 (sent by the aanbieder) keeps the gemeente in Afzender (IV028)', () => {
    expect(extractHeader(fixture('jw302.xml'))).toEqual({
      berichttype: 'JW302', version: '3.2', berichtCode: '437', berichtVersie: '3', berichtSubversie: '2',
      afzender: '0363', ontvanger: '98765432', identificatieBericht: 'TW2024-00417', dagtekeningBericht: '2024-03-04',
      gemeentecode: '0363', agbCode: '98765432', identificatieRetour: 'R-7781', dagtekeningRetour: '2024-03-05',
      retourCodes: ['0200'],
    });
  });

  test('JW315: gemeentecode from Ontvanger', () => {
    const h = extractHeader(fixture('jw315.xml'));
    expect([h.berichttype, h.gemeentecode, h.agbCode]).toEqual(['JW315', '0518', '98765432']);
  });

  test('schema-invalid but well-formed: still read; unknown namespace falls back on BerichtCode', () => {
    const xml = fixture('wmo301.xml').toString('utf8').replaceAll('/iwmo/3_2/wmo301/', '/iwmo/9_9/wmo301/');
    const h = extractHeader(xml);
    expect([h.berichttype, h.version, h.gemeentecode, h.agbCode]).toEqual(['WMO301', null, '0363', '98765432']);
  });

  test('unreadable input throws PayloadReadError with the rule', () => {
    expect(() => extractHeader('<!DOCTYPE x><x/>')).toThrow(PayloadReadError);
    try { extractHeader('<a><b></a>'); } catch (e) { expect((e as PayloadReadError).rule).toBe('wellformed'); }
    expect.assertions(2);
  });
});

describe('extractBusinessKeys', () => {
  test('JW301: products with toewijzingnummer, referentie, product and dates', () => {
    const k = extractBusinessKeys(fixture('jw301.xml'));
    expect(k).toMatchObject({
      berichttype: 'JW301', bsn: ['999993653'], toewijzingNummers: ['20240417', '20240418'],
      referentiesAanbieder: ['VOT-2024-0088'], beschikkingNummers: [],
    });
    expect(k.items).toHaveLength(2);
    expect(k.items[0]).toEqual({
      element: 'ToegewezenProduct', path: '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[1]', bsn: '999993653',
      toewijzingNummer: '20240417', referentieAanbieder: 'VOT-2024-0088', productCategorie: '45', productCode: '45A53',
      dates: { Toewijzingsdatum: '2024-03-04', Ingangsdatum: '2024-03-11', Einddatum: '2024-12-31' },
      fields: {
        ToewijzingNummer: '20240417', ReferentieAanbieder: 'VOT-2024-0088', 'Product/Categorie': '45', 'Product/Code': '45A53',
        Toewijzingsdatum: '2024-03-04', Toewijzingstijd: '09:41:00', Ingangsdatum: '2024-03-11', Einddatum: '2024-12-31',
        'Omvang/Volume': '6', 'Omvang/Eenheid': '04', 'Omvang/Frequentie': '2',
      },
      retourCodes: [],
    });
    expect(k.items[1]!.path).toBe('/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]');
    expect(k.items[1]!.fields.Budget).toBe('245000');
  });

  test('JW305 and JW315 keys', () => {
    expect(extractBusinessKeys(fixture('jw305.xml')).items).toEqual([expect.objectContaining({
      element: 'StartProduct', bsn: '999993653', toewijzingNummer: '20240417',
      dates: { ToewijzingIngangsdatum: '2024-03-11', Begindatum: '2024-03-12' },
    })]);
    const k = extractBusinessKeys(fixture('jw315.xml'));
    expect(k.beschikkingNummers).toEqual(['771204']);
    expect(k.items[0]).toMatchObject({ element: 'AangevraagdProduct', referentieAanbieder: 'VOT-2024-0088', beschikkingNummer: '771204',
      dates: { BeschikkingIngangsdatum: '2024-02-20', ToewijzingIngangsdatum: '2024-03-11', ToewijzingEinddatum: '2024-12-31' } });
  });

  test('JW323: declaratienummer, periode, a Bsn per client and prestaties', () => {
    const { header, keys } = extractPayload(serialize(buildInstance('JW323', 'full'), 'JW323'));
    expect(header.gemeentecode).toBe('0363');
    expect(keys.declaratieNummer).toBe('0363');
    expect(keys.declaratiePeriode).toEqual({ begindatum: '2024-03-04', einddatum: '2024-03-04' });
    expect(keys.items.map((i) => [i.element, i.path, i.bsn])).toEqual([
      ['Prestatie', '/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[1]', '999993653'],
      ['Prestatie', '/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[2]', '999993653'],
      ['Prestatie', '/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[1]', '999993653'],
      ['Prestatie', '/Bericht/Declaratie/Clienten/Client/Prestaties/Prestatie[2]', '999993653'],
    ]);
    expect(keys.items[0]!.dates).toEqual({ 'ProductPeriode/Begindatum': '2024-03-04', 'ProductPeriode/Einddatum': '2024-03-04' });
  });

  test('JW317: products inherit the ReferentieAanbieder of the Verzoek', () => {
    const keys = extractBusinessKeys(serialize(buildInstance('JW317', 'full'), 'JW317'));
    expect(keys.items.map((i) => i.element)).toEqual(['OngewijzigdProduct', 'OngewijzigdProduct', 'TeWijzigenProduct', 'TeWijzigenProduct', 'NieuwProduct', 'NieuwProduct']);
    expect(new Set(keys.items.map((i) => i.referentieAanbieder))).toEqual(new Set([keys.referentiesAanbieder[0]]));
  });
});
