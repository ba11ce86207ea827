import { randomUUID } from 'node:crypto';
import { ValidationError, type Problem } from '../errors.js';
import { parseCertificate } from '../pki/certificate.js';
import { verifyChain } from '../pki/trust.js';
import type {
  ActionBindingPair, CollaborationProtocolAgreement, DocExchange, PartyInfo,
} from './model.js';
import { serializeCpa } from './serialize.js';
import { checkCpaBeheerFields, type CheckedFields, type Connectietype, type CpaBeheerFields } from './generate-input.js';
import { defaultTemplatesDir, loadBerichtstroomTemplate, loadProfiles, type BerichtstroomTemplate, type DkProfile, type EncryptionVariant, type ProfilesFile } from './templates.js';

/**
 * Generate a Digikoppeling CPA from the CPA Beheer fields (seed 002 §3.3.3) between the hub (knooppunt, data from
 * config) and the adapter of a gemeente or service provider. Service, actions and roles come from
 * cpa-templates/<berichtstroom>.json, channel characteristics from cpa-templates/profiles.json.
 *
 * Certificates: each party gets a ClientCert (TLS client, TransportClientSecurity), a ServerCert (TLS server,
 * TransportServerSecurity) and a SigningCert that is both the XMLDSig signing certificate (SenderNonRepudiation)
 * and the XML Encryption certificate (ReceiverDigitalEnvelope). For the adapter the SigningCert is the client
 * certificate unless a separate `signingCertPem` is given.
 */

/** The hub's own identity (from config). */
export interface HubIdentity {
  name: string;
  oin: string;
  endpoints: Partial<Record<Connectietype, string>>;
  serverCertPem: string;
  clientCertPem: string;
  signingCertPem: string;
}

export interface GenerateOptions {
  hub: HubIdentity;
  /** Clock for the date and certificate checks (default now). */
  now?: Date;
  /** Templates folder (default `<packageRoot>/cpa-templates`). */
  templatesDir?: string;
  /** Version part of the CPAId (default a random UUID). */
  uuid?: string;
  /** The configured trust anchors (tls.trustAnchors): a certificate that does not chain to them is a warning. */
  trustAnchors?: readonly string[];
}

export interface GeneratedCpa {
  cpaId: string;
  cpa: CollaborationProtocolAgreement;
  xml: string;
  warnings: Problem[];
  /** The adapter party: PartyId OIN and, when entered, the HRN it was derived from. */
  party: { partyName: string; oin: string; hrn?: string };
  profile: DkProfile;
  berichtstroom: string;
  /** XML Encryption variant (meaningful for osb-*-e only). */
  encryption: EncryptionVariant;
}

interface PartyData {
  role: { name: string; href: string };
  partyName: string;
  oin: string;
  endpoint: string;
  serverPem: string;
  clientPem: string;
  signingPem: string;
}

/** DK-18: `[ServiceID]_[PartyId-A]_[PartyId-B]_[versie]`, no dots or odd characters (it may become a file name). */
export function makeCpaId(serviceValue: string, hubOin: string, otherOin: string, version: string): string {
  const service = serviceValue.replace(/[^A-Za-z0-9-]+/g, '-');
  return `${service}_${hubOin}_${otherOin}_${version}`.replace(/[^A-Za-z0-9_-]/g, '-');
}

/** Part of an XML ID (NCName) derived from an action name. */
function idPart(s: string): string {
  return s.replace(/[^\w.-]/g, '_');
}

/**
 * Issue 10 item 3: a certificate of the adapter that does not chain to this knooppunt's trust anchors would be
 * refused at the TLS handshake or at the first signed message; say so at generation (a warning: the anchors of a
 * test setup may differ from production).
 */
function untrustedCertificates(v: { serverCert: { pem: string }; clientCert: { pem: string }; signingCert: { pem: string } }, anchors: readonly string[], now: Date): Problem[] {
  const out: Problem[] = [];
  const certs = [['serverCertPem', v.serverCert.pem], ['clientCertPem', v.clientCert.pem], ['signingCertPem', v.signingCert.pem]] as const;
  const seen = new Set<string>();
  for (const [path, pem] of certs) {
    if (seen.has(pem)) continue;
    seen.add(pem);
    try {
      verifyChain(pem, anchors, now, { location: path });
    } catch (e) {
      out.push({ path, severity: 'warning', message: `does not chain to the configured trust anchors (tls.trustAnchors): ${(e as Error).message}` });
    }
  }
  return out;
}

export function generateCpa(fields: CpaBeheerFields, options: GenerateOptions): GeneratedCpa {
  const now = options.now ?? new Date();
  const dir = options.templatesDir ?? defaultTemplatesDir();
  const profiles = loadProfiles(dir);
  const checked = checkCpaBeheerFields(fields, profiles.defaults, now);
  const problems = checked.ok ? [] : [...checked.problems];
  if (checked.ok && !options.hub.endpoints[checked.value.connectietype]) {
    problems.push({ path: 'connectietype', message: `the hub has no ${checked.value.connectietype} endpoint configured` });
  }
  if (!checked.ok || problems.length > 0) {
    throw new ValidationError(`CPA Beheer input is invalid: ${problems.length} problem(s)`, problems);
  }
  const v = checked.value;
  const template = loadBerichtstroomTemplate(v.berichtstroom, dir);
  const hub = options.hub;
  const hubParty: PartyData = {
    role: template.roles.hub, partyName: hub.name, oin: hub.oin, endpoint: hub.endpoints[v.connectietype]!,
    serverPem: parseCertificate(hub.serverCertPem).pem, clientPem: parseCertificate(hub.clientCertPem).pem, signingPem: parseCertificate(hub.signingCertPem).pem,
  };
  const otherParty: PartyData = {
    role: template.roles.other, partyName: v.profielnaam, oin: v.oin, endpoint: v.endpoint,
    serverPem: v.serverCert.pem, clientPem: v.clientCert.pem, signingPem: v.signingCert.pem,
  };
  const cpaId = makeCpaId(template.service.value, hub.oin, v.oin, options.uuid ?? randomUUID());
  const cpa: CollaborationProtocolAgreement = {
    cpaid: cpaId,
    version: profiles.defaults.cpaVersion,
    Status: 'agreed',
    Start: v.start,
    End: v.end,
    PartyInfo: [
      buildParty(hubParty, otherParty, 'hub', v, template, profiles),
      buildParty(otherParty, hubParty, 'other', v, template, profiles),
    ],
    SimplePart: [
      { id: 'MessageHeader', mimetype: 'text/xml' },
      { id: 'Payload', mimetype: 'application/xml' },
    ],
    Packaging: [
      packaging('MshSignalPackage', 'MshSignal', ['MessageHeader']),
      packaging('MessagePackage', 'Message', ['MessageHeader', 'Payload']),
    ],
    Comment: [],
    parseIssues: [],
  };
  return {
    cpaId, cpa, xml: serializeCpa(cpa), warnings: [...checked.warnings, ...(options.trustAnchors ? untrustedCertificates(v, options.trustAnchors, now) : [])],
    party: { partyName: v.profielnaam, oin: v.oin, ...(v.hrn ? { hrn: v.hrn } : {}) },
    profile: v.profile, berichtstroom: v.berichtstroom, encryption: v.encryption,
  };
}

function packaging(id: string, compositeId: string, parts: string[]): CollaborationProtocolAgreement['Packaging'][number] {
  return {
    id,
    ProcessingCapabilities: { parse: true, generate: true },
    CompositeList: [[{ kind: 'Composite', id: compositeId, mimetype: 'multipart/related', mimeparameters: 'type=text/xml', Constituent: parts.map((idref) => ({ idref })) }]],
  };
}

function buildParty(me: PartyData, peer: PartyData, side: 'hub' | 'other', v: CheckedFields, t: BerichtstroomTemplate, profiles: ProfilesFile): PartyInfo {
  const p = profiles.profiles[v.profile];
  const r = me.role.name;
  const ids = {
    client: `${r}_ClientCert`, server: `${r}_ServerCert`, signing: `${r}_SigningCert`,
    channel: `${r}_Channel_${v.profile}`, transport: `${r}_Transport`, docExchange: `${r}_DocExchange_${v.profile}`,
  };
  const btc = { ...p.BusinessTransactionCharacteristics, timeToPerform: t.timeToPerform }; // DK-38
  const binding = (owner: string, kind: 'CanSend' | 'CanReceive', action: string, otherRole: string): ActionBindingPair => ({
    ThisPartyActionBinding: { id: `${owner}_${kind}_${idPart(action)}`, action, packageId: 'MessagePackage', BusinessTransactionCharacteristics: { ...btc }, ChannelId: [ids.channel] },
    OtherPartyActionBinding: `${otherRole}_${kind === 'CanSend' ? 'CanReceive' : 'CanSend'}_${idPart(action)}`,
  });
  const sends = t.actions.filter((a) => a.from === 'both' || a.from === side).map((a) => binding(r, 'CanSend', a.action, peer.role.name));
  const receives = t.actions.filter((a) => a.from === 'both' || a.from !== side).map((a) => binding(r, 'CanReceive', a.action, peer.role.name));
  const mc = p.MessagingCharacteristics;
  return {
    partyName: me.partyName,
    defaultMshChannelId: ids.channel, // DK-34: one default channel for MSH signals with the CPA's profile
    defaultMshPackageId: 'MshSignalPackage',
    PartyId: [{ value: me.oin, type: 'urn:osb:oin' }], // DK-15
    PartyRef: [{ href: `urn:osb:oin:${me.oin}` }],
    CollaborationRole: [{
      ProcessSpecification: { ...t.processSpecification },
      Role: { ...me.role },
      ServiceBinding: { Service: { ...t.service }, CanSend: sends, CanReceive: receives },
    }],
    Certificate: [
      { certId: ids.client, pem: me.clientPem },
      { certId: ids.server, pem: me.serverPem },
      { certId: ids.signing, pem: me.signingPem },
    ],
    SecurityDetails: [],
    DeliveryChannel: [{
      channelId: ids.channel, transportId: ids.transport, docExchangeId: ids.docExchange,
      MessagingCharacteristics: {
        syncReplyMode: p.reliableMessaging ? v.syncReplyMode : 'none', // DK-06: never sync in BE
        ackRequested: mc.ackRequested, ackSignatureRequested: mc.ackSignatureRequested, duplicateElimination: mc.duplicateElimination,
        ...(mc.actor ? { actor: mc.actor } : {}),
      },
    }],
    Transport: [{
      transportId: ids.transport,
      TransportSender: {
        TransportProtocol: { ...profiles.defaults.TransportProtocol },
        TransportClientSecurity: { TransportSecurityProtocol: { ...profiles.defaults.TransportSecurityProtocol }, ClientCertificateRef: ids.client },
      },
      TransportReceiver: {
        TransportProtocol: { ...profiles.defaults.TransportProtocol },
        Endpoint: [{ uri: me.endpoint, type: 'allPurpose' }],
        TransportServerSecurity: { TransportSecurityProtocol: { ...profiles.defaults.TransportSecurityProtocol }, ServerCertificateRef: ids.server },
      },
    }],
    DocExchange: [buildDocExchange(ids.docExchange, ids.signing, v, profiles)],
    OverrideMshActionBinding: [],
  };
}

function buildDocExchange(id: string, signingCertId: string, v: CheckedFields, profiles: ProfilesFile): DocExchange {
  const p = profiles.profiles[v.profile];
  const rm = p.reliableMessaging
    ? { ReliableMessaging: { Retries: v.retries, RetryInterval: v.retryInterval, MessageOrderSemantics: 'NotGuaranteed' as const }, PersistDuration: v.persistDuration }
    : {};
  const sig = profiles.xmlSignature;
  const nr = {
    NonRepudiationProtocol: { ...sig.NonRepudiationProtocol }, HashFunction: sig.HashFunction,
    SignatureAlgorithm: sig.SignatureAlgorithm.map((value) => ({ value })),
  };
  // DK-28 by default; the ebms-core compatible variant (aes256-cbc first, rsa-1_5) only when chosen (issue 18).
  const enc = v.encryption === 'ebms-core' ? profiles.xmlEncryptionEbmsCore : profiles.xmlEncryption;
  const env = { DigitalEnvelopeProtocol: { ...enc.DigitalEnvelopeProtocol }, EncryptionAlgorithm: enc.EncryptionAlgorithm.map((a) => ({ ...a })) };
  return {
    docExchangeId: id,
    ebXMLSenderBinding: {
      version: '2.0', ...rm,
      ...(p.nonRepudiation ? { SenderNonRepudiation: { ...nr, SigningCertificateRef: signingCertId } } : {}),
      ...(p.digitalEnvelope ? { SenderDigitalEnvelope: env } : {}),
    },
    ebXMLReceiverBinding: {
      version: '2.0', ...rm,
      ...(p.nonRepudiation ? { ReceiverNonRepudiation: nr } : {}),
      ...(p.digitalEnvelope ? { ReceiverDigitalEnvelope: { ...env, EncryptionCertificateRef: signingCertId } } : {}),
    },
  };
}
