import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ConfigError } from '../errors.js';
import { DEV_PARTIES, generateDevPki } from '../pki/dev-pki.js';

export const DEFAULT_CONFIG_FILE = 'knooppunt.config.json';

export interface DevSetupOptions {
  /** hub (the knooppunt, default) or adapter (a gemeente's or zorgaanbieder's own MSH). */
  mode?: 'hub' | 'adapter';
  /** The dev-PKI party whose OIN and certificates this node uses (default: hub). */
  party?: string;
  /** Fixed ports: the portal/API listens on BASE, the ebMS listener on BASE + 1 (default 8080 and 8443). */
  ports?: number;
  /** The dev-PKI folder (default `certs-dev` in `dir`); an existing PKI there is used, so two nodes share one CA. */
  pkiDir?: string;
}

/**
 * First start and `knooppunt init` (issue "The house" §10): create a development configuration, the dev PKI and the
 * data folder in `dir` when no configuration exists yet. A second start reuses them. hub.endpoints are not written:
 * they follow the ebMS listen port (src/config/load.ts). Returns what was created.
 */
export function ensureDevSetup(dir: string, opts: DevSetupOptions = {}): { configFile: string; createdConfig: boolean; createdPki: boolean; party: string; oin: string } {
  const mode = opts.mode ?? 'hub';
  const partyId = opts.party ?? 'hub';
  if (!DEV_PARTIES.some((p) => p.id === partyId)) {
    throw new ConfigError('unknown development party', [{ path: '--party', message: `must be one of ${DEV_PARTIES.map((p) => p.id).join(', ')}` }]);
  }
  if (opts.ports !== undefined && (!Number.isInteger(opts.ports) || opts.ports < 1 || opts.ports > 65534)) {
    throw new ConfigError('invalid ports', [{ path: '--ports', message: 'must be a port number from 1 to 65534 (the portal uses BASE, the ebMS listener BASE + 1)' }]);
  }
  const configFile = join(dir, DEFAULT_CONFIG_FILE);
  const pkiDir = opts.pkiDir ? resolve(dir, opts.pkiDir) : join(dir, 'certs-dev');
  const { files, created: createdPki } = generateDevPki(pkiDir);
  const p = files.parties[partyId]!;
  mkdirSync(join(dir, 'data'), { recursive: true });
  if (existsSync(configFile)) return { configFile, createdConfig: false, createdPki, party: partyId, oin: p.oin };
  const rel = (f: string) => { const r = relative(dir, f); return isAbsolute(r) ? f : r; };
  const config = {
    ...(mode === 'adapter' ? { mode } : {}),
    hub: { name: p.name, oin: p.oin },
    tls: {
      server: { cert: rel(p.server.cert), key: rel(p.server.key) },
      client: { cert: rel(p.client.cert), key: rel(p.client.key) },
      signing: { cert: rel(p.signing.cert), key: rel(p.signing.key) },
      trustAnchors: [rel(files.caCert)],
    },
    ...(opts.ports !== undefined ? { listen: { portal: { host: '127.0.0.1', port: opts.ports }, ebms: { host: '127.0.0.1', port: opts.ports + 1 } } } : {}),
    store: { path: 'data/knooppunt.db' },
    dataDir: 'data',
  };
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  return { configFile, createdConfig: true, createdPki, party: partyId, oin: p.oin };
}
