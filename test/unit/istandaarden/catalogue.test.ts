import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { generateSchemaSets, renderModule } from '../../../scripts/gen-istandaarden.js';
import {
  basisschemaNamespace, berichtByCode, berichtByType, catalogue, lookupNamespace, messageNamespace,
} from '../../../src/istandaarden/catalogue.js';
import { SCHEMA_SETS, messageSchema } from '../../../src/istandaarden/schemas.js';
import { validatePayload } from '../../../src/istandaarden/validate.js';
import { packageRoot } from '../../../src/paths.js';
import { buildInstance, serialize } from './corpus.js';

const schemas = resolve(packageRoot, '..', 'shared', 'schemas');

describe('catalogue', () => {
  test('BerichtCode, direction, retour pair and gemeentecode field per type (iwmo-ijw-stuf.md (a))', () => {
    const rows = catalogue.map((d) => [d.berichttype, d.berichtCode, d.direction, d.retour ?? d.heen, d.gemeentecodeField].join(' '));
    expect(rows).toEqual([
      'JW301 436 gemeente->aanbieder JW302 Afzender', 'JW302 437 aanbieder->gemeente JW301 Afzender',
      'JW305 438 aanbieder->gemeente JW306 Ontvanger', 'JW306 439 gemeente->aanbieder JW305 Ontvanger',
      'JW307 440 aanbieder->gemeente JW308 Ontvanger', 'JW308 441 gemeente->aanbieder JW307 Ontvanger',
      'JW315 446 aanbieder->gemeente JW316 Ontvanger', 'JW316 447 gemeente->aanbieder JW315 Ontvanger',
      'JW317 486 aanbieder->gemeente JW318 Ontvanger', 'JW318 487 gemeente->aanbieder JW317 Ontvanger',
      'JW319 488 gemeente->aanbieder JW320 Afzender', 'JW320 489 aanbieder->gemeente JW319 Afzender',
      'JW323 490 aanbieder->gemeente JW325 Ontvanger', 'JW325 491 gemeente->aanbieder JW323 Afzender',
      'WMO301 414 gemeente->aanbieder WMO302 Afzender', 'WMO302 415 aanbieder->gemeente WMO301 Afzender',
      'WMO305 418 aanbieder->gemeente WMO306 Ontvanger', 'WMO306 419 gemeente->aanbieder WMO305 Ontvanger',
      'WMO307 420 aanbieder->gemeente WMO308 Ontvanger', 'WMO308 421 gemeente->aanbieder WMO307 Ontvanger',
      'WMO315 444 aanbieder->gemeente WMO316 Ontvanger', 'WMO316 445 gemeente->aanbieder WMO315 Ontvanger',
      'WMO317 480 aanbieder->gemeente WMO318 Ontvanger', 'WMO318 481 gemeente->aanbieder WMO317 Ontvanger',
      'WMO319 482 gemeente->aanbieder WMO320 Afzender', 'WMO320 483 aanbieder->gemeente WMO319 Afzender',
      'WMO323 484 aanbieder->gemeente WMO325 Ontvanger', 'WMO325 485 gemeente->aanbieder WMO323 Afzender',
    ]);
  });

  test('the gemeentecode field is the header field typed LDT_Gemeente in our schema data', () => {
    for (const d of catalogue) {
      const header = SCHEMA_SETS[d.berichtstroom].complexTypes[`${d.berichttype}.Header`]!.sequence;
      expect([d.berichttype, header.find((e) => e.name === d.gemeentecodeField)?.type]).toEqual([d.berichttype, 'LDT_Gemeente']);
      expect([d.berichttype, header.find((e) => e.name === d.agbCodeField)?.type]).toEqual([d.berichttype, 'LDT_AgbCode']);
    }
  });

  test('BerichtCode in the catalogue equals the fixed pattern in the schema data', () => {
    for (const d of catalogue) {
      expect([d.berichttype, SCHEMA_SETS[d.berichtstroom].simpleTypes[`${d.berichttype}.Header.BerichtCode`]?.patterns])
        .toEqual([d.berichttype, [[d.berichtCode]]]);
    }
  });

  test('lookups and namespaces', () => {
    expect(berichtByCode('414')?.berichttype).toBe('WMO301');
    expect(berichtByType('jw315')?.bodyRoot).toBe('Client');
    expect(messageNamespace('JW301', '3.2')).toBe('http://www.istandaarden.nl/ijw/3_2/jw301/schema');
    expect(messageNamespace('WMO325', '3.0')).toBe('http://www.istandaarden.nl/iwmo/3_0/wmo325/schema');
    expect(basisschemaNamespace('iwmo', '3.1')).toBe('http://www.istandaarden.nl/iwmo/3_1/basisschema/schema');
    expect(lookupNamespace('http://www.istandaarden.nl/ijw/3_1/jw323/schema')).toEqual({ bericht: berichtByType('JW323'), version: '3.1' });
    expect(lookupNamespace('http://www.istandaarden.nl/ijw/3_2/wmo301/schema')).toBeUndefined();
    expect(lookupNamespace('http://www.istandaarden.nl/iwmo/2_3/wmo301/schema')).toBeUndefined();
  });

  test('deadlines (iwmo-ijw-stuf.md (c))', () => {
    expect(berichtByType('JW301')!.deadlines).toEqual([{ expect: ['JW302'], werkdagen: 3, from: 'receipt of the heenbericht', rule: 'OP090' }]);
    expect(berichtByType('WMO323')!.deadlines).toEqual([{ expect: ['WMO325'], werkdagen: 10, from: 'receipt of the declaratie', rule: 'OP090x4' }]);
    expect(berichtByType('JW315')!.deadlines.map((d) => `${d.rule}:${d.expect.join('|')}:${d.werkdagen}`)).toEqual(['OP090:JW316:3', 'OP274:JW301|JW319:5']);
    expect(berichtByType('JW319')!.deadlines[1]).toMatchObject({ weken: 8, when: 'VerzoekAntwoord = 2 (in onderzoek)' });
    expect(berichtByType('JW305')!.deadlines[1]).toMatchObject({ expect: [], werkdagen: 5, rule: 'OP271' });
    expect(berichtByType('JW302')!.deadlines).toEqual([]);
  });
});

describe('generated schema data', () => {
  test('src/istandaarden/generated/*.ts equal what scripts/gen-istandaarden.ts makes from the official XSDs', () => {
    const sets = generateSchemaSets(schemas);
    const dir = join(packageRoot, 'src', 'istandaarden', 'generated');
    expect(readFileSync(join(dir, 'ijw-3-2.ts'), 'utf8')).toBe(renderModule(sets.ijw, 'ijw32'));
    expect(readFileSync(join(dir, 'iwmo-3-2.ts'), 'utf8')).toBe(renderModule(sets.iwmo, 'iwmo32'));
  });

  test('derived iWmo retourberichten: JW retour structure minus what the iWmo heenbericht lacks', () => {
    const wmo = SCHEMA_SETS.iwmo;
    expect(Object.entries(wmo.messages).filter(([, m]) => m.derivedFrom).map(([k]) => k))
      .toEqual(['WMO302', 'WMO306', 'WMO308', 'WMO316', 'WMO318', 'WMO320', 'WMO325']);
    const names = (set: 'ijw' | 'iwmo', key: string) => SCHEMA_SETS[set].complexTypes[key]!.sequence.map((e) => e.name);
    expect(names('ijw', 'JW316.Client')).toContain('GezagsdragerBekend');
    expect(names('iwmo', 'WMO316.Client')).toEqual(names('ijw', 'JW316.Client').filter((n) => n !== 'GezagsdragerBekend'));
    expect(names('iwmo', 'WMO320.Antwoord')).toEqual(names('ijw', 'JW320.Antwoord').filter((n) => n !== 'Woonplaatsbeginsel'));
    expect(messageSchema('WMO302', '3.2').derivedFrom).toMatch(/^JW302\.xsd/);
    for (const bt of ['WMO302', 'WMO306', 'WMO308', 'WMO316', 'WMO318', 'WMO320', 'WMO325']) {
      for (const fill of ['minimal', 'full'] as const) {
        expect([bt, fill, validatePayload(serialize(buildInstance(bt, fill), bt)).problems]).toEqual([bt, fill, []]);
      }
    }
  });
});
