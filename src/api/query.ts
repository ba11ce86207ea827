import { z } from 'zod';
import type { ListPosition } from '../store/store.js';

/**
 * Query parameters shared by the lists (issue 9 §3): every number is validated (non-numeric, negative, zero or
 * huge → 400), and lists that grow are paged with an opaque cursor instead of an offset.
 */
export const MAX_PAGE = 1000;

/** An integer query parameter within [min, max]; given twice, as text or out of range, it is a 400 problem. */
export const intQuery = (min: number, max: number, description: string) =>
  z.string({ error: 'must be given once' })
    .regex(/^\d{1,16}$/, { error: `must be an integer ${min}..${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { error: `must be an integer ${min}..${max}` }).max(max, { error: `must be an integer ${min}..${max}` }))
    .optional()
    .meta({ description, type: 'integer', minimum: min, maximum: max } as Record<string, unknown>);

export const limitQuery = (dflt = 100) => intQuery(1, MAX_PAGE, `page size, default ${dflt}, at most ${MAX_PAGE}`);

/** A string query parameter given at most once. */
export const oneQuery = (description: string) => z.string({ error: 'must be given once' }).optional().meta({ description });

export const enumQuery = <T extends readonly [string, ...string[]]>(values: T, description: string) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).optional().meta({ description });

export const dateQuery = (description: string) =>
  z.string({ error: 'must be given once' }).refine((v) => !Number.isNaN(Date.parse(v)), { error: 'must be an ISO 8601 date-time' })
    .transform((v) => new Date(v).toISOString()).optional().meta({ description, format: 'date-time' });

export function encodeCursor(p: ListPosition): string {
  return Buffer.from(JSON.stringify([p.createdAt, p.id]), 'utf8').toString('base64url');
}

function decodeCursor(v: string): ListPosition | null {
  try {
    const a: unknown = JSON.parse(Buffer.from(v, 'base64url').toString('utf8'));
    if (Array.isArray(a) && a.length === 2 && typeof a[0] === 'string' && typeof a[1] === 'string' && !Number.isNaN(Date.parse(a[0]))) return { createdAt: a[0], id: a[1] };
  } catch { /* not a cursor */ }
  return null;
}

export const cursorQuery = z.string({ error: 'must be given once' }).max(500, { error: 'not a cursor of this list' })
  .transform((v, c) => {
    const p = decodeCursor(v);
    if (!p) { c.issues.push({ code: 'custom', message: 'not a cursor of this list (use nextCursor of the previous page)', input: v }); return z.NEVER; }
    return p;
  }).optional().meta({ description: 'nextCursor of the previous page' });

/** The next page's cursor: the last row's position when the page is full, else null. */
export function nextCursor<T extends { createdAt: string; id: string }>(page: T[], limit: number): string | null {
  const last = page[page.length - 1];
  return page.length === limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null;
}
