/**
 * MSH signal builders (ebMS 2.0 §6.3.2 Acknowledgment, §4.2.4 MessageError, §8 Ping/Pong, §7 Message Status).
 * Each returns the envelope text (sent as plain text/xml, b.1) and its model.
 */
import { EBMS_ERROR_CODE_CONTEXT } from '../errors.js';
import type { EbmsError } from '../errors.js';
import { buildEnvelope } from '../envelope/build.js';
import { ACTOR_TO_PARTY_MSH } from '../envelope/model.js';
import type { EbmsMessage, ErrorDetail, MessageHeader, MessageStatus } from '../envelope/model.js';
import { initiatingHeader, replyHeader } from './header.js';
import type { BuiltSignal, SignalOptions, SignalRoute } from './header.js';

function built(message: EbmsMessage): BuiltSignal {
  return { xml: buildEnvelope(message), header: message.MessageHeader, message };
}

export interface AcknowledgmentOptions extends SignalOptions {
  /**
   * The acknowledged message's `ds:SignedInfo/ds:Reference` elements as raw XML, for a signed Ack
   * (AckRequested signed="true", ebMS 2.0 §6.3.2.2). The caller signs the resulting envelope.
   */
  signedReferences?: string[];
  /** SOAP:actor of eb:Acknowledgment; default toPartyMSH (the only actor Digikoppeling uses). */
  actor?: string;
}

/** ebMS 2.0 §6.3.2: Acknowledgment of `original`. Never carries DuplicateElimination (jentrata-msh #62). */
export function buildAcknowledgment(original: MessageHeader, opts: AcknowledgmentOptions): BuiltSignal {
  const header = replyHeader(original, 'Acknowledgment', opts);
  return built({
    MessageHeader: header,
    Acknowledgment: {
      actor: opts.actor ?? ACTOR_TO_PARTY_MSH,
      Timestamp: header.MessageData.Timestamp,
      RefToMessageId: original.MessageData.MessageId,
      ...(opts.signedReferences && opts.signedReferences.length > 0 ? { Reference: [...opts.signedReferences] } : {}),
    },
  });
}

/** EbmsError → eb:Error (codeContext urn:oasis:names:tc:ebxml-msg:service:errors, ebMS 2.0 §4.2.3.4.1). */
export function toErrorDetail(error: EbmsError): ErrorDetail {
  return {
    errorCode: error.errorCode,
    severity: error.severity,
    codeContext: EBMS_ERROR_CODE_CONTEXT,
    location: error.location,
    ...(error.message ? { Description: { value: error.message, lang: 'en' } } : {}),
  };
}

/** ebMS 2.0 §4.2.4: MessageError reporting `errors` about the message with header `ref`. */
export function buildMessageError(ref: MessageHeader, errors: readonly EbmsError[], opts: SignalOptions): BuiltSignal {
  if (errors.length === 0) throw new TypeError('buildMessageError needs at least one error');
  return built({
    MessageHeader: replyHeader(ref, 'MessageError', opts),
    ErrorList: {
      highestSeverity: errors.some((e) => e.severity === 'Error') ? 'Error' : 'Warning',
      Error: errors.map(toErrorDetail),
    },
  });
}

/** ebMS 2.0 §8.2: Pong answering a Ping. */
export function buildPong(ping: MessageHeader, opts: SignalOptions): BuiltSignal {
  return built({ MessageHeader: replyHeader(ping, 'Pong', opts) });
}

/**
 * ebMS 2.0 §7.1.2: StatusResponse to a StatusRequest about `refMessageId`. The Timestamp (when the message was
 * received) is written only for Received/Processed/Forwarded: §7.1.2.2 forbids it for NotRecognized/UnAuthorized.
 */
export function buildStatusResponse(
  request: MessageHeader,
  status: MessageStatus,
  refMessageId: string,
  timestamp: Date | undefined,
  opts: SignalOptions,
): BuiltSignal {
  const withTimestamp = timestamp !== undefined && status !== 'NotRecognized' && status !== 'UnAuthorized';
  return built({
    MessageHeader: replyHeader(request, 'StatusResponse', opts),
    StatusResponse: { messageStatus: status, RefToMessageId: refMessageId, ...(withTimestamp ? { Timestamp: timestamp } : {}) },
  });
}

export interface PingOptions extends SignalOptions {
  /** Ask for the Pong in the HTTP response (eb:SyncReply; the CPA's syncReplyMode mshSignalsOnly). */
  syncReply?: boolean;
}

/** ebMS 2.0 §8.1: Ping (outbound; used for CPA activation, seed 002 §3.3.5). */
export function buildPing(route: SignalRoute, opts: PingOptions): BuiltSignal {
  const message: EbmsMessage = { MessageHeader: initiatingHeader(route, 'Ping', opts) };
  if (opts.syncReply) message.SyncReply = {};
  return built(message);
}

/** ebMS 2.0 §7.1.1: StatusRequest about `refMessageId` (outbound). */
export function buildStatusRequest(route: SignalRoute, refMessageId: string, opts: PingOptions): BuiltSignal {
  const message: EbmsMessage = {
    MessageHeader: initiatingHeader(route, 'StatusRequest', opts),
    StatusRequest: { RefToMessageId: refMessageId },
  };
  if (opts.syncReply) message.SyncReply = {};
  return built(message);
}
