import { readFileSync } from 'node:fs';
import { DS_NS, EXC_C14N, RSA_SHA512, SHA512, SOAP_NS } from '../../../src/ebms/signature/algorithms.js';
import { signEnvelope } from '../../../src/ebms/signature/sign.js';
import { verifyEnvelope } from '../../../src/ebms/signature/verify.js';
import { testPki } from '../../helpers/pki.js';
import { ebmsEnvelope, makeParts, xmlsecSign, xmlsecVerify, type EnvelopeOptions, type Part } from './signature-fixtures.js';

/** Interoperability with an independent engine (Debian xmlsec1 = libxml2 + OpenSSL), both directions (issue 5). */
const pki = testPki();
const signer = pki.files.parties['gemeente-0363']!.signing;
const keyPem = readFileSync(signer.key, 'utf8');
const certPem = readFileSync(signer.cert, 'utf8');

const envelopeVariants: [string, EnvelopeOptions][] = [
  ['prefix SOAP', { prefix: 'SOAP' }],
  ['prefix SOAP-ENV', { prefix: 'SOAP-ENV' }],
  ['prefix soap-env', { prefix: 'soap-env' }],
  ['default namespace', { prefix: '' }],
  ['xml:lang on the envelope + extra AA prefix', { prefix: 'SOAP', xmlLang: 'nl', extraNs: { AA: 'urn:aa' } }],
  ['CRLF line ends', { prefix: 'SOAP-ENV', crlf: true }],
];

describe('xmlsec1 --verify accepts envelopes signed by signEnvelope', () => {
  for (const count of [1, 10]) {
    test.each(envelopeVariants)(`%s, ${count} attachment(s)`, (_name, variant) => {
      const parts = makeParts(count);
      const env = ebmsEnvelope({ ...variant, contentIds: parts.map((p) => p.contentId) });
      const signed = signEnvelope(env, parts, { keyPem, certPem });
      const r = xmlsecVerify(signed, parts, signer.cert);
      expect(r.output).toContain(`SignedInfo References (ok/all): ${count + 1}/${count + 1}`);
      expect(r.status).toBe(0);
      // our own verifier agrees, and everything outside the Signature is byte-identical to the input
      expect(verifyEnvelope(signed, parts, { expectedCertPem: certPem }).signatureAlgorithm).toContain('rsa-sha256');
      expect(signed.replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, '')).toBe(env);
    });
  }

  test('SHA-512 digest and RSA-SHA512 signature', () => {
    const parts = makeParts(2);
    const signed = signEnvelope(ebmsEnvelope({ contentIds: parts.map((p) => p.contentId) }), parts, { keyPem, certPem, signatureAlgorithm: RSA_SHA512, digestAlgorithm: SHA512 });
    const r = xmlsecVerify(signed, parts, signer.cert);
    expect(r.output).toContain('SignedInfo References (ok/all): 3/3');
    expect(r.status).toBe(0);
  });

  test('xmlsec1 does detect a tampered attachment (the interop check can fail)', () => {
    const parts = makeParts(2);
    const signed = signEnvelope(ebmsEnvelope({ contentIds: parts.map((p) => p.contentId) }), parts, { keyPem, certPem });
    const tampered: Part[] = [parts[0]!, { ...parts[1]!, content: Buffer.concat([parts[1]!.content, Buffer.from('x')]) }];
    const r = xmlsecVerify(signed, tampered, signer.cert);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('SignedInfo References (ok/all): 2/3');
  });
});

interface TemplateOptions {
  /** XPath text and its (optional) extra namespace declaration. */
  xpath: string;
  xpathNs?: string;
  c14n?: string;
  digest?: string;
  signature?: string;
}

/** The envelope with an empty ds:Signature template in its Header, for `xmlsec1 --sign`. */
function template(env: string, headerClose: string, parts: Part[], t: TemplateOptions): string {
  const c14n = t.c14n ?? 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
  const dm = `<ds:DigestMethod Algorithm="${t.digest ?? 'http://www.w3.org/2001/04/xmlenc#sha256'}"/>`;
  const sig = `<ds:Signature xmlns:ds="${DS_NS}"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="${c14n}"/>` +
    `<ds:SignatureMethod Algorithm="${t.signature ?? 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'}"/>` +
    `<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
    `<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><ds:XPath${t.xpathNs ?? ''}>${t.xpath}</ds:XPath></ds:Transform>` +
    `<ds:Transform Algorithm="${c14n}"/></ds:Transforms>${dm}<ds:DigestValue/></ds:Reference>` +
    parts.map((p) => `<ds:Reference URI="cid:${p.contentId}">${dm}<ds:DigestValue/></ds:Reference>`).join('') +
    `</ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>\n  `;
  return env.replace(headerClose, `${sig}${headerClose}`);
}

const Q = '&quot;';
describe('verifyEnvelope accepts envelopes signed by xmlsec1 from a template', () => {
  const parts = makeParts(3);
  const cases: [string, string, TemplateOptions][] = [
    ['SOAP prefix, XPath with its own xmlns:SOAP (ebMS 2.0 example)', 'SOAP',
      { xpath: `not(ancestor-or-self::node()[@SOAP:actor=${Q}urn:oasis:names:tc:ebxml-msg:actor:nextMSH${Q}] | ancestor-or-self::node()[@SOAP:actor=${Q}http://schemas.xmlsoap.org/soap/actor/next${Q}])`, xpathNs: ` xmlns:SOAP="${SOAP_NS}"` }],
    ['ebms-core style: soap-env prefix from the envelope, no blanks', 'soap-env',
      { xpath: `not(ancestor-or-self::node()[@soap-env:actor=${Q}urn:oasis:names:tc:ebxml-msg:actor:nextMSH${Q}]|ancestor-or-self::node()[@soap-env:actor=${Q}http://schemas.xmlsoap.org/soap/actor/next${Q}])` }],
    ['old ebms-core service:nextMSH form, clauses swapped, SOAP-ENV', 'SOAP-ENV',
      { xpath: `not(ancestor-or-self::node()[@SOAP-ENV:actor='http://schemas.xmlsoap.org/soap/actor/next'] |\n ancestor-or-self::node()[@SOAP-ENV:actor='urn:oasis:names:tc:ebxml-msg:service:nextMSH'])` }],
    ['exclusive C14N, SHA-512', 'SOAP',
      { xpath: `not(ancestor-or-self::node()[@SOAP:actor=${Q}urn:oasis:names:tc:ebxml-msg:actor:nextMSH${Q}] | ancestor-or-self::node()[@SOAP:actor=${Q}http://schemas.xmlsoap.org/soap/actor/next${Q}])`,
        c14n: EXC_C14N, digest: SHA512, signature: RSA_SHA512 }],
  ];
  test.each(cases)('%s', (_name, prefix, t) => {
    const env = ebmsEnvelope({ prefix, xmlLang: 'nl', contentIds: parts.map((p) => p.contentId) });
    const signed = xmlsecSign(template(env, `</${prefix}:Header>`, parts, t), parts, signer.key, signer.cert);
    expect(signed).toMatch(/<ds:SignatureValue>\s*[A-Za-z0-9+/]{20}/);
    const result = verifyEnvelope(signed, parts, { expectedCertPem: certPem, manifestHrefs: parts.map((p) => `cid:${p.contentId}`) });
    expect(result.signedInfoReferences).toHaveLength(4);
    expect(result.certPem.replace(/\s+/g, '')).toBe(certPem.replace(/\s+/g, ''));
    expect(result.canonicalizationAlgorithm).toBe(t.c14n ?? 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315');
    // the same message with a changed ConversationId is refused: the check is live
    expect(() => verifyEnvelope(signed.replace('conv-0001@', 'conv-0002@'), parts, { expectedCertPem: certPem }))
      .toThrow(expect.objectContaining({ errorCode: 'SecurityFailure', location: '//Header/Signature/SignedInfo/Reference[@URI=""]' }));
  });

  test('the old service:nextMSH filter keeps a nextMSH-actor element in the digest, as the signer did', () => {
    const env = ebmsEnvelope({ prefix: 'SOAP', contentIds: [] }).replace('<eb:SyncReply',
      '<eb:AckRequested SOAP:actor="urn:oasis:names:tc:ebxml-msg:actor:nextMSH" eb:version="2.0"/>\n    <eb:SyncReply');
    const t = { xpath: `not(ancestor-or-self::node()[@SOAP:actor=${Q}urn:oasis:names:tc:ebxml-msg:service:nextMSH${Q}] | ancestor-or-self::node()[@SOAP:actor=${Q}http://schemas.xmlsoap.org/soap/actor/next${Q}])` };
    const signed = xmlsecSign(template(env, '</SOAP:Header>', [], t), [], signer.key, signer.cert);
    expect(verifyEnvelope(signed, [], { expectedCertPem: certPem }).digestAlgorithm).toBe('http://www.w3.org/2001/04/xmlenc#sha256');
    // the SyncReply (next actor) is excluded, the nextMSH AckRequested is not (the signer's own filter)
    expect(() => verifyEnvelope(signed.replace('actor:nextMSH" eb:version="2.0"', 'actor:nextMSH" eb:version="2.1"'), [], {}))
      .toThrow(expect.objectContaining({ location: '//Header/Signature/SignedInfo/Reference[@URI=""]' }));
    expect(() => verifyEnvelope(signed.replace(/<eb:SyncReply [^>]*\/>/, '<eb:SyncReply SOAP:actor="http://schemas.xmlsoap.org/soap/actor/next" eb:version="2.0"/>'), [], {}))
      .not.toThrow();
  });
});
