/**
 * Portaal mailbox API (GGk manual §6 "Bestanden ophalen"): list, download one (marks it read), download a
 * selection as ZIP, set/clear the read mark, delete. Scoped: an organisation sees only its own mailbox; the hub
 * operator all (optionally filtered with ?organisation=).
 */
import { Router, type Response } from 'express';
import { ValidationError, type Problem } from '../errors.js';
import { MailboxService, type MailboxScope } from '../routing/mailbox.js';
import type { MailboxFilter } from '../store/store.js';
import type { ApiModule } from './app.js';
import { principalOf } from './auth.js';
import type { ApiContext } from './context.js';

function scopeOf(res: Response): MailboxScope {
  const p = principalOf(res);
  return { organisationId: p.isOperator ? null : p.organisation.id };
}

/** Content-Disposition with an ASCII fallback and the RFC 6266/5987 UTF-8 name. */
function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

function parseFilter(query: Record<string, unknown>, operator: boolean): Omit<MailboxFilter, 'includeDeleted'> {
  const problems: Problem[] = [];
  const one = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') { problems.push({ path: name, message: 'must be given once' }); return undefined; }
    return v;
  };
  const filter: Omit<MailboxFilter, 'includeDeleted'> = {};
  const organisation = one('organisation');
  if (organisation !== undefined) {
    if (!operator) problems.push({ path: 'organisation', message: 'only the hub operator may choose the mailbox' });
    else filter.organisationId = organisation;
  }
  const berichttype = one('berichttype');
  if (berichttype !== undefined) filter.berichttype = berichttype.toUpperCase();
  const read = one('read');
  if (read !== undefined) {
    if (read !== 'true' && read !== 'false') problems.push({ path: 'read', message: 'must be true or false' });
    else filter.read = read === 'true';
  }
  for (const name of ['from', 'to'] as const) {
    const v = one(name);
    if (v === undefined) continue;
    if (Number.isNaN(Date.parse(v))) problems.push({ path: name, message: 'must be an ISO 8601 date-time' });
    else filter[name] = new Date(v).toISOString();
  }
  for (const [name, min, max] of [['limit', 1, 1000], ['offset', 0, Number.MAX_SAFE_INTEGER]] as const) {
    const v = one(name);
    if (v === undefined) continue;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < min || n > max) problems.push({ path: name, message: `must be an integer ${min}..${max === 1000 ? max : '…'}` });
    else filter[name] = n;
  }
  if (problems.length > 0) throw new ValidationError('Invalid query', problems);
  return filter;
}

export function mailboxRoutes(ctx: ApiContext): Router {
  const r = Router();
  const mailbox = new MailboxService({ store: ctx.store });

  r.get('/mailbox', async (req, res) => {
    const scope = scopeOf(res);
    res.json({ items: await mailbox.list(scope, parseFilter(req.query as Record<string, unknown>, scope.organisationId === null)) });
  });

  r.post('/mailbox/download', async (req, res) => {
    const { zip, items } = await mailbox.downloadZip(scopeOf(res), (req.body as { ids?: unknown } | undefined)?.ids);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', attachment(`postbus-${new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}.zip`));
    res.setHeader('X-Mailbox-Items', String(items.length));
    res.send(zip);
  });

  r.get('/mailbox/:id', async (req, res) => {
    const { item, content } = await mailbox.download(scopeOf(res), req.params.id);
    res.setHeader('Content-Type', item.contentType);
    res.setHeader('Content-Disposition', attachment(item.bestandsnaam));
    res.send(content);
  });

  r.post('/mailbox/:id/read', async (req, res) => {
    const read = (req.body as { read?: unknown } | undefined)?.read ?? true;
    if (typeof read !== 'boolean') throw new ValidationError('Invalid input', [{ path: 'read', message: 'must be true or false' }]);
    res.json(await mailbox.setRead(scopeOf(res), req.params.id, read));
  });

  r.delete('/mailbox/:id', async (req, res) => {
    await mailbox.delete(scopeOf(res), req.params.id);
    res.status(204).end();
  });
  return r;
}

const id = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const common = { 401: { description: 'No token' }, 404: { description: 'No such item in the caller\'s mailbox' } };

export const mailboxPaths = {
  '/mailbox': {
    get: {
      summary: 'Files waiting in the caller\'s Portaal mailbox (the hub operator: all, or ?organisation=)',
      parameters: ['organisation', 'berichttype', 'read', 'from', 'to', 'limit', 'offset'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
      responses: { 200: { description: 'OK' }, 400: { description: 'Invalid query' }, 401: common[401] },
    },
  },
  '/mailbox/{id}': {
    get: { summary: 'Download one file (the StUF envelope); marks it read', parameters: id, responses: { 200: { description: 'The file' }, ...common } },
    delete: { summary: 'Delete a file', parameters: id, responses: { 204: { description: 'Deleted' }, ...common } },
  },
  '/mailbox/{id}/read': {
    post: {
      summary: 'Mark read ({"read": true}, default) or unread ({"read": false}: kept beyond 168 hours)', parameters: id,
      requestBody: { content: { 'application/json': { schema: { type: 'object', properties: { read: { type: 'boolean' } } } } } },
      responses: { 200: { description: 'The item' }, 400: { description: 'Invalid input' }, ...common },
    },
  },
  '/mailbox/download': {
    post: {
      summary: 'Download a selection as one ZIP; every file is marked read',
      requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['ids'], properties: { ids: { type: 'array', items: { type: 'string' }, minItems: 1, maxItems: 1000 } } } } } },
      responses: { 200: { description: 'application/zip' }, 400: { description: 'Invalid selection' }, ...common },
    },
  },
};

export const mailboxApi: ApiModule = { router: mailboxRoutes, paths: mailboxPaths };
