import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateDevPki } from '../pki/dev-pki.js';

export const DEFAULT_CONFIG_FILE = 'knooppunt.config.json';

/**
 * First start (issue "The house" §10): create a development configuration, the dev PKI and the data folder in
 * `dir` when no configuration exists yet. A second start reuses them. Returns what was created.
 */
export function ensureDevSetup(dir: string): { configFile: string; createdConfig: boolean; createdPki: boolean } {
  const configFile = join(dir, DEFAULT_CONFIG_FILE);
  const pkiDir = join(dir, 'certs-dev');
  const { files, created: createdPki } = generateDevPki(pkiDir);
  mkdirSync(join(dir, 'data'), { recursive: true });
  if (existsSync(configFile)) return { configFile, createdConfig: false, createdPki };
  const hub = files.parties.hub!;
  const rel = (p: string) => relative(dir, p);
  const config = {
    hub: {
      name: 'Knooppunt (ontwikkel)',
      oin: hub.oin,
      endpoints: { diginetwerk: 'https://localhost:8443/ebms', internet: 'https://localhost:8443/ebms' },
    },
    tls: {
      server: { cert: rel(hub.server.cert), key: rel(hub.server.key) },
      client: { cert: rel(hub.client.cert), key: rel(hub.client.key) },
      signing: { cert: rel(hub.signing.cert), key: rel(hub.signing.key) },
      trustAnchors: [rel(files.caCert)],
    },
    store: { path: 'data/knooppunt.db' },
    dataDir: 'data',
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return { configFile, createdConfig: true, createdPki };
}
