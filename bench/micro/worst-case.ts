/**
 * The longest synchronous work a message can cause within the XML limits (issue 9, item "processing budget"):
 * the hub's preflight of a Di01 carrying a flat payload of ~1,000,000 elements, and the StUF reader on 24 MB of
 * `<a/>` (stopped by limits.xml.maxElements). Standalone: `npx tsc -p tsconfig.bench.json &&
 * node dist-bench/bench/micro/worst-case.js`.
 */
import { performance } from 'node:perf_hooks';
import { preflightEnvelope } from '../../src/routing/preflight.js';
import { buildDi01, xmlBestand } from '../../src/stuf/build.js';
import { readXml } from '../../src/stuf/xml.js';

function time(label: string, fn: () => unknown): void {
  const t0 = performance.now();
  let outcome: string;
  try {
    const r = fn() as { problems?: { toelichting?: string }[] } | undefined;
    outcome = r?.problems?.[0]?.toelichting ?? 'ok';
  } catch (e) {
    outcome = (e as Error).message;
  }
  console.log(`${label}\t${(performance.now() - t0).toFixed(0)} ms\t${outcome.slice(0, 100)}`);
}

const flat = `<r xmlns="http://www.istandaarden.nl/ijw/3_2/jw301/schema">${'<a>1</a>'.repeat(999_990)}</r>`;
const envelope = buildDi01({
  zender: { organisatie: '0363', applicatie: 'Gemeente Jeugd' }, ontvanger: { organisatie: '12345678', applicatie: 'GGk' },
  referentienummer: '3f2c8a9e-1b4d-4c6e-9f0a-7b8c9d0e1f2a', tijdstipBericht: '20240701140000123', functie: 'JW301',
  parameters: { applicatieVersie: '0001', applicatieSubversie: '0004', functieVersie: '0003', functieSubversie: '0002' }, bericht: xmlBestand(flat),
});
time(`hub preflight, Di01 ${(envelope.length / 1e6).toFixed(1)} MB, payload of 1M elements`, () => preflightEnvelope(envelope));
time('StUF reader, 24 MB of <a/> (maxElements stops it)', () => readXml(`<r>${'<a/>'.repeat(6_000_000)}</r>`));
