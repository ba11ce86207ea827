import { jest } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import type { MessageRecord } from '../../../src/store/store.js';

/** Group commit of message inserts (src/store/sqlite/messages.ts): one transaction per event-loop turn. */
let n = 0;
function rec(over: Partial<MessageRecord> = {}): MessageRecord {
  n++;
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: `id-${n}`, messageId: `m-${n}@gemeente.example`, direction: 'in', kind: 'business', cpaId: 'CPA-1', conversationId: `c-${n}`,
    refToMessageId: null, fromParty: '00000099000000036300', toParty: '00000099000000000001', service: 'svc', action: 'act', status: 'RECEIVED',
    timestamp: at, timeToLive: null, contentType: 'text/xml', raw: Buffer.from(`<m${n}/>`), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
    ...over,
  };
}
const ev = { at: '2026-01-01T00:00:00.000Z', event: 'RECEIVED', detail: null };
const part = { contentId: 'p1@x', contentType: 'application/xml', content: Buffer.from('<a/>') };

describe('SQLite group commit', () => {
  test('inserts made in one event-loop turn share ONE transaction, and each resolves only once committed', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'knooppunt-gc-')), 'k.db');
    const s = await SqliteStore.open(path);
    const spy = jest.spyOn(s.db, 'transaction');
    const msgs = Array.from({ length: 10 }, () => rec());
    const results = await Promise.all(msgs.map((m) => s.messages.insertInbound(m, [part], ev)));
    expect(results.every((r) => r.inserted)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
    // Visible to another connection: committed, not only written in this one.
    const other = new Database(path, { readonly: true });
    expect(other.prepare('SELECT COUNT(*) AS c FROM messages').get()).toEqual({ c: 10 });
    other.close();
    await s.messages.insertOutbound(rec({ direction: 'out' }), [], ev);
    expect(spy).toHaveBeenCalledTimes(2);
    await s.close();
  });

  test('a duplicate MessageId within one batch is reported as such (ebMS 2.0 §6.4.1)', async () => {
    const s = await SqliteStore.open(':memory:');
    const first = rec();
    const again = rec({ messageId: first.messageId });
    const [a, b] = await Promise.all([s.messages.insertInbound(first, [], ev), s.messages.insertInbound(again, [], ev)]);
    expect(a).toEqual({ inserted: true, existing: null });
    expect(b.inserted).toBe(false);
    expect(b.existing?.id).toBe(first.id);
    await s.close();
  });

  test('one failing insert rolls back and rejects alone; the others of its batch are stored', async () => {
    const s = await SqliteStore.open(':memory:');
    const taken = rec();
    await s.messages.insertInbound(taken, [], ev);
    const good = rec();
    const bad = rec({ id: taken.id }); // primary key already used
    const [g, b] = await Promise.allSettled([s.messages.insertInbound(good, [part], ev), s.messages.insertInbound(bad, [part], ev)]);
    expect(g).toEqual({ status: 'fulfilled', value: { inserted: true, existing: null } });
    expect(b.status).toBe('rejected');
    expect(((b as PromiseRejectedResult).reason as Error).message).toBe('UNIQUE constraint failed: messages.id');
    expect(await s.messages.getByMessageId('in', good.messageId)).not.toBeNull();
    expect(await s.messages.parts(good.id)).toHaveLength(1);
    expect(await s.messages.getByMessageId('in', bad.messageId)).toBeNull();
    expect(await s.messages.parts(taken.id)).toHaveLength(0); // the bad insert's part did not land on the taken id
    await s.close();
  });

  test('a CPA read after a write by another connection is fresh (PRAGMA data_version invalidates the cache)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'knooppunt-gc-')), 'k.db');
    const s = await SqliteStore.open(path);
    const at = '2026-01-01T00:00:00.000Z';
    await s.cpas.insert({
      cpaId: 'CPA-1', status: 'gegenereerd', source: 'generated', xml: '<cpa/>', profielnaam: 'p', partyOin: '00000099000000036300', partyName: null,
      organisationId: null, berichtstroom: 'ijw', profile: 'osb-rm-s', connectietype: 'internet', startAt: at, endAt: '2027-01-01T00:00:00.000Z',
      createdAt: at, updatedAt: at, activatedAt: null,
    }, { at, event: 'gegenereerd', detail: null });
    expect((await s.cpas.get('CPA-1'))?.status).toBe('gegenereerd');
    await s.cpas.setStatus('CPA-1', 'geactiveerd', { at, event: 'geactiveerd', detail: null });
    expect((await s.cpas.get('CPA-1'))?.status).toBe('geactiveerd');
    const other = new Database(path);
    other.prepare("UPDATE cpas SET status = 'ingetrokken' WHERE cpa_id = 'CPA-1'").run();
    other.close();
    expect((await s.cpas.get('CPA-1'))?.status).toBe('ingetrokken');
    const copy = (await s.cpas.get('CPA-1'))!;
    copy.status = 'verlopen'; // callers get a copy; the cache is not changed through it
    expect((await s.cpas.get('CPA-1'))?.status).toBe('ingetrokken');
    await s.close();
  });
});
