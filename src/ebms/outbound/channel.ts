import { mshSignalChannel } from '../../cpa/resolve.js';
import type { CollaborationProtocolAgreement, PartyInfo } from '../../cpa/model.js';
import { durationToMs } from '../../cpa/duration.js';
import type { Delivery } from '../../store/store.js';

/** Retry settings when a signal channel has no ReliableMessaging (best effort): a few tries, a minute apart. */
const SIGNAL_FALLBACK = { retries: 3, retryIntervalMs: 60_000 };

/**
 * Delivery of an MSH signal (Acknowledgment, MessageError, Pong, StatusResponse) to `party`: the endpoint of its
 * default MSH channel or OverrideMshActionBinding (DK-34), retried on transport errors with that channel's
 * ReliableMessaging settings (the signal itself requests no Acknowledgment, DK-11).
 */
export function signalDelivery(cpa: CollaborationProtocolAgreement, party: PartyInfo, messageId: string, action: string, now: Date): Delivery | null {
  const ch = mshSignalChannel(cpa, party.PartyId[0]!, action);
  if (!ch?.endpointUri) return null;
  const rm = ch.docExchange?.ebXMLReceiverBinding?.ReliableMessaging ?? ch.docExchange?.ebXMLSenderBinding?.ReliableMessaging;
  let retries = SIGNAL_FALLBACK.retries;
  let retryIntervalMs = SIGNAL_FALLBACK.retryIntervalMs;
  if (rm?.Retries !== undefined && rm.RetryInterval) {
    retries = rm.Retries;
    try { retryIntervalMs = durationToMs(rm.RetryInterval, now); } catch { /* keep the fallback */ }
  }
  return {
    messageId, endpoint: ch.endpointUri, attempts: 0, maxAttempts: retries + 1, retryIntervalMs,
    nextAttemptAt: now.toISOString(), expiresAt: new Date(now.getTime() + retryIntervalMs * (retries + 1)).toISOString(),
    awaitingAck: false, lastError: null,
  };
}
