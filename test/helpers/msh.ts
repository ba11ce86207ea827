import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { CpaService } from '../../src/cpa/service.js';
import type { HubIdentity } from '../../src/cpa/generate.js';
import type { CpaBeheerFields } from '../../src/cpa/generate-input.js';
import type { MshDeps } from '../../src/ebms/msh/deps.js';
import { Msh } from '../../src/ebms/msh/msh.js';
import type { TlsPeer } from '../../src/ebms/transport/server.js';
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testPki } from './pki.js';

const read = (p: string) => readFileSync(p, 'utf8');

export interface Side {
  id: string;
  oin: string;
  store: SqliteStore;
  cpas: CpaService;
  msh: Msh;
  deps: MshDeps;
  /** How this party looks as a TLS client to the other side. */
  peer: TlsPeer;
}

export function peerFor(partyId: string, use: 'client' | 'server' | 'signing' = 'client'): TlsPeer {
  const p = testPki().files.parties[partyId]!;
  const x = new X509Certificate(read(p[use].cert));
  return { oin: p.oin, subject: x.subject.replace(/\n/g, ', '), fingerprint256: x.fingerprint256, raw: x.raw };
}

export function identityOf(partyId: string, endpoint: string): HubIdentity {
  const p = testPki().files.parties[partyId]!;
  return { name: p.name, oin: p.oin, endpoints: { diginetwerk: endpoint, internet: endpoint }, serverCertPem: read(p.server.cert), clientCertPem: read(p.client.cert), signingCertPem: read(p.signing.cert) };
}

async function side(partyId: string, endpoint: string, now?: () => Date, legacy = false): Promise<Side> {
  const { files } = testPki();
  const p = files.parties[partyId]!;
  const store = await SqliteStore.open(':memory:');
  const logger = createLogger('silent');
  const cpas = new CpaService({ store, hub: identityOf(partyId, endpoint), logger, allowLegacySha1: legacy });
  const deps: MshDeps = {
    store, cpas, logger, metrics: new Metrics(), maxBytes: 30 * 1024 * 1024,
    identity: { oin: p.oin, messageIdHost: `${partyId}.test`, signing: { cert: read(p.signing.cert), key: read(p.signing.key) }, trustAnchors: [read(files.caCert)] },
    ...(now ? { now } : {}),
    ...(legacy ? { legacy: { sha1: true, rsa15: true } } : {}),
  };
  const msh = new Msh(deps, { cert: read(p.client.cert), key: read(p.client.key), ca: [read(files.caCert)] });
  return { id: partyId, oin: p.oin, store, cpas, msh, deps, peer: peerFor(partyId) };
}

export interface Pair {
  hub: Side;
  gemeente: Side;
  cpaId: string;
  xml: string;
  close(): Promise<void>;
}

/**
 * A hub and a gemeente adapter (gemeente-0363) in one process, each with its own store, sharing one CPA generated
 * by the hub and imported by the adapter, both activated. Endpoints are given (no listener needed for pipeline tests).
 */
export async function mshPair(fields: Partial<CpaBeheerFields> = {}, opts: { hubEndpoint?: string; gemeenteEndpoint?: string; activate?: boolean; now?: () => Date; legacy?: boolean; mutateCpa?: (xml: string) => string } = {}): Promise<Pair> {
  const hubEndpoint = opts.hubEndpoint ?? 'https://localhost:9/ebms';
  const gemeenteEndpoint = opts.gemeenteEndpoint ?? 'https://localhost:9/ebms';
  const hub = await side('hub', hubEndpoint, opts.now, opts.legacy);
  const gemeente = await side('gemeente-0363', gemeenteEndpoint, opts.now, opts.legacy);
  const g = testPki().files.parties['gemeente-0363']!;
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  const gen = await hub.cpas.generate({
    profielnaam: 'Test iJw', oin: g.oin, ingangsdatum: day(-1), einddatum: day(365), connectietype: 'internet',
    endpoint: gemeenteEndpoint, serverCertPem: read(g.server.cert), clientCertPem: read(g.client.cert), signingCertPem: read(g.signing.cert),
    ...fields,
  });
  const xml = opts.mutateCpa ? opts.mutateCpa(gen.xml) : gen.xml;
  if (opts.mutateCpa) await hub.cpas.import(xml, { overwrite: true });
  await gemeente.cpas.import(xml);
  if (opts.activate !== false) {
    await hub.cpas.activate(gen.cpaId, 'test');
    await gemeente.cpas.activate(gen.cpaId, 'test');
  }
  return {
    hub, gemeente, cpaId: gen.cpaId, xml,
    async close() { await hub.msh.stop(); await gemeente.msh.stop(); await hub.store.close(); await gemeente.store.close(); },
  };
}

/** A JW301-ish payload part. */
export function payload(size = 5 * 1024): { contentType: string; content: Buffer } {
  const body = `<Bericht xmlns="urn:test">${'x'.repeat(Math.max(0, size - 60))}</Bericht>`;
  return { contentType: 'application/xml', content: Buffer.from(body, 'utf8') };
}
