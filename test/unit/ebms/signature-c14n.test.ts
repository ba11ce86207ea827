import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { C14nCanonicalization } from 'xml-crypto';
import { C14N, EXC_C14N } from '../../../src/ebms/signature/algorithms.js';
import { canonicalizeSubset, canonicalizeTree, compareCodePoints } from '../../../src/ebms/signature/c14n.js';
import { parseXml } from '../../../src/ebms/signature/xml.js';
import { ebmsEnvelope, tempDir } from './signature-fixtures.js';

/** libxml2's C14N (the engine inside xmlsec1) as the independent reference. */
function xmllintC14n(xml: string, exclusive: boolean): string {
  const file = join(tempDir(), 'doc.xml');
  writeFileSync(file, xml);
  return execFileSync('xmllint', [exclusive ? '--exc-c14n' : '--c14n', file], { encoding: 'utf8' });
}

const parse = (xml: string) => parseXml(xml, (r) => new Error(r));

const TRAPS = `<SOAP:Envelope xmlns:eb="urn:eb" xmlns:SOAP="urn:soap" xmlns:AA="urn:aa" xmlns:q="http://x/a" xmlns:p="http://x/" xml:lang="nl">` +
  `<SOAP:Header q:a="1" p:b="2" b="3" a="4" SOAP:z="&#13;&#10;&#9;&quot;&lt;&gt;&amp;"><eb:X SOAP:actor="y" xmlns:z="urn:z" xmlns="urn:default"><Y xmlns=""/></eb:X>\n` +
  `<?pi  some data?><![CDATA[a<b&c]]>&#13;\u00e9\u{1F600}</SOAP:Header></SOAP:Envelope>`;

describe('C14N with code-point ordering (node-stack.md §1.2)', () => {
  test.each([
    ['ordering traps', TRAPS],
    ['ebMS envelope, SOAP prefix', ebmsEnvelope({ prefix: 'SOAP', contentIds: ['a@b'], extraNs: { AA: 'urn:aa', Zz: 'urn:zz' } })],
    ['ebMS envelope, default namespace + xml:lang', ebmsEnvelope({ prefix: '', xmlLang: 'nl' })],
  ])('inclusive and exclusive output equal libxml2 (xmllint): %s', (_name, xml) => {
    const doc = parse(xml);
    expect(canonicalizeTree(doc.documentElement.cloneNode(true) as Element, C14N)).toBe(xmllintC14n(xml, false));
    expect(canonicalizeTree(doc.documentElement.cloneNode(true) as Element, EXC_C14N)).toBe(xmllintC14n(xml, true));
  });

  test('xml-crypto 6.3.2 as shipped sorts xmlns:eb before xmlns:SOAP (the bug the subclass fixes)', () => {
    const doc = parse(ebmsEnvelope({ prefix: 'SOAP' }));
    const shipped = new C14nCanonicalization().process(doc.documentElement.cloneNode(true), {});
    expect(shipped).not.toBe(xmllintC14n(ebmsEnvelope({ prefix: 'SOAP' }), false));
    expect(shipped.indexOf('xmlns:eb=')).toBeLessThan(shipped.indexOf('xmlns:SOAP='));
  });

  test('document subset: inclusive inherits ancestor namespaces and xml:* attributes, exclusive does not', () => {
    const xml = '<a xmlns="urn:d" xmlns:SOAP="urn:s" xml:lang="nl" xml:space="preserve"><b xml:lang="en"><ds:c xmlns:ds="urn:ds" x="1"><ds:d/></ds:c></b></a>';
    const c = parse(xml).getElementsByTagNameNS('urn:ds', 'c')[0]!;
    expect(canonicalizeSubset(c, C14N)).toBe(
      '<ds:c xmlns="urn:d" xmlns:SOAP="urn:s" xmlns:ds="urn:ds" x="1" xml:lang="en" xml:space="preserve"><ds:d></ds:d></ds:c>');
    expect(canonicalizeSubset(c, EXC_C14N)).toBe('<ds:c xmlns:ds="urn:ds" x="1"><ds:d></ds:d></ds:c>');
  });

  test('compareCodePoints orders by Unicode code point, not locale or UTF-16 unit', () => {
    expect(compareCodePoints('SOAP', 'eb')).toBe(-1);
    expect('SOAP'.localeCompare('eb')).toBe(1);
    expect(compareCodePoints('\u{1F600}', '\uFFFF')).toBe(1);
    expect(compareCodePoints('a', 'ab')).toBe(-1);
    expect(compareCodePoints('x', 'x')).toBe(0);
  });
});
