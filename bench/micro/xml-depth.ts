/**
 * Parse time of deeply nested documents (issue 9): `<x>`×N + `</x>`×N through every XML reader of the product,
 * against a flat document of the same size (`<r>` + `<x/>`×… + `</r>`). A linear reader parses both in about the
 * same time (ratio ≈ 1); a reader quadratic in depth shows a ratio that grows with N. Since the readers refuse
 * depth above `xml.maxDepth` (default 256) the "deep" row measures how fast the refusal comes (fail fast), and
 * the `…-unlimited` rows measure the reader itself with the limit lifted.
 *
 * Standalone: `node dist-bench/bench/micro/xml-depth.js 10000 100000 1000000` (after `npm run bench` or
 * `npx tsc -p tsconfig.bench.json`) prints ms per parse per reader and depth.
 */
import { performance } from 'node:perf_hooks';
import { readXml } from '../../src/stuf/xml.js';
import { scanXml } from '../../src/istandaarden/xml-scan.js';
import { parseXml } from '../../src/ebms/envelope/xml.js';
import { setXmlLimits } from '../../src/xml-limits.js';

export const deep = (n: number): string => '<x>'.repeat(n) + '</x>'.repeat(n);
/** A flat document of (about) the same length as deep(n): 7n characters. */
export const flat = (n: number): string => `<r>${'<x/>'.repeat(Math.floor((7 * n - 7) / 4))}</r>`;

const noop = { open: () => undefined, text: () => undefined, close: () => undefined };
export const readers: Record<string, (xml: string) => unknown> = {
  'stuf.readXml': (xml) => readXml(xml),
  'istandaarden.scanXml': (xml) => scanXml(xml, noop),
  'envelope.xmldom': (xml) => parseXml(xml),
};

/** ms of one parse; a refusal (limit or error) counts as done. */
export function time(fn: (xml: string) => unknown, xml: string): { ms: number; outcome: string } {
  const t0 = performance.now();
  let outcome = 'ok';
  try { fn(xml); } catch (err) { outcome = (err as Error).message.slice(0, 90); }
  return { ms: performance.now() - t0, outcome };
}

/**
 * For `npm run bench`: at 100,000 levels (the payload), per reader, the parse time of the deep document
 * with the limits lifted as a ratio to the flat one of equal size (≈ 1 when linear; before the fix the StUF
 * reader's ratio was in the hundreds), and the time to refuse it with the default limits.
 */
export async function run(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const n = 100_000;
  const d = deep(n);
  const f = flat(n);
  const best = (fn: (xml: string) => unknown, xml: string): number => Math.min(...[0, 1, 2].map(() => time(fn, xml).ms));
  for (const [name, fn] of Object.entries(readers)) {
    out[`xmldepth.${name}.refuse100k.ms`] = best(fn, d);
    setXmlLimits({ maxDepth: 1e9, maxElements: 1e9 });
    try {
      time(fn, f);
      out[`xmldepth.${name}.deep100k_vs_flat.ratio`] = best(fn, d) / best(fn, f);
    } finally {
      setXmlLimits({});
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('xml-depth.js')) {
  const depths = process.argv.slice(2).map(Number);
  // XML_DEPTH_UNLIMITED=1: the readers themselves, with the depth and count limits lifted.
  if (process.env.XML_DEPTH_UNLIMITED === '1') setXmlLimits({ maxDepth: 1e9, maxElements: 1e9 });
  const only = process.env.XML_DEPTH_READERS?.split(',');
  for (const n of depths.length > 0 ? depths : [10_000, 100_000, 1_000_000]) {
    for (const [name, fn] of Object.entries(readers)) {
      if (only && !only.includes(name)) continue;
      const r = time(fn, deep(n));
      const fl = time(fn, flat(n));
      console.log(`${name}\tdepth ${n}\tdeep ${r.ms.toFixed(1)} ms (${r.outcome})\tflat ${fl.ms.toFixed(1)} ms (${fl.outcome})`);
    }
  }
}
