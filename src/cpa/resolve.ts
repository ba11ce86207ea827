import type {
  ActionBindingPair, Certificate, CollaborationProtocolAgreement, CollaborationRole, DeliveryChannel, DocExchange,
  PartyId, PartyInfo, Transport,
} from './model.js';
import { durationToMs } from './duration.js';
import { algorithmUri, ENCRYPTION_ALGORITHMS } from './validate-security.js';

/**
 * What the MSH asks the CPA for one message: channels, endpoint, certificates, reliability and security, following
 * the decision rules of ebms-core (CPAQuery/CPAUtils, ebms2-digikoppeling.md b.8). A miss is a typed result the
 * MSH maps onto an ebMS error; the code names are those of src/ebms/errors.ts (cpa/ never imports ebms/).
 */

/** A PartyId as given in eb:From/eb:To: the value, or value and type. Without a type any type matches. */
export type PartyIdRef = string | PartyId;

export interface ResolveQuery {
  fromPartyId: PartyIdRef;
  toPartyId?: PartyIdRef;
  service: string;
  serviceType?: string;
  action: string;
  /** The sender's role (eb:From/eb:Role); when given it must be the sending party's role. */
  role?: string;
}

export interface ResolveMiss {
  ok: false;
  errorCode: 'ValueNotRecognized' | 'Inconsistent' | 'NotSupported';
  location: string;
  description: string;
}

export interface ResolvedParty {
  partyName: string;
  PartyId: PartyId[];
  role: string;
}

export interface Resolved {
  ok: true;
  cpaId: string;
  sendingParty: ResolvedParty;
  receivingParty: ResolvedParty;
  canSend: ActionBindingPair;
  canReceive: ActionBindingPair;
  /** The sender's channel (first ChannelId of its CanSend, EC). */
  deliveryChannel: DeliveryChannel;
  receiverDeliveryChannel: DeliveryChannel;
  /** The receiver's TransportReceiver/Endpoint[1]/@uri. */
  endpointUri: string;
  ackRequested: boolean;
  ackSignatureRequested: boolean;
  duplicateElimination: boolean;
  syncReplyMode: DeliveryChannel['MessagingCharacteristics']['syncReplyMode'];
  actor: string | undefined;
  reliability: {
    retries: number;
    retryIntervalMs: number;
    persistDurationMs: number;
    /** RetryInterval x (Retries + 1) as ebms-core sets TimeToLive; null when the channel is not reliable. */
    timeToLiveMs: number | null;
  };
  signing: { required: boolean; hashFunction: string | null; signatureAlgorithm: string | null; senderSigningCertPem: string | null };
  /** `algorithms`: the receiver's ReceiverDigitalEnvelope EncryptionAlgorithm URIs in CPA order (empty if none). */
  encryption: { required: boolean; algorithm: string | null; keyTransportAlgorithm: string | null; algorithms: string[]; receiverEncryptionCertPem: string | null };
  tls: { senderClientCertPem: string | null; receiverServerCertPem: string | null };
  /** Status agreed and Start <= at <= End. */
  active: boolean;
}

/** The CPA can be used at `at`: Status agreed and Start <= at <= End (EC CPAUtils.isValid). */
export function isActiveAt(cpa: CollaborationProtocolAgreement, at: Date = new Date()): boolean {
  return cpa.Status === 'agreed' && cpa.Start.getTime() <= at.getTime() && at.getTime() <= cpa.End.getTime();
}

function idMatches(candidate: PartyId, ref: PartyIdRef): boolean {
  if (typeof ref === 'string') return candidate.value === ref;
  return candidate.value === ref.value && (ref.type === undefined || ref.type === candidate.type);
}

/** The PartyInfo holding this PartyId. */
export function partyByPartyId(cpa: CollaborationProtocolAgreement, partyId: PartyIdRef): PartyInfo | undefined {
  return cpa.PartyInfo.find((p) => p.PartyId.some((id) => idMatches(id, partyId)));
}

function channelParts(p: PartyInfo, channelId: string | undefined): { channel?: DeliveryChannel; transport?: Transport; docExchange?: DocExchange } {
  const channel = p.DeliveryChannel.find((d) => d.channelId === channelId);
  if (!channel) return {};
  return {
    channel,
    transport: p.Transport.find((t) => t.transportId === channel.transportId),
    docExchange: p.DocExchange.find((d) => d.docExchangeId === channel.docExchangeId),
  };
}

/**
 * The channel for MSH signals (Acknowledgment, MessageError, Pong, StatusResponse) sent to `partyId`:
 * OverrideMshActionBinding[@action] when given, else @defaultMshChannelId (ebMS/CPPA §8.4.x, DK-34).
 */
export function mshSignalChannel(cpa: CollaborationProtocolAgreement, partyId: PartyIdRef, action?: string):
  { party: PartyInfo; deliveryChannel: DeliveryChannel; transport: Transport | undefined; docExchange: DocExchange | undefined; endpointUri: string | null } | undefined {
  const party = partyByPartyId(cpa, partyId);
  if (!party) return undefined;
  const override = action === undefined ? undefined : party.OverrideMshActionBinding.find((o) => o.action === action);
  const parts = channelParts(party, override?.channelId ?? party.defaultMshChannelId);
  if (!parts.channel) return undefined;
  return { party, deliveryChannel: parts.channel, transport: parts.transport, docExchange: parts.docExchange, endpointUri: parts.transport?.TransportReceiver?.Endpoint[0]?.uri ?? null };
}

function certPem(p: PartyInfo, certId: string | undefined): string | null {
  if (certId === undefined) return null;
  return p.Certificate.find((c: Certificate) => c.certId === certId)?.pem ?? null;
}

function ms(text: string | undefined, from: Date): number {
  if (text === undefined) return 0;
  try {
    return durationToMs(text, from);
  } catch {
    return 0;
  }
}

function miss(errorCode: ResolveMiss['errorCode'], location: string, description: string): ResolveMiss {
  return { ok: false, errorCode, location, description };
}

function findBinding(roles: CollaborationRole[], kind: 'CanSend' | 'CanReceive', q: ResolveQuery): { role: CollaborationRole; pair: ActionBindingPair } | undefined {
  for (const role of roles) {
    const svc = role.ServiceBinding.Service;
    if (svc.value !== q.service || (q.serviceType !== undefined && (svc.type ?? undefined) !== q.serviceType)) continue;
    const pair = role.ServiceBinding[kind].find((b) => b.ThisPartyActionBinding.action === q.action);
    if (pair) return { role, pair };
  }
  return undefined;
}

/** Resolve one business message (from, to, service, action) against the CPA. `at` decides `active` (default now). */
export function resolve(cpa: CollaborationProtocolAgreement, q: ResolveQuery, at: Date = new Date()): Resolved | ResolveMiss {
  const sender = partyByPartyId(cpa, q.fromPartyId);
  if (!sender) return miss('Inconsistent', '//Header/MessageHeader/From/PartyId', `From PartyId ${JSON.stringify(q.fromPartyId)} is not a party of CPA ${cpa.cpaid}`);
  let receiver: PartyInfo | undefined;
  if (q.toPartyId !== undefined) {
    receiver = partyByPartyId(cpa, q.toPartyId);
    if (!receiver) return miss('Inconsistent', '//Header/MessageHeader/To/PartyId', `To PartyId ${JSON.stringify(q.toPartyId)} is not a party of CPA ${cpa.cpaid}`);
    if (receiver === sender) return miss('Inconsistent', '//Header/MessageHeader/To/PartyId', 'From and To name the same party');
  } else receiver = cpa.PartyInfo.find((p) => p !== sender);
  if (!receiver) return miss('Inconsistent', '//Header/MessageHeader/To/PartyId', `CPA ${cpa.cpaid} has no other party`);

  const roles = q.role === undefined ? sender.CollaborationRole : sender.CollaborationRole.filter((r) => r.Role.name === q.role);
  if (roles.length === 0) return miss('ValueNotRecognized', '//Header/MessageHeader/From/Role', `role "${q.role}" is not the role of the sending party in CPA ${cpa.cpaid}`);
  const send = findBinding(roles, 'CanSend', q);
  const recv = findBinding(receiver.CollaborationRole, 'CanReceive', q);
  if (!send || !recv) {
    return miss('ValueNotRecognized', '//Header/MessageHeader/Action', `CPA ${cpa.cpaid} has no ${!send ? 'CanSend' : 'CanReceive'} for service "${q.service}"${q.serviceType ? ` (type ${q.serviceType})` : ''} action "${q.action}"`);
  }
  const s = channelParts(sender, send.pair.ThisPartyActionBinding.ChannelId[0]);
  const r = channelParts(receiver, recv.pair.ThisPartyActionBinding.ChannelId[0]);
  if (!s.channel || !r.channel) return miss('Inconsistent', '//Header/MessageHeader/CPAId', `CPA ${cpa.cpaid}: the delivery channel of action "${q.action}" does not resolve`);
  const endpointUri = r.transport?.TransportReceiver?.Endpoint[0]?.uri;
  if (!endpointUri) return miss('Inconsistent', '//Header/MessageHeader/CPAId', `CPA ${cpa.cpaid}: the receiver has no endpoint for action "${q.action}"`);

  const mc = s.channel.MessagingCharacteristics;
  const sb = s.docExchange?.ebXMLSenderBinding;
  const btc = send.pair.ThisPartyActionBinding.BusinessTransactionCharacteristics;
  const reliable = mc.ackRequested !== 'never';
  const retries = reliable ? (sb?.ReliableMessaging?.Retries ?? 0) : 0;
  const retryIntervalMs = reliable ? ms(sb?.ReliableMessaging?.RetryInterval, at) : 0;
  // EC: sign iff isNonRepudiationRequired and the sender's DocExchange has SenderNonRepudiation.
  const nr = btc.isNonRepudiationRequired === true ? sb?.SenderNonRepudiation : undefined;
  // EC: encrypt iff isConfidential is persistent or transient-and-persistent and the receiver has ReceiverDigitalEnvelope.
  const confidential = btc.isConfidential === 'persistent' || btc.isConfidential === 'transient-and-persistent';
  const env = confidential ? r.docExchange?.ebXMLReceiverBinding?.ReceiverDigitalEnvelope : undefined;
  const envAlgs = env?.EncryptionAlgorithm.map(algorithmUri) ?? [];
  return {
    ok: true,
    cpaId: cpa.cpaid,
    sendingParty: { partyName: sender.partyName, PartyId: sender.PartyId, role: send.role.Role.name },
    receivingParty: { partyName: receiver.partyName, PartyId: receiver.PartyId, role: recv.role.Role.name },
    canSend: send.pair,
    canReceive: recv.pair,
    deliveryChannel: s.channel,
    receiverDeliveryChannel: r.channel,
    endpointUri,
    ackRequested: mc.ackRequested === 'always',
    ackSignatureRequested: mc.ackSignatureRequested === 'always',
    duplicateElimination: mc.duplicateElimination === 'always',
    syncReplyMode: mc.syncReplyMode,
    actor: mc.actor,
    reliability: {
      retries, retryIntervalMs,
      persistDurationMs: ms(sb?.PersistDuration, at),
      timeToLiveMs: reliable ? retryIntervalMs * (retries + 1) : null,
    },
    signing: {
      required: nr !== undefined,
      hashFunction: nr?.HashFunction ?? null,
      signatureAlgorithm: nr?.SignatureAlgorithm[0] ? algorithmUri(nr.SignatureAlgorithm[0]) : null,
      senderSigningCertPem: nr ? certPem(sender, nr.SigningCertificateRef) : null,
    },
    encryption: {
      required: env !== undefined,
      algorithm: envAlgs.find((a) => ENCRYPTION_ALGORITHMS[a]?.kind !== 'key') ?? null,
      keyTransportAlgorithm: env ? (envAlgs.find((a) => ENCRYPTION_ALGORITHMS[a]?.kind === 'key') ?? 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p') : null,
      algorithms: envAlgs,
      receiverEncryptionCertPem: env ? certPem(receiver, env.EncryptionCertificateRef) : null,
    },
    tls: {
      senderClientCertPem: certPem(sender, s.transport?.TransportSender?.TransportClientSecurity?.ClientCertificateRef),
      receiverServerCertPem: certPem(receiver, r.transport?.TransportReceiver?.TransportServerSecurity?.ServerCertificateRef),
    },
    active: isActiveAt(cpa, at),
  };
}
