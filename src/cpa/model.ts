/**
 * Typed model of an ebXML CPPA 2.0 Collaboration Protocol Agreement (OASIS cpp-cpa-2_0.xsd, version 2_0b).
 * Property names are the schema's element and attribute names: elements start upper-case (`PartyInfo`,
 * `DeliveryChannel`), attributes lower-case (`cpaid`, `channelId`). IDREFs are kept as the referenced id string.
 * What knooppunt does not model (or does not support) is recorded in `parseIssues` so `validate` can name it.
 */

export const CPPA_NS = 'http://www.oasis-open.org/committees/ebxml-cppa/schema/cpp-cpa-2_0.xsd';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** ebMS 2.0 §6.3.1 actor values (the CPA's `actor.type`). */
export const ACTOR_TO_PARTY_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH';
export const ACTOR_NEXT_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:nextMSH';

export type StatusValue = 'agreed' | 'signed' | 'proposed';
export type PerMessageCharacteristic = 'always' | 'never' | 'perMessage';
export type SyncReplyMode = 'none' | 'mshSignalsOnly' | 'responseOnly' | 'signalsAndResponse' | 'signalsOnly';
export type PersistenceLevel = 'none' | 'transient' | 'persistent' | 'transient-and-persistent';
export type MessageOrderSemantics = 'Guaranteed' | 'NotGuaranteed';
export type EndpointType = 'allPurpose' | 'request' | 'response' | 'error' | 'login';

/** Something in the XML that the model does not carry, or a structural defect found while parsing. */
export interface ParseIssue {
  kind: 'missing' | 'invalid' | 'unsupported' | 'unknown' | 'empty';
  /** XPath-like location, e.g. `/CollaborationProtocolAgreement/PartyInfo[1]/Transport[1]`. */
  location: string;
  message: string;
}

/** An element with text and an optional `version` attribute (`protocol.type`). */
export interface Protocol {
  value: string;
  version?: string;
}

export interface PartyId {
  value: string;
  type?: string;
}

export interface PartyRef {
  href: string;
  type?: string;
  schemaLocation?: string;
}

export interface ProcessSpecification {
  name: string;
  version: string;
  href: string;
  uuid?: string;
}

export interface Role {
  name: string;
  href: string;
}

export interface Service {
  value: string;
  type?: string;
}

/** All attributes optional as in the schema (DK-38 names the mandatory set for Digikoppeling CPAs). */
export interface BusinessTransactionCharacteristics {
  isNonRepudiationRequired?: boolean;
  isNonRepudiationReceiptRequired?: boolean;
  isConfidential?: PersistenceLevel;
  isAuthenticated?: PersistenceLevel;
  isTamperProof?: PersistenceLevel;
  isAuthorizationRequired?: boolean;
  isIntelligibleCheckRequired?: boolean;
  timeToAcknowledgeReceipt?: string;
  timeToAcknowledgeAcceptance?: string;
  timeToPerform?: string;
  retryCount?: number;
}

export interface ActionBinding {
  id: string;
  action: string;
  packageId: string;
  BusinessTransactionCharacteristics: BusinessTransactionCharacteristics;
  ChannelId: string[];
}

/** CanSend and CanReceive have the same shape. */
export interface ActionBindingPair {
  ThisPartyActionBinding: ActionBinding;
  /** IDREF to the other party's ThisPartyActionBinding/@id. */
  OtherPartyActionBinding?: string;
}

export interface ServiceBinding {
  Service: Service;
  CanSend: ActionBindingPair[];
  CanReceive: ActionBindingPair[];
}

export interface CollaborationRole {
  ProcessSpecification: ProcessSpecification;
  Role: Role;
  ServiceBinding: ServiceBinding;
}

export interface Certificate {
  certId: string;
  /** The certificate from ds:KeyInfo/ds:X509Data/ds:X509Certificate as PEM, or null when absent. */
  pem: string | null;
}

export interface SecurityDetails {
  securityId: string;
  /** TrustAnchors/AnchorCertificateRef/@certId. */
  AnchorCertificateRef: string[];
}

export interface MessagingCharacteristics {
  /** Schema defaults are applied on parse: syncReplyMode none, the others perMessage. */
  syncReplyMode: SyncReplyMode;
  ackRequested: PerMessageCharacteristic;
  ackSignatureRequested: PerMessageCharacteristic;
  duplicateElimination: PerMessageCharacteristic;
  actor?: string;
}

export interface DeliveryChannel {
  channelId: string;
  transportId: string;
  docExchangeId: string;
  MessagingCharacteristics: MessagingCharacteristics;
}

export interface Endpoint {
  uri: string;
  type: EndpointType;
}

export interface TransportClientSecurity {
  TransportSecurityProtocol: Protocol;
  ClientCertificateRef?: string;
  ServerSecurityDetailsRef?: string;
}

export interface TransportServerSecurity {
  TransportSecurityProtocol: Protocol;
  ServerCertificateRef: string;
  ClientSecurityDetailsRef?: string;
}

export interface TransportSender {
  TransportProtocol: Protocol;
  TransportClientSecurity?: TransportClientSecurity;
}

export interface TransportReceiver {
  TransportProtocol: Protocol;
  Endpoint: Endpoint[];
  TransportServerSecurity?: TransportServerSecurity;
}

export interface Transport {
  transportId: string;
  TransportSender?: TransportSender;
  TransportReceiver?: TransportReceiver;
}

/** SignatureAlgorithm / EncryptionAlgorithm: text plus optional identifying attributes (w3c wins, EC CPAUtils). */
export interface AlgorithmRef {
  value: string;
  w3c?: string;
  oid?: string;
  enumerationType?: string;
  minimumStrength?: number;
}

export interface ReliableMessaging {
  Retries?: number;
  /** xs:duration, e.g. PT3H. */
  RetryInterval?: string;
  MessageOrderSemantics: MessageOrderSemantics;
}

export interface NonRepudiationBase {
  NonRepudiationProtocol: Protocol;
  HashFunction: string;
  SignatureAlgorithm: AlgorithmRef[];
}

export interface SenderNonRepudiation extends NonRepudiationBase {
  SigningCertificateRef: string;
}

export interface ReceiverNonRepudiation extends NonRepudiationBase {
  SigningSecurityDetailsRef?: string;
}

export interface SenderDigitalEnvelope {
  DigitalEnvelopeProtocol: Protocol;
  EncryptionAlgorithm: AlgorithmRef[];
  EncryptionSecurityDetailsRef?: string;
}

export interface ReceiverDigitalEnvelope {
  DigitalEnvelopeProtocol: Protocol;
  EncryptionAlgorithm: AlgorithmRef[];
  EncryptionCertificateRef: string;
}

export interface EbXMLSenderBinding {
  version: string;
  ReliableMessaging?: ReliableMessaging;
  PersistDuration?: string;
  SenderNonRepudiation?: SenderNonRepudiation;
  SenderDigitalEnvelope?: SenderDigitalEnvelope;
}

export interface EbXMLReceiverBinding {
  version: string;
  ReliableMessaging?: ReliableMessaging;
  PersistDuration?: string;
  ReceiverNonRepudiation?: ReceiverNonRepudiation;
  ReceiverDigitalEnvelope?: ReceiverDigitalEnvelope;
}

export interface DocExchange {
  docExchangeId: string;
  ebXMLSenderBinding?: EbXMLSenderBinding;
  ebXMLReceiverBinding?: EbXMLReceiverBinding;
}

export interface OverrideMshActionBinding {
  action: string;
  channelId: string;
}

export interface PartyInfo {
  partyName: string;
  defaultMshChannelId: string;
  defaultMshPackageId: string;
  PartyId: PartyId[];
  PartyRef: PartyRef[];
  CollaborationRole: CollaborationRole[];
  Certificate: Certificate[];
  SecurityDetails: SecurityDetails[];
  DeliveryChannel: DeliveryChannel[];
  Transport: Transport[];
  DocExchange: DocExchange[];
  OverrideMshActionBinding: OverrideMshActionBinding[];
}

export interface SimplePart {
  id: string;
  mimetype: string;
  mimeparameters?: string;
}

export interface Constituent {
  idref: string;
  excludedFromSignature?: boolean;
  minOccurs?: number;
  maxOccurs?: number;
}

export interface CompositeOrEncapsulation {
  kind: 'Composite' | 'Encapsulation';
  id: string;
  mimetype: string;
  mimeparameters?: string;
  Constituent: Constituent[];
}

export interface Packaging {
  id: string;
  ProcessingCapabilities: { parse: boolean; generate: boolean };
  /** One inner array per CompositeList element. */
  CompositeList: CompositeOrEncapsulation[][];
}

export interface Comment {
  value: string;
  lang?: string;
}

export interface CollaborationProtocolAgreement {
  cpaid: string;
  version: string;
  Status: StatusValue;
  /** Invalid dateTime text parses to an Invalid Date (reported by parse issues and validate). */
  Start: Date;
  End: Date;
  PartyInfo: PartyInfo[];
  SimplePart: SimplePart[];
  Packaging: Packaging[];
  Comment: Comment[];
  /** Elements and values the parser met but the model does not carry (empty for CPAs knooppunt generates). */
  parseIssues: ParseIssue[];
}
