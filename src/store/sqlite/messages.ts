import type { Delivery, MessageEvent, MessagePart, MessageRecord, MessageRepository, OutboxRepository } from '../store.js';
import type { Db } from './database.js';

interface Row {
  id: string; message_id: string; direction: MessageRecord['direction']; kind: MessageRecord['kind']; cpa_id: string;
  conversation_id: string; ref_to_message_id: string | null; from_party: string; to_party: string; service: string;
  action: string; status: MessageRecord['status']; timestamp: string; time_to_live: string | null; content_type: string;
  raw: Buffer; reply_id: string | null; processed_at: string | null; created_at: string; updated_at: string;
}

const toRecord = (r: Row): MessageRecord => ({
  id: r.id, messageId: r.message_id, direction: r.direction, kind: r.kind, cpaId: r.cpa_id, conversationId: r.conversation_id,
  refToMessageId: r.ref_to_message_id, fromParty: r.from_party, toParty: r.to_party, service: r.service, action: r.action,
  status: r.status, timestamp: r.timestamp, timeToLive: r.time_to_live, contentType: r.content_type, raw: r.raw,
  replyId: r.reply_id, processedAt: r.processed_at, createdAt: r.created_at, updatedAt: r.updated_at,
});

interface DeliveryRow {
  message_id: string; endpoint: string; attempts: number; max_attempts: number; retry_interval_ms: number;
  next_attempt_at: string; expires_at: string | null; awaiting_ack: number; last_error: string | null;
}

const toDelivery = (r: DeliveryRow): Delivery => ({
  messageId: r.message_id, endpoint: r.endpoint, attempts: r.attempts, maxAttempts: r.max_attempts, retryIntervalMs: r.retry_interval_ms,
  nextAttemptAt: r.next_attempt_at, expiresAt: r.expires_at, awaitingAck: r.awaiting_ack === 1, lastError: r.last_error,
});

/**
 * Group commit. The message inserts that reach the store in one event-loop turn (typically the requests of several
 * connections whose bodies arrived together) are written in ONE transaction, so that one fsync (synchronous=FULL)
 * serves all of them instead of one each: with better-sqlite3 every commit blocks the event loop for that fsync.
 * Nothing is acknowledged earlier than before: each promise settles only after the COMMIT. Each insert runs in its
 * own SAVEPOINT (a nested better-sqlite3 transaction), so one that fails rolls back and rejects alone; a failing
 * COMMIT rejects them all.
 */
export function groupCommit(db: Db): <T>(work: () => T) => Promise<T> {
  interface Job { work: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }
  let queue: Job[] = [];
  const flush = () => {
    const jobs = queue;
    queue = [];
    const out: { ok: boolean; value: unknown }[] = [];
    try {
      db.transaction(() => {
        for (const j of jobs) {
          try { out.push({ ok: true, value: j.work() }); } catch (e) { out.push({ ok: false, value: e }); }
        }
      })();
    } catch (e) {
      for (const j of jobs) j.reject(e);
      return;
    }
    jobs.forEach((j, i) => (out[i]!.ok ? j.resolve(out[i]!.value) : j.reject(out[i]!.value)));
  };
  return <T>(work: () => T) => new Promise<T>((resolve, reject) => {
    if (queue.push({ work, resolve: resolve as (v: unknown) => void, reject }) === 1) setImmediate(flush);
  });
}

const EMPTY = Buffer.alloc(0);

/** Where `part` lies inside `raw` when it is a view of raw's bytes (the MIME parser slices binary parts); else null. */
function offsetIn(raw: Buffer, part: Buffer): number | null {
  if (part.buffer !== raw.buffer || part.length === 0) return null;
  const at = part.byteOffset - raw.byteOffset;
  return at >= 0 && at + part.length <= raw.length ? at : null;
}

/**
 * The synchronous message writes, for use inside a transaction (the repositories below, and the hub's one-
 * transaction completion in hub-completion.ts).
 */
export function messageWriters(db: Db) {
  const insMsg = db.prepare(`INSERT INTO messages (id, message_id, direction, kind, cpa_id, conversation_id, ref_to_message_id, from_party,
    to_party, service, action, status, timestamp, time_to_live, content_type, raw, reply_id, processed_at, created_at, updated_at)
    VALUES (@id, @messageId, @direction, @kind, @cpaId, @conversationId, @refToMessageId, @fromParty, @toParty, @service, @action,
    @status, @timestamp, @timeToLive, @contentType, @raw, @replyId, @processedAt, @createdAt, @updatedAt)`);
  const insPart = db.prepare('INSERT INTO message_parts (message_id, idx, content_id, content_type, content, raw_offset, raw_length) VALUES (?, ?, ?, ?, ?, ?, ?)');
  const insEvent = db.prepare('INSERT INTO message_events (message_id, at, event, detail) VALUES (?, ?, ?, ?)');
  const insDelivery = db.prepare(`INSERT INTO deliveries (message_id, endpoint, attempts, max_attempts, retry_interval_ms, next_attempt_at, expires_at, awaiting_ack, last_error)
    VALUES (@messageId, @endpoint, @attempts, @maxAttempts, @retryIntervalMs, @nextAttemptAt, @expiresAt, @awaitingAck, @lastError)`);
  const processed = db.prepare("UPDATE messages SET status = 'PROCESSED', processed_at = ?, updated_at = ? WHERE id = ? AND direction = 'in' AND processed_at IS NULL");
  const addEvent = (id: string, e: MessageEvent) => { insEvent.run(id, e.at, e.event, e.detail); };
  const addDelivery = (d: Delivery) => { insDelivery.run({ ...d, awaitingAck: d.awaitingAck ? 1 : 0 }); };
  const insertAll = (m: MessageRecord, ps: MessagePart[], e: MessageEvent) => {
    insMsg.run(m);
    ps.forEach((p, i) => {
      const at = offsetIn(m.raw, p.content);
      if (at === null) insPart.run(m.id, i, p.contentId, p.contentType, p.content, null, null);
      else insPart.run(m.id, i, p.contentId, p.contentType, EMPTY, at, p.content.length);
    });
    addEvent(m.id, e);
  };
  /** Status PROCESSED + event; false when the message was processed already (or is not inbound). */
  const markProcessed = (id: string, at: string) => {
    const changed = processed.run(at, at, id).changes > 0;
    if (changed) addEvent(id, { at, event: 'PROCESSED', detail: null });
    return changed;
  };
  return { insertAll, addDelivery, addEvent, markProcessed };
}

export function sqliteMessages(db: Db): { messages: MessageRepository; outbox: OutboxRepository } {
  const { insertAll, addDelivery, addEvent, markProcessed } = messageWriters(db);
  const byId = db.prepare('SELECT * FROM messages WHERE id = ?');
  const byMessageId = db.prepare('SELECT * FROM messages WHERE direction = ? AND message_id = ?');
  const byRef = db.prepare('SELECT * FROM messages WHERE direction = ? AND ref_to_message_id = ? ORDER BY created_at, id');
  const parts = db.prepare(`SELECT p.content_id AS contentId, p.content_type AS contentType,
    CASE WHEN p.raw_offset IS NULL THEN p.content ELSE substr(m.raw, p.raw_offset + 1, p.raw_length) END AS content
    FROM message_parts p JOIN messages m ON m.id = p.message_id WHERE p.message_id = ? ORDER BY p.idx`);
  const events = db.prepare('SELECT at, event, detail FROM message_events WHERE message_id = ? ORDER BY id');
  const setStatus = db.prepare('UPDATE messages SET status = ?, updated_at = ? WHERE id = ?');
  const attempt = db.prepare("UPDATE messages SET processing_attempts = processing_attempts + 1 WHERE id = ? AND direction = 'in' AND processed_at IS NULL RETURNING processing_attempts");
  const quarantined = db.prepare("UPDATE messages SET status = 'QUARANTINED', processed_at = ?, updated_at = ? WHERE id = ? AND direction = 'in' AND processed_at IS NULL");
  const released = db.prepare("UPDATE messages SET status = 'RECEIVED', processed_at = NULL, processing_attempts = 0, updated_at = ? WHERE id = ? AND status = 'QUARANTINED'");

  const inboundTx = db.transaction((m: MessageRecord, ps: MessagePart[], e: MessageEvent, reply?: { msg: MessageRecord; delivery?: Delivery }) => {
    const existing = byMessageId.get(m.direction, m.messageId) as Row | undefined;
    if (existing) return { inserted: false, existing: toRecord(existing) };
    if (reply) {
      insertAll(reply.msg, [], { at: e.at, event: reply.delivery ? 'QUEUED' : 'SENT', detail: `reply to ${m.messageId}` });
      if (reply.delivery) addDelivery(reply.delivery);
    }
    insertAll({ ...m, replyId: reply?.msg.id ?? m.replyId }, ps, e);
    return { inserted: true, existing: null };
  });
  const outboundTx = db.transaction((m: MessageRecord, ps: MessagePart[], e: MessageEvent, d?: Delivery) => {
    insertAll(m, ps, e);
    if (d) addDelivery(d);
  });
  const grouped = groupCommit(db);
  const statusTx = db.transaction((id: string, status: MessageRecord['status'], e?: MessageEvent) => {
    setStatus.run(status, e?.at ?? new Date().toISOString(), id);
    if (e) addEvent(id, e);
  });

  const purgeMessages = db.prepare(`DELETE FROM messages WHERE created_at < ?
    AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.message_id = messages.id)`);
  const messages: MessageRepository = {
    insertInbound(m, ps, e, reply) { return grouped(() => inboundTx(m, ps, e, reply)); },
    insertOutbound(m, ps, e, d) { return grouped(() => { outboundTx(m, ps, e, d); }); },
    async get(id) { const r = byId.get(id) as Row | undefined; return r ? toRecord(r) : null; },
    async getByMessageId(dir, mid) { const r = byMessageId.get(dir, mid) as Row | undefined; return r ? toRecord(r) : null; },
    async list(f) {
      const where: string[] = [];
      const args: unknown[] = [];
      const eq = (col: string, v: unknown) => { if (v !== undefined) { where.push(`${col} = ?`); args.push(v); } };
      eq('status', f.status); eq('direction', f.direction); eq('kind', f.kind); eq('cpa_id', f.cpaId);
      if (f.cpaIds) { where.push(`cpa_id IN (${f.cpaIds.map(() => '?').join(',') || "''"})`); args.push(...f.cpaIds); }
      if (f.from) { where.push('created_at >= ?'); args.push(f.from); }
      if (f.to) { where.push('created_at < ?'); args.push(f.to); }
      if (f.after) { where.push('(created_at < ? OR (created_at = ? AND id > ?))'); args.push(f.after.createdAt, f.after.createdAt, f.after.id); }
      const sql = `SELECT * FROM messages ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`;
      return (db.prepare(sql).all(...args, f.limit ?? 100, f.offset ?? 0) as Row[]).map(toRecord);
    },
    async find(ref) {
      const r = (byId.get(ref) ?? byMessageId.get('in', ref) ?? byMessageId.get('out', ref)) as Row | undefined;
      return r ? toRecord(r) : null;
    },
    async listByRef(dir, ref) { return (byRef.all(dir, ref) as Row[]).map(toRecord); },
    async parts(id) { return parts.all(id) as MessagePart[]; },
    async events(id) { return events.all(id) as MessageEvent[]; },
    async setStatus(id, s, e) { statusTx(id, s, e); },
    async setStatusIf(id, from, status, e) {
      return db.transaction(() => {
        const at = e?.at ?? new Date().toISOString();
        const changed = db.prepare(`UPDATE messages SET status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`).run(status, at, id, ...from).changes > 0;
        if (changed && e) addEvent(id, e);
        return changed;
      })();
    },
    async addEvent(id, e) { addEvent(id, e); },
    async markProcessed(id, at) { return db.transaction(() => markProcessed(id, at))(); },
    async countProcessingAttempt(id) {
      const row = attempt.get(id) as { processing_attempts: number } | undefined;
      return row?.processing_attempts ?? 0;
    },
    async quarantine(id, at, reason) {
      return db.transaction(() => {
        const changed = quarantined.run(at, at, id).changes > 0;
        if (changed) addEvent(id, { at, event: 'QUARANTINED', detail: reason });
        return changed;
      })();
    },
    async release(id, at) {
      return db.transaction(() => {
        const changed = released.run(at, id).changes > 0;
        if (changed) addEvent(id, { at, event: 'RELEASED', detail: 'released by the operator: processed again at the next catch-up' });
        return changed;
      })();
    },
    // Parts, events (and outbox rows, none by the condition) go with ON DELETE CASCADE.
    async purge(createdBefore) { return purgeMessages.run(createdBefore).changes; },
  };

  const stats = db.prepare('SELECT COUNT(*) AS n, MIN(m.created_at) AS oldest FROM deliveries d JOIN messages m ON m.id = d.message_id');
  const claim = db.prepare(`UPDATE deliveries SET lease_owner = ?, lease_until = ?
    WHERE message_id IN (SELECT message_id FROM deliveries WHERE next_attempt_at <= ? AND (lease_until IS NULL OR lease_until < ?)
    ORDER BY next_attempt_at LIMIT ?) RETURNING *`);
  const getDelivery = db.prepare('SELECT * FROM deliveries WHERE message_id = ?');
  const resched = db.prepare(`UPDATE deliveries SET attempts = @attempts, next_attempt_at = @nextAttemptAt, awaiting_ack = @awaitingAck,
    last_error = @lastError, lease_owner = NULL, lease_until = NULL WHERE message_id = @messageId`);
  const del = db.prepare('DELETE FROM deliveries WHERE message_id = ?');
  const insDeliveryOrIgnore = db.prepare(`INSERT OR IGNORE INTO deliveries (message_id, endpoint, attempts, max_attempts, retry_interval_ms, next_attempt_at, expires_at, awaiting_ack, last_error)
    VALUES (@messageId, @endpoint, @attempts, @maxAttempts, @retryIntervalMs, @nextAttemptAt, @expiresAt, @awaitingAck, @lastError)`);
  const nextDue = db.prepare('SELECT MIN(next_attempt_at) AS at FROM deliveries');
  const count = db.prepare('SELECT COUNT(*) AS n FROM deliveries');
  const completeTx = db.transaction((id: string, s: MessageRecord['status'], e: MessageEvent) => {
    del.run(id);
    setStatus.run(s, e.at, id);
    addEvent(id, e);
  });

  const completeIfTx = db.transaction((id: string, from: MessageRecord['status'][], s: MessageRecord['status'], es: MessageEvent[]) => {
    del.run(id);
    const changed = db.prepare(`UPDATE messages SET status = ?, updated_at = ? WHERE id = ? AND status IN (${from.map(() => '?').join(',')})`)
      .run(s, es[0]?.at ?? new Date().toISOString(), id, ...from).changes > 0;
    if (changed) for (const e of es) addEvent(id, e);
    return changed;
  });

  const outbox: OutboxRepository = {
    async claimDue(now, limit, owner, leaseMs) {
      const iso = now.toISOString();
      return (claim.all(owner, new Date(now.getTime() + leaseMs).toISOString(), iso, iso, limit) as DeliveryRow[]).map(toDelivery);
    },
    async get(id) { const r = getDelivery.get(id) as DeliveryRow | undefined; return r ? toDelivery(r) : null; },
    async reschedule(id, u) { resched.run({ messageId: id, ...u, awaitingAck: u.awaitingAck ? 1 : 0 }); },
    async complete(id, s, e) { completeTx(id, s, e); },
    async completeIf(id, from, s, es) { return completeIfTx(id, from, s, es); },
    async releaseLeases() { return db.prepare('UPDATE deliveries SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL').run().changes; },
    async enqueue(d) { return insDeliveryOrIgnore.run({ ...d, awaitingAck: d.awaitingAck ? 1 : 0 }).changes > 0; },
    async nextDueAt() { return (nextDue.get() as { at: string | null }).at; },
    async count() { return (count.get() as { n: number }).n; },
    async stats() {
      const r = stats.get() as { n: number; oldest: string | null };
      return { depth: r.n, oldestCreatedAt: r.oldest };
    },
  };
  return { messages, outbox };
}
