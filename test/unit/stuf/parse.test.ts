import { DI01_ELEMENT, DU01_ELEMENT, FO01_ELEMENT, MAX_ENVELOPE_BYTES } from '../../../src/stuf/model.js';
import type { GgkEnvelop } from '../../../src/stuf/model.js';
import { StufError } from '../../../src/stuf/errors.js';
import { decodeXmlBestand, parseEnvelop, parseFo01, parseStufMessage } from '../../../src/stuf/parse.js';
import { voorbeeld, xmllint } from './helpers.js';

function refusal(fn: () => unknown): StufError {
  try {
    fn();
  } catch (err) {
    if (err instanceof StufError) return err;
    throw err;
  }
  throw new Error('expected a StufError');
}


describe('official voorbeeldberichten parse', () => {
  it('Di01 with xmlBestand', () => {
    const m = parseEnvelop(voorbeeld('Di01-xml'));
    expect(m.element).toBe(DI01_ELEMENT);
    expect(m.stuurgegevens).toEqual({
      berichtcode: 'Di01',
      zender: { organisatie: '0548', applicatie: 'Wmo Applicatie' },
      ontvanger: { organisatie: '01023456', applicatie: 'GGk' },
      referentienummer: '9c0f7b90-5c69-41e5-a837-0800200c9a66',
      tijdstipBericht: '20160421132514',
      functie: 'WMO301',
    });
    expect(m.parameters).toEqual({ applicatieVersie: '0004', applicatieSubversie: '0003', functieVersie: '0002', functieSubversie: '0002' });
    expect(m.bericht.soort).toBe('xmlBestand');
    expect(decodeXmlBestand(m.bericht)).toEqual({
      bytes: Buffer.from('Hier staat een iWmo/iJw-heenbericht.'), text: 'Hier staat een iWmo/iJw-heenbericht.', bom: false,
    });
  });

  it('Di01 with tekstBestand and bestandsnaam', () => {
    const m = parseEnvelop(voorbeeld('Di01-tekst'));
    expect(m.stuurgegevens.functie).toBe('Dummy');
    expect(m.stuurgegevens.ontvanger).toEqual({ organisatie: 'CBS', applicatie: 'GGk' });
    expect(m.bericht).toEqual({ soort: 'tekstBestand', bestandsnaam: 'AanleveringQ1.csv', inhoud: Buffer.from('Hier staat een dummy-tekstbericht.') });
  });

  it('Du01 with crossRefnummer between tijdstipBericht and functie', () => {
    const m = parseEnvelop(voorbeeld('Du01'));
    expect(m.element).toBe(DU01_ELEMENT);
    expect(m.stuurgegevens.berichtcode).toBe('Du01');
    expect(m.stuurgegevens.crossRefnummer).toBe('9c0f7b90-5c69-41e5-a837-0800200c9a66');
    expect(m.stuurgegevens.functie).toBe('WMO302');
    expect(m.bericht.inhoud.toString('utf8')).toBe('Hier staat een iWmo/iJw-retourbericht.');
  });

  it('Fo01 with detailsXML kept raw', () => {
    const m = parseFo01(voorbeeld('Fo01'));
    expect(m).toEqual({
      element: FO01_ELEMENT,
      stuurgegevens: {
        berichtcode: 'Fo01',
        zender: { organisatie: 'IB', applicatie: 'GGK' },
        ontvanger: { organisatie: '54540051', applicatie: 'JW Applicatie', administratie: 'test', gebruiker: 'gebruiker1' },
        referentienummer: '78002f23-5bc5-4e3e-96ad-1d209d32a5d5',
        tijdstipBericht: '20160421144534',
        crossRefnummer: '9c0f7b90-5c69-11e5-a837-0800200c9a66',
      },
      body: {
        code: 'IB210', plek: 'client', omschrijving: 'Ontvangende organisatie onbekend. Organisatie 99999',
        details: 'JW315-00010004', detailsXML: '<root></root>',
      },
    });
  });

  it('parseStufMessage tells the three apart; parseEnvelop/parseFo01 refuse the other kind with RIN001', () => {
    expect(parseStufMessage(voorbeeld('Fo01')).element).toBe(FO01_ELEMENT);
    expect(parseStufMessage(voorbeeld('Du01')).element).toBe(DU01_ELEMENT);
    const e1 = refusal(() => parseEnvelop(voorbeeld('Fo01')));
    expect([e1.code, e1.element]).toEqual(['RIN001', 'StUF:Fo01Bericht']);
    const e2 = refusal(() => parseFo01(voorbeeld('Du01')));
    expect([e2.code, e2.element]).toEqual(['RIN001', 'GGK:envelopRetourbericht-ggk_Du01']);
  });
});

describe('namespace-aware, prefix-agnostic', () => {
  const expected = parseEnvelop(voorbeeld('Du01'));

  it('reads other prefixes', () => {
    const xml = voorbeeld('Du01').replaceAll('StUF:', 's:').replaceAll('xmlns:StUF', 'xmlns:s').replaceAll('GGK:', 'k:').replaceAll('xmlns:GGK', 'xmlns:k');
    expect(xml).toContain('<k:envelopRetourbericht-ggk_Du01');
    expect(parseEnvelop(xml)).toEqual(expected);
  });

  it('reads the GGK namespace as default namespace', () => {
    const xml = voorbeeld('Du01').replaceAll('GGK:', '').replaceAll('xmlns:GGK', 'xmlns');
    expect(parseEnvelop(xml)).toEqual(expected);
    expect(xmllint(xml).valid).toBe(true);
  });

  it('refuses the right local names in the wrong namespace', () => {
    const xml = voorbeeld('Du01').replace('xmlns:StUF="http://www.egem.nl/StUF/StUF0301"', 'xmlns:StUF="http://www.egem.nl/StUF/StUF0204"');
    const e = refusal(() => parseEnvelop(xml));
    expect(e.code).toBe('RIN001');
    expect(e.element).toBe('GGK:stuurgegevens/{http://www.egem.nl/StUF/StUF0204}berichtcode');
    expect(xmllint(xml).valid).toBe(false);
  });
});

describe('size cap IB007 before parsing', () => {
  // The padding starts with a DOCTYPE: had the parser seen it, the refusal would be RIN001 (DOCTYPE).
  const oversized = (bytes: number): string => `<!DOCTYPE x>${' '.repeat(bytes - 12)}`;

  it('25 MB + 1 byte is IB007, not a parse error', () => {
    const e = refusal(() => parseStufMessage(oversized(MAX_ENVELOPE_BYTES + 1)));
    expect(e.code).toBe('IB007');
    expect(e.plek).toBe('client');
    expect(e.omschrijving).toBe(`Bericht is te groot. Envelop is ${MAX_ENVELOPE_BYTES + 1} bytes, maximaal ${MAX_ENVELOPE_BYTES} bytes toegestaan`);
  });

  it('counts bytes, not characters, for strings and Buffers', () => {
    const multibyte = 'é'.repeat(MAX_ENVELOPE_BYTES / 2 + 1); // 2 bytes each
    expect(refusal(() => parseStufMessage(multibyte)).code).toBe('IB007');
    expect(refusal(() => parseStufMessage(Buffer.alloc(MAX_ENVELOPE_BYTES + 1, 0x20))).code).toBe('IB007');
  });

  it('exactly 25 MB reaches the parser (and its DOCTYPE is refused there)', () => {
    const e = refusal(() => parseStufMessage(oversized(MAX_ENVELOPE_BYTES)));
    expect(e.code).toBe('RIN001');
    expect(e.omschrijving).toBe('Asynchrone algemene fout. /: envelop niet conform XSD: DOCTYPE is not allowed (no DTD processing)');
  });

  it('honours a smaller configured cap', () => {
    expect(refusal(() => parseStufMessage(voorbeeld('Du01'), { maxBytes: 100 })).code).toBe('IB007');
  });
});

describe('refused input (RIN001, envelop niet conform XSD) agrees with xmllint', () => {
  const di01 = voorbeeld('Di01-xml');
  const cases: [string, string, string, string][] = [
    ['DOCTYPE with an external entity', di01.replace('<GGK:envelop', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<GGK:envelop'),
      '/', 'DOCTYPE is not allowed (no DTD processing)'],
    ['not well-formed (unclosed element)', di01.replace('</StUF:functie>', ''), '/', 'not well-formed XML: 16:21: unexpected close tag.'],
    ['two envelopes in one document', `${di01}\n${di01.replace(/^<\?xml[^>]*>/, '')}`, '/', 'not well-formed XML: 29:33: documents may contain only one root.'],
    ['element order (tijdstipBericht before referentienummer)',
      di01.replace(/(<StUF:referentienummer>.*<\/StUF:referentienummer>)(\s*)(<StUF:tijdstipBericht>.*<\/StUF:tijdstipBericht>)/, '$3$2$1'),
      `GGK:stuurgegevens/StUF:referentienummer`, 'required element is missing (found StUF:tijdstipBericht)'],
    ['functie missing', di01.replace(/<StUF:functie>.*<\/StUF:functie>/, ''), `GGK:stuurgegevens/StUF:functie`, 'required element is missing'],
    ['crossRefnummer in a Di01', di01.replace('<StUF:functie>', '<StUF:crossRefnummer>9c0f7b90-5c69-41e5-a837-0800200c9a66</StUF:crossRefnummer><StUF:functie>'),
      `GGK:stuurgegevens/StUF:crossRefnummer`, 'element is not allowed here'],
    ['zender without organisatie', di01.replace('<StUF:organisatie>0548</StUF:organisatie>', ''),
      `GGK:stuurgegevens/StUF:zender/StUF:organisatie`, 'required element is missing (found StUF:applicatie)'],
    ['applicatie shorter than 3', di01.replace('Wmo Applicatie', 'Wm'),
      `GGK:stuurgegevens/StUF:zender/StUF:applicatie`, 'length 2 is below minLength 3'],
    ['tijdstipBericht with separators', di01.replace('20160421132514', '2016-04-21T13:25'),
      `GGK:stuurgegevens/StUF:tijdstipBericht`, 'value "2016-04-21T13:25" does not match pattern [0-9]{8,17}'],
    ['referentienummer longer than 40', di01.replace('9c0f7b90-5c69-41e5-a837-0800200c9a66', 'x'.repeat(41)),
      `GGK:stuurgegevens/StUF:referentienummer`, 'length 41 exceeds maxLength 40'],
    ['applicatieVersie not 4 digits', di01.replace('<GGK:applicatieVersie>0004', '<GGK:applicatieVersie>4'),
      `GGK:parameters/GGK:applicatieVersie`, 'value "4" does not match pattern [0-9]{4}'],
    ['two payloads in one envelope', di01.replace('</GGK:xmlBestand>', '</GGK:xmlBestand><GGK:xmlBestand>AAAA</GGK:xmlBestand>'),
      `GGK:parameters/GGK:bericht`, 'exactly one GGK:xmlBestand or GGK:tekstBestand is required (one message per envelope)'],
    ['payload not base64', di01.replace('SGllciBzdGFhdCBlZW4gaVdtby9pSnctaGVlbmJlcmljaHQu', 'not*base64!'),
      `GGK:parameters/GGK:bericht/GGK:xmlBestand`, 'content is not valid base64 (xs:base64Binary)'],
    ['tekstBestand without bestandsnaam', voorbeeld('Di01-tekst').replace(' bestandsnaam="AanleveringQ1.csv"', ''),
      `GGK:parameters/GGK:bericht/GGK:tekstBestand/@bestandsnaam`, 'attribute bestandsnaam is required'],
    ['bestandsnaam with a path', voorbeeld('Di01-tekst').replace('AanleveringQ1.csv', '../etc/x.csv'),
      `GGK:parameters/GGK:bericht/GGK:tekstBestand/@bestandsnaam`, 'value "../etc/x.csv" does not match pattern [A-Za-z0-9\\-._]{4,255}'],
    ['text between elements', di01.replace('<GGK:parameters>', '<GGK:parameters>stray'), `GGK:parameters`, 'text is not allowed here'],
    ['unknown root', di01.replaceAll('envelopHeenbericht-ggk_Di01', 'envelopHeenbericht-ggk_Di02'),
      '{http://www.stufstandaarden.nl/koppelvlak/ggk0210}envelopHeenbericht-ggk_Di02', 'root element is not a ggk0210 Di01/Du01 envelope or StUF Fo01Bericht'],
    ['Fo01 with berichtcode Fo02', voorbeeld('Fo01').replace('>Fo01<', '>Fo02<'),
      'StUF:stuurgegevens/StUF:berichtcode', 'value "Fo02" must be the fixed value Fo01'],
    ['Fo01 with plek other than client|server', voorbeeld('Fo01').replace('>client<', '>Client<'),
      'StUF:body/StUF:plek', 'value "Client" is not one of client, server'],
    ['encoding other than UTF-8', di01.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"'), '/', 'not well-formed XML: encoding "ISO-8859-1" is not allowed; only UTF-8'],
  ];

  it.each(cases)('%s', (_name, xml, element, rule) => {
    const e = refusal(() => parseStufMessage(xml));
    expect(e.code).toBe('RIN001');
    expect(e.plek).toBe('client');
    expect(e.element).toBe(element);
    const full = `Asynchrone algemene fout. ${element}: envelop niet conform XSD: ${rule}`;
    expect(e.message).toBe(full);
    expect(e.omschrijving).toBe(full.length <= 200 ? full : `${full.slice(0, 199)}…`);
    if (!rule.includes('DOCTYPE') && !rule.includes('encoding')) expect(xmllint(xml).valid).toBe(false);
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from(voorbeeld('Di01-xml').replace('Wmo Applicatie', 'Wmo Applicati')), Buffer.from([0xff])]);
    const e = refusal(() => parseStufMessage(bytes));
    expect([e.code, e.element, e.toelichting]).toEqual(['RIN001', '/', 'envelop niet conform XSD: envelope is not valid UTF-8']);
  });
});

describe('payload decoding', () => {
  const withPayload = (bytes: Buffer): GgkEnvelop => parseEnvelop(voorbeeld('Di01-xml').replace('SGllciBzdGFhdCBlZW4gaVdtby9pSnctaGVlbmJlcmljaHQu', bytes.toString('base64')));

  it('strips and flags a BOM', () => {
    const m = withPayload(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<a>é</a>')]));
    expect(m.bericht.inhoud.length).toBe(3 + 9);
    expect(decodeXmlBestand(m.bericht)).toEqual({ bytes: Buffer.from('<a>é</a>'), text: '<a>é</a>', bom: true });
  });

  it('refuses a payload that is not UTF-8 with StUF055', () => {
    const e = refusal(() => decodeXmlBestand(withPayload(Buffer.from([0x3c, 0x61, 0x3e, 0xe9, 0x3c, 0x2f, 0x61, 0x3e])).bericht));
    expect([e.code, e.plek, e.omschrijving]).toEqual([
      'StUF055', 'client', 'Berichtbody is niet conform schema in sectormodel. GGK:parameters/GGK:bericht/GGK:xmlBestand: xmlBestand is geen geldige UTF-8',
    ]);
  });

  it('accepts base64 with line breaks (xs:base64Binary)', () => {
    const b64 = Buffer.from('<a>'.repeat(40)).toString('base64').replace(/(.{76})/g, '$1\r\n');
    const xml = voorbeeld('Di01-xml').replace('SGllciBzdGFhdCBlZW4gaVdtby9pSnctaGVlbmJlcmljaHQu', b64);
    expect(parseEnvelop(xml).bericht.inhoud.toString()).toBe('<a>'.repeat(40));
    expect(xmllint(xml).valid).toBe(true);
  });
});
