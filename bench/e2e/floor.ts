import Database from 'better-sqlite3';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serverTlsOptions } from '../../src/ebms/transport/tls.js';

/**
 * The floor (issue 4, Done when): what this machine does for a bare Node HTTPS POST with the knooppunt's own mTLS
 * options (src/ebms/transport/tls.ts serverTlsOptions) that reads the body, makes ONE SQLite insert of it
 * (better-sqlite3, WAL, synchronous=FULL, autocommit: one transaction, one fsync) and answers 204. Nothing else:
 * no parsing, no CPA, no signal. The MSH figures are reported as ratios against this, from the same run.
 */
export interface Floor { url: string; close(): Promise<void> }

export async function startFloor(dir: string, tls: { server: { cert: string; key: string }; ca: string[] }): Promise<Floor> {
  const db = new Database(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS received (id INTEGER PRIMARY KEY, at TEXT NOT NULL, content_type TEXT, body BLOB NOT NULL)');
  const insert = db.prepare('INSERT INTO received (at, content_type, body) VALUES (?, ?, ?)');
  const server = createServer(serverTlsOptions({ cert: tls.server.cert, key: tls.server.key, ca: tls.ca }), (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      insert.run(new Date().toISOString(), req.headers['content-type'] ?? null, Buffer.concat(chunks));
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}/ebms`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      db.close();
    },
  };
}
