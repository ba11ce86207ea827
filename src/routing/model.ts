/**
 * The hub's application layer for StUF-GGk traffic (architecture map "Inbound ebMS pipeline": hand to the
 * application → StUF unwrap → gemeentecode authorisation → payload validation → route). Types shared by the
 * routing table, the HubProcessor and the mailbox.
 */
import type { CpaStatus, RouteBerichtstroom, RouteKanaal, RouteRichting, RoutingOutcome } from '../store/store.js';
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

/** A business message the MSH accepted (and acknowledged) for the hub. */
export interface InboundStufMessage {
  ebmsMessageId: string;
  cpaId: string;
  /** The OIN of the peer (TLS client certificate / PartyId), already authenticated by the MSH. */
  senderOin: string;
  action: string;
  conversationId: string;
  parts: InboundPart[];
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

/** Outbound ebMS for the hub: implemented by the MSH (puts the message in the outbox durably). */
export interface StufSender {
  send(req: StufSendRequest): Promise<{ messageId: string }>;
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
