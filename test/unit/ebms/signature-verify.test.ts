import { readFileSync } from 'node:fs';
import { EbmsError } from '../../../src/ebms/errors.js';
import { RSA_SHA1, SHA1 } from '../../../src/ebms/signature/algorithms.js';
import { signEnvelope } from '../../../src/ebms/signature/sign.js';
import {
  extractAcknowledgmentReferences, extractSignedInfoReferences, verifySignedAckReferences,
} from '../../../src/ebms/signature/signed-ack.js';
import { verifyEnvelope, type VerifyOptions } from '../../../src/ebms/signature/verify.js';
import { GatewayError } from '../../../src/errors.js';
import { testPki } from '../../helpers/pki.js';
import { ebmsEnvelope, makeParts, type Part } from './signature-fixtures.js';

const pki = testPki();
const read = (p: string) => readFileSync(p, 'utf8');
const signer = pki.files.parties['gemeente-0363']!.signing;
const keyPem = read(signer.key);
const certPem = read(signer.cert);
const otherCertPem = read(pki.files.parties.hub!.signing.cert);
const otherKeyPem = read(pki.files.parties.hub!.signing.key);

const parts = makeParts(3);
const hrefs = parts.map((p) => `cid:${p.contentId}`);
const envelope = ebmsEnvelope({ prefix: 'SOAP-ENV', contentIds: parts.map((p) => p.contentId) });
const signed = signEnvelope(envelope, parts, { keyPem, certPem });
const opts: VerifyOptions = { expectedCertPem: certPem, manifestHrefs: hrefs };

const SI = '//Header/Signature/SignedInfo';
const cidLoc = (i: number) => `${SI}/Reference[@URI="cid:${parts[i]!.contentId}"]`;

/** Run the verifier and return the EbmsError it throws (fails the test when it does not throw). */
function failure(xml: string, atts: Part[] = parts, o: VerifyOptions = opts): EbmsError {
  try {
    verifyEnvelope(xml, atts, o);
  } catch (e) {
    expect(e).toBeInstanceOf(EbmsError);
    return e as EbmsError;
  }
  throw new Error('verifyEnvelope accepted the message');
}

describe('verifyEnvelope: valid messages', () => {
  test('accepts our own signature and reports algorithms, certificate and references', () => {
    const r = verifyEnvelope(signed, parts, opts);
    expect(r.signatureAlgorithm).toBe('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    expect(r.digestAlgorithm).toBe('http://www.w3.org/2001/04/xmlenc#sha256');
    expect(r.certPem.replace(/\s+/g, '')).toBe(certPem.replace(/\s+/g, ''));
    expect(r.signedInfoReferences).toHaveLength(4);
    expect(r.signedInfoReferences[1]).toMatch(
      /^<ds:Reference URI="cid:payload-1@gemeente.example.nl" xmlns:ds="http:\/\/www.w3.org\/2000\/09\/xmldsig#"><ds:DigestMethod Algorithm="http:\/\/www.w3.org\/2001\/04\/xmlenc#sha256"\/><ds:DigestValue>[A-Za-z0-9+/]{43}=<\/ds:DigestValue><\/ds:Reference>$/);
  });

  test('attachment order does not matter: parts are bound by Content-ID', () => {
    expect(() => verifyEnvelope(signed, [...parts].reverse().map((p) => ({ ...p, contentId: `<${p.contentId}>` })), opts)).not.toThrow();
  });

  test('header blocks for the next MSH may change (XPath filter): SyncReply removed', () => {
    expect(() => verifyEnvelope(signed.replace(/<eb:SyncReply [^>]*\/>/, ''), parts, opts)).not.toThrow();
  });

  test('line-wrapped base64 with &#13; (Hermes style) is accepted', () => {
    const wrapped = signed.replace(/(<ds:(SignatureValue|X509Certificate)>)([^<]+)/g, (_m, open: string, _n, b64: string) =>
      `${open}${(b64.match(/.{1,76}/g) ?? []).join('&#13;\n')}`);
    expect(wrapped).toContain('&#13;\n');
    expect(() => verifyEnvelope(wrapped, parts, opts)).not.toThrow();
  });

  test('without expectedCertPem the KeyInfo certificate is returned for the caller to check', () => {
    expect(verifyEnvelope(signed, parts).certPem).toContain('BEGIN CERTIFICATE');
  });
});

describe('verifyEnvelope: tampering is a SecurityFailure with its location', () => {
  test('changed ConversationId', () => {
    const e = failure(signed.replace('conv-0001@', 'conv-0666@'));
    expect([e.errorCode, e.location]).toEqual(['SecurityFailure', `${SI}/Reference[@URI=""]`]);
    expect(e.message).toMatch(/envelope was changed/);
  });

  test('changed toPartyMSH AckRequested (not excluded by the filter)', () => {
    expect(failure(signed.replace('eb:signed="true"', 'eb:signed="false"')).location).toBe(`${SI}/Reference[@URI=""]`);
  });

  test('one changed attachment byte', () => {
    const changed = parts.map((p, i) => (i === 1 ? { ...p, content: Buffer.from(p.content.map((b, j) => (j === 100 ? b ^ 1 : b))) } : p));
    const e = failure(signed, changed);
    expect([e.errorCode, e.location]).toEqual(['SecurityFailure', cidLoc(1)]);
    expect(e.message).toMatch(/changed after signing/);
  });

  test('swapped attachments (contents exchanged between Content-IDs)', () => {
    const swapped = [{ ...parts[0]!, content: parts[1]!.content }, { ...parts[1]!, content: parts[0]!.content }, parts[2]!];
    expect(failure(signed, swapped).location).toBe(cidLoc(0));
  });

  test('a signed attachment missing from the message', () => {
    const e = failure(signed, parts.slice(0, 2));
    expect(e.location).toBe(cidLoc(2));
    expect(e.message).toMatch(/not in the message/);
  });

  test('removed cid: Reference: the Manifest entry is not covered', () => {
    const removed = signed.replace(/<ds:Reference URI="cid:payload-2@gemeente.example.nl">.*?<\/ds:Reference>/, '');
    const e = failure(removed);
    expect(e.location).toBe('//Body/Manifest/Reference[@href="cid:payload-2@gemeente.example.nl"]');
    expect(e.message).toMatch(/not covered by a signed cid: reference/);
    // without the Manifest check the broken SignatureValue is still caught
    expect(failure(removed, parts, { expectedCertPem: certPem }).location).toBe('//Header/Signature/SignatureValue');
  });

  test('a payload that the sender left unsigned is refused when it is in the Manifest', () => {
    const partial = signEnvelope(envelope, parts.slice(0, 2), { keyPem, certPem });
    expect(failure(partial).location).toBe(`//Body/Manifest/Reference[@href="${hrefs[2]}"]`);
  });

  test('removed URI="" Reference', () => {
    const e = failure(signed.replace(/<ds:Reference URI="">.*?<\/ds:Reference>/, ''));
    expect(e.location).toBe(`${SI}/Reference[@URI=""]`);
    expect(e.message).toMatch(/no URI="" reference/);
  });

  test('a second Signature', () => {
    const sig = /<ds:Signature [\s\S]*<\/ds:Signature>/.exec(signed)![0];
    const e = failure(signed.replace('</SOAP-ENV:Header>', `${sig}</SOAP-ENV:Header>`));
    expect([e.errorCode, e.location]).toEqual(['SecurityFailure', '//Header/Signature']);
    expect(e.message).toMatch(/2 ds:Signature elements; exactly one is allowed/);
  });

  test('Signature outside SOAP:Header', () => {
    const sig = /<ds:Signature [\s\S]*<\/ds:Signature>/.exec(signed)![0];
    const moved = signed.replace(sig, '').replace('</SOAP-ENV:Body>', `${sig}</SOAP-ENV:Body>`);
    expect(failure(moved).message).toMatch(/child of SOAP:Header/);
  });

  test('unsigned message', () => {
    const e = failure(envelope);
    expect([e.location, e.message]).toEqual(['//Header/Signature', 'the message is not signed']);
  });

  test('certificate that is not the CPA signing certificate of the sender', () => {
    const e = failure(signed, parts, { ...opts, expectedCertPem: otherCertPem });
    expect(e.location).toBe('//Header/Signature/KeyInfo/X509Data/X509Certificate');
    expect(e.message).toMatch(/not the signing certificate/);
    // a message re-signed by someone else is refused against the CPA certificate
    const forged = signEnvelope(signed.replace(/<ds:Signature [\s\S]*<\/ds:Signature>/, ''), parts, { keyPem: otherKeyPem, certPem: otherCertPem });
    expect(failure(forged).location).toBe('//Header/Signature/KeyInfo/X509Data/X509Certificate');
  });

  test('corrupted SignatureValue', () => {
    const e = failure(signed.replace(/<ds:SignatureValue>(.)/, (_m, c: string) => `<ds:SignatureValue>${c === 'A' ? 'B' : 'A'}`));
    expect([e.location, e.message]).toEqual(['//Header/Signature/SignatureValue', 'SignatureValue does not verify with the signing certificate']);
  });

  test('SHA-1 without legacy allowance (DK-27), accepted with allowSha1', () => {
    const sha1 = signEnvelope(envelope, parts, { keyPem, certPem, signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1 });
    const e = failure(sha1);
    expect(e.location).toBe(`${SI}/SignatureMethod`);
    expect(e.message).toMatch(/SHA-1, which the CPA does not allow/);
    expect(verifyEnvelope(sha1, parts, { ...opts, allowSha1: true }).digestAlgorithm).toBe(SHA1);
    const sha1Digest = signEnvelope(envelope, parts, { keyPem, certPem, digestAlgorithm: SHA1 });
    expect(failure(sha1Digest).location).toBe(`${SI}/Reference[@URI=""]/DigestMethod`);
  });

  test('a foreign XPath filter (would leave the MessageHeader unsigned)', () => {
    const foreign = signed.replace(/(<ds:XPath[^>]*>)[^<]*/, '$1not(ancestor-or-self::node()[local-name()="MessageHeader"])');
    expect(failure(foreign).location).toBe(`${SI}/Reference[@URI=""]/Transforms/Transform/XPath`);
  });

  test('the XPath prefix must be bound to the SOAP namespace', () => {
    const wrongNs = signed.replace(/<ds:XPath xmlns:SOAP-ENV="[^"]*"/, '<ds:XPath xmlns:SOAP-ENV="urn:not-soap"');
    expect(failure(wrongNs).location).toBe(`${SI}/Reference[@URI=""]/Transforms/Transform/XPath`);
  });

  test('missing enveloped-signature transform', () => {
    const e = failure(signed.replace(/<ds:Transform Algorithm="http:\/\/www.w3.org\/2000\/09\/xmldsig#enveloped-signature"\/>/, ''));
    expect(e.location).toBe(`${SI}/Reference[@URI=""]/Transforms`);
    expect(e.message).toMatch(/exactly the transforms/);
  });

  test('a reference to anything but the envelope or a cid: part', () => {
    const e = failure(signed.replace('URI="cid:payload-3@gemeente.example.nl"', 'URI="http://evil.example/x"'), parts, { expectedCertPem: certPem });
    expect(e.location).toBe(`${SI}/Reference[@URI="http://evil.example/x"]`);
  });

  test('DOCTYPE is refused before parsing', () => {
    const e = failure(signed.replace('<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>'));
    expect([e.location, e.message]).toEqual(['//Envelope', 'envelope cannot be parsed: a DOCTYPE declaration is not allowed']);
    const broken = failure(signed.replace('</SOAP-ENV:Body>', '</SOAP-ENV:Bdy>'));
    expect(broken.location).toBe('//Envelope');
    expect(broken.message).toMatch(/^envelope cannot be parsed: XML is not well-formed/);
    expect(failure(signed.replace('<eb:Action>', '<ebx:Action>').replace('</eb:Action>', '</ebx:Action>')).message)
      .toBe('envelope cannot be parsed: XML is not well-formed: unbound namespace prefix "ebx"');
  });
});

describe('signEnvelope: our own mistakes are GatewayErrors', () => {
  test('unsupported algorithm, already signed envelope, not a SOAP envelope', () => {
    expect(() => signEnvelope(envelope, parts, { keyPem, certPem, signatureAlgorithm: 'urn:x' })).toThrow(GatewayError);
    expect(() => signEnvelope(signed, parts, { keyPem, certPem })).toThrow(/already signed/);
    expect(() => signEnvelope('<a/>', [], { keyPem, certPem })).toThrow(/not a SOAP 1.1 Envelope/);
  });

  test('an empty <SOAP:Header/> gets the Signature inside it', () => {
    const empty = '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Header/><S:Body/></S:Envelope>';
    const out = signEnvelope(empty, [], { keyPem, certPem });
    expect(out).toMatch(/^<S:Envelope [^>]*><S:Header><ds:Signature [\s\S]*<\/ds:Signature><\/S:Header><S:Body\/><\/S:Envelope>$/);
    expect(() => verifyEnvelope(out, [], { expectedCertPem: certPem })).not.toThrow();
  });
});

describe('signed Acknowledgment references (ebMS 2.0 §7.3, DK-26)', () => {
  const sent = extractSignedInfoReferences(signed);
  const received = verifyEnvelope(signed, parts, opts).signedInfoReferences;

  test('the receiver reports the same references the sender kept', () => {
    expect(received).toEqual(sent);
    expect(() => verifySignedAckReferences([...received].reverse(), sent)).not.toThrow();
  });

  test('references are extracted from an eb:Acknowledgment', () => {
    const ack = `<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/" xmlns:eb="http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd"><S:Header>` +
      `<eb:Acknowledgment eb:version="2.0" S:mustUnderstand="1"><eb:Timestamp>2026-03-01T10:00:01Z</eb:Timestamp><eb:RefToMessageId>m</eb:RefToMessageId>${received.join('')}</eb:Acknowledgment>` +
      '</S:Header><S:Body/></S:Envelope>';
    expect(() => verifySignedAckReferences(extractAcknowledgmentReferences(ack), sent)).not.toThrow();
  });

  test('a different digest, a missing and an extra reference are refused', () => {
    const changed = received.map((r, i) => (i === 2 ? r.replace(/<ds:DigestValue>./, (m) => `${m.slice(0, -1)}${m.endsWith('A') ? 'B' : 'A'}`) : r));
    let e = (() => { try { verifySignedAckReferences(changed, sent); } catch (x) { return x as EbmsError; } throw new Error('accepted'); })();
    expect([e.errorCode, e.location]).toEqual(['SecurityFailure', `//Header/Acknowledgment/Reference[@URI="cid:${parts[1]!.contentId}"]`]);
    expect(() => verifySignedAckReferences(received.slice(1), sent)).toThrow(expect.objectContaining({ location: '//Header/Acknowledgment/Reference[@URI=""]' }));
    e = (() => { try { verifySignedAckReferences(received, sent.slice(0, 3)); } catch (x) { return x as EbmsError; } throw new Error('accepted'); })();
    expect(e.location).toBe(`//Header/Acknowledgment/Reference[@URI="cid:${parts[2]!.contentId}"]`);
    expect(e.message).toMatch(/did not sign/);
  });

  test('a reference taken from an ebms-core style envelope keeps the XPath prefix binding', () => {
    const doc = signed.replace(/<ds:XPath xmlns:SOAP-ENV="[^"]*">/, '<ds:XPath>');
    const refs = extractSignedInfoReferences(doc);
    expect(refs[0]).toMatch(/<ds:XPath xmlns:SOAP-ENV="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/">/);
  });
});
