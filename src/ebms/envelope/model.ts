/**
 * Typed model of the SOAP 1.1 envelope with the ebMS 2.0 extension elements (OASIS ebMS 2.0 §3-§8,
 * msg-header-2_0.xsd). Element names are the standard's (PascalCase properties for elements, the attribute's own
 * name for attributes), so `header.MessageData.RefToMessageId` reads like the XPath `//MessageData/RefToMessageId`.
 */
import type { EbmsError, EbmsErrorCode, EbmsSeverity } from '../errors.js';

export const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_EB = 'http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd';
export const NS_XLINK = 'http://www.w3.org/1999/xlink';
export const NS_DS = 'http://www.w3.org/2000/09/xmldsig#';
export const NS_XML = 'http://www.w3.org/XML/1998/namespace';

export const EBMS_VERSION = '2.0';
/** ebMS 2.0 §6.3/§7/§8: Service of all MSH signals (Acknowledgment, MessageError, Ping/Pong, Status*). */
export const EBMS_SERVICE = 'urn:oasis:names:tc:ebxml-msg:service';
/** ebMS 2.0 §6.3.1.1: AckRequested / Acknowledgment actors. Digikoppeling uses toPartyMSH only. */
export const ACTOR_TO_PARTY_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH';
export const ACTOR_NEXT_MSH = 'urn:oasis:names:tc:ebxml-msg:actor:nextMSH';
/** SOAP 1.1 §4.2.2: the "next" actor, required on eb:SyncReply (ebMS 2.0 §4.3.1). */
export const SOAP_ACTOR_NEXT = 'http://schemas.xmlsoap.org/soap/actor/next';

export const signalActions = ['Acknowledgment', 'MessageError', 'Ping', 'Pong', 'StatusRequest', 'StatusResponse'] as const;
export type SignalAction = (typeof signalActions)[number];

export interface PartyId {
  value: string;
  type?: string;
}

/** eb:From / eb:To: one or more PartyIds and an optional Role (signals carry none). */
export interface Party {
  PartyId: PartyId[];
  Role?: string;
}

export interface Service {
  value: string;
  type?: string;
}

export interface Description {
  value: string;
  /** xml:lang; the builder writes `en` when absent (the XSD requires it). */
  lang?: string;
}

export interface MessageData {
  MessageId: string;
  Timestamp: Date;
  RefToMessageId?: string;
  TimeToLive?: Date;
}

/** ebMS 2.0 §3.1 eb:MessageHeader. */
export interface MessageHeader {
  From: Party;
  To: Party;
  CPAId: string;
  ConversationId: string;
  Service: Service;
  Action: string;
  MessageData: MessageData;
  DuplicateElimination?: boolean;
  Description?: Description[];
}

/** ebMS 2.0 §6.3.1 eb:AckRequested. */
export interface AckRequested {
  /** SOAP:actor; absent means toPartyMSH is not implied, see §6.3.1.1. */
  actor?: string;
  signed: boolean;
}

/** ebMS 2.0 §4.3.1 eb:SyncReply (actor is always the SOAP "next" actor). */
export interface SyncReply {
  actor?: string;
}

/** ebMS 2.0 §9.1.1 eb:MessageOrder: parsed only so that it can be refused (NotSupported, b.5). */
export interface MessageOrder {
  SequenceNumber: string;
  status?: 'Reset' | 'Continue';
}

/** ebMS 2.0 §6.3.2 eb:Acknowledgment. */
export interface Acknowledgment {
  actor?: string;
  Timestamp: Date;
  RefToMessageId: string;
  From?: Party;
  /** ds:Reference elements (the acknowledged message's signed references), each kept as raw XML. */
  Reference?: string[];
}

/** ebMS 2.0 §4.2.3.4 eb:Error. */
export interface ErrorDetail {
  errorCode: EbmsErrorCode | (string & {});
  severity: EbmsSeverity;
  codeContext?: string;
  location?: string;
  id?: string;
  Description?: Description;
}

/** ebMS 2.0 §4.2.3 eb:ErrorList. */
export interface ErrorList {
  highestSeverity: EbmsSeverity;
  Error: ErrorDetail[];
}

/** ebMS 2.0 §3.2.1 eb:Reference inside eb:Manifest. */
export interface ManifestReference {
  /** xlink:href, e.g. `cid:payload-1@host`. */
  href: string;
  role?: string;
  id?: string;
  Schema?: { location: string; version?: string }[];
  Description?: Description[];
}

export interface Manifest {
  Reference: ManifestReference[];
}

/** ebMS 2.0 §7.1.1 eb:StatusRequest. */
export interface StatusRequest {
  RefToMessageId: string;
}

export const messageStatuses = ['UnAuthorized', 'NotRecognized', 'Received', 'Processed', 'Forwarded'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/** ebMS 2.0 §7.1.2 eb:StatusResponse. */
export interface StatusResponse {
  messageStatus: MessageStatus;
  RefToMessageId: string;
  Timestamp?: Date;
}

/** What the builder writes: the header elements and the ebMS body elements we send. */
export interface EbmsMessage {
  MessageHeader: MessageHeader;
  AckRequested?: AckRequested;
  SyncReply?: SyncReply;
  Acknowledgment?: Acknowledgment;
  ErrorList?: ErrorList;
  Manifest?: Manifest;
  StatusRequest?: StatusRequest;
  StatusResponse?: StatusResponse;
}

/** A SOAP header element that is not understood (namespace + local name). */
export interface QualifiedName {
  namespaceURI: string | null;
  localName: string;
}

/** What the parser returns. */
export interface ParsedEnvelope extends EbmsMessage {
  MessageOrder?: MessageOrder;
  /** SOAP header blocks with mustUnderstand 1/true targeted at us that this MSH does not process. */
  notUnderstood: QualifiedName[];
  /** A ds:Signature element is a child of SOAP:Header (ebMS 2.0 §4.1.3). */
  signaturePresent: boolean;
  /**
   * ebMS errors found while parsing (e.g. eb:version ≠ 2.0), in document order. Not thrown: b.7 resolves the CPA
   * first (unknown CPA = SOAP Fault), so the pipeline raises these at its header-check step with this header.
   */
  problems: EbmsError[];
  /** The DOM the model was read from (the signature module verifies on it). */
  document: Document;
  /** Prefix the envelope binds to the SOAP namespace (the signature XPath transform must use it). */
  soapPrefix: string | null;
}
