import { base64ToPem } from '../pki/certificate.js';
import { GatewayError } from '../errors.js';
import {
  CPPA_NS, DS_NS, XLINK_NS, XML_NS,
  type ActionBinding, type ActionBindingPair, type AlgorithmRef, type BusinessTransactionCharacteristics, type Certificate,
  type CollaborationProtocolAgreement, type CollaborationRole, type CompositeOrEncapsulation, type DeliveryChannel,
  type DocExchange, type EbXMLReceiverBinding, type EbXMLSenderBinding, type EndpointType, type MessageOrderSemantics,
  type Packaging, type PartyInfo, type PerMessageCharacteristic, type PersistenceLevel, type Protocol,
  type ReliableMessaging, type StatusValue, type SyncReplyMode, type Transport,
} from './model.js';
import { CpaReader, DEFAULT_MAX_CPA_BYTES, indexed, parseXmlDocument } from './xml-reader.js';
import { isDuration } from './duration.js';

/**
 * CPPA 2.0 parser (cpp-cpa-2_0.xsd). Namespace-aware and prefix-agnostic; refuses DOCTYPE; size-capped.
 * Lenient on content: missing required parts and elements outside the model are recorded in `parseIssues`
 * (with an XPath-like location) so that `validate` reports every problem, not only the first.
 * Throws GatewayError ERR_CPA_INVALID only when there is no CPA to read at all (not XML, DOCTYPE, wrong root).
 */

const ROOT = '/CollaborationProtocolAgreement';
const PER_MESSAGE = ['always', 'never', 'perMessage'] as const;
const SYNC_REPLY = ['none', 'mshSignalsOnly', 'responseOnly', 'signalsAndResponse', 'signalsOnly'] as const;
const PERSISTENCE = ['none', 'transient', 'persistent', 'transient-and-persistent'] as const;

export interface ParseOptions {
  maxBytes?: number;
}

/**
 * PartyRef/@xlink:href is required by cpp-cpa-2_0.xsd, but its type is anyURI, so an empty value is schema-valid
 * (tools write `xlink:href=""`): a warning, not a STRUCTURE error. A missing attribute stays an error.
 */
function partyRefHref(r: CpaReader, e: Element, path: string): string {
  const v = r.attr(e, 'href', XLINK_NS);
  if (v === '') { r.issue('empty', `${path}/@href`, 'xlink:href is empty (allowed by cpp-cpa-2_0.xsd: anyURI; it names no party description)'); return ''; }
  return r.requiredAttr(e, 'href', path, XLINK_NS);
}

export function parseCpa(xml: string, options: ParseOptions = {}): CollaborationProtocolAgreement {
  const doc = parseXmlDocument(xml, options.maxBytes ?? DEFAULT_MAX_CPA_BYTES);
  const root = doc.documentElement;
  if (root.localName !== 'CollaborationProtocolAgreement' || root.namespaceURI !== CPPA_NS) {
    throw new GatewayError('ERR_CPA_INVALID', `root element is {${root.namespaceURI ?? ''}}${root.localName}, not a CPPA 2.0 CollaborationProtocolAgreement`, {
      problems: [{ path: '/', message: `root element must be {${CPPA_NS}}CollaborationProtocolAgreement`, severity: 'error' }],
    });
  }
  const r = new CpaReader();
  r.checkChildren(root, ROOT, ['Status', 'Start', 'End', 'PartyInfo', 'SimplePart', 'Packaging', 'Comment'], {
    ConversationConstraints: 'unsupported: ConversationConstraints (ignored by the MSH)',
    Signature: 'unsupported: CPA Signature (not verified)',
  });
  const status = r.required(root, 'Status', ROOT);
  const cpa: CollaborationProtocolAgreement = {
    cpaid: r.requiredAttr(root, 'cpaid', ROOT),
    version: r.requiredAttr(root, 'version', ROOT),
    Status: (status ? r.enumAttr(status, 'value', `${ROOT}/Status`, ['agreed', 'signed', 'proposed'] as const) : undefined) ?? ('' as StatusValue),
    Start: readDate(r, root, 'Start'),
    End: readDate(r, root, 'End'),
    PartyInfo: r.children(root, 'PartyInfo').map((p, i) => readPartyInfo(r, p, `${ROOT}/${indexed('PartyInfo', i)}`)),
    SimplePart: r.children(root, 'SimplePart').map((s, i) => {
      const path = `${ROOT}/${indexed('SimplePart', i)}`;
      const mimeparameters = r.attr(s, 'mimeparameters');
      return { id: r.requiredAttr(s, 'id', path), mimetype: r.requiredAttr(s, 'mimetype', path), ...(mimeparameters !== undefined ? { mimeparameters } : {}) };
    }),
    Packaging: r.children(root, 'Packaging').map((p, i) => readPackaging(r, p, `${ROOT}/${indexed('Packaging', i)}`)),
    Comment: r.children(root, 'Comment').map((c) => {
      const lang = c.getAttributeNS(XML_NS, 'lang') || undefined;
      return { value: r.text(c), ...(lang ? { lang } : {}) };
    }),
    parseIssues: r.issues,
  };
  if (cpa.SimplePart.length === 0) r.issue('missing', ROOT, 'at least one SimplePart is required');
  if (cpa.Packaging.length === 0) r.issue('missing', ROOT, 'at least one Packaging is required');
  return cpa;
}

function readDate(r: CpaReader, root: Element, name: 'Start' | 'End'): Date {
  const el = r.required(root, name, ROOT);
  if (!el) return new Date(Number.NaN);
  const text = r.text(el);
  const d = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.test(text) ? new Date(text) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) r.issue('invalid', `${ROOT}/${name}`, `"${text}" is not an xs:dateTime`);
  return d;
}

function opt<K extends string, V>(key: K, v: V | undefined): { [P in K]?: V } {
  return (v === undefined ? {} : { [key]: v }) as { [P in K]?: V };
}

function readProtocol(r: CpaReader, el: Element | undefined): Protocol {
  if (!el) return { value: '' };
  return { value: r.text(el), ...opt('version', r.attr(el, 'version')) };
}

function readPartyInfo(r: CpaReader, el: Element, path: string): PartyInfo {
  r.checkChildren(el, path, ['PartyId', 'PartyRef', 'CollaborationRole', 'Certificate', 'SecurityDetails', 'DeliveryChannel', 'Transport', 'DocExchange', 'OverrideMshActionBinding']);
  const p: PartyInfo = {
    partyName: r.requiredAttr(el, 'partyName', path),
    defaultMshChannelId: r.requiredAttr(el, 'defaultMshChannelId', path),
    defaultMshPackageId: r.requiredAttr(el, 'defaultMshPackageId', path),
    PartyId: r.children(el, 'PartyId').map((e) => ({ value: r.text(e), ...opt('type', r.attr(e, 'type')) })),
    PartyRef: r.children(el, 'PartyRef').map((e, i) => ({
      href: partyRefHref(r, e, `${path}/${indexed('PartyRef', i)}`),
      ...opt('type', r.attr(e, 'type')), ...opt('schemaLocation', r.attr(e, 'schemaLocation')),
    })),
    CollaborationRole: r.children(el, 'CollaborationRole').map((e, i) => readRole(r, e, `${path}/${indexed('CollaborationRole', i)}`)),
    Certificate: r.children(el, 'Certificate').map((e, i) => readCertificate(r, e, `${path}/${indexed('Certificate', i)}`)),
    SecurityDetails: r.children(el, 'SecurityDetails').map((e, i) => {
      const sp = `${path}/${indexed('SecurityDetails', i)}`;
      const ta = r.child(e, 'TrustAnchors');
      if (r.child(e, 'SecurityPolicy')) r.issue('unsupported', `${sp}/SecurityPolicy`, 'unsupported: SecurityPolicy (ignored)');
      return {
        securityId: r.requiredAttr(e, 'securityId', sp),
        AnchorCertificateRef: ta ? r.children(ta, 'AnchorCertificateRef').map((a) => r.attr(a, 'certId') ?? '') : [],
      };
    }),
    DeliveryChannel: r.children(el, 'DeliveryChannel').map((e, i) => readChannel(r, e, `${path}/${indexed('DeliveryChannel', i)}`)),
    Transport: r.children(el, 'Transport').map((e, i) => readTransport(r, e, `${path}/${indexed('Transport', i)}`)),
    DocExchange: r.children(el, 'DocExchange').map((e, i) => readDocExchange(r, e, `${path}/${indexed('DocExchange', i)}`)),
    OverrideMshActionBinding: r.children(el, 'OverrideMshActionBinding').map((e, i) => {
      const op = `${path}/${indexed('OverrideMshActionBinding', i)}`;
      return { action: r.requiredAttr(e, 'action', op), channelId: r.requiredAttr(e, 'channelId', op) };
    }),
  };
  for (const [name, list] of [['PartyId', p.PartyId], ['PartyRef', p.PartyRef], ['CollaborationRole', p.CollaborationRole],
    ['DeliveryChannel', p.DeliveryChannel], ['Transport', p.Transport], ['DocExchange', p.DocExchange]] as const) {
    if (list.length === 0) r.issue('missing', path, `at least one ${name} is required`);
  }
  return p;
}

function readRole(r: CpaReader, el: Element, path: string): CollaborationRole {
  r.checkChildren(el, path, ['ProcessSpecification', 'Role', 'ServiceBinding'], {
    ApplicationCertificateRef: 'unsupported: ApplicationCertificateRef (ignored)',
    ApplicationSecurityDetailsRef: 'unsupported: ApplicationSecurityDetailsRef (ignored)',
  });
  const ps = r.required(el, 'ProcessSpecification', path);
  const role = r.required(el, 'Role', path);
  const sb = r.required(el, 'ServiceBinding', path);
  const psPath = `${path}/ProcessSpecification`;
  const sbPath = `${path}/ServiceBinding`;
  const service = sb ? r.required(sb, 'Service', sbPath) : undefined;
  if (sb) r.checkChildren(sb, sbPath, ['Service', 'CanSend', 'CanReceive']);
  return {
    ProcessSpecification: ps ? {
      name: r.requiredAttr(ps, 'name', psPath), version: r.requiredAttr(ps, 'version', psPath),
      href: r.requiredAttr(ps, 'href', psPath, XLINK_NS), ...opt('uuid', r.attr(ps, 'uuid')),
    } : { name: '', version: '', href: '' },
    Role: role ? { name: r.requiredAttr(role, 'name', `${path}/Role`), href: r.requiredAttr(role, 'href', `${path}/Role`, XLINK_NS) } : { name: '', href: '' },
    ServiceBinding: {
      Service: service ? { value: r.text(service), ...opt('type', r.attr(service, 'type')) } : { value: '' },
      CanSend: sb ? r.children(sb, 'CanSend').map((e, i) => readPair(r, e, `${sbPath}/${indexed('CanSend', i)}`)) : [],
      CanReceive: sb ? r.children(sb, 'CanReceive').map((e, i) => readPair(r, e, `${sbPath}/${indexed('CanReceive', i)}`)) : [],
    },
  };
}

function readPair(r: CpaReader, el: Element, path: string): ActionBindingPair {
  r.checkChildren(el, path, ['ThisPartyActionBinding', 'OtherPartyActionBinding'], {
    CanSend: 'unsupported: nested CanSend (business signals / responses bound to a request)',
    CanReceive: 'unsupported: nested CanReceive (business signals / responses bound to a request)',
  });
  const tpab = r.required(el, 'ThisPartyActionBinding', path);
  const other = r.child(el, 'OtherPartyActionBinding');
  return { ThisPartyActionBinding: readActionBinding(r, tpab, `${path}/ThisPartyActionBinding`), ...opt('OtherPartyActionBinding', other ? r.text(other) : undefined) };
}

function readActionBinding(r: CpaReader, el: Element | undefined, path: string): ActionBinding {
  if (!el) return { id: '', action: '', packageId: '', BusinessTransactionCharacteristics: {}, ChannelId: [] };
  r.checkChildren(el, path, ['BusinessTransactionCharacteristics', 'ChannelId'], { ActionContext: 'unsupported: ActionContext (ignored)' });
  const btc = r.required(el, 'BusinessTransactionCharacteristics', path);
  const channelIds = r.children(el, 'ChannelId').map((c) => r.text(c));
  if (channelIds.length === 0) r.issue('missing', path, 'at least one ChannelId is required');
  return {
    id: r.requiredAttr(el, 'id', path),
    action: r.requiredAttr(el, 'action', path),
    packageId: r.requiredAttr(el, 'packageId', path),
    BusinessTransactionCharacteristics: btc ? readBtc(r, btc, `${path}/BusinessTransactionCharacteristics`) : {},
    ChannelId: channelIds,
  };
}

function readBtc(r: CpaReader, el: Element, path: string): BusinessTransactionCharacteristics {
  const level = (n: string) => r.enumAttr<PersistenceLevel>(el, n, path, PERSISTENCE);
  const dur = (n: string) => {
    const v = r.attr(el, n);
    if (v !== undefined && !isDuration(v)) r.issue('invalid', `${path}/@${n}`, `"${v}" is not an xs:duration`);
    return v;
  };
  return {
    ...opt('isNonRepudiationRequired', r.boolAttr(el, 'isNonRepudiationRequired', path)),
    ...opt('isNonRepudiationReceiptRequired', r.boolAttr(el, 'isNonRepudiationReceiptRequired', path)),
    ...opt('isConfidential', level('isConfidential')),
    ...opt('isAuthenticated', level('isAuthenticated')),
    ...opt('isTamperProof', level('isTamperProof')),
    ...opt('isAuthorizationRequired', r.boolAttr(el, 'isAuthorizationRequired', path)),
    ...opt('isIntelligibleCheckRequired', r.boolAttr(el, 'isIntelligibleCheckRequired', path)),
    ...opt('timeToAcknowledgeReceipt', dur('timeToAcknowledgeReceipt')),
    ...opt('timeToAcknowledgeAcceptance', dur('timeToAcknowledgeAcceptance')),
    ...opt('timeToPerform', dur('timeToPerform')),
    ...opt('retryCount', r.intAttr(el, 'retryCount', path)),
  };
}

function readCertificate(r: CpaReader, el: Element, path: string): Certificate {
  const keyInfo = r.child(el, 'KeyInfo', DS_NS);
  const x509Data = keyInfo ? r.child(keyInfo, 'X509Data', DS_NS) : undefined;
  const x509 = x509Data ? r.child(x509Data, 'X509Certificate', DS_NS) : undefined;
  if (!keyInfo) r.issue('missing', path, 'required element ds:KeyInfo is missing');
  else if (!x509) r.issue('missing', `${path}/KeyInfo`, 'no ds:X509Data/ds:X509Certificate: the certificate cannot be used');
  return { certId: r.requiredAttr(el, 'certId', path), pem: x509 ? base64ToPem(r.text(x509)) : null };
}

function readChannel(r: CpaReader, el: Element, path: string): DeliveryChannel {
  r.checkChildren(el, path, ['MessagingCharacteristics']);
  const mc = r.required(el, 'MessagingCharacteristics', path);
  const mp = `${path}/MessagingCharacteristics`;
  const pm = (n: string) => (mc ? r.enumAttr<PerMessageCharacteristic>(mc, n, mp, PER_MESSAGE, 'perMessage') : undefined) ?? 'perMessage';
  const actor = mc ? r.attr(mc, 'actor') : undefined;
  return {
    channelId: r.requiredAttr(el, 'channelId', path),
    transportId: r.requiredAttr(el, 'transportId', path),
    docExchangeId: r.requiredAttr(el, 'docExchangeId', path),
    MessagingCharacteristics: {
      syncReplyMode: (mc ? r.enumAttr<SyncReplyMode>(mc, 'syncReplyMode', mp, SYNC_REPLY, 'none') : undefined) ?? 'none',
      ackRequested: pm('ackRequested'),
      ackSignatureRequested: pm('ackSignatureRequested'),
      duplicateElimination: pm('duplicateElimination'),
      ...opt('actor', actor),
    },
  };
}

function readTransport(r: CpaReader, el: Element, path: string): Transport {
  r.checkChildren(el, path, ['TransportSender', 'TransportReceiver']);
  const t: Transport = { transportId: r.requiredAttr(el, 'transportId', path) };
  const sender = r.child(el, 'TransportSender');
  if (sender) {
    const sp = `${path}/TransportSender`;
    r.checkChildren(sender, sp, ['TransportProtocol', 'TransportClientSecurity'], { AccessAuthentication: 'unsupported: AccessAuthentication (HTTP Basic/Digest, DK-31)' });
    const tcs = r.child(sender, 'TransportClientSecurity');
    t.TransportSender = {
      TransportProtocol: readProtocol(r, r.required(sender, 'TransportProtocol', sp)),
      ...(tcs ? {
        TransportClientSecurity: {
          TransportSecurityProtocol: readProtocol(r, r.required(tcs, 'TransportSecurityProtocol', `${sp}/TransportClientSecurity`)),
          ...opt('ClientCertificateRef', refAttr(r, tcs, 'ClientCertificateRef', 'certId')),
          ...opt('ServerSecurityDetailsRef', refAttr(r, tcs, 'ServerSecurityDetailsRef', 'securityId')),
        },
      } : {}),
    };
  }
  const receiver = r.child(el, 'TransportReceiver');
  if (receiver) {
    const rp = `${path}/TransportReceiver`;
    r.checkChildren(receiver, rp, ['TransportProtocol', 'Endpoint', 'TransportServerSecurity'], { AccessAuthentication: 'unsupported: AccessAuthentication (HTTP Basic/Digest, DK-31)' });
    const tss = r.child(receiver, 'TransportServerSecurity');
    const endpoints = r.children(receiver, 'Endpoint').map((e, i) => ({
      uri: r.requiredAttr(e, 'uri', `${rp}/${indexed('Endpoint', i)}`),
      type: r.enumAttr<EndpointType>(e, 'type', `${rp}/${indexed('Endpoint', i)}`, ['allPurpose', 'request', 'response', 'error', 'login'] as const, 'allPurpose') ?? 'allPurpose',
    }));
    if (endpoints.length === 0) r.issue('missing', rp, 'at least one Endpoint is required');
    const tssPath = `${rp}/TransportServerSecurity`;
    t.TransportReceiver = {
      TransportProtocol: readProtocol(r, r.required(receiver, 'TransportProtocol', rp)),
      Endpoint: endpoints,
      ...(tss ? {
        TransportServerSecurity: {
          TransportSecurityProtocol: readProtocol(r, r.required(tss, 'TransportSecurityProtocol', tssPath)),
          ServerCertificateRef: refAttr(r, tss, 'ServerCertificateRef', 'certId') ?? (r.issue('missing', tssPath, 'required element ServerCertificateRef is missing'), ''),
          ...opt('ClientSecurityDetailsRef', refAttr(r, tss, 'ClientSecurityDetailsRef', 'securityId')),
        },
      } : {}),
    };
  }
  return t;
}

function refAttr(r: CpaReader, el: Element, name: string, attr: 'certId' | 'securityId'): string | undefined {
  const c = r.child(el, name);
  return c ? (r.attr(c, attr) ?? '') : undefined;
}

function readRm(r: CpaReader, el: Element | undefined, path: string): ReliableMessaging | undefined {
  if (!el) return undefined;
  const retries = r.child(el, 'Retries');
  const interval = r.child(el, 'RetryInterval');
  const order = r.required(el, 'MessageOrderSemantics', path);
  const retriesText = retries ? r.text(retries) : undefined;
  if (retriesText !== undefined && !/^\d+$/.test(retriesText)) r.issue('invalid', `${path}/Retries`, `"${retriesText}" is not a non-negative integer`);
  const intervalText = interval ? r.text(interval) : undefined;
  if (intervalText !== undefined && !isDuration(intervalText)) r.issue('invalid', `${path}/RetryInterval`, `"${intervalText}" is not an xs:duration`);
  const orderText = order ? r.text(order) : 'NotGuaranteed';
  if (orderText !== 'Guaranteed' && orderText !== 'NotGuaranteed') r.issue('invalid', `${path}/MessageOrderSemantics`, `value "${orderText}" is not one of Guaranteed, NotGuaranteed`);
  return {
    ...opt('Retries', retriesText !== undefined && /^\d+$/.test(retriesText) ? Number(retriesText) : undefined),
    ...opt('RetryInterval', intervalText),
    MessageOrderSemantics: orderText as MessageOrderSemantics,
  };
}

function readAlgorithms(r: CpaReader, parent: Element, name: string, path: string): AlgorithmRef[] {
  return r.children(parent, name).map((a, i) => ({
    value: r.text(a), ...opt('w3c', r.attr(a, 'w3c')), ...opt('oid', r.attr(a, 'oid')),
    ...opt('enumerationType', r.attr(a, 'enumerationType')), ...opt('minimumStrength', r.intAttr(a, 'minimumStrength', `${path}/${indexed(name, i)}`)),
  }));
}

function readBindingCommon(r: CpaReader, el: Element, path: string, side: 'Sender' | 'Receiver'): { version: string; ReliableMessaging?: ReliableMessaging; PersistDuration?: string } {
  r.checkChildren(el, path, ['ReliableMessaging', 'PersistDuration', `${side}NonRepudiation`, `${side}DigitalEnvelope`], { NamespaceSupported: 'unsupported: NamespaceSupported (ignored)' });
  const persist = r.child(el, 'PersistDuration');
  const persistText = persist ? r.text(persist) : undefined;
  if (persistText !== undefined && !isDuration(persistText)) r.issue('invalid', `${path}/PersistDuration`, `"${persistText}" is not an xs:duration`);
  const rm = readRm(r, r.child(el, 'ReliableMessaging'), `${path}/ReliableMessaging`);
  return { version: r.requiredAttr(el, 'version', path), ...opt('ReliableMessaging', rm), ...opt('PersistDuration', persistText) };
}

function readNonRepudiation(r: CpaReader, el: Element, path: string) {
  const hash = r.required(el, 'HashFunction', path);
  const algs = readAlgorithms(r, el, 'SignatureAlgorithm', path);
  if (algs.length === 0) r.issue('missing', path, 'at least one SignatureAlgorithm is required');
  return { NonRepudiationProtocol: readProtocol(r, r.required(el, 'NonRepudiationProtocol', path)), HashFunction: hash ? r.text(hash) : '', SignatureAlgorithm: algs };
}

function readEnvelope(r: CpaReader, el: Element, path: string) {
  const algs = readAlgorithms(r, el, 'EncryptionAlgorithm', path);
  if (algs.length === 0) r.issue('missing', path, 'at least one EncryptionAlgorithm is required');
  return { DigitalEnvelopeProtocol: readProtocol(r, r.required(el, 'DigitalEnvelopeProtocol', path)), EncryptionAlgorithm: algs };
}

function readDocExchange(r: CpaReader, el: Element, path: string): DocExchange {
  r.checkChildren(el, path, ['ebXMLSenderBinding', 'ebXMLReceiverBinding']);
  const d: DocExchange = { docExchangeId: r.requiredAttr(el, 'docExchangeId', path) };
  const s = r.child(el, 'ebXMLSenderBinding');
  if (s) {
    const sp = `${path}/ebXMLSenderBinding`;
    const nr = r.child(s, 'SenderNonRepudiation');
    const de = r.child(s, 'SenderDigitalEnvelope');
    const b: EbXMLSenderBinding = readBindingCommon(r, s, sp, 'Sender');
    if (nr) b.SenderNonRepudiation = { ...readNonRepudiation(r, nr, `${sp}/SenderNonRepudiation`), SigningCertificateRef: refAttr(r, nr, 'SigningCertificateRef', 'certId') ?? (r.issue('missing', `${sp}/SenderNonRepudiation`, 'required element SigningCertificateRef is missing'), '') };
    if (de) b.SenderDigitalEnvelope = { ...readEnvelope(r, de, `${sp}/SenderDigitalEnvelope`), ...opt('EncryptionSecurityDetailsRef', refAttr(r, de, 'EncryptionSecurityDetailsRef', 'securityId')) };
    d.ebXMLSenderBinding = b;
  }
  const rc = r.child(el, 'ebXMLReceiverBinding');
  if (rc) {
    const rp = `${path}/ebXMLReceiverBinding`;
    const nr = r.child(rc, 'ReceiverNonRepudiation');
    const de = r.child(rc, 'ReceiverDigitalEnvelope');
    const b: EbXMLReceiverBinding = readBindingCommon(r, rc, rp, 'Receiver');
    if (nr) b.ReceiverNonRepudiation = { ...readNonRepudiation(r, nr, `${rp}/ReceiverNonRepudiation`), ...opt('SigningSecurityDetailsRef', refAttr(r, nr, 'SigningSecurityDetailsRef', 'securityId')) };
    if (de) b.ReceiverDigitalEnvelope = { ...readEnvelope(r, de, `${rp}/ReceiverDigitalEnvelope`), EncryptionCertificateRef: refAttr(r, de, 'EncryptionCertificateRef', 'certId') ?? (r.issue('missing', `${rp}/ReceiverDigitalEnvelope`, 'required element EncryptionCertificateRef is missing'), '') };
    d.ebXMLReceiverBinding = b;
  }
  return d;
}

function readPackaging(r: CpaReader, el: Element, path: string): Packaging {
  const pc = r.required(el, 'ProcessingCapabilities', path);
  return {
    id: r.requiredAttr(el, 'id', path),
    ProcessingCapabilities: { parse: pc ? (r.boolAttr(pc, 'parse', `${path}/ProcessingCapabilities`) ?? false) : false, generate: pc ? (r.boolAttr(pc, 'generate', `${path}/ProcessingCapabilities`) ?? false) : false },
    CompositeList: r.children(el, 'CompositeList').map((cl) => {
      const out: CompositeOrEncapsulation[] = [];
      for (let n = cl.firstChild; n; n = n.nextSibling) {
        if (n.nodeType !== 1) continue;
        const c = n as Element;
        if (c.namespaceURI !== CPPA_NS || (c.localName !== 'Composite' && c.localName !== 'Encapsulation')) continue;
        out.push({
          kind: c.localName, id: r.attr(c, 'id') ?? '', mimetype: r.attr(c, 'mimetype') ?? '', ...opt('mimeparameters', r.attr(c, 'mimeparameters')),
          Constituent: r.children(c, 'Constituent').map((k) => ({
            idref: r.attr(k, 'idref') ?? '', ...opt('excludedFromSignature', r.boolAttr(k, 'excludedFromSignature', path)),
            ...opt('minOccurs', r.intAttr(k, 'minOccurs', path)), ...opt('maxOccurs', r.intAttr(k, 'maxOccurs', path)),
          })),
        });
      }
      return out;
    }),
  };
}
