import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateCpa } from '../../../src/cpa/generate.js';
import { parseCpa } from '../../../src/cpa/parse.js';
import { serializeCpa } from '../../../src/cpa/serialize.js';
import { DK_PROFILES } from '../../../src/cpa/templates.js';
import { toProblems, validateCpa, validateCpaXml } from '../../../src/cpa/validate.js';
import { adapterFields, FIXTURES, hubIdentity } from './cpa-fixtures.js';

const NOW = new Date('2027-01-01T00:00:00Z');
const broken = readFileSync(join(FIXTURES, 'broken-several-defects.xml'), 'utf8');
const rows = (r: { problems: { code: string; severity: string; location: string; message: string }[] }) =>
  r.problems.map((p) => [p.code, p.severity, p.location, p.message]);

describe('validateCpa', () => {
  test('a foreign CPA with several defects: every problem with code, severity and location', () => {
    const r = validateCpaXml(broken, { now: NOW });
    expect(r.valid).toBe(false);
    expect(rows(r)).toEqual([
      ['UNSUPPORTED', 'warning', '/CollaborationProtocolAgreement/ConversationConstraints', 'unsupported: ConversationConstraints (ignored by the MSH)'],
      ['STATUS', 'error', '/CollaborationProtocolAgreement/Status/@value', 'Status is "proposed"; only an agreed CPA can be used'],
      ['EXPIRED', 'error', '/CollaborationProtocolAgreement/End', 'the CPA expired on 2026-12-01T00:00:00Z'],
      ['OIN_FORMAT', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/PartyId[1]', '"1234" is not an OIN: 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)'],
      ['IDREF', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DeliveryChannel[2]/@transportId', '"A_NoSuchTransport" does not resolve to a Transport of this party'],
      ['UNSUPPORTED', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/CollaborationRole[1]/ServiceBinding/CanSend[1]/ThisPartyActionBinding', 'unsupported: 2 ChannelIds for one action (one delivery channel per action)'],
      ['IDREF', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/CollaborationRole[1]/ServiceBinding/CanSend[2]/OtherPartyActionBinding', '"B_Receive_Nothing" does not resolve to a CanReceive action binding of the other party'],
      ['MESSAGING', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DeliveryChannel[1]/MessagingCharacteristics/@duplicateElimination', 'duplicateElimination must be always when ackRequested is always (reliable messaging, DK-07)'],
      ['TLS', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/Transport[1]/TransportSender/TransportClientSecurity/TransportSecurityProtocol/@version', 'TLS 1.0 is not allowed; TLS 1.2 or higher is required (DK-29)'],
      ['TRANSPORT', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/Transport[1]/TransportReceiver/Endpoint[1]/@uri', 'endpoint "http://a.example/ebms" is not an https URL (DK-02)'],
      ['UNSUPPORTED', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/ReliableMessaging/MessageOrderSemantics', 'unsupported: MessageOrderSemantics Guaranteed (message ordering, DK-13)'],
      ['SIGNING', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/SenderNonRepudiation/HashFunction', 'HashFunction http://www.w3.org/2000/09/xmldsig#sha1 is SHA-1, not allowed; SHA-256 or stronger is required (DK-27)'],
      ['SIGNING', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/SenderNonRepudiation/SignatureAlgorithm[1]', 'SignatureAlgorithm http://www.w3.org/2000/09/xmldsig#rsa-sha1 is SHA-1, not allowed; SHA-256 or stronger is required (DK-27)'],
      ['PARTYID_TYPE', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/PartyId[1]/@type', 'PartyId "00000099000000000002" has no type (DK-15)'],
      ['ROLE_COUNT', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]', 'a party has exactly one role in a CPA, found 2: Receiver, Auditor (DK-17)'],
      ['IDREF', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/Transport[1]/TransportReceiver/TransportServerSecurity/ServerCertificateRef/@certId', '"B_NoSuchCert" does not resolve to a Certificate of this party'],
      ['UNSUPPORTED', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/DeliveryChannel[1]/MessagingCharacteristics/@syncReplyMode', 'unsupported: syncReplyMode "signalsOnly" (none or mshSignalsOnly only, DK-06)'],
      ['UNSUPPORTED', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/DeliveryChannel[1]/MessagingCharacteristics/@actor', 'unsupported: actor nextMSH (multi-hop is never used, DK-14)'],
      ['RELIABILITY', 'warning', '/CollaborationProtocolAgreement/PartyInfo[2]/DocExchange[1]/ebXMLSenderBinding', 'no ReliableMessaging (Retries, RetryInterval) for a reliable channel: the message is sent once'],
      ['UNSUPPORTED', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/Transport[1]/TransportReceiver/TransportProtocol', 'unsupported: transport protocol "SMTP" (only HTTP over TLS, DK-02)'],
      ['UNSUPPORTED', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/Transport[1]/TransportReceiver', 'unsupported: 2 endpoints in one transport (one allPurpose endpoint only)'],
      ['ENCRYPTION', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/DocExchange[1]/ebXMLReceiverBinding/ReceiverDigitalEnvelope/EncryptionAlgorithm[1]', 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc (3DES) must not be used for encryption (DK-28)'],
      ['CERTIFICATE', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/Certificate[1]', 'certificate "B_ExpiredCert" expired on 2020-01-01T00:00:00.000Z'],
      ['CERTIFICATE', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/Certificate[2]', 'certificate "B_BrokenCert" cannot be parsed: error:0680009B:asn1 encoding routines::too long'],
      ['CANSEND_UNMATCHED', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/CollaborationRole[1]/ServiceBinding/CanSend[2]', 'no CanReceive at the other party for service "Svc:1:0" action "Cancel"'],
    ]);
  });

  test('SHA-1 signing is a warning only behind allowLegacySha1', () => {
    const r = validateCpaXml(broken, { now: NOW, allowLegacySha1: true });
    expect(rows(r).filter((p) => p[0] === 'SIGNING')).toEqual([
      ['SIGNING', 'warning', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/SenderNonRepudiation/HashFunction', 'HashFunction http://www.w3.org/2000/09/xmldsig#sha1 is SHA-1, accepted as legacy (allowLegacySha1); DK-27 requires SHA-2'],
      ['SIGNING', 'warning', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/SenderNonRepudiation/SignatureAlgorithm[1]', 'SignatureAlgorithm http://www.w3.org/2000/09/xmldsig#rsa-sha1 is SHA-1, accepted as legacy (allowLegacySha1); DK-27 requires SHA-2'],
    ]);
  });

  test.each(DK_PROFILES)('a generated %s CPA has no problems at all', (profile) => {
    const g = generateCpa(adapterFields({ profile }), { hub: hubIdentity() });
    expect(validateCpa(parseCpa(g.xml))).toEqual({ valid: true, problems: [] });
  });

  test('an empty PartyRef xlink:href (anyURI, allowed by cpp-cpa-2_0.xsd) is a warning, a missing one a STRUCTURE error (issue 10 item 9)', () => {
    const g = generateCpa(adapterFields(), { hub: hubIdentity() });
    const empty = g.xml.replace(/(<(?:\w+:)?PartyRef\b[^>]*?xlink:href=")[^"]*(")/, '$1$2');
    expect(empty).not.toBe(g.xml);
    const r = validateCpaXml(empty);
    expect(r.valid).toBe(true);
    expect(r.problems).toEqual([{ code: 'EMPTY_VALUE', severity: 'warning', location: '/CollaborationProtocolAgreement/PartyInfo[1]/PartyRef[1]/@href', message: 'xlink:href is empty (allowed by cpp-cpa-2_0.xsd: anyURI; it names no party description)' }]);
    const missing = validateCpaXml(g.xml.replace(/(<(?:\w+:)?PartyRef\b[^>]*?) xlink:href="[^"]*"/, '$1'));
    expect(missing.valid).toBe(false);
    expect(missing.problems.map((p) => [p.code, p.severity, p.location])).toEqual([['STRUCTURE', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/PartyRef[1]/@href']]);
  });

  test('Start >= End, more than two parties, duplicate ids and a dangling defaultMshChannelId', () => {
    const g = generateCpa(adapterFields(), { hub: hubIdentity() });
    const cpa = parseCpa(g.xml);
    cpa.End = new Date(cpa.Start.getTime());
    cpa.PartyInfo[1]!.defaultMshChannelId = 'Nope';
    cpa.PartyInfo[1]!.DeliveryChannel[0]!.channelId = cpa.PartyInfo[0]!.DeliveryChannel[0]!.channelId;
    cpa.PartyInfo.push(structuredClone(cpa.PartyInfo[1]!));
    const r = validateCpa(cpa, { now: new Date(cpa.Start.getTime() - 1000) });
    const codes = rows(r).filter((p) => ['PERIOD', 'PARTY_COUNT', 'DUPLICATE_ID', 'NOT_YET_ACTIVE'].includes(p[0]!) || (p[0] === 'IDREF' && p[2]!.endsWith('@defaultMshChannelId')));
    expect(codes[0]).toEqual(['PERIOD', 'error', '/CollaborationProtocolAgreement/End', `End ${g.cpa.Start.toISOString().replace('.000Z', 'Z')} is not after Start ${g.cpa.Start.toISOString().replace('.000Z', 'Z')}`]);
    expect(codes[1]).toEqual(['NOT_YET_ACTIVE', 'warning', '/CollaborationProtocolAgreement/Start', `the CPA is not active before ${g.cpa.Start.toISOString().replace('.000Z', 'Z')}`]);
    expect(codes[2]).toEqual(['PARTY_COUNT', 'error', '/CollaborationProtocolAgreement', 'exactly two PartyInfo elements are required, found 3']);
    expect(codes[3]).toEqual(['DUPLICATE_ID', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/DeliveryChannel[1]/@channelId', 'id "Knooppunt_Channel_osb-rm-s" is also used at /CollaborationProtocolAgreement/PartyInfo[1]/DeliveryChannel[1]/@channelId']);
    expect(codes).toContainEqual(['IDREF', 'error', '/CollaborationProtocolAgreement/PartyInfo[2]/@defaultMshChannelId', '"Nope" does not resolve to a DeliveryChannel of this party']);
  });

  test('structural defects found by the parser are reported with their location', () => {
    const xml = serializeCpa(generateCpa(adapterFields(), { hub: hubIdentity() }).cpa)
      .replace(/<tns:Status tns:value="agreed"\/>/, '')
      .replace('tns:ackRequested="always"', 'tns:ackRequested="sometimes"')
      .replace('<tns:PersistDuration>P1DT3H</tns:PersistDuration>', '<tns:PersistDuration>1 day</tns:PersistDuration><tns:Extra/>');
    const r = validateCpaXml(xml);
    expect(rows(r).slice(0, 4)).toEqual([
      ['STRUCTURE', 'error', '/CollaborationProtocolAgreement', 'required element Status is missing'],
      ['INVALID_VALUE', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DeliveryChannel[1]/MessagingCharacteristics/@ackRequested', 'value "sometimes" is not one of always, never, perMessage'],
      ['UNKNOWN_ELEMENT', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/Extra', 'element {http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd}Extra is not part of the supported CPA model'],
      ['INVALID_VALUE', 'error', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/PersistDuration', '"1 day" is not an xs:duration'],
    ]);
  });

  test('a document that is not a CPA gives one XML problem; toProblems maps to API problems', () => {
    const r = validateCpaXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "x">]><x/>');
    expect(r).toEqual({ valid: false, problems: [{ code: 'XML', severity: 'error', location: '/', message: 'CPA contains a DOCTYPE declaration; DTDs are never processed' }] });
    expect(toProblems(r.problems)).toEqual([{ path: '/', severity: 'error', message: 'XML: CPA contains a DOCTYPE declaration; DTDs are never processed' }]);
  });
});
