import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { GatewayError } from '../../errors.js';
import { readMigrations, type Migration } from '../migrations.js';
import type { MigrationResult } from '../store.js';

export type Db = Database.Database;

/**
 * Open a SQLite database for message data: WAL so readers never block the writer, synchronous=FULL so that a
 * committed transaction (and so anything acknowledged to a peer) survives a crash or power loss.
 */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path);
  } catch (e) {
    throw new GatewayError('ERR_STORE_UNAVAILABLE', `cannot open SQLite database ${path}: ${(e as Error).message}`, { cause: e });
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  return db;
}

/** Apply pending migrations, each in its own transaction; a failing one leaves the store at the last good version. */
export function migrate(db: Db, migrations: Migration[] = readMigrations('sqlite')): MigrationResult {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const current = (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
  const applied: string[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(m.sql);
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
      })();
    } catch (e) {
      throw new GatewayError('ERR_STORE_MIGRATION', `migration ${String(m.version).padStart(4, '0')}_${m.name} failed: ${(e as Error).message}`, { cause: e });
    }
    applied.push(`${String(m.version).padStart(4, '0')}_${m.name}`);
  }
  return { applied, version: schemaVersion(db) };
}

export function schemaVersion(db: Db): number {
  return (db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number }).v;
}
