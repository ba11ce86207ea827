import { X509Certificate } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { durationToMs } from '../../../src/cpa/duration.js';
import { generateCpa } from '../../../src/cpa/generate.js';
import type { CpaBeheerFields } from '../../../src/cpa/generate-input.js';
import { adapterFields, hubIdentity, xmllint } from './cpa-fixtures.js';

/**
 * Issue 18 §3: what eluinstra/ebms-core 2.20 relies on when it imports and uses a generated CPA, one test per rule.
 * The CPA is read here the way ebms-core reads it (its JAXB model navigated by CPAValidator, CPAQuery, CPAUtils,
 * EbMSMessageFactory, SecurityUtils), with a plain DOM — not through knooppunt's own parser. The rules and their
 * ebms-core classes are listed in docs/ebms-core-cpa.md.
 */

const CPA = 'http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const TO_PARTY_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH';
/** SecurityUtils.generateKey: the data ciphers ebms-core can encrypt with. */
const EBMS_CORE_KEYS = ['http://www.w3.org/2001/04/xmlenc#aes128-cbc', 'http://www.w3.org/2001/04/xmlenc#aes192-cbc', 'http://www.w3.org/2001/04/xmlenc#aes256-cbc', 'http://www.w3.org/2001/04/xmlenc#tripledes-cbc'];

const hub = hubIdentity();
type Variant = { name: string; fields: Partial<CpaBeheerFields> };
const VARIANTS: Variant[] = [
  ...['osb-be', 'osb-rm', 'osb-be-s', 'osb-rm-s', 'osb-be-e', 'osb-rm-e'].map((profile) => ({ name: profile, fields: { profile } })),
  { name: 'osb-rm mshSignalsOnly', fields: { profile: 'osb-rm', syncReplyMode: 'mshSignalsOnly' } },
  { name: 'osb-be-e ebms-core', fields: { profile: 'osb-be-e', encryption: 'ebms-core' } },
  { name: 'osb-rm-e ebms-core', fields: { profile: 'osb-rm-e', encryption: 'ebms-core' } },
];

const kids = (el: Element, name: string): Element[] => Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1 && (n as Element).namespaceURI === CPA && (n as Element).localName === name);
const kid = (el: Element, name: string): Element | undefined => kids(el, name)[0];
const all = (el: Element | Document, name: string): Element[] => Array.from(el.getElementsByTagNameNS(CPA, name));
const attr = (el: Element, name: string): string | null => (el.hasAttributeNS(CPA, name) ? el.getAttributeNS(CPA, name) : null);
const text = (el: Element | undefined): string => (el?.textContent ?? '').trim();

interface Read { doc: Document; root: Element; parties: Element[]; xml: string; profile: string }

function read(v: Variant): Read {
  const g = generateCpa(adapterFields(v.fields), { hub });
  const doc = new DOMParser().parseFromString(g.xml, 'text/xml') as unknown as Document;
  return { doc, root: doc.documentElement, parties: kids(doc.documentElement, 'PartyInfo'), xml: g.xml, profile: g.profile };
}

/** IDREFs resolve inside a party the way JAXB's @XmlIDREF does (by id attribute). */
function byId(party: Element, element: string, idAttr: string, id: string | null): Element {
  const hit = kids(party, element).find((e) => attr(e, idAttr) === id);
  if (!hit) throw new Error(`${element} "${id}" does not resolve`);
  return hit;
}
const channelOf = (party: Element, id: string | null) => byId(party, 'DeliveryChannel', 'channelId', id);
const docExchangeOf = (party: Element, channel: Element) => byId(party, 'DocExchange', 'docExchangeId', attr(channel, 'docExchangeId'));
const actionBindings = (party: Element) => all(party, 'ThisPartyActionBinding');

describe.each(VARIANTS)('generated CPA $name, read as ebms-core reads it', (v) => {
  const r = read(v);
  const signed = r.profile.endsWith('-s') || r.profile.endsWith('-e');
  const reliable = r.profile.startsWith('osb-rm');

  test('passes the OASIS cpp-cpa-2_0.xsd (xmllint); CPAValidator: version 2_0b, agreed, Start before End', () => {
    const [status, out] = xmllint(r.xml);
    expect([status, out.trim()]).toEqual([0, 'cpa.xml validates']);
    expect(attr(r.root, 'version')).toBe('2_0b');
    expect(attr(kid(r.root, 'Status')!, 'value')).toBe('agreed');
    expect(new Date(text(kid(r.root, 'Start'))).getTime()).toBeLessThan(new Date(text(kid(r.root, 'End'))).getTime());
  });

  test('the three boolean BusinessTransactionCharacteristics attributes are explicit on every action (CPAValidator, CPAQuery unbox them)', () => {
    const btcs = all(r.doc, 'BusinessTransactionCharacteristics');
    expect(btcs.length).toBe(r.parties.reduce((n, p) => n + actionBindings(p).length, 0));
    for (const b of btcs) {
      for (const a of ['isNonRepudiationRequired', 'isNonRepudiationReceiptRequired', 'isIntelligibleCheckRequired']) {
        expect([a, attr(b, a)]).toEqual([a, expect.stringMatching(/^(true|false)$/)]);
      }
    }
  });

  test('every DocExchange has both ebXMLSenderBinding and ebXMLReceiverBinding, also for best effort (CPAValidator.validateChannel, CPAUtils)', () => {
    for (const p of r.parties) {
      for (const d of kids(p, 'DocExchange')) {
        expect(kids(d, 'ebXMLSenderBinding')).toHaveLength(1);
        expect(kids(d, 'ebXMLReceiverBinding')).toHaveLength(1);
      }
    }
  });

  test('one Transport per party with HTTP on both sides and exactly one allPurpose https Endpoint (CPAValidator.validateTransport, CPAUtils.getUri)', () => {
    for (const p of r.parties) {
      const transports = kids(p, 'Transport');
      expect(transports).toHaveLength(1);
      const t = transports[0]!;
      expect(text(kid(kid(t, 'TransportSender')!, 'TransportProtocol'))).toBe('HTTP');
      const receiver = kid(t, 'TransportReceiver')!;
      expect(text(kid(receiver, 'TransportProtocol'))).toBe('HTTP');
      const endpoints = kids(receiver, 'Endpoint');
      expect(endpoints).toHaveLength(1);
      expect(attr(endpoints[0]!, 'type')).toBe('allPurpose');
      expect(attr(endpoints[0]!, 'uri')).toMatch(/^https:\/\//);
    }
  });

  test('exactly one ChannelId per action, resolving to a DeliveryChannel of that party (CPAValidator; CPAQuery takes the first)', () => {
    for (const p of r.parties) {
      for (const b of actionBindings(p)) {
        const ids = kids(b, 'ChannelId');
        expect(ids).toHaveLength(1);
        expect(() => channelOf(p, text(ids[0]))).not.toThrow();
      }
    }
  });

  test('the default MSH channel carries the signing certificate and, when reliable, the actor toPartyMSH (CPAQuery.getDefaultDeliveryChannel, EbMSMessageFactory)', () => {
    for (const p of r.parties) {
      const channel = channelOf(p, attr(p, 'defaultMshChannelId'));
      const mc = kid(channel, 'MessagingCharacteristics')!;
      expect(attr(mc, 'actor')).toBe(reliable ? TO_PARTY_MSH : null);
      expect(attr(mc, 'ackRequested')).toBe(reliable ? 'always' : 'never');
      const snr = kid(kid(docExchangeOf(p, channel), 'ebXMLSenderBinding')!, 'SenderNonRepudiation');
      if (!signed) {
        expect(snr).toBeUndefined();
        continue;
      }
      // CPAUtils.getSigningCertificate: SenderNonRepudiation/SigningCertificateRef -> a Certificate of this party
      const cert = byId(p, 'Certificate', 'certId', attr(kid(snr!, 'SigningCertificateRef')!, 'certId'));
      expect(attr(cert, 'certId')).toMatch(/_SigningCert$/);
    }
  });

  test('algorithm URIs are element text, and a w3c attribute equals it (CPAUtils.getEncryptionAlgorithm/getSignatureAlgorithm: w3c, else the text)', () => {
    for (const el of [...all(r.doc, 'EncryptionAlgorithm'), ...all(r.doc, 'SignatureAlgorithm'), ...all(r.doc, 'HashFunction'), ...all(r.doc, 'NonRepudiationProtocol')]) {
      expect(text(el)).toMatch(/^http:\/\/www\.w3\.org\/\S+$/);
      const w3c = attr(el, 'w3c');
      if (w3c !== null) expect(w3c).toBe(text(el));
    }
    expect(all(r.doc, 'SignatureAlgorithm').length > 0).toBe(signed);
  });

  test('certificates are ds:KeyInfo/ds:X509Data/ds:X509Certificate holding one parseable certificate (CPAUtils.getX509Certificate)', () => {
    for (const p of r.parties) {
      for (const c of kids(p, 'Certificate')) {
        const keyInfo = Array.from(c.getElementsByTagNameNS(DS, 'KeyInfo'));
        expect(keyInfo).toHaveLength(1);
        const der = Array.from(keyInfo[0]!.getElementsByTagNameNS(DS, 'X509Data')).flatMap((d) => Array.from(d.getElementsByTagNameNS(DS, 'X509Certificate')));
        expect(der).toHaveLength(1);
        expect(() => new X509Certificate(Buffer.from(text(der[0]), 'base64'))).not.toThrow();
      }
    }
  });

  test('encryption: ebms-core encrypts with the first EncryptionAlgorithm (CPAUtils.getEncryptionAlgorithm) — one SecurityUtils.generateKey knows in the ebms-core variant', () => {
    const envelopes = all(r.doc, 'ReceiverDigitalEnvelope');
    expect(envelopes.length > 0).toBe(r.profile.endsWith('-e'));
    for (const env of envelopes) {
      const first = kids(env, 'EncryptionAlgorithm')[0]!;
      const uri = attr(first, 'w3c') ?? text(first);
      if (v.fields.encryption === 'ebms-core') expect(EBMS_CORE_KEYS).toContain(uri);
      else expect(uri).toBe('http://www.w3.org/2009/xmlenc11#aes256-gcm'); // DK-28; ebms-core cannot send with this (issue 18)
    }
  });

  test('PersistDuration >= TimeToLive = RetryInterval x (Retries + 1) (DK-08; EbMSMessageFactory.createTimeToLive, CPAUtils.getPersistTime)', () => {
    for (const p of r.parties) {
      const d = docExchangeOf(p, channelOf(p, attr(p, 'defaultMshChannelId')));
      const sender = kid(d, 'ebXMLSenderBinding')!;
      const receiver = kid(d, 'ebXMLReceiverBinding')!;
      const rm = kid(sender, 'ReliableMessaging');
      if (!reliable) {
        expect(rm).toBeUndefined();
        continue;
      }
      // createTimeToLive reads the sender's ReliableMessaging; getPersistTime the receiver's PersistDuration
      const ttl = durationToMs(text(kid(rm!, 'RetryInterval'))) * (Number(text(kid(rm!, 'Retries'))) + 1);
      expect(durationToMs(text(kid(receiver, 'PersistDuration')))).toBeGreaterThanOrEqual(ttl);
      // CPAUtils.getRetryInterval reads the receiver's ReliableMessaging: present too
      expect(kid(receiver, 'ReliableMessaging')).toBeDefined();
    }
  });
});
