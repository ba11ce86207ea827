/**
 * Issue 9 (Critical): XML bombs of every shape against every XML reader of the product. Each reader applies the
 * limits of src/xml-limits.ts while it reads and answers in its own protocol's terms: the ebMS envelope with a
 * SOAP Fault (Client), the StUF envelope with RIN001, the iWmo/iJw payload with StUF055 (rule `limit`), a CPA with
 * ERR_CPA_INVALID, the security layer through its `fail` callback. DTDs and entities stay refused.
 */
import { jest } from '@jest/globals';
import { SaxesParser } from 'saxes';
import { parseCpa } from '../../src/cpa/parse.js';
import { parseEnvelope } from '../../src/ebms/envelope/index.js';
import { SoapFaultError } from '../../src/ebms/errors.js';
import { parseXml as parseSecurityXml } from '../../src/ebms/signature/xml.js';
import { validatePayload } from '../../src/istandaarden/validate.js';
import { preflightEnvelope } from '../../src/routing/preflight.js';
import { buildDi01, xmlBestand } from '../../src/stuf/build.js';
import { StufError } from '../../src/stuf/errors.js';
import { parseStufMessage } from '../../src/stuf/parse.js';
import { peekStuurgegevens } from '../../src/stuf/peek.js';
import { readXml } from '../../src/stuf/xml.js';
import { DEFAULT_XML_LIMITS, checkXmlLimits, setXmlLimits } from '../../src/xml-limits.js';
import { di01Input } from '../unit/stuf/helpers.js';

const deep = (n: number, name = 'x'): string => `<${name}>`.repeat(n) + `</${name}>`.repeat(n);
const DEPTH_MSG = 'XML limit exceeded at <x>: nesting depth 257 (limits.xml.maxDepth = 256)';
const manyAttributes = `<r ${Array.from({ length: 257 }, (_, i) => `a${i}="v"`).join(' ')}/>`;
const ATTR_MSG = 'XML limit exceeded at <r>: more than 256 attributes (limits.xml.maxAttributes = 256)';
const hugeName = `<${'n'.repeat(2000)}/>`;
const NAME_MSG = `XML limit exceeded at <${'n'.repeat(64)}>: element name of 2000 characters (limits.xml.maxNameLength = 1024)`;
const hugeValue = `<r a="${'v'.repeat(70_000)}"/>`;
const VALUE_MSG = 'XML limit exceeded at <r>: attribute a value of 70000 characters (limits.xml.maxAttributeValueLength = 65536)';
const laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';

afterEach(() => setXmlLimits(DEFAULT_XML_LIMITS));

/** A Di01 whose xmlBestand is `payload`. */
const di01 = (payload: string): string => buildDi01(di01Input({ bericht: xmlBestand(payload) }));

function stufRefusal(xml: string): StufError {
  try {
    parseStufMessage(xml);
  } catch (e) {
    if (e instanceof StufError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('StUF reader (src/stuf/xml.ts): RIN001 naming the limit', () => {
  it.each([
    ['100,000 levels deep', deep(100_000), DEPTH_MSG],
    ['257 attributes', manyAttributes, ATTR_MSG],
    ['a 2000-character name', hugeName, NAME_MSG],
    ['a 70,000-character attribute value', hugeValue, VALUE_MSG],
  ])('%s', (_what, xml, message) => {
    const e = stufRefusal(xml);
    expect(e.code).toBe('RIN001');
    expect(e.element).toBe('/');
    expect(e.toelichting).toBe(`envelop niet conform XSD: ${message}`);
  });

  it('counts elements (maxElements) and refuses the first one too many', () => {
    setXmlLimits({ maxElements: 100 });
    expect(() => readXml(`<r>${'<x/>'.repeat(99)}</r>`)).not.toThrow();
    expect(() => readXml(`<r>${'<x/>'.repeat(100)}</r>`)).toThrow('XML limit exceeded at <x>: more than 100 elements (limits.xml.maxElements = 100)');
  });

  it('accepts exactly maxDepth levels', () => {
    expect(() => readXml(deep(256))).not.toThrow();
  });

  it('DTDs and entities stay refused (billion laughs)', () => {
    expect(stufRefusal(laughs).toelichting).toBe('envelop niet conform XSD: DOCTYPE is not allowed (no DTD processing)');
    expect(stufRefusal('<a>&lol;</a>').toelichting).toMatch(/^envelop niet conform XSD: not well-formed XML: .*undefined entity/i);
  });

  it('resolves namespaces itself: saxes\' O(depth) prefix resolution (quadratic in depth) is never used', () => {
    const spy = jest.spyOn(SaxesParser.prototype, 'resolve');
    try {
      setXmlLimits({ maxDepth: 1e9 });
      const root = readXml(`<a:x xmlns:a="urn:a">${deep(5000)}</a:x>`);
      expect(root.uri).toBe('urn:a');
      let depth = 1;
      for (let el = root; typeof el.children[0] === 'object'; el = el.children[0]) depth++;
      expect(depth).toBe(5001);
      expect(peekStuurgegevens(deep(5000))).toBeUndefined();
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('keeps Namespaces in XML 1.0 scoping and refusals', () => {
    const root = readXml('<p:a xmlns:p="urn:1"><p:b xmlns:p="urn:2" p:at="v"/><p:c/></p:a>');
    const [b, c] = root.children as unknown as [{ uri: string; attributes: { uri: string }[] }, { uri: string }];
    expect([root.uri, b.uri, b.attributes[0]!.uri, c.uri]).toEqual(['urn:1', 'urn:2', 'urn:2', 'urn:1']);
    expect(() => readXml('<q:a/>')).toThrow('not well-formed XML: unbound namespace prefix: "q"');
    expect(() => readXml('<a xmlns:p="urn:1" xmlns:q="urn:1" p:x="1" q:x="2"/>')).toThrow('not well-formed XML: duplicate attribute: {urn:1}x');
  });
});

describe('peek of a refused message (src/stuf/peek.ts)', () => {
  it('gives up on a deep head instead of walking it', () => {
    expect(peekStuurgegevens(deep(20_000))).toBeUndefined();
  });
});

describe('iWmo/iJw payload (src/istandaarden/xml-scan.ts): StUF055 at the hub', () => {
  it.each([
    ['100,000 levels deep', deep(100_000), DEPTH_MSG],
    ['257 attributes', manyAttributes, ATTR_MSG],
    ['a 2000-character name', hugeName, NAME_MSG],
    ['a 70,000-character attribute value', hugeValue, VALUE_MSG],
  ])('%s', (_what, xml, message) => {
    // The root's namespace (read before the limit is hit) is reported too; the limit ends the scan.
    expect(validatePayload(xml).problems.filter((p) => p.rule !== 'namespace')).toEqual([{ element: '/', rule: 'limit', message }]);
  });

  it('a Di01 carrying the 100,000-level payload is refused with StUF055 naming the limit', () => {
    const r = preflightEnvelope(di01(deep(100_000)));
    expect(r.problems.map((p) => [p.code, p.element, p.toelichting])).toContainEqual(['StUF055', '/', `limit: ${DEPTH_MSG}`]);
    expect(r.problems.every((p) => p.code === 'StUF055')).toBe(true);
  });

  it('a billion-laughs payload is refused as a DOCTYPE', () => {
    expect(validatePayload(laughs).problems.map((p) => p.rule)).toEqual(['doctype']);
  });

  it('namespace declarations on every level stay linear and scoped', () => {
    const xml = Array.from({ length: 200 }, (_, i) => `<p${i}:e xmlns:p${i}="urn:${i}" xmlns="urn:d${i}">`).join('')
      + Array.from({ length: 200 }, (_, i) => `</p${199 - i}:e>`).join('');
    expect(validatePayload(xml).problems[0]?.rule).not.toBe('limit');
    expect(validatePayload(xml).problems[0]?.rule).not.toBe('wellformed');
  });
});

describe('ebMS envelope (light tree and xmldom fallback): SOAP Fault Client', () => {
  const soap = (body: string): string =>
    `<SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/"><SOAP:Header/><SOAP:Body>${body}</SOAP:Body></SOAP:Envelope>`;
  it.each([
    ['100,000 levels deep', soap(deep(100_000)), DEPTH_MSG],
    ['257 attributes', soap(manyAttributes), ATTR_MSG],
    ['a 2000-character name', soap(hugeName), NAME_MSG],
    ['a 70,000-character attribute value', soap(hugeValue), VALUE_MSG],
    // Not well-formed (so the strict scanner hands it to xmldom) and deep: the xmldom fallback's pre-scan refuses it.
    ['deep and not well-formed (xmldom fallback)', soap(`${deep(100_000)}<y>`), DEPTH_MSG],
  ])('%s', (_what, xml, message) => {
    let fault: unknown;
    try { parseEnvelope(xml); } catch (e) { fault = e; }
    expect(fault).toBeInstanceOf(SoapFaultError);
    expect((fault as SoapFaultError).faultcode).toBe('Client');
    expect((fault as SoapFaultError).message).toBe(`SOAP envelope refused: ${message}`);
  });

  it('billion laughs: refused as a DOCTYPE', () => {
    expect(() => parseEnvelope(laughs)).toThrow(SoapFaultError);
  });
});

describe('security layer and CPA (xmldom behind the pre-scan)', () => {
  it('signature/encryption XML: fail() with the limit', () => {
    expect(() => parseSecurityXml(deep(100_000), (r) => new Error(`refused: ${r}`))).toThrow(`refused: ${DEPTH_MSG}`);
  });

  it('CPA: ERR_CPA_INVALID with the limit as its problem', () => {
    let err: unknown;
    try { parseCpa(deep(100_000)); } catch (e) { err = e; }
    expect(err).toMatchObject({ code: 'ERR_CPA_INVALID', message: `CPA refused: ${DEPTH_MSG}` });
  });

  it('the pre-scan skips comments, CDATA, PIs and quoted ">" and counts only elements', () => {
    setXmlLimits({ maxDepth: 2 });
    expect(() => checkXmlLimits('<?pi <a><a>?><r><!-- <x><x><x> --><![CDATA[<x><x>]]><a b="<x>>"/></r>')).not.toThrow();
    expect(() => checkXmlLimits('<r><a><b/></a></r>')).toThrow('XML limit exceeded at <b>: nesting depth 3 (limits.xml.maxDepth = 2)');
  });
});
