import { GatewayError } from '../../../src/errors.js';
import { generateCpa } from '../../../src/cpa/generate.js';
import { parseCpa } from '../../../src/cpa/parse.js';
import { serializeCpa } from '../../../src/cpa/serialize.js';
import { adapterFields, hubIdentity } from './cpa-fixtures.js';

function parseError(xml: string, maxBytes?: number): GatewayError {
  try {
    parseCpa(xml, maxBytes === undefined ? {} : { maxBytes });
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error('expected parseCpa to throw');
}

describe('parseCpa', () => {
  const g = generateCpa(adapterFields({ profile: 'osb-rm-e' }), { hub: hubIdentity(), uuid: 'fixed' });

  test('refuses any DOCTYPE before parsing (no DTD processing)', () => {
    const e = parseError(`<?xml version="1.0"?>\n<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n${g.xml.replace(/^<\?xml[^>]*>\n/, '')}`);
    expect(e.code).toBe('ERR_CPA_INVALID');
    expect(e.message).toBe('CPA contains a DOCTYPE declaration; DTDs are never processed');
    expect(e.problems).toEqual([{ path: '/', message: 'DOCTYPE declarations are not allowed', severity: 'error' }]);
  });

  test('size cap applies before parsing', () => {
    const e = parseError(g.xml, 1000);
    expect(e.message).toBe(`CPA is ${Buffer.byteLength(g.xml)} bytes, more than the limit of 1000 bytes`);
  });

  test('not well-formed XML and a foreign root element are refused', () => {
    expect(parseError('<tns:CollaborationProtocolAgreement').message).toMatch(/^CPA is not well-formed XML: /);
    expect(parseError('<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"/>').message)
      .toBe('root element is {http://schemas.xmlsoap.org/soap/envelope/}Envelope, not a CPPA 2.0 CollaborationProtocolAgreement');
  });

  test('prefix-agnostic: other prefixes or a default namespace read the same model', () => {
    const renamed = g.xml.replaceAll('tns:', 'cppa:').replace('xmlns:tns=', 'xmlns:cppa=').replaceAll('ds:', 'dsig:').replace('xmlns:ds=', 'xmlns:dsig=');
    expect(renamed).toContain('<cppa:PartyInfo');
    expect(parseCpa(renamed)).toEqual(g.cpa);
    // default namespace for elements, a prefix only for the (qualified) attributes
    const defaultNs = g.xml.replace(/<(\/?)tns:/g, '<$1').replace('xmlns:tns=', 'xmlns="http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd" xmlns:tns=');
    expect(defaultNs).toContain('<PartyInfo tns:partyName');
    expect(parseCpa(defaultNs)).toEqual(g.cpa);
  });

  test('elements in the wrong namespace are not read as CPPA elements', () => {
    const wrongNs = g.xml.replace('<tns:Status tns:value="agreed"/>', '<x:Status xmlns:x="urn:other" tns:value="agreed"/>');
    const cpa = parseCpa(wrongNs);
    expect(cpa.parseIssues).toEqual([
      { kind: 'unknown', location: '/CollaborationProtocolAgreement/Status', message: 'element {urn:other}Status is not part of the supported CPA model' },
      { kind: 'missing', location: '/CollaborationProtocolAgreement', message: 'required element Status is missing' },
    ]);
  });

  test('round trip keeps certificates, algorithms and dates; serialization is deterministic', () => {
    const cpa = parseCpa(g.xml);
    expect(cpa.PartyInfo[1]!.Certificate.map((c) => c.certId)).toEqual(['Deelnemer_ClientCert', 'Deelnemer_ServerCert', 'Deelnemer_SigningCert']);
    expect(cpa.PartyInfo[1]!.Certificate[0]!.pem).toBe(g.cpa.PartyInfo[1]!.Certificate[0]!.pem);
    expect(cpa.PartyInfo[0]!.DocExchange[0]!.ebXMLReceiverBinding!.ReceiverDigitalEnvelope!.EncryptionAlgorithm[0])
      .toEqual({ value: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', w3c: 'http://www.w3.org/2009/xmlenc11#aes256-gcm', minimumStrength: 256 });
    expect(serializeCpa(cpa)).toBe(serializeCpa(parseCpa(serializeCpa(cpa))));
    expect(serializeCpa(cpa, { prettyPrint: false })).not.toContain('\n  <');
  });

  test('schema defaults are applied to MessagingCharacteristics', () => {
    const xml = g.xml.replace(/<tns:MessagingCharacteristics [^>]*\/>/, '<tns:MessagingCharacteristics/>');
    expect(parseCpa(xml).PartyInfo[0]!.DeliveryChannel[0]!.MessagingCharacteristics)
      .toEqual({ syncReplyMode: 'none', ackRequested: 'perMessage', ackSignatureRequested: 'perMessage', duplicateElimination: 'perMessage' });
  });
});
