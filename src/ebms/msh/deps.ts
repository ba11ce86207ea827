import { randomUUID } from 'node:crypto';
import type { CpaService } from '../../cpa/service.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { CrlStore } from '../../pki/trust.js';
import type { MessageRecord, Store } from '../../store/store.js';
import type { MessageHeader } from '../envelope/model.js';
import { EBMS_SERVICE } from '../envelope/model.js';

/** What the MSH is built from (composition root: src/server.ts). */
export interface MshDeps {
  store: Store;
  cpas: CpaService;
  logger: Logger;
  metrics: Metrics;
  identity: {
    /** This knooppunt's OIN (config hub.oin): "our" party in every CPA. */
    oin: string;
    /** Host part of the MessageIds we make (ebMS 2.0 §3.1.6.1; DK-20). */
    messageIdHost: string;
    /** Signing and decryption key pair (profiles -s and -e). */
    signing: { cert: string; key: string };
    trustAnchors: string[];
  };
  crls?: CrlStore;
  /** Legacy allowances from config (off by default): SHA-1 signatures (DK-27), rsa-1_5/3DES decryption (DK-28). */
  legacy?: { sha1: boolean; rsa15: boolean };
  /** Largest request body accepted on the ebMS listener (HTTP 413 before parsing). */
  maxBytes: number;
  /** Envelope and MIME limits (limits.ebmsMaxHeaderValueChars, limits.ebmsMaxMimeParts); defaults when absent. */
  limits?: { maxHeaderValueChars: number; maxMimeParts: number };
  /** Clock, for tests. */
  now?: () => Date;
}

export const isSignalHeader = (h: MessageHeader): boolean => h.Service.value === EBMS_SERVICE;

/** A message record for the store from a header and its raw bytes. */
export function messageRecord(
  h: MessageHeader,
  o: { direction: MessageRecord['direction']; status: MessageRecord['status']; raw: Buffer; contentType: string; at: Date },
): MessageRecord {
  const at = o.at.toISOString();
  return {
    id: randomUUID(),
    messageId: h.MessageData.MessageId,
    direction: o.direction,
    kind: isSignalHeader(h) ? 'signal' : 'business',
    cpaId: h.CPAId,
    conversationId: h.ConversationId,
    refToMessageId: h.MessageData.RefToMessageId ?? null,
    fromParty: h.From.PartyId[0]?.value ?? '',
    toParty: h.To.PartyId[0]?.value ?? '',
    service: h.Service.value,
    action: h.Action,
    status: o.status,
    timestamp: h.MessageData.Timestamp.toISOString(),
    timeToLive: h.MessageData.TimeToLive?.toISOString() ?? null,
    contentType: o.contentType,
    raw: o.raw,
    replyId: null,
    processedAt: null,
    createdAt: at,
    updatedAt: at,
  };
}
