import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { createLogger } from '../../src/log.js';
import { generateDevPki, type DevPkiFiles } from '../../src/pki/dev-pki.js';
import { startKnooppunt, type Knooppunt } from '../../src/server.js';
import type { CpaService } from '../../src/cpa/service.js';

/**
 * The benchmark world: one throw-away dev PKI (src/pki/dev-pki.ts) in a temp folder and in-process knooppunten
 * built from it, each with its own SQLite file (WAL + synchronous=FULL, as in production) and loopback listeners on
 * free ports. Nothing here imports the jest helpers under test/.
 */
export interface World {
  dir: string;
  files: DevPkiFiles;
  /** PEM text of a party's certificate/key, and of the dev CA. */
  pem(party: string, use: 'server' | 'client' | 'signing', what: 'cert' | 'key'): string;
  caPem: string;
  nodes: Knooppunt[];
  start(name: string, party: string, mode: 'hub' | 'adapter'): Promise<Knooppunt>;
  /** Stop every running knooppunt (their files stay until close). */
  stopAll(): Promise<void>;
  close(): Promise<void>;
}

export function createWorld(): World {
  const dir = mkdtempSync(join(tmpdir(), 'kp-bench-'));
  const { files } = generateDevPki(join(dir, 'pki'));
  const world: World = {
    dir, files, nodes: [],
    caPem: readFileSync(files.caCert, 'utf8'),
    pem: (party, use, what) => readFileSync(files.parties[party]![use][what], 'utf8'),
    async start(name, party, mode) {
      const p = files.parties[party]!;
      const home = mkdtempSync(join(dir, `${name}-`));
      const configFile = join(home, 'knooppunt.config.json');
      // The ebMS port is chosen before start: the hub's endpoint URL goes into every CPA it generates.
      const ebmsPort = await freePort();
      const ebms = `https://127.0.0.1:${ebmsPort}/ebms`;
      writeFileSync(configFile, JSON.stringify({
        mode,
        hub: { name: `${name} (${p.name})`, oin: p.oin, endpoints: { diginetwerk: ebms, internet: ebms } },
        tls: {
          server: p.server, client: p.client, signing: p.signing, trustAnchors: [files.caCert],
        },
        listen: { portal: { host: '127.0.0.1', port: 0 }, ebms: { host: '127.0.0.1', port: ebmsPort } },
        store: { path: join(home, 'knooppunt.db') }, dataDir: join(home, 'data'), log: { level: 'silent' },
      }));
      const config = loadConfig(configFile, {});
      const node = await startKnooppunt(config, { logger: createLogger('silent'), worker: { pollMs: 200 } });
      world.nodes.push(node);
      return node;
    },
    async stopAll() {
      await Promise.all(world.nodes.splice(0).map((n) => n.stop()));
    },
    async close() {
      await world.stopAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return world;
}

/** The CPA service of a running knooppunt (the composition root keeps it in the API context only). */
export function cpaServiceOf(node: Knooppunt): CpaService {
  return node.msh.deps.cpas;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

/**
 * What test/e2e/harness.ts `link()` does over HTTP, in-process: `hub` generates a CPA for `adapter` with CPA
 * Beheer (its endpoint = the adapter's real ebMS URL), `adapter` imports it, and both Ping to activate it.
 */
export async function link(world: World, hub: Knooppunt, adapter: Knooppunt, adapterParty: string, fields: Record<string, unknown> = {},
  opts: { organisationId?: string } = {}): Promise<string> {
  const gen = await cpaServiceOf(hub).generate({
    profielnaam: `bench ${adapterParty}`, oin: adapter.config.hub.oin, ingangsdatum: day(-1), einddatum: day(30), connectietype: 'internet',
    endpoint: adapter.config.hub.endpoints.internet,
    serverCertPem: world.pem(adapterParty, 'server', 'cert'), clientCertPem: world.pem(adapterParty, 'client', 'cert'),
    signingCertPem: world.pem(adapterParty, 'signing', 'cert'), ...fields,
  } as never, opts.organisationId ? { organisationId: opts.organisationId } : {});
  await cpaServiceOf(adapter).import(gen.xml);
  await adapter.msh.ping(gen.cpaId);
  await hub.msh.ping(gen.cpaId);
  return gen.cpaId;
}
