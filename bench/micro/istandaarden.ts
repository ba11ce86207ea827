/**
 * Micro-benchmark of the iWmo/iJw payload layer: ms per call for structural validation and header/key extraction
 * of a 5 KB JW301 (the test fixture, padded with extra ToegewezenProduct lines to at least 5 KB).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractPayload } from '../../src/istandaarden/extract.js';
import { validatePayload } from '../../src/istandaarden/validate.js';
import { packageRoot } from '../../src/paths.js';

/** The JW301 fixture grown to `minBytes` by repeating its last ToegewezenProduct. */
export function jw301OfSize(minBytes: number): Buffer {
  let xml = readFileSync(join(packageRoot, 'test', 'fixtures', 'istandaarden', 'jw301.xml'), 'utf8');
  const start = xml.lastIndexOf('<jw301:ToegewezenProduct>');
  const end = xml.indexOf('</jw301:ToegewezenProduct>', start) + '</jw301:ToegewezenProduct>'.length;
  const product = xml.slice(start, end);
  let n = 0;
  while (Buffer.byteLength(xml) < minBytes) {
    n++;
    const copy = product.replace(/<jw301:ToewijzingNummer>(\d+)</, (_m, d: string) => `<jw301:ToewijzingNummer>${Number(d) + n}<`);
    xml = xml.replace('</jw301:ToegewezenProducten>', `  ${copy}\n    </jw301:ToegewezenProducten>`);
  }
  return Buffer.from(xml);
}

function msPerCall(fn: () => unknown, iterations: number): number {
  for (let i = 0; i < Math.min(500, iterations); i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / iterations;
}

export async function run(): Promise<Record<string, number>> {
  const doc = jw301OfSize(5 * 1024);
  if (!validatePayload(doc).valid) throw new Error('benchmark JW301 is not valid');
  return {
    'istandaarden.jw301.bytes': doc.byteLength,
    'istandaarden.validate.jw301-5kb.ms': msPerCall(() => validatePayload(doc), 5000),
    'istandaarden.extract.jw301-5kb.ms': msPerCall(() => extractPayload(doc), 5000),
    'istandaarden.validate+extract.jw301-5kb.ms': msPerCall(() => { validatePayload(doc); extractPayload(doc); }, 3000),
  };
}
