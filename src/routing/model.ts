/**
 * The hub's application layer for StUF-GGk traffic (architecture map "Inbound ebMS pipeline": hand to the
 * application → StUF unwrap → gemeentecode authorisation → payload validation → route). Types shared by the
 * routing table, the HubProcessor and the mailbox.
 */
import type { CpaStatus, OutboundWrite, RouteBerichtstroom, RouteKanaal, RouteRichting, RoutingOutcome } from '../store/store.js';
import type { StufFoutcode } from '../stuf/errors.js';

export type { RouteBerichtstroom, RouteKanaal, RouteRichting, RoutingOutcome };

export const BERICHTSTROMEN: readonly RouteBerichtstroom[] = ['ijw', 'iwmo'];
export const RICHTINGEN: readonly RouteRichting[] = ['verzenden', 'ontvangen'];
export const KANALEN: readonly RouteKanaal[] = ['digikoppeling', 'portaal'];

/**
 * StUF-GGk versions an exchange can be set to (GGk manual §4.2 "StUF-enveloppe versie instellen"): the current
 * ggk0210 (2.1 patch 04) and its predecessor ggk0310 (2.0/2.1, renamed to ggk0210 in 2.1.04). The hub reads
 * ggk0210 only, so an exchange set to 0310 is refused with IB798 until it is switched.
 */
export const STUF_VERSIES = ['0210', '0310'] as const;
export const DEFAULT_STUF_VERSIE = '0210';

/** A CPA carries traffic only once activated by a successful Ping Pong (GGk manual §3.3.5 / §4). */
export const ROUTABLE_CPA_STATUSES: readonly CpaStatus[] = ['geactiveerd'];

/** One payload part of an ebMS message as the MSH hands it over (decrypted, verified). */
export interface InboundPart {
  contentId: string;
  contentType: string;
  content: Buffer;
}

/** A business message the MSH accepted (and acknowledged) for the hub, or an entry of a Portaal upload. */
export interface InboundStufMessage {
  /** The stored inbound message: marked PROCESSED in the same transaction as what the hub did with it. */
  id?: string;
  /** The ebMS MessageId; '' for a Portaal upload. */
  ebmsMessageId: string;
  /** The CPA it came in over; '' for a Portaal upload. */
  cpaId: string;
  /** The OIN of the peer (TLS client certificate / PartyId), already authenticated by the MSH; '' for the Portaal. */
  senderOin: string;
  action: string;
  conversationId: string;
  parts: InboundPart[];
  /** Set when the message was uploaded on the Aanleveren tab (seed 002 §3.1) instead of arriving over a CPA. */
  portaal?: PortaalOrigin;
}

/**
 * The uploader of a Portaal message: its organisation (the session's or API token's, already authenticated) and
 * the OINs that organisation acts with — a samenwerkingsverband may act for every gemeente that lists one of
 * them (IB002), exactly as for a Digikoppeling sender. Refusals go into the verwerkingsverslag, not into a Fo01.
 */
export interface PortaalOrigin {
  uploadId: string;
  organisationId: string;
  oins: readonly string[];
  /** The product tab it was uploaded on: a message of another berichtstroom is refused (IB240). */
  berichtstroom: RouteBerichtstroom;
}

export interface StufSendRequest {
  cpaId: string;
  action: string;
  service?: string;
  conversationId?: string;
  refToMessageId?: string;
  messageId?: string;
  parts: { contentId?: string; contentType: string; content: Buffer }[];
}

/** Outbound ebMS for the hub: implemented by the MSH. */
export interface StufSender {
  /** Build the message and put it in the outbox durably (its own transaction). */
  send(req: StufSendRequest): Promise<{ messageId: string }>;
  /**
   * Build the message (signed, ready for the outbox) without storing it: the hub stores it in the same transaction
   * as the inbound message's outcome (RoutingRepository.complete), then calls queued().
   */
  prepare(req: StufSendRequest): Promise<OutboundWrite>;
  /** Messages were put in the outbox: send them. */
  queued(): void;
}

export interface HubIdentity {
  oin: string;
  name: string;
  /** StUF zender of the Fo01s the hub sends, e.g. { organisatie: 'IB', applicatie: 'GGK' }. */
  stufZender: { organisatie: string; applicatie: string };
}

/** What became of one inbound StUF message (also written to the Berichtenlog). */
export interface ProcessOutcome {
  outcome: RoutingOutcome;
  /** Fo01 code when refused. */
  foutcode?: StufFoutcode;
  detail: string;
  referentienummer?: string;
  /** Forwarded over Digikoppeling: the CPA and the new ebMS MessageId. */
  forwarded?: { cpaId: string; messageId: string };
  mailboxItemId?: string;
  /** The ebMS MessageId of the Fo01 sent back to the sender. */
  fo01MessageId?: string;
  logId: string;
  /** From the stuurgegevens, when they could be read (for the routing log line). */
  berichttype?: string | null;
  gemeentecode?: string | null;
}

export const STUF_CONTENT_TYPE = 'text/xml; charset=UTF-8';
