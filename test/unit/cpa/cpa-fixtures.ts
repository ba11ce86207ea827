import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../../src/paths.js';
import type { HubIdentity } from '../../../src/cpa/generate.js';
import type { CpaBeheerFields } from '../../../src/cpa/generate-input.js';
import { testPki } from '../../helpers/pki.js';

/** Shared inputs for the CPA tests: the dev PKI hub and gemeente-0363 as the adapter. */

export const CPA_XSD = resolve(packageRoot, '..', 'shared', 'schemas', 'ebms2', 'cpp-cpa-2_0.xsd');
export const FIXTURES = resolve(packageRoot, 'test', 'fixtures', 'cpa');
export const NOW = new Date();

const read = (p: string): string => readFileSync(p, 'utf8');

export function hubIdentity(): HubIdentity {
  const hub = testPki().files.parties.hub!;
  return {
    name: 'Knooppunt (ontwikkel)', oin: hub.oin,
    endpoints: { diginetwerk: 'https://knooppunt.diginetwerk.example/ebms', internet: 'https://knooppunt.example.nl/ebms' },
    serverCertPem: read(hub.server.cert), clientCertPem: read(hub.client.cert), signingCertPem: read(hub.signing.cert),
  };
}

export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

export function adapterFields(over: Partial<CpaBeheerFields> = {}): CpaBeheerFields {
  const g = testPki().files.parties['gemeente-0363']!;
  return {
    profielnaam: 'Gemeente Amsterdam iJw', oin: g.oin, ingangsdatum: isoDay(0), einddatum: isoDay(365),
    connectietype: 'diginetwerk', endpoint: 'https://localhost:8443/ebms',
    serverCertPem: `${read(g.server.cert)}\n\n\n`, clientCertPem: read(g.client.cert), ...over,
  };
}

/** Validate with xmllint (libxml2) against the OASIS schema, offline. Returns [exit status, output]. */
export function xmllint(xml: string): [number | null, string] {
  const dir = mkdtempSync(join(tmpdir(), 'kp-cpa-'));
  const file = join(dir, 'cpa.xml');
  writeFileSync(file, xml);
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', CPA_XSD, file]);
  return [r.status, `${r.stdout.toString()}${r.stderr.toString()}`.replaceAll(file, 'cpa.xml')];
}

export { execFileSync };
