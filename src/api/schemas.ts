import { z } from 'zod';

/** Schemas shared by several route modules (responses and path parameters). */
export const idParams = (description: string) => z.object({ id: z.string().min(1).max(500).meta({ description }) });

export const problemList = z.array(z.object({ path: z.string(), message: z.string(), severity: z.enum(['error', 'warning']).optional() }));

export const organisationSchema = z.object({
  id: z.string().meta({ description: '`<kind>:<code>`, e.g. gemeente:0363' }),
  kind: z.enum(['gemeente', 'zorgaanbieder', 'ketenpartner', 'knooppunt']),
  code: z.string(), name: z.string(), oins: z.array(z.string()), createdAt: z.string(),
});

/** Lists that grow are paged: `nextCursor` is null on the last page. */
export const nextCursorSchema = z.string().nullable().meta({ description: 'pass as ?cursor= for the next page; null on the last page' });
