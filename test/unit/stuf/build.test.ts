import { ValidationError } from '../../../src/errors.js';
import { buildDi01, buildDu01, buildEnvelop, buildFo01Bericht, createEnvelop, tekstBestand, xmlBestand } from '../../../src/stuf/build.js';
import { DI01_ELEMENT, DU01_ELEMENT, UUID_V4_PATTERN } from '../../../src/stuf/model.js';
import type { Fo01Bericht } from '../../../src/stuf/model.js';
import { decodeXmlBestand, parseEnvelop, parseFo01, parseStufMessage } from '../../../src/stuf/parse.js';
import { formatTijdstip, parseTijdstip } from '../../../src/stuf/tijdstip.js';
import { JW301_PAYLOAD, REF_DI01, REF_DU01, di01Input, voorbeeld, xmllint } from './helpers.js';

function validationProblems(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.problems.map(({ path, message }) => ({ path, message }));
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('Di01 / Du01 builders', () => {
  it('builds a Di01 with xmlBestand that xmllint validates and that parses back to the model', () => {
    const model = createEnvelop(DI01_ELEMENT, di01Input());
    const xml = buildEnvelop(model);
    expect(xmllint(xml)).toEqual({ valid: true, output: expect.stringContaining('validates') });
    expect(parseEnvelop(xml)).toEqual(model);
    expect(xml).toBe(buildDi01(di01Input()));
    expect(decodeXmlBestand(parseEnvelop(xml).bericht).text).toBe(JW301_PAYLOAD);
  });

  it('writes the XSD element order, crossRefnummer between tijdstipBericht and functie', () => {
    const xml = buildDu01(di01Input({ referentienummer: REF_DU01, crossRefnummer: REF_DI01, functie: 'JW302' }));
    const order = [...xml.matchAll(/<(StUF|GGK):([A-Za-z-_0-9]+)[ >]/g)].map((m) => m[2]);
    expect(order).toEqual([
      'envelopRetourbericht-ggk_Du01', 'stuurgegevens', 'berichtcode', 'zender', 'organisatie', 'applicatie', 'administratie',
      'gebruiker', 'ontvanger', 'organisatie', 'applicatie', 'referentienummer', 'tijdstipBericht', 'crossRefnummer', 'functie',
      'parameters', 'applicatieVersie', 'applicatieSubversie', 'functieVersie', 'functieSubversie', 'bericht', 'xmlBestand',
    ]);
    expect(xmllint(xml).valid).toBe(true);
    const parsed = parseEnvelop(xml);
    expect(parsed.element).toBe(DU01_ELEMENT);
    expect(parsed.stuurgegevens.crossRefnummer).toBe(REF_DI01);
  });

  it('builds a tekstBestand with bestandsnaam', () => {
    const input = di01Input({ functie: 'Dummy', bericht: tekstBestand('Aanlevering_Q1-2024.csv', 'a;b\r\n1;2\r\n') });
    const xml = buildDi01(input);
    expect(xmllint(xml).valid).toBe(true);
    expect(parseEnvelop(xml)).toEqual(createEnvelop(DI01_ELEMENT, input));
  });

  it('round-trips markup, CR, tabs and non-BMP characters in text values', () => {
    const zender = { organisatie: '0363 & <Co> "x"', applicatie: 'App\r\n\t😀 ü', administratie: '<![CDATA[ ]]>', gebruiker: ']]>' };
    const model = createEnvelop(DI01_ELEMENT, di01Input({ zender }));
    const xml = buildEnvelop(model);
    expect(xmllint(xml).valid).toBe(true);
    expect(parseEnvelop(xml).stuurgegevens.zender).toEqual(zender);
  });

  it('defaults: a fresh UUID v4 and now as yyyyMMddHHmmssfff', () => {
    const before = Date.now();
    const m = createEnvelop(DI01_ELEMENT, { ...di01Input(), referentienummer: undefined, tijdstipBericht: undefined });
    expect(m.stuurgegevens.referentienummer).toMatch(UUID_V4_PATTERN);
    expect(m.stuurgegevens.tijdstipBericht).toMatch(/^[0-9]{17}$/);
    const t = parseTijdstip(m.stuurgegevens.tijdstipBericht)!.getTime();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });

  it('xmlBestand() encodes UTF-8 without BOM', () => {
    const b = xmlBestand(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a/>')]));
    expect(b).toEqual({ soort: 'xmlBestand', inhoud: Buffer.from('<a/>') });
    expect(xmlBestand('\uFEFF<a/>')).toEqual({ soort: 'xmlBestand', inhoud: Buffer.from('<a/>') });
  });

  it('refuses input that would not validate, listing every problem', () => {
    const problems = validationProblems(() => buildDi01(di01Input({
      zender: { applicatie: 'ab' },
      referentienummer: '9C0F7B90-5C69-41E5-A837-0800200C9A66',
      crossRefnummer: REF_DU01,
      tijdstipBericht: '2024-07-01',
      functie: 'X'.repeat(31),
      parameters: { applicatieVersie: '1', applicatieSubversie: '0001', functieVersie: '0003', functieSubversie: '0002' },
      bericht: tekstBestand('a b.csv', 'x'),
    })));
    expect(problems).toEqual([
      { path: 'stuurgegevens.zender.organisatie', message: 'is required in a ggk0210 envelope' },
      { path: 'stuurgegevens.zender.applicatie', message: 'length 2 is outside 3..50' },
      { path: 'stuurgegevens.referentienummer', message: '"9C0F7B90-5C69-41E5-A837-0800200C9A66" is not a lower-case UUID v4' },
      { path: 'stuurgegevens.tijdstipBericht', message: '"2024-07-01" is not StUF:Tijdstip [0-9]{8,17}' },
      { path: 'stuurgegevens.crossRefnummer', message: 'is not part of a Di01' },
      { path: 'stuurgegevens.functie', message: 'length 31 is outside 0..30' },
      { path: 'parameters.applicatieVersie', message: '"1" is not StUF:Versienr [0-9]{4}' },
      { path: 'bericht.bestandsnaam', message: '"a b.csv" is not [A-Za-z0-9\\-._]{4,255}' },
    ]);
  });

  it('refuses a Du01 without crossRefnummer and characters XML cannot carry', () => {
    expect(validationProblems(() => buildDu01(di01Input({ zender: { organisatie: '0363\u0001', applicatie: 'App' } })))).toEqual([
      { path: 'stuurgegevens.zender.organisatie', message: 'contains a character XML 1.0 does not allow' },
      { path: 'stuurgegevens.crossRefnummer', message: '"" is not a lower-case UUID v4 (required in Du01)' },
    ]);
  });
});

describe('official examples survive parse → build → parse', () => {
  it.each(['Di01-xml', 'Di01-tekst', 'Du01', 'Fo01'] as const)('%s', (name) => {
    const parsed = parseStufMessage(voorbeeld(name));
    const xml = parsed.element === 'Fo01Bericht' ? buildFo01Bericht(parsed) : buildEnvelop(parsed);
    expect(xmllint(xml).valid).toBe(true);
    expect(parseStufMessage(xml)).toEqual(parsed);
  });
});

describe('Fo01Bericht builder', () => {
  const fo01: Fo01Bericht = parseFo01(voorbeeld('Fo01'));

  it('refuses facets the XSD would refuse', () => {
    const bad: Fo01Bericht = {
      ...fo01,
      stuurgegevens: { ...fo01.stuurgegevens, crossRefnummer: 'x'.repeat(41) },
      body: { code: 'IB2100', plek: 'elsewhere' as 'client', omschrijving: 'o'.repeat(201), details: 'd'.repeat(1001), detailsXML: '<a>' },
    };
    expect(validationProblems(() => buildFo01Bericht(bad))).toEqual([
      { path: 'stuurgegevens.crossRefnummer', message: 'length 41 is outside 0..40' },
      { path: 'body.plek', message: 'must be client or server' },
      { path: 'body.omschrijving', message: 'length 201 is outside 0..200' },
      { path: 'body.details', message: 'length 1001 is outside 0..1000' },
      { path: 'body.detailsXML', message: expect.stringContaining('not well-formed XML') },
    ]);
  });
});

describe('StUF:Tijdstip', () => {
  it('formats in Europe/Amsterdam, summer and winter', () => {
    expect(formatTijdstip(new Date('2024-07-01T12:00:00.123Z'))).toBe('20240701140000123');
    expect(formatTijdstip(new Date('2024-01-15T23:30:05.007Z'))).toBe('20240116003005007');
  });

  it('reads back shorter and full forms, refuses impossible dates', () => {
    expect(parseTijdstip('20240701140000123')?.toISOString()).toBe('2024-07-01T12:00:00.123Z');
    expect(parseTijdstip('20160421132514')?.toISOString()).toBe('2016-04-21T11:25:14.000Z');
    expect(parseTijdstip('20240116')?.toISOString()).toBe('2024-01-15T23:00:00.000Z');
    expect(parseTijdstip('20240231120000')).toBeUndefined();
    expect(parseTijdstip('2024-01-16')).toBeUndefined();
  });
});
