import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, openDatabase } from '../../../src/store/sqlite/database.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { readMigrations } from '../../../src/store/migrations.js';
import { GatewayError } from '../../../src/errors.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'knooppunt-store-'));

describe('SQLite store', () => {
  test('migrations apply once, in order, and a second open applies nothing', async () => {
    const path = join(tmp(), 'k.db');
    const s1 = await SqliteStore.open(path);
    const all = readMigrations('sqlite');
    expect((await s1.status()).schemaVersion).toBe(all.length);
    await s1.close();
    const s2 = await SqliteStore.open(path);
    expect(await s2.migrate()).toEqual({ applied: [], version: all.length });
    await s2.close();
  });

  test('message data is durable: WAL with synchronous=FULL, foreign keys on', async () => {
    const s = await SqliteStore.open(join(tmp(), 'k.db'));
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    await s.close();
  });

  test('a failing migration rolls back and leaves the store at the last good version', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'm'));
    writeFileSync(join(dir, 'm', '0001_one.sql'), 'CREATE TABLE a (x INTEGER);');
    writeFileSync(join(dir, 'm', '0002_two.sql'), 'CREATE TABLE b (y INTEGER); INSERT INTO nope VALUES (1);');
    const db = openDatabase(join(dir, 'k.db'));
    const run = () => migrate(db, readMigrations('sqlite', join(dir, 'm')));
    expect(run).toThrow(GatewayError);
    expect(run).toThrow('migration 0002_two failed: no such table: nope');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name IN ('a','b') ORDER BY name").all()).toEqual([{ name: 'a' }]);
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get()).toEqual({ v: 1 });
  });

  test('numbering gaps in migrations are refused', () => {
    const dir = tmp();
    writeFileSync(join(dir, '0001_one.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '0003_three.sql'), 'SELECT 1;');
    expect(() => readMigrations('sqlite', dir)).toThrow('migration numbering gap: expected 2, found 3 (three)');
  });

  test('organisations and their OINs round-trip', async () => {
    const s = await SqliteStore.open(':memory:');
    await s.organisations.insert({ id: 'gemeente:0363', kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300', '00000099000000099900'], createdAt: '2026-01-01T00:00:00.000Z' });
    await s.organisations.insert({ id: 'gemeente:0518', kind: 'gemeente', code: '0518', name: 'Den Haag', oins: ['00000099000000099900'], createdAt: '2026-01-01T00:00:00.000Z' });
    expect((await s.organisations.get('gemeente:0363'))?.oins).toEqual(['00000099000000036300', '00000099000000099900']);
    expect((await s.organisations.findByOin('00000099000000099900')).map((o) => o.id)).toEqual(['gemeente:0363', 'gemeente:0518']);
    expect(await s.organisations.findByCode('gemeente', '9999')).toBeNull();
    await s.close();
  });
});

describe('message parts', () => {
  const at = '2026-01-01T00:00:00.000Z';
  const rec = (id: string, raw: Buffer) => ({
    id, messageId: `${id}@x`, direction: 'in' as const, kind: 'business' as const, cpaId: 'c', conversationId: 'v', refToMessageId: null,
    fromParty: 'a', toParty: 'b', service: 's', action: 'a', status: 'RECEIVED' as const, timestamp: at, timeToLive: null,
    contentType: 'multipart/related', raw, replyId: null, processedAt: null, createdAt: at, updatedAt: at,
  });

  test('a part that is a byte range of the raw message is stored as that range, not copied, and reads back identical', async () => {
    const s = await SqliteStore.open(':memory:');
    const raw = Buffer.from('--b\r\nContent-ID: <p1>\r\n\r\n<Bericht>één</Bericht>\r\n--b--');
    const view = raw.subarray(raw.indexOf('<Bericht>'), raw.indexOf('\r\n--b--'));
    const copy = Buffer.from('decrypted payload');
    await s.messages.insertInbound(rec('m1', raw), [{ contentId: 'p1', contentType: 'application/xml', content: view }, { contentId: 'p2', contentType: 'text/plain', content: copy }], { at, event: 'RECEIVED', detail: null });
    expect(s.db.prepare('SELECT idx, length(content) AS stored, raw_offset AS off, raw_length AS len FROM message_parts ORDER BY idx').all())
      .toEqual([{ idx: 0, stored: 0, off: view.byteOffset - raw.byteOffset, len: view.length }, { idx: 1, stored: copy.length, off: null, len: null }]);
    const parts = await s.messages.parts('m1');
    expect(parts.map((p) => [p.contentId, p.contentType, p.content.toString('utf8')])).toEqual([['p1', 'application/xml', '<Bericht>één</Bericht>'], ['p2', 'text/plain', 'decrypted payload']]);
    await s.close();
  });
});
