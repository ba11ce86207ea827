/**
 * Portaal mailbox API (GGk manual §6 "Bestanden ophalen"): list, download one (marks it read), download a
 * selection as ZIP, set/clear the read mark, delete. Scoped: an organisation sees only its own mailbox; the hub
 * operator all (optionally filtered with ?organisation=).
 */
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { MailboxScope } from '../routing/mailbox.js';
import type { Principal } from './context.js';
import { operation, type ApiModule } from './operation.js';
import { cursorQuery, dateQuery, enumQuery, limitQuery, nextCursor, oneQuery } from './query.js';
import { idParams, nextCursorSchema } from './schemas.js';

const scopeOf = (p: Principal): MailboxScope => ({ organisationId: p.isOperator ? null : p.organisation.id });

/** Content-Disposition with an ASCII fallback and the RFC 6266/5987 UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

const item = z.object({
  id: z.string(), organisationId: z.string(), berichttype: z.string(), bestandsnaam: z.string(), contentType: z.string(), size: z.number().int(),
  referentienummer: z.string().nullable(), ebmsMessageId: z.string().nullable(), createdAt: z.string(), readAt: z.string().nullable(), deletedAt: z.string().nullable(),
});
const itemId = idParams('mailbox item id');

export const mailboxModule: ApiModule = (ctx) => [
  operation({
    method: 'get', path: '/mailbox', operationId: 'listMailbox', tag: 'mailbox',
    summary: 'Files waiting in the caller\'s Portaal mailbox (the hub operator: all, or ?organisation=), newest first, paged by cursor',
    query: z.object({
      organisation: oneQuery('hub operator only: this organisation\'s mailbox'), berichttype: oneQuery('e.g. JW315'),
      read: enumQuery(['true', 'false'], 'only read or only unread items'), from: dateQuery('created at or after'), to: dateQuery('created before'),
      limit: limitQuery(), cursor: cursorQuery,
    }).strict(),
    responses: { 200: { description: 'OK', schema: z.object({ items: z.array(item), nextCursor: nextCursorSchema }) } },
    handler: async ({ query, principal }) => {
      const scope = scopeOf(principal);
      if (query.organisation !== undefined && scope.organisationId !== null) {
        throw new ValidationError('Invalid query', [{ path: 'organisation', message: 'only the hub operator may choose the mailbox' }]);
      }
      const limit = query.limit ?? 100;
      const page = await ctx.mailbox.list(scope, {
        ...(query.organisation !== undefined ? { organisationId: query.organisation } : {}),
        ...(query.berichttype !== undefined ? { berichttype: query.berichttype.toUpperCase() } : {}),
        ...(query.read !== undefined ? { read: query.read === 'true' } : {}),
        ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}),
        ...(query.cursor ? { after: query.cursor } : {}), limit,
      });
      return { items: page, nextCursor: nextCursor(page, limit) };
    },
  }),
  operation({
    method: 'post', path: '/mailbox/download', operationId: 'downloadMailboxZip', tag: 'mailbox', summary: 'Download a selection as one ZIP; every file is marked read',
    body: { schema: z.object({ ids: z.array(z.string().max(100)).max(1000) }).strict() },
    responses: { 200: { description: 'The files (X-Mailbox-Items: how many)', contentType: 'application/zip' } },
    errors: { 404: 'An id is not in the caller\'s mailbox' },
    handler: async ({ body, principal, res }) => {
      const { stream, items } = await ctx.mailbox.downloadZipStream(scopeOf(principal), body.ids);
      res.setHeader('Content-Type', 'application/zip');
      res.setHeader('Content-Disposition', attachment(`postbus-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.zip`));
      res.setHeader('X-Mailbox-Items', String(items.length));
      // Streamed (yazl): each file is read from the store when the ZIP writer reaches it.
      await pipeline(stream, res).catch((err: unknown) => { ctx.logger.error({ err }, 'mailbox ZIP download failed'); res.destroy(); });
    },
  }),
  operation({
    method: 'get', path: '/mailbox/{id}', operationId: 'downloadMailboxItem', tag: 'mailbox', summary: 'Download one file (the StUF envelope); marks it read',
    params: itemId,
    responses: { 200: { description: 'The file', contentType: 'application/xml' } },
    errors: { 404: 'No such item in the caller\'s mailbox' },
    handler: async ({ params, principal, res }) => {
      const { item: found, content } = await ctx.mailbox.download(scopeOf(principal), params.id);
      res.setHeader('Content-Type', found.contentType);
      res.setHeader('Content-Disposition', attachment(found.bestandsnaam));
      res.send(content);
    },
  }),
  operation({
    method: 'post', path: '/mailbox/{id}/read', operationId: 'setMailboxItemRead', tag: 'mailbox',
    summary: 'Mark read ({"read": true}, default) or unread ({"read": false}: kept beyond 168 hours)',
    params: itemId,
    body: { schema: z.object({ read: z.boolean({ error: 'must be true or false' }).optional() }).strict(), required: false },
    responses: { 200: { description: 'The item', schema: item } },
    errors: { 404: 'No such item in the caller\'s mailbox' },
    handler: async ({ params, body, principal }) => ctx.mailbox.setRead(scopeOf(principal), params.id, body?.read ?? true),
  }),
  operation({
    method: 'delete', path: '/mailbox/{id}', operationId: 'deleteMailboxItem', tag: 'mailbox', summary: 'Delete a file',
    params: itemId,
    responses: { 204: { description: 'Deleted' } },
    errors: { 404: 'No such item in the caller\'s mailbox' },
    handler: async ({ params, principal, res }) => { await ctx.mailbox.delete(scopeOf(principal), params.id); res.status(204).end(); },
  }),
];
