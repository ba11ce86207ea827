import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { pemToBase64 } from '../pki/certificate.js';
import {
  CPPA_NS, DS_NS, XLINK_NS, XML_NS,
  type ActionBindingPair, type AlgorithmRef, type BusinessTransactionCharacteristics, type CollaborationProtocolAgreement,
  type DocExchange, type EbXMLReceiverBinding, type EbXMLSenderBinding, type PartyInfo, type Protocol, type Transport,
} from './model.js';

/**
 * CPPA 2.0 serializer (xmlbuilder2). Deterministic: element order is the schema's sequence, attributes in a fixed
 * order, prefixes `tns`/`ds`/`xlink` (as in Digikoppeling CPAs, BP ch03), dateTimes in UTC without milliseconds
 * unless present. `parseCpa(serializeCpa(m))` returns `m` (parseIssues are never written).
 */

type Attrs = Record<string, string | number | boolean | undefined>;
const XMLNS = 'http://www.w3.org/2000/xmlns/';

function el(parent: XMLBuilder, name: string, attrs: Attrs = {}, text?: string): XMLBuilder {
  const e = parent.ele(CPPA_NS, `tns:${name}`);
  setAttrs(e, attrs);
  if (text !== undefined) e.txt(text);
  return e;
}

/** Attribute keys: plain = tns-qualified; `xlink:x` = xlink namespace; `xml:lang` = xml namespace. */
function setAttrs(e: XMLBuilder, attrs: Attrs): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined) continue;
    if (k.startsWith('xlink:')) e.att(XLINK_NS, k, String(v));
    else if (k.startsWith('xml:')) e.att(XML_NS, k, String(v));
    else e.att(CPPA_NS, `tns:${k}`, String(v));
  }
}

export function formatDateTime(d: Date): string {
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z');
}

export interface SerializeOptions {
  /** Indent for readability (default true). */
  prettyPrint?: boolean;
}

export function serializeCpa(cpa: CollaborationProtocolAgreement, options: SerializeOptions = {}): string {
  const doc = create({ version: '1.0', encoding: 'UTF-8' });
  const root = doc.ele(CPPA_NS, 'tns:CollaborationProtocolAgreement');
  root.att(XMLNS, 'xmlns:tns', CPPA_NS).att(XMLNS, 'xmlns:ds', DS_NS).att(XMLNS, 'xmlns:xlink', XLINK_NS);
  setAttrs(root, { cpaid: cpa.cpaid, version: cpa.version });
  el(root, 'Status', { value: cpa.Status });
  el(root, 'Start', {}, formatDateTime(cpa.Start));
  el(root, 'End', {}, formatDateTime(cpa.End));
  for (const p of cpa.PartyInfo) writePartyInfo(root, p);
  for (const s of cpa.SimplePart) el(root, 'SimplePart', { id: s.id, mimetype: s.mimetype, mimeparameters: s.mimeparameters });
  for (const pk of cpa.Packaging) {
    const pe = el(root, 'Packaging', { id: pk.id });
    el(pe, 'ProcessingCapabilities', { parse: pk.ProcessingCapabilities.parse, generate: pk.ProcessingCapabilities.generate });
    for (const list of pk.CompositeList) {
      const le = el(pe, 'CompositeList');
      for (const c of list) {
        const ce = el(le, c.kind, { id: c.id, mimetype: c.mimetype, mimeparameters: c.mimeparameters });
        for (const k of c.Constituent) el(ce, 'Constituent', { idref: k.idref, excludedFromSignature: k.excludedFromSignature, minOccurs: k.minOccurs, maxOccurs: k.maxOccurs });
      }
    }
  }
  for (const c of cpa.Comment) el(root, 'Comment', { 'xml:lang': c.lang }, c.value);
  return doc.end({ prettyPrint: options.prettyPrint ?? true, headless: false });
}

function protocol(parent: XMLBuilder, name: string, p: Protocol): void {
  el(parent, name, { version: p.version }, p.value);
}

function writePartyInfo(root: XMLBuilder, p: PartyInfo): void {
  const pe = el(root, 'PartyInfo', { partyName: p.partyName, defaultMshChannelId: p.defaultMshChannelId, defaultMshPackageId: p.defaultMshPackageId });
  for (const id of p.PartyId) el(pe, 'PartyId', { type: id.type }, id.value);
  for (const ref of p.PartyRef) el(pe, 'PartyRef', { 'xlink:type': 'simple', 'xlink:href': ref.href, type: ref.type, schemaLocation: ref.schemaLocation });
  for (const cr of p.CollaborationRole) {
    const ce = el(pe, 'CollaborationRole');
    const ps = cr.ProcessSpecification;
    el(ce, 'ProcessSpecification', { name: ps.name, version: ps.version, 'xlink:type': 'simple', 'xlink:href': ps.href, uuid: ps.uuid });
    el(ce, 'Role', { name: cr.Role.name, 'xlink:type': 'simple', 'xlink:href': cr.Role.href });
    const sb = el(ce, 'ServiceBinding');
    el(sb, 'Service', { type: cr.ServiceBinding.Service.type }, cr.ServiceBinding.Service.value);
    for (const s of cr.ServiceBinding.CanSend) writePair(sb, 'CanSend', s);
    for (const s of cr.ServiceBinding.CanReceive) writePair(sb, 'CanReceive', s);
  }
  for (const c of p.Certificate) {
    const ce = el(pe, 'Certificate', { certId: c.certId });
    const ki = ce.ele(DS_NS, 'ds:KeyInfo');
    if (c.pem !== null) ki.ele(DS_NS, 'ds:X509Data').ele(DS_NS, 'ds:X509Certificate').txt(pemToBase64(c.pem));
  }
  for (const s of p.SecurityDetails) {
    const se = el(pe, 'SecurityDetails', { securityId: s.securityId });
    if (s.AnchorCertificateRef.length > 0) {
      const ta = el(se, 'TrustAnchors');
      for (const a of s.AnchorCertificateRef) el(ta, 'AnchorCertificateRef', { certId: a });
    }
  }
  for (const d of p.DeliveryChannel) {
    const de = el(pe, 'DeliveryChannel', { channelId: d.channelId, transportId: d.transportId, docExchangeId: d.docExchangeId });
    const m = d.MessagingCharacteristics;
    el(de, 'MessagingCharacteristics', {
      syncReplyMode: m.syncReplyMode, ackRequested: m.ackRequested, ackSignatureRequested: m.ackSignatureRequested,
      duplicateElimination: m.duplicateElimination, actor: m.actor,
    });
  }
  for (const t of p.Transport) writeTransport(pe, t);
  for (const d of p.DocExchange) writeDocExchange(pe, d);
  for (const o of p.OverrideMshActionBinding) el(pe, 'OverrideMshActionBinding', { action: o.action, channelId: o.channelId });
}

function btcAttrs(b: BusinessTransactionCharacteristics): Attrs {
  return {
    isNonRepudiationRequired: b.isNonRepudiationRequired, isNonRepudiationReceiptRequired: b.isNonRepudiationReceiptRequired,
    isConfidential: b.isConfidential, isAuthenticated: b.isAuthenticated, isTamperProof: b.isTamperProof,
    isAuthorizationRequired: b.isAuthorizationRequired, isIntelligibleCheckRequired: b.isIntelligibleCheckRequired,
    timeToAcknowledgeReceipt: b.timeToAcknowledgeReceipt, timeToAcknowledgeAcceptance: b.timeToAcknowledgeAcceptance,
    timeToPerform: b.timeToPerform, retryCount: b.retryCount,
  };
}

function writePair(sb: XMLBuilder, name: 'CanSend' | 'CanReceive', pair: ActionBindingPair): void {
  const pe = el(sb, name);
  const b = pair.ThisPartyActionBinding;
  const te = el(pe, 'ThisPartyActionBinding', { id: b.id, action: b.action, packageId: b.packageId });
  el(te, 'BusinessTransactionCharacteristics', btcAttrs(b.BusinessTransactionCharacteristics));
  for (const c of b.ChannelId) el(te, 'ChannelId', {}, c);
  if (pair.OtherPartyActionBinding !== undefined) el(pe, 'OtherPartyActionBinding', {}, pair.OtherPartyActionBinding);
}

function writeTransport(pe: XMLBuilder, t: Transport): void {
  const te = el(pe, 'Transport', { transportId: t.transportId });
  if (t.TransportSender) {
    const se = el(te, 'TransportSender');
    protocol(se, 'TransportProtocol', t.TransportSender.TransportProtocol);
    const cs = t.TransportSender.TransportClientSecurity;
    if (cs) {
      const ce = el(se, 'TransportClientSecurity');
      protocol(ce, 'TransportSecurityProtocol', cs.TransportSecurityProtocol);
      if (cs.ClientCertificateRef !== undefined) el(ce, 'ClientCertificateRef', { certId: cs.ClientCertificateRef });
      if (cs.ServerSecurityDetailsRef !== undefined) el(ce, 'ServerSecurityDetailsRef', { securityId: cs.ServerSecurityDetailsRef });
    }
  }
  if (t.TransportReceiver) {
    const re = el(te, 'TransportReceiver');
    protocol(re, 'TransportProtocol', t.TransportReceiver.TransportProtocol);
    for (const ep of t.TransportReceiver.Endpoint) el(re, 'Endpoint', { uri: ep.uri, type: ep.type });
    const ss = t.TransportReceiver.TransportServerSecurity;
    if (ss) {
      const se = el(re, 'TransportServerSecurity');
      protocol(se, 'TransportSecurityProtocol', ss.TransportSecurityProtocol);
      el(se, 'ServerCertificateRef', { certId: ss.ServerCertificateRef });
      if (ss.ClientSecurityDetailsRef !== undefined) el(se, 'ClientSecurityDetailsRef', { securityId: ss.ClientSecurityDetailsRef });
    }
  }
}

function algorithms(parent: XMLBuilder, name: string, list: AlgorithmRef[]): void {
  for (const a of list) el(parent, name, { minimumStrength: a.minimumStrength, oid: a.oid, w3c: a.w3c, enumerationType: a.enumerationType }, a.value);
}

function bindingCommon(be: XMLBuilder, b: EbXMLSenderBinding | EbXMLReceiverBinding): void {
  if (b.ReliableMessaging) {
    const rm = el(be, 'ReliableMessaging');
    if (b.ReliableMessaging.Retries !== undefined) el(rm, 'Retries', {}, String(b.ReliableMessaging.Retries));
    if (b.ReliableMessaging.RetryInterval !== undefined) el(rm, 'RetryInterval', {}, b.ReliableMessaging.RetryInterval);
    el(rm, 'MessageOrderSemantics', {}, b.ReliableMessaging.MessageOrderSemantics);
  }
  if (b.PersistDuration !== undefined) el(be, 'PersistDuration', {}, b.PersistDuration);
}

function writeDocExchange(pe: XMLBuilder, d: DocExchange): void {
  const de = el(pe, 'DocExchange', { docExchangeId: d.docExchangeId });
  const s = d.ebXMLSenderBinding;
  if (s) {
    const se = el(de, 'ebXMLSenderBinding', { version: s.version });
    bindingCommon(se, s);
    if (s.SenderNonRepudiation) {
      const nr = el(se, 'SenderNonRepudiation');
      protocol(nr, 'NonRepudiationProtocol', s.SenderNonRepudiation.NonRepudiationProtocol);
      el(nr, 'HashFunction', {}, s.SenderNonRepudiation.HashFunction);
      algorithms(nr, 'SignatureAlgorithm', s.SenderNonRepudiation.SignatureAlgorithm);
      el(nr, 'SigningCertificateRef', { certId: s.SenderNonRepudiation.SigningCertificateRef });
    }
    if (s.SenderDigitalEnvelope) {
      const env = el(se, 'SenderDigitalEnvelope');
      protocol(env, 'DigitalEnvelopeProtocol', s.SenderDigitalEnvelope.DigitalEnvelopeProtocol);
      algorithms(env, 'EncryptionAlgorithm', s.SenderDigitalEnvelope.EncryptionAlgorithm);
      if (s.SenderDigitalEnvelope.EncryptionSecurityDetailsRef !== undefined) el(env, 'EncryptionSecurityDetailsRef', { securityId: s.SenderDigitalEnvelope.EncryptionSecurityDetailsRef });
    }
  }
  const r = d.ebXMLReceiverBinding;
  if (r) {
    const re = el(de, 'ebXMLReceiverBinding', { version: r.version });
    bindingCommon(re, r);
    if (r.ReceiverNonRepudiation) {
      const nr = el(re, 'ReceiverNonRepudiation');
      protocol(nr, 'NonRepudiationProtocol', r.ReceiverNonRepudiation.NonRepudiationProtocol);
      el(nr, 'HashFunction', {}, r.ReceiverNonRepudiation.HashFunction);
      algorithms(nr, 'SignatureAlgorithm', r.ReceiverNonRepudiation.SignatureAlgorithm);
      if (r.ReceiverNonRepudiation.SigningSecurityDetailsRef !== undefined) el(nr, 'SigningSecurityDetailsRef', { securityId: r.ReceiverNonRepudiation.SigningSecurityDetailsRef });
    }
    if (r.ReceiverDigitalEnvelope) {
      const env = el(re, 'ReceiverDigitalEnvelope');
      protocol(env, 'DigitalEnvelopeProtocol', r.ReceiverDigitalEnvelope.DigitalEnvelopeProtocol);
      algorithms(env, 'EncryptionAlgorithm', r.ReceiverDigitalEnvelope.EncryptionAlgorithm);
      el(env, 'EncryptionCertificateRef', { certId: r.ReceiverDigitalEnvelope.EncryptionCertificateRef });
    }
  }
}
