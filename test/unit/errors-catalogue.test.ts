import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorCatalogue, GatewayError } from '../../src/errors.js';
import { ebmsErrorCodes } from '../../src/ebms/errors.js';
import { stufFoutcodes } from '../../src/stuf/errors.js';
import { packageRoot } from '../../src/paths.js';

/** docs/errors.md and the code catalogues must list the same codes with the same texts (fastify-style check). */
const doc = readFileSync(join(packageRoot, 'docs', 'errors.md'), 'utf8');

function tableRows(heading: string): string[][] {
  const section = doc.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) throw new Error(`docs/errors.md has no section "${heading}"`);
  return section.split('\n').filter((l) => /^\| `/.test(l)).map((l) => l.split('|').slice(1, -1).map((c) => c.trim()));
}

test('every GatewayError code is documented with its HTTP status and text, and nothing else is', () => {
  const rows = tableRows('GatewayError codes');
  expect(rows.map((r) => r[0]!.replace(/`/g, ''))).toEqual(Object.keys(errorCatalogue));
  for (const [code, http, text] of rows) {
    const entry = errorCatalogue[code!.replace(/`/g, '') as keyof typeof errorCatalogue];
    expect([http, text]).toEqual([String(entry.httpStatus), entry.description]);
  }
});

test('every ebMS wire error code is documented', () => {
  const rows = tableRows('ebMS wire errors');
  expect(Object.fromEntries(rows.map(([c, t]) => [c!.replace(/`/g, ''), t]))).toEqual(ebmsErrorCodes);
});

test('GatewayError hides internal details from callers', () => {
  const e = new GatewayError('ERR_INTERNAL', 'disk /var/x failed', { cause: new Error('EIO') });
  expect(e.toJSON()).toEqual({ code: 'ERR_INTERNAL', message: errorCatalogue.ERR_INTERNAL.description });
  expect(new GatewayError('ERR_NOT_FOUND', 'no CPA x').toJSON()).toEqual({ code: 'ERR_NOT_FOUND', message: 'no CPA x' });
});

test('every StUF/GGk foutcode is documented with its bron, plek and omschrijving', () => {
  const rows = tableRows('StUF / GGk foutcodes');
  expect(Object.fromEntries(rows.map(([c, bron, plek, omschrijving]) => [c!.replace(/`/g, ''), { bron, plek, omschrijving }]))).toEqual(stufFoutcodes);
});
