import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MAX_PROBLEMS, describeProblem, validatePayload } from '../../../src/istandaarden/validate.js';
import { MAX_PAYLOAD_BYTES } from '../../../src/istandaarden/xml-input.js';
import { xsdPatternToRegExp } from '../../../src/istandaarden/xsd-regex.js';
import { packageRoot } from '../../../src/paths.js';

const fixtures = join(packageRoot, 'test', 'fixtures', 'istandaarden');
const schemas = resolve(packageRoot, '..', 'shared', 'schemas');
const jw301 = readFileSync(join(fixtures, 'jw301.xml'), 'utf8');

describe('sample messages', () => {
  test.each([
    ['jw301.xml', 'JW301', 'ijw-3.2/JW301.xsd'],
    ['jw302.xml', 'JW302', 'ijw-3.2/JW302.xsd'],
    ['jw305.xml', 'JW305', 'ijw-3.2/JW305.xsd'],
    ['jw315.xml', 'JW315', 'ijw-3.2/JW315.xsd'],
    ['wmo301.xml', 'WMO301', 'iwmo-3.2/WMO301.xsd'],
  ])('%s is a valid %s for us and for xmllint', (file, bt, xsd) => {
    const path = join(fixtures, file);
    expect(validatePayload(readFileSync(path))).toEqual({ berichttype: bt, version: '3.2', valid: true, problems: [] });
    const r = spawnSync('xmllint', ['--noout', '--schema', join(schemas, xsd), path], { encoding: 'utf8' });
    expect(r.stderr.trim()).toBe(`${path} validates`);
  });
});

describe('problems name the element and the rule', () => {
  const run = (from: string, to: string) => validatePayload(jw301.replace(from, to)).problems;

  test('missing required element', () => {
    expect(run('<jw301:Geslacht>2</jw301:Geslacht>', '')).toEqual([
      { element: '/Bericht/Client/Geslacht', rule: 'minOccurs', message: 'required element Geslacht is missing before Naam' },
    ]);
  });

  test('missing required element at the end of a sequence', () => {
    expect(run('<ijw:NaamGebruik>1</ijw:NaamGebruik>\n    </jw301:Naam>', '</jw301:Naam>')).toEqual([
      { element: '/Bericht/Client/Naam/NaamGebruik', rule: 'minOccurs', message: 'required element NaamGebruik is missing' },
    ]);
  });

  test('wrong order', () => {
    const xml = jw301.replace('<jw301:Bsn>999993653</jw301:Bsn>', '').replace('<jw301:Geslacht>2</jw301:Geslacht>', '<jw301:Geslacht>2</jw301:Geslacht><jw301:Bsn>999993653</jw301:Bsn>');
    expect(validatePayload(xml).problems).toEqual([
      { element: '/Bericht/Client/Bsn', rule: 'minOccurs', message: 'required element Bsn is missing before Geboortedatum' },
      { element: '/Bericht/Client/Bsn', rule: 'order', message: 'Bsn is out of order: expected one of Naam' },
    ]);
  });

  test('pattern, enumeration, length, range and date rules', () => {
    const xml = jw301
      .replace('<jw301:Afzender>0363</jw301:Afzender>', '<jw301:Afzender>363</jw301:Afzender>')
      .replace('<jw301:Geslacht>2</jw301:Geslacht>', '<jw301:Geslacht>3</jw301:Geslacht>')
      .replace('<ijw:Identificatie>TW2024-00417</ijw:Identificatie>', '<ijw:Identificatie>TW2024-004170</ijw:Identificatie>')
      .replace('<jw301:Budget>245000</jw301:Budget>', '<jw301:Budget>100000000</jw301:Budget>')
      .replace('<jw301:Einddatum>2024-09-10</jw301:Einddatum>', '<jw301:Einddatum>2024-09-31</jw301:Einddatum>');
    expect(validatePayload(xml).problems).toEqual([
      { element: '/Bericht/Header/Afzender', rule: 'pattern', message: "'363' does not match [0-9]{4} (LDT_Gemeente)" },
      { element: '/Bericht/Header/BerichtIdentificatie/Identificatie', rule: 'maxLength', message: 'length 13 exceeds the maximum 12 (LDT_IdentificatieBericht)' },
      { element: '/Bericht/Client/Geslacht', rule: 'enumeration', message: "'3' is not in codelijst LDT_Geslacht" },
      { element: '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Einddatum', rule: 'type', message: "'2024-09-31' is not a valid xs:date (LDT_Datum)" },
      { element: '/Bericht/Client/ToegewezenProducten/ToegewezenProduct[2]/Budget', rule: 'maxInclusive', message: '100000000 is above the maximum 99999999 (LDT_Budget)' },
    ]);
  });

  test('extra element, attribute and text in element-only content', () => {
    const xml = jw301
      .replace('</jw301:Header>', '<jw301:Extra>1</jw301:Extra></jw301:Header>')
      .replace('<jw301:Client>', '<jw301:Client soort="x">tekst');
    expect(validatePayload(xml).problems).toEqual([
      { element: '/Bericht/Header/Extra', rule: 'unexpected', message: 'element Extra is not allowed here: expected no further element' },
      { element: '/Bericht/Client/@soort', rule: 'attribute', message: 'attribute soort is not allowed' },
      { element: '/Bericht/Client', rule: 'text', message: 'text is not allowed in element-only content of Client' },
    ]);
  });

  test('a basisschema element in the message namespace', () => {
    const xml = jw301.replace('<ijw:Datum>2011-06-15</ijw:Datum>', '<jw301:Datum>2011-06-15</jw301:Datum>');
    expect(validatePayload(xml).problems).toEqual([
      { element: '/Bericht/Client/Geboortedatum/Datum', rule: 'namespace', message: "Datum is in namespace 'http://www.istandaarden.nl/ijw/3_2/jw301/schema', expected 'http://www.istandaarden.nl/ijw/3_2/basisschema/schema'" },
      { element: '/Bericht/Client/Geboortedatum/Datum', rule: 'minOccurs', message: 'required element Datum is missing' },
    ]);
  });

  test('BerichtCode of another type under the JW301 namespace', () => {
    expect(run('<jw301:BerichtCode>436</jw301:BerichtCode>', '<jw301:BerichtCode>414</jw301:BerichtCode>')).toEqual([
      { element: '/Bericht/Header/BerichtCode', rule: 'pattern', message: "'414' does not match 436 (LDT_BerichtCode)" },
    ]);
  });

  test('describeProblem gives one Fo01-style line', () => {
    expect(describeProblem({ element: '/Bericht/Client/Geslacht', rule: 'enumeration', message: "'3' is not in codelijst LDT_Geslacht" }))
      .toBe("/Bericht/Client/Geslacht: enumeration: '3' is not in codelijst LDT_Geslacht");
  });

  test('the problem list is capped', () => {
    const many = jw301.replace('</jw301:Header>', `${'<jw301:X/>'.repeat(MAX_PROBLEMS + 5)}</jw301:Header>`);
    const r = validatePayload(many);
    expect(r.problems).toHaveLength(MAX_PROBLEMS + 1);
    expect(r.problems[MAX_PROBLEMS]).toEqual({ element: '/', rule: 'limit', message: '5 further problem(s) not listed' });
  });
});

describe('input that is not a readable iWmo/iJw message', () => {
  test('DOCTYPE is refused before any DTD processing', () => {
    const xml = jw301.replace('<jw301:Bericht', '<!DOCTYPE x [<!ENTITY e "boom">]>\n<jw301:Bericht');
    expect(validatePayload(xml)).toEqual({
      berichttype: null, version: null, valid: false,
      problems: [{ element: '/', rule: 'doctype', message: 'DOCTYPE is not allowed in an iWmo/iJw message (no DTD processing)' }],
    });
  });

  test('not well-formed', () => {
    const r = validatePayload(jw301.replace('</jw301:Bericht>', ''));
    expect(r.valid).toBe(false);
    expect(r.problems.map((p) => [p.element, p.rule])).toEqual([['/', 'wellformed']]);
  });

  test('over 25 MB is refused before parsing (OP179)', () => {
    const r = validatePayload(Buffer.alloc(MAX_PAYLOAD_BYTES + 1, 0x20));
    expect(r.problems).toEqual([{ element: '/', rule: 'size', message: `payload of ${MAX_PAYLOAD_BYTES + 1} bytes exceeds ${MAX_PAYLOAD_BYTES} bytes (OP179)` }]);
  });

  test('invalid UTF-8 and other encodings', () => {
    const bad = Buffer.concat([Buffer.from(jw301.slice(0, 200)), Buffer.from([0xc3, 0x28]), Buffer.from(jw301.slice(200))]);
    expect(validatePayload(bad).problems).toEqual([{ element: '/', rule: 'encoding', message: 'payload is not valid UTF-8' }]);
    const latin = jw301.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
    expect(validatePayload(latin).problems).toEqual([{ element: '/', rule: 'encoding', message: 'encoding ISO-8859-1 is not allowed; iWmo/iJw messages are UTF-8' }]);
  });

  test('a foreign root namespace', () => {
    expect(validatePayload('<a:Bericht xmlns:a="urn:x"/>')).toEqual({
      berichttype: null, version: null, valid: false,
      problems: [{ element: '/Bericht', rule: 'namespace', message: "'urn:x' is not an iWmo/iJw 3.x message namespace" }],
    });
  });

  test('the wrong root element', () => {
    const r = validatePayload('<j:Client xmlns:j="http://www.istandaarden.nl/ijw/3_2/jw301/schema"/>');
    expect(r.problems).toEqual([{ element: '/Client', rule: 'root', message: 'root element must be Bericht, found Client' }]);
    expect(r.berichttype).toBe('JW301');
  });
});

describe('releases 3.0 and 3.1 (3.2 structure under their namespaces)', () => {
  test.each([['3_0', '0', '3.0'], ['3_1', '1', '3.1']])('%s with BerichtSubversie %s', (ns, sub, version) => {
    const xml = jw301.replaceAll('/3_2/', `/${ns}/`);
    expect(validatePayload(xml.replace('<jw301:BerichtSubversie>2<', `<jw301:BerichtSubversie>${sub}<`)))
      .toEqual({ berichttype: 'JW301', version, valid: true, problems: [] });
    expect(validatePayload(xml).problems).toEqual([
      { element: '/Bericht/Header/BerichtSubversie', rule: 'pattern', message: `'2' does not match ${sub} (LDT_BerichtSubversie)` },
    ]);
  });
});

describe('XSD regular expressions', () => {
  test.each([
    ['.*[^\\s].*', ' a ', true], ['.*[^\\s].*', ' \t\r\n', false], ['.*[^\\s].*', '\u00a0', true], ['.*[^\\s].*', 'a\u2028', true],
    ['[0-9]{4}', '0363', true], ['[0-9]{4}', '03630', false], ['([a-zA-ZÀ-ỳ])+', 'Éỳ', true], ['([a-zA-ZÀ-ỳ])+', 'Ỵ', false],
    ['a^b$', 'a^b$', true], ['\\d+', '٣', true], ['(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)', '1.02', false],
  ])('%s on %j -> %s', (pattern, value, ok) => {
    expect(xsdPatternToRegExp(pattern).test(value)).toBe(ok);
  });

  test('unsupported constructs throw instead of validating wrongly', () => {
    expect(() => xsdPatternToRegExp('\\i\\c*')).toThrow('unsupported XSD escape \\i in \\i\\c*');
    expect(() => xsdPatternToRegExp('[a-z-[aeiou]]')).toThrow('character class subtraction is not supported: [a-z-[aeiou]]');
  });
});
