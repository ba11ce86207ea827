import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { LoadedConfig } from '../../src/config/schema.js';
import { testPki } from './pki.js';

/** A valid configuration for a party of the test PKI, listening on free ports, with its own temp SQLite file. */
export function testConfigObject(party = 'hub', overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { files } = testPki();
  const p = files.parties[party]!;
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-cfg-'));
  return {
    hub: { name: `Test ${party}`, oin: p.oin, endpoints: { diginetwerk: 'https://localhost:8443/ebms', internet: 'https://localhost:8443/ebms' } },
    tls: {
      server: { cert: p.server.cert, key: p.server.key },
      client: { cert: p.client.cert, key: p.client.key },
      signing: { cert: p.signing.cert, key: p.signing.key },
      trustAnchors: [files.caCert],
    },
    listen: { portal: { host: '127.0.0.1', port: 0 }, ebms: { host: '127.0.0.1', port: 0 } },
    store: { path: join(dir, 'knooppunt.db') },
    dataDir: join(dir, 'data'),
    log: { level: 'silent' },
    ...overrides,
  };
}

export function writeTestConfig(obj: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-cfgfile-'));
  const file = join(dir, 'knooppunt.config.json');
  writeFileSync(file, JSON.stringify(obj, null, 2));
  return file;
}

export function testConfig(party = 'hub', overrides: Record<string, unknown> = {}): LoadedConfig {
  return loadConfig(writeTestConfig(testConfigObject(party, overrides)), {});
}
