import { EventEmitter } from 'node:events';
import type { MessagePart, MessageRecord } from '../../store/store.js';

/**
 * What the MSH tells the application (ebms-core MessageEventType RECEIVED, DELIVERED, FAILED, EXPIRED). Events are
 * raised after the store committed, so a listener never sees something that could still be lost.
 */
export interface MshEventMap {
  /** An inbound business message was stored (and acknowledged). */
  received: [record: MessageRecord, parts: MessagePart[]];
  /** An outbound message was acknowledged (reliable) or accepted with HTTP 2xx (best effort). */
  delivered: [record: MessageRecord];
  /** The peer refused an outbound message (MessageError, HTTP 3xx/4xx). */
  failed: [record: MessageRecord, reason: string];
  /** A delivery attempt failed and the message will be sent again (HTTP 5xx, no answer, no Acknowledgment yet). */
  retry: [record: MessageRecord, attempt: number, error: string];
  /** Retries or TimeToLive exhausted: DeliveryFailure (ebMS 2.0 §6.5.7). */
  expired: [record: MessageRecord, reason: string];
  /** A Pong, StatusResponse, Acknowledgment or MessageError arrived for `refToMessageId`. */
  signal: [action: string, refToMessageId: string, record: MessageRecord];
}

export class MshEvents extends EventEmitter<MshEventMap> {}
