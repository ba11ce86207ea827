/**
 * Common MessageHeader of MSH signals (ebMS 2.0 §6.3.2.1, §7.1, §8; ebms2-digikoppeling.md b.3): Service
 * `urn:oasis:names:tc:ebxml-msg:service`, no Role, From/To swapped, same CPAId and ConversationId,
 * RefToMessageId = the referenced MessageId, never DuplicateElimination (jentrata-msh #62/#64/#66).
 */
import { randomUUID } from 'node:crypto';
import { EBMS_SERVICE } from '../envelope/model.js';
import type { EbmsMessage, MessageHeader, Party, SignalAction } from '../envelope/model.js';

/** Options every signal builder takes. */
export interface SignalOptions {
  /** Host part of the new MessageId (ebms-core: host of the default channel's endpoint). */
  messageIdHost: string;
  /** MessageId to use instead of a fresh one (tests, or re-sending a stored signal). */
  messageId?: string;
  /** Timestamp of the signal; default now. */
  timestamp?: Date;
}

/** A built signal: the envelope text and the model it was built from. */
export interface BuiltSignal {
  xml: string;
  header: MessageHeader;
  message: EbmsMessage;
}

/** MessageId `${uuid}@${host}` (ebMS 2.0 §3.1.6.1 requires RFC 2822 msg-id syntax, i.e. with `@`). */
export function newMessageId(host: string): string {
  if (host === '' || /[\s<>@]/.test(host)) throw new TypeError(`messageIdHost "${host}" is not a host name`);
  return `${randomUUID()}@${host}`;
}

/** PartyIds only: signals carry no Role (gotcha 8). */
function partyWithoutRole(p: Party): Party {
  return { PartyId: p.PartyId.map((id) => ({ ...id })) };
}

/** MessageHeader of a signal answering `ref`: From/To swapped, CPAId and ConversationId kept. */
export function replyHeader(ref: MessageHeader, Action: SignalAction, opts: SignalOptions): MessageHeader {
  return {
    From: partyWithoutRole(ref.To),
    To: partyWithoutRole(ref.From),
    CPAId: ref.CPAId,
    ConversationId: ref.ConversationId,
    Service: { value: EBMS_SERVICE },
    Action,
    MessageData: {
      MessageId: opts.messageId ?? newMessageId(opts.messageIdHost),
      Timestamp: opts.timestamp ?? new Date(),
      RefToMessageId: ref.MessageData.MessageId,
    },
  };
}

/** Parties and agreement of an outbound signal that starts an exchange (Ping, StatusRequest). */
export interface SignalRoute {
  cpaId: string;
  from: Party;
  to: Party;
  /** Default: a new UUID. */
  conversationId?: string;
}

export function initiatingHeader(route: SignalRoute, Action: SignalAction, opts: SignalOptions): MessageHeader {
  return {
    From: partyWithoutRole(route.from),
    To: partyWithoutRole(route.to),
    CPAId: route.cpaId,
    ConversationId: route.conversationId ?? randomUUID(),
    Service: { value: EBMS_SERVICE },
    Action,
    MessageData: {
      MessageId: opts.messageId ?? newMessageId(opts.messageIdHost),
      Timestamp: opts.timestamp ?? new Date(),
    },
  };
}
