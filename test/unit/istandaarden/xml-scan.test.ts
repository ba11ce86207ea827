/**
 * Well-formedness of our XML scanner against the independent engine (xmllint, libxml2): same verdict on every case;
 * and the same element/text events as saxes on well-formed input.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { PayloadReadError } from '../../../src/istandaarden/xml-input.js';
import { scanXml } from '../../../src/istandaarden/xml-scan.js';
import { packageRoot } from '../../../src/paths.js';

const WELL_FORMED = [
  '<a/>', '<?xml version="1.0"?><a/>', '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<a/>\n', '\uFEFF<a/>',
  '<a>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;&#x1F600;</a>', '<a><![CDATA[<x>&]]></a>', '<!-- c --><a/><!-- d --><?pi x?>\n',
  '<a b="1" c=\'2\'/>', '<a xmlns="urn:x"><b xmlns=""/></a>', '<p:a xmlns:p="urn:p" p:b="1"/>', '<a>\r\n</a>', '<a >x</a >',
  '<a>]]</a>', '<a>></a>', '<é/>', '<a><?pi?></a>', '<a b="&#x20;>"/>', '<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>',
  '<a><!----></a>', '<a\n  b = "1"\n/>', '<a>\u{1F600}</a>', '<p:a xmlns:p="urn:1" xmlns:q="urn:2" p:x="1" q:x="2"/>',
];

const MALFORMED = [
  '', '   ', '<a>', '<a></b>', '<a/><b/>', 'x<a/>', '<a/>x', '<a>&foo;</a>', '<a>&#0;</a>', '<a>&</a>', '<a>&lt</a>',
  '<a b="1" b="2"/>', '<a b=1/>', '<a><!-- a -- b --></a>', '<a><!-- a ---></a>', '<a>]]></a>', '<a>\u0001</a>', '<p:a/>',
  '<a xmlns:p=""/>', '<?xml version="1.0"?><?xml version="1.0"?><a/>', '<a><![CDATA[x</a>', ' <?xml version="1.0"?><a/>',
  '<a b="<"/>', '<1a/>', '<a xmlns:p="urn:1" xmlns:q="urn:1" p:x="1" q:x="2"/>', '<a xmlns:xml="urn:x"/>', '<a:b:c/>',
  '<a><b></a></b>', '<a>\uFFFE</a>', '<a></a><!-- x', '<a><?xml x?></a>', '<a/ >', '< a/>', '<a b="1"c="2"/>', '<a>&#xD800;</a>',
  '<?xml version="2.0"?><a/>', '<xmlns:a xmlns:xmlns="urn:x"/>', '<a><!ELEMENT a ANY></a>',
];

/** libxml2 reports Namespaces-in-XML violations as "namespace error" but exits 0; we count them as not well-formed. */
function xmllintWellFormed(xml: string): boolean {
  const r = spawnSync('xmllint', ['--noout', '-'], { input: xml, encoding: 'utf8' });
  return r.status === 0 && !r.stderr.includes('namespace error');
}

function ours(xml: string): boolean {
  try {
    scanXml(xml, { open: () => {}, text: () => {}, close: () => {} });
    return true;
  } catch (e) {
    if (!(e instanceof PayloadReadError)) throw e;
    return false;
  }
}

describe('xml-scan well-formedness agrees with xmllint', () => {
  test.each(WELL_FORMED.map((x) => [JSON.stringify(x), x]))('well-formed %s', (_l, xml) => {
    expect([xmllintWellFormed(xml), ours(xml)]).toEqual([true, true]);
  });
  test.each(MALFORMED.map((x) => [JSON.stringify(x), x]))('malformed %s', (_l, xml) => {
    expect([xmllintWellFormed(xml), ours(xml)]).toEqual([false, false]);
  });

  test('DOCTYPE is refused with its own rule even when well-formed', () => {
    const xml = '<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>';
    expect(xmllintWellFormed(xml)).toBe(true);
    expect(() => scanXml(xml, { open: () => {}, text: () => {}, close: () => {} }))
      .toThrow(expect.objectContaining({ rule: 'doctype' }) as unknown as Error);
  });

  test('errors carry the offset', () => {
    expect(() => scanXml('<a><b></a>', { open: () => {}, text: () => {}, close: () => {} }))
      .toThrow('end tag </a> does not match <b> (at offset 6)');
  });
});

type Ev = string;

function eventsOurs(xml: string): Ev[] {
  const ev: Ev[] = [];
  let text = '';
  const flush = (): void => { if (text) ev.push(`T:${text}`); text = ''; };
  scanXml(xml, {
    open: (uri, local, attrs) => { flush(); ev.push(`O:{${uri}}${local}[${attrs.map((a) => `{${a.uri}}${a.local}=${a.value}`).join(',')}]`); },
    text: (t) => { text += t; },
    close: () => { flush(); ev.push('C'); },
  });
  return ev;
}

function eventsSaxes(xml: string): Ev[] {
  const ev: Ev[] = [];
  let text = '';
  const flush = (): void => { if (text) ev.push(`T:${text}`); text = ''; };
  const p = new SaxesParser({ xmlns: true });
  p.on('opentag', (t) => {
    flush();
    const attrs = Object.values(t.attributes).filter((a) => a.prefix !== 'xmlns' && a.name !== 'xmlns');
    ev.push(`O:{${t.uri}}${t.local}[${attrs.map((a) => `{${a.uri}}${a.local}=${a.value}`).join(',')}]`);
  });
  p.on('text', (t) => { if (ev.length > 0) text += t; });
  p.on('cdata', (t) => { text += t; });
  p.on('closetag', () => { flush(); ev.push('C'); });
  p.write(xml).close();
  return ev.filter((e, i) => !(i === ev.length - 1 && e.startsWith('T:')));
}

test.each([...WELL_FORMED.filter((x) => !x.startsWith('\uFEFF')), readFileSync(join(packageRoot, 'test', 'fixtures', 'istandaarden', 'jw301.xml'), 'utf8')]
  .map((x) => [JSON.stringify(x).slice(0, 60), x]))('same events as saxes: %s', (_l, xml) => {
  expect(eventsOurs(xml)).toEqual(eventsSaxes(xml));
});
