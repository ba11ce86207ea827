import { Router, type Response } from 'express';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import type { MessageFilter, MessageRecord } from '../store/store.js';
import { principalOf } from './auth.js';
import type { ApiContext } from './context.js';

/** The CPAs the caller may see: all for the hub operator, else those whose other party is one of its OINs. */
async function visibleCpaIds(ctx: ApiContext, res: Response): Promise<string[] | undefined> {
  const p = principalOf(res);
  if (p.isOperator) return undefined;
  return (await ctx.cpas.list({ partyOins: p.organisation.oins })).map((c) => c.cpaId);
}

async function requireVisible(ctx: ApiContext, res: Response, id: string): Promise<MessageRecord> {
  const rec = await ctx.store.messages.find(id);
  const visible = await visibleCpaIds(ctx, res);
  if (!rec || (visible && !visible.includes(rec.cpaId))) throw new GatewayError('ERR_NOT_FOUND', `no message ${id}`);
  return rec;
}

const summary = ({ raw: _raw, ...r }: MessageRecord) => r;

interface PartInput { contentId?: unknown; contentType?: unknown; content?: unknown }

function checkSend(body: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  for (const f of ['cpaId', 'action'] as const) if (typeof body[f] !== 'string' || body[f] === '') problems.push({ path: f, message: 'required' });
  for (const f of ['service', 'conversationId', 'refToMessageId', 'messageId'] as const) if (body[f] !== undefined && typeof body[f] !== 'string') problems.push({ path: f, message: 'must be a string' });
  if (!Array.isArray(body.parts)) problems.push({ path: 'parts', message: 'required: a list of {contentType, content (base64)}' });
  else (body.parts as PartInput[]).forEach((p, i) => {
    if (typeof p?.contentType !== 'string' || !/^[\w!#$&^.+-]+\/[\w!#$&^.+-]+/.test(p.contentType)) problems.push({ path: `parts.${i}.contentType`, message: 'a MIME type is required' });
    if (typeof p?.content !== 'string' || !/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/.test(p.content)) problems.push({ path: `parts.${i}.content`, message: 'must be base64' });
    if (p?.contentId !== undefined && (typeof p.contentId !== 'string' || /[<>\s]/.test(p.contentId))) problems.push({ path: `parts.${i}.contentId`, message: 'must be a Content-ID without <> or spaces' });
  });
  return problems;
}

/** Application API of the MSH (issue "ebMS2 MSH" §7): send, list, show, pull unprocessed, confirm, ping. */
export function messageRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.post('/messages', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const problems = checkSend(body);
    if (problems.length) throw new ValidationError('Invalid message', problems);
    const visible = await visibleCpaIds(ctx, res);
    if (visible && !visible.includes(body.cpaId as string)) throw new GatewayError('ERR_FORBIDDEN', `you may not send over CPA ${String(body.cpaId)}`);
    const rec = await ctx.msh.send({
      cpaId: body.cpaId as string, action: body.action as string,
      ...(body.service ? { service: body.service as string } : {}),
      ...(body.conversationId ? { conversationId: body.conversationId as string } : {}),
      ...(body.refToMessageId ? { refToMessageId: body.refToMessageId as string } : {}),
      ...(body.messageId ? { messageId: body.messageId as string } : {}),
      parts: (body.parts as PartInput[]).map((p) => ({ contentType: p.contentType as string, content: Buffer.from(p.content as string, 'base64'), ...(p.contentId ? { contentId: p.contentId as string } : {}) })),
    });
    res.status(202).location(`/api/messages/${rec.id}`).json({ id: rec.id, messageId: rec.messageId, conversationId: rec.conversationId, status: rec.status });
  });
  r.get('/messages', async (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const visible = await visibleCpaIds(ctx, res);
    const filter: MessageFilter = {
      ...(q.status ? { status: q.status as MessageFilter['status'] } : {}), ...(q.direction ? { direction: q.direction as 'in' | 'out' } : {}),
      ...(q.kind ? { kind: q.kind as 'business' | 'signal' } : {}), ...(q.cpaId ? { cpaId: q.cpaId } : {}), ...(visible ? { cpaIds: visible } : {}),
      ...(q.from ? { from: new Date(q.from).toISOString() } : {}), ...(q.to ? { to: new Date(q.to).toISOString() } : {}),
      limit: Math.min(Number(q.limit ?? 100) || 100, 1000), offset: Number(q.offset ?? 0) || 0,
    };
    res.json({ messages: (await ctx.store.messages.list(filter)).map(summary) });
  });
  r.get('/messages/unprocessed', async (req, res) => {
    const visible = await visibleCpaIds(ctx, res);
    const list = await ctx.msh.unprocessed(visible, Math.min(Number(req.query.limit ?? 100) || 100, 1000));
    res.json({ messages: list.map(summary) });
  });
  r.get('/messages/:id', async (req, res) => {
    const rec = await requireVisible(ctx, res, req.params.id);
    const parts = await ctx.store.messages.parts(rec.id);
    const withContent = req.query.parts === 'true';
    res.json({
      ...summary(rec),
      events: await ctx.store.messages.events(rec.id),
      parts: parts.map((p) => ({ contentId: p.contentId, contentType: p.contentType, size: p.content.length, ...(withContent ? { content: p.content.toString('base64') } : {}) })),
    });
  });
  r.get('/messages/:id/raw', async (req, res) => {
    const rec = await requireVisible(ctx, res, req.params.id);
    res.type(rec.contentType).send(rec.raw);
  });
  r.patch('/messages/:id', async (req, res) => {
    const rec = await requireVisible(ctx, res, req.params.id);
    if ((req.body as { processed?: unknown })?.processed !== true) throw new ValidationError('Invalid update', [{ path: 'processed', message: 'only {"processed": true} is supported' }]);
    if (rec.direction !== 'in' || rec.kind !== 'business') throw new GatewayError('ERR_CONFLICT', 'only inbound business messages are confirmed');
    await ctx.store.messages.markProcessed(rec.id, new Date().toISOString());
    res.json(summary((await ctx.store.messages.get(rec.id))!));
  });
  r.post('/cpas/:id/ping', async (req, res) => {
    const visible = await visibleCpaIds(ctx, res);
    if (visible && !visible.includes(req.params.id)) throw new GatewayError('ERR_NOT_FOUND', `no CPA ${req.params.id}`);
    const result = await ctx.msh.ping(req.params.id, { async: (req.body as { async?: unknown })?.async === true });
    res.json({ pingMessageId: result.ping.messageId, pongMessageId: result.pong.messageId, roundTripMs: Math.round(result.roundTripMs), sync: result.sync, status: 'geactiveerd' });
  });
  return r;
}

export const messagePaths = {
  '/messages': {
    post: { summary: 'Send a business message over a CPA (stored in the outbox before 202)', responses: { 202: { description: 'Queued: {id, messageId, status}' }, 400: { description: 'Invalid input' }, 403: { description: 'Not your CPA' }, 409: { description: 'CPA not activated' } } },
    get: { summary: 'List messages (filters: status, direction, kind, cpaId, from, to, limit, offset)', responses: { 200: { description: 'OK' } } },
  },
  '/messages/unprocessed': { get: { summary: 'Inbound business messages not yet confirmed by the application', responses: { 200: { description: 'OK' } } } },
  '/messages/{id}': {
    get: { summary: 'A message with its event history (RECEIVED, SENT, DELIVERED, FAILED, EXPIRED, …); ?parts=true adds the payload (base64)', responses: { 200: { description: 'OK' }, 404: { description: 'Not found' } } },
    patch: { summary: 'Confirm an inbound message: {"processed": true}', responses: { 200: { description: 'OK' } } },
  },
  '/messages/{id}/raw': { get: { summary: 'The exact MIME bytes as sent or received', responses: { 200: { description: 'OK' } } } },
  '/cpas/{id}/ping': { post: { summary: 'Ping Pong over the CPA ({"async": true} for an asynchronous Pong); success activates the CPA', responses: { 200: { description: 'Pong received' }, 502: { description: 'No Pong' } } } },
};
