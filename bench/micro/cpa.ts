import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateCpa, type HubIdentity } from '../../src/cpa/generate.js';
import { parseCpa } from '../../src/cpa/parse.js';
import { resolve } from '../../src/cpa/resolve.js';
import { validateCpa } from '../../src/cpa/validate.js';
import { generateDevPki } from '../../src/pki/dev-pki.js';

/**
 * CPA micro-benchmark: ms per generateCpa (target well under 50 ms, issue 3), per parse+resolve (what the MSH
 * does for an uncached CPA) and per validate. Uses a throw-away dev PKI.
 */
export async function run(): Promise<Record<string, number>> {
  const dir = mkdtempSync(join(tmpdir(), 'kp-bench-cpa-'));
  try {
    const { files } = generateDevPki(dir);
    const read = (p: string) => readFileSync(p, 'utf8');
    const hub = files.parties.hub!;
    const gem = files.parties['gemeente-0363']!;
    const hubIdentity: HubIdentity = {
      name: 'Knooppunt', oin: hub.oin, endpoints: { diginetwerk: 'https://knooppunt.example/ebms', internet: 'https://knooppunt.example.nl/ebms' },
      serverCertPem: read(hub.server.cert), clientCertPem: read(hub.client.cert), signingCertPem: read(hub.signing.cert),
    };
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const fields = {
      profielnaam: 'Bench', oin: gem.oin, ingangsdatum: day(0), einddatum: day(365), connectietype: 'diginetwerk',
      endpoint: 'https://localhost:8443/ebms', serverCertPem: read(gem.server.cert), clientCertPem: read(gem.client.cert), profile: 'osb-rm-e',
    };
    const time = (n: number, f: () => unknown): number => {
      for (let i = 0; i < Math.min(20, n); i++) f(); // warm-up
      const t0 = performance.now();
      for (let i = 0; i < n; i++) f();
      return Number(((performance.now() - t0) / n).toFixed(3));
    };
    const xml = generateCpa(fields, { hub: hubIdentity }).xml;
    const cpa = parseCpa(xml);
    const query = { fromPartyId: gem.oin, toPartyId: hub.oin, service: 'GGK:OntvangAsynchroon:0210', action: 'envelopHeenbericht-ggk_Di01' };
    return {
      'cpa.generate.ms': time(200, () => generateCpa(fields, { hub: hubIdentity })),
      'cpa.parse+resolve.ms': time(500, () => resolve(parseCpa(xml), query)),
      'cpa.resolve.ms': time(5000, () => resolve(cpa, query)),
      'cpa.validate.ms': time(200, () => validateCpa(cpa)),
      'cpa.xml.bytes': Buffer.byteLength(xml),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
