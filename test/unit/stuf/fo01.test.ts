import { buildDi01, buildDu01, createEnvelop } from '../../../src/stuf/build.js';
import { checkEnvelope, checkFunctieConsistency, checkOneMessage, checkUuids } from '../../../src/stuf/checks.js';
import { StufError, stufFoutcodes } from '../../../src/stuf/errors.js';
import type { StufFoutcode } from '../../../src/stuf/errors.js';
import { buildFo01, createFo01, fo01Details } from '../../../src/stuf/fo01.js';
import type { Fo01Options, RefusedStuurgegevens } from '../../../src/stuf/fo01.js';
import { DI01_ELEMENT, MAX_ENVELOPE_BYTES, UUID_V4_PATTERN } from '../../../src/stuf/model.js';
import type { Fo01Bericht } from '../../../src/stuf/model.js';
import { parseEnvelop, parseFo01, parseStufMessage } from '../../../src/stuf/parse.js';
import { peekStuurgegevens } from '../../../src/stuf/peek.js';
import { formatTijdstip } from '../../../src/stuf/tijdstip.js';
import { REF_DI01, di01Input, voorbeeld, xmllint } from './helpers.js';

const NOW = new Date('2024-07-01T12:00:00.123Z');
const refused = parseEnvelop(buildDi01(di01Input()));

function refusal(fn: () => unknown): StufError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StufError) return err;
    throw err;
  }
  throw new Error('expected a StufError');
}

/** Builds the Fo01, proves it valid with xmllint, and returns it parsed. */
function fo01For(error: StufError, ref: RefusedStuurgegevens = refused.stuurgegevens, options: Fo01Options = {}): Fo01Bericht {
  const xml = buildFo01(ref, error, { tijdstip: NOW, ...options });
  const lint = xmllint(xml);
  expect(lint.output).toContain('validates');
  return parseFo01(xml);
}

describe('Fo01 per error code: exact content', () => {
  // [code, toelichting, element, expected plek, expected StUF:omschrijving]
  const cases: [StufFoutcode, string | undefined, string | undefined, 'client' | 'server', string][] = [
    ['StUF055', 'minLength 9', 'jw301:Client/jw301:Bsn', 'client', 'Berichtbody is niet conform schema in sectormodel. jw301:Client/jw301:Bsn: minLength 9'],
    ['IB002', 'OIN 00000099000000000001 mag niet optreden voor gemeente 0363', undefined, 'client',
      'Organisatie is niet geautoriseerd. OIN 00000099000000000001 mag niet optreden voor gemeente 0363'],
    ['IB007', 'Envelop is 26214401 bytes, maximaal 26214400 bytes toegestaan', undefined, 'client',
      'Bericht is te groot. Envelop is 26214401 bytes, maximaal 26214400 bytes toegestaan'],
    ['IB009', '"1" is geen UUID versie 4', 'GGK:stuurgegevens/StUF:referentienummer', 'client',
      'Referentienummer of crossRefnummer is geen UUID versie 4. GGK:stuurgegevens/StUF:referentienummer: "1" is geen UUID versie 4'],
    ['IB101', 'Organisatie 12345678, berichttype JW301', undefined, 'server', 'Geen geldige CPA voor organisatie en berichttype. Organisatie 12345678, berichttype JW301'],
    ['IB102', 'Organisatie 12345678, berichttype JW301', undefined, 'server', 'Geen routering voor organisatie en berichttype. Organisatie 12345678, berichttype JW301'],
    ['IB103', undefined, undefined, 'server', 'Berichttype is tijdelijk geblokkeerd'],
    ['IB210', 'Organisatie 99999', undefined, 'client', 'Ontvangende organisatie onbekend. Organisatie 99999'],
    ['IB213', 'Organisatie 0000', undefined, 'client', 'Zendende organisatie onbekend. Organisatie 0000'],
    ['IB216', `Referentienummer ${REF_DI01} is al ontvangen van 0363`, undefined, 'client',
      `Combinatie zender en referentienummer is niet uniek. Referentienummer ${REF_DI01} is al ontvangen van 0363`],
    ['IB234', 'Functie JW301 voor organisatie 12345678', undefined, 'client', 'Combinatie functie en organisatie is niet toegestaan. Functie JW301 voor organisatie 12345678'],
    ['IB240', 'functie JW302 (retourbericht) hoort in Du01, niet in Di01', 'GGK:stuurgegevens/StUF:functie', 'client',
      'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: functie JW302 (retourbericht) hoort in Du01, niet in Di01'],
    ['IB798', 'Ingesteld: ggk0210', undefined, 'client', 'Ontvangen StUF versie wijkt af van geconfigureerde versie. Ingesteld: ggk0210'],
    ['RIN001', 'envelop niet conform XSD: required element is missing', 'GGK:stuurgegevens/StUF:functie', 'client',
      'Asynchrone algemene fout. GGK:stuurgegevens/StUF:functie: envelop niet conform XSD: required element is missing'],
  ];

  it('covers every code in the catalogue', () => {
    expect(cases.map((c) => c[0]).sort()).toEqual(Object.keys(stufFoutcodes).sort());
  });

  it.each(cases)('%s', (code, toelichting, element, plek, omschrijving) => {
    const error = new StufError(code, toelichting, element === undefined ? {} : { element });
    const fo01 = fo01For(error, refused.stuurgegevens, { details: fo01Details(refused) });
    expect(fo01.body).toEqual({ code, plek, omschrijving, details: 'JW301-00010004' });
    expect(fo01.stuurgegevens.crossRefnummer).toBe(REF_DI01);
    expect(fo01.stuurgegevens.zender).toEqual({ organisatie: '12345678', applicatie: 'GGk' });
    expect(fo01.stuurgegevens.ontvanger).toEqual({ organisatie: '0363', applicatie: 'Gemeente Jeugd', administratie: 'Amsterdam', gebruiker: '' });
    expect(fo01.stuurgegevens.referentienummer).toMatch(UUID_V4_PATTERN);
    expect(fo01.stuurgegevens.referentienummer).not.toBe(REF_DI01);
    expect(fo01.stuurgegevens.tijdstipBericht).toBe('20240701140000123');
  });
});

describe('Fo01 from real refusals', () => {
  it('IB009: a version-1 UUID as referentienummer', () => {
    const v1 = '9c0f7b90-5c69-11e5-a837-0800200c9a66';
    const envelop = parseEnvelop(voorbeeld('Di01-xml').replace('9c0f7b90-5c69-41e5-a837-0800200c9a66', v1));
    expect(xmllint(voorbeeld('Di01-xml').replace('9c0f7b90-5c69-41e5-a837-0800200c9a66', v1)).valid).toBe(false);
    const fo01 = fo01For(checkUuids(envelop)!, envelop.stuurgegevens);
    expect(fo01.body).toEqual({
      code: 'IB009', plek: 'client',
      omschrijving: `Referentienummer of crossRefnummer is geen UUID versie 4. GGK:stuurgegevens/StUF:referentienummer: "${v1}" is geen UUID versie 4`,
    });
    expect(fo01.stuurgegevens.crossRefnummer).toBe(v1);
    expect(fo01.stuurgegevens.ontvanger).toEqual({ organisatie: '0548', applicatie: 'Wmo Applicatie' });
  });

  it('IB240: a retourbericht functie in a Di01', () => {
    const envelop = parseEnvelop(buildDi01(di01Input({ functie: 'JW302' })));
    const [first] = checkEnvelope(envelop, { payloadBerichtCode: '437' });
    const fo01 = fo01For(first!, envelop.stuurgegevens, { details: fo01Details(envelop) });
    expect(fo01.body).toEqual({
      code: 'IB240', plek: 'client', details: 'JW302-00010004',
      omschrijving: 'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: functie JW302 (retourbericht) hoort in Du01, niet in Di01',
    });
    expect(fo01.stuurgegevens.crossRefnummer).toBe(REF_DI01);
  });

  it('StUF055: two messages in one xmlBestand, refused by the gemeente (zender/ontvanger swapped)', () => {
    const envelop = parseEnvelop(buildDu01(di01Input({
      zender: { organisatie: '12345678', applicatie: 'Aanbieder App' },
      ontvanger: { organisatie: '0363', applicatie: 'GGk' },
      referentienummer: 'b6e9f182-bc44-4f27-9863-9a5ccc1e1cf0', crossRefnummer: REF_DI01, functie: 'JW302',
      bericht: { soort: 'xmlBestand', inhoud: Buffer.from('<a/><b/>') },
    })));
    const fo01 = fo01For(checkOneMessage(envelop)!, envelop.stuurgegevens);
    expect(fo01.body).toEqual({
      code: 'StUF055', plek: 'client',
      omschrijving: 'Berichtbody is niet conform schema in sectormodel. GGK:parameters/GGK:bericht/GGK:xmlBestand: één bericht per envelop: xmlBestand bevat 2 berichten',
    });
    expect(fo01.stuurgegevens.zender).toEqual({ organisatie: '0363', applicatie: 'GGk' });
    expect(fo01.stuurgegevens.ontvanger).toEqual({ organisatie: '12345678', applicatie: 'Aanbieder App' });
    expect(fo01.stuurgegevens.crossRefnummer).toBe('b6e9f182-bc44-4f27-9863-9a5ccc1e1cf0');
  });

  it('IB007: refused before parsing; the Fo01 uses the stuurgegevens peeked from the head', () => {
    const envelop = createEnvelop(DI01_ELEMENT, di01Input({ bericht: { soort: 'xmlBestand', inhoud: Buffer.alloc(Math.ceil(MAX_ENVELOPE_BYTES * 0.75), 0x41) } }));
    const big = buildDi01(di01Input({ bericht: envelop.bericht }));
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_ENVELOPE_BYTES);
    const error = refusal(() => parseStufMessage(big));
    const ref = peekStuurgegevens(big)!;
    expect(ref).toEqual({ ...envelop.stuurgegevens });
    const fo01 = fo01For(error, ref, { zender: { organisatie: 'IB', applicatie: 'GGK' } });
    expect(fo01.body).toEqual({
      code: 'IB007', plek: 'client',
      omschrijving: `Bericht is te groot. Envelop is ${Buffer.byteLength(big)} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan`,
    });
    expect(fo01.stuurgegevens.zender).toEqual({ organisatie: 'IB', applicatie: 'GGK' });
    expect(fo01.stuurgegevens.crossRefnummer).toBe(REF_DI01);
  });

  it('RIN001 with the refused envelope in detailsXML', () => {
    const broken = voorbeeld('Di01-xml').replace(/<GGK:functieVersie>0002<\/GGK:functieVersie>/, '');
    const error = refusal(() => parseStufMessage(broken));
    const fo01 = fo01For(error, peekStuurgegevens(broken)!, { detailsXML: broken });
    expect(fo01.body.code).toBe('RIN001');
    expect(fo01.body.omschrijving).toBe('Asynchrone algemene fout. GGK:parameters/GGK:functieVersie: envelop niet conform XSD: required element is missing (found GGK:functieSubversie)');
    expect(fo01.body.detailsXML).toBe(broken.replace(/^<\?xml[^>]*>\s*/, ''));
    expect(fo01.stuurgegevens.crossRefnummer).toBe('9c0f7b90-5c69-41e5-a837-0800200c9a66');
  });
});

describe('StufError', () => {
  it('cuts omschrijving to the 200 characters of StUF:Foutomschrijving and keeps the full message', () => {
    const e = new StufError('StUF055', 'x'.repeat(300), { element: 'jw301:Client' });
    expect(e.omschrijving).toHaveLength(200);
    expect(e.omschrijving.endsWith('x…')).toBe(true);
    expect(e.message).toHaveLength('Berichtbody is niet conform schema in sectormodel. jw301:Client: '.length + 300);
    expect(parseFo01(buildFo01(refused.stuurgegevens, e)).body.omschrijving).toBe(e.omschrijving);
  });

  it('takes details from the error before the option, and a plek override', () => {
    const e = new StufError('IB102', undefined, { details: 'JW301-00010004', plek: 'client' });
    expect(createFo01(refused.stuurgegevens, e, { details: 'other', tijdstip: NOW }).body).toEqual({
      code: 'IB102', plek: 'client', omschrijving: 'Geen routering voor organisatie en berichttype', details: 'JW301-00010004',
    });
  });

  it('is an Error with name StufError', () => {
    const e = new StufError('IB210');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.plek, e.omschrijving, e.details, e.element]).toEqual(['StufError', 'IB210', 'client', 'Ontvangende organisatie onbekend', undefined, undefined]);
  });
});

it('formatTijdstip is what the Fo01 carries by default (now)', () => {
  const before = formatTijdstip();
  const fo01 = createFo01(refused.stuurgegevens, new StufError('IB210'));
  expect(fo01.stuurgegevens.tijdstipBericht >= before).toBe(true);
  expect(fo01.stuurgegevens.tijdstipBericht <= formatTijdstip()).toBe(true);
});

it('checkFunctieConsistency is the IB240 of the hub check (payload BerichtCode from the caller)', () => {
  expect(checkFunctieConsistency('JW301', 'Di01', 414)?.omschrijving).toBe(
    'Combinatie berichtcode en functie is niet toegestaan. GGK:stuurgegevens/StUF:functie: functie JW301 hoort bij BerichtCode 436, het bericht heeft BerichtCode 414');
});

describe('peekStuurgegevens', () => {
  it('reads the stuurgegevens of the official Du01 and Fo01', () => {
    expect(peekStuurgegevens(Buffer.from(voorbeeld('Du01')))).toEqual(parseEnvelop(voorbeeld('Du01')).stuurgegevens);
    expect(peekStuurgegevens(voorbeeld('Fo01'))).toEqual(parseFo01(voorbeeld('Fo01')).stuurgegevens);
  });

  it('gives up on a DOCTYPE, on broken stuurgegevens and when the head holds no referentienummer', () => {
    expect(peekStuurgegevens(`<!DOCTYPE x>${voorbeeld('Du01')}`)).toBeUndefined();
    expect(peekStuurgegevens(voorbeeld('Du01').replace('</StUF:zender>', ''))).toBeUndefined();
    expect(peekStuurgegevens(voorbeeld('Du01'), 400)).toBeUndefined();
    expect(peekStuurgegevens(voorbeeld('Du01').replace('Applicatie leverancier', 'Ap'))).toBeUndefined();
  });
});
