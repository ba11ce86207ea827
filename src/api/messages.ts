import { z } from 'zod';
import { GatewayError } from '../errors.js';
import type { MessageRecord } from '../store/store.js';
import type { ApiContext, Principal } from './context.js';
import { operation, type ApiModule } from './operation.js';
import { cursorQuery, dateQuery, enumQuery, limitQuery, nextCursor, oneQuery } from './query.js';
import { idParams, nextCursorSchema } from './schemas.js';

/** At most this many parts in one POST /api/messages (issue 9 §7; a StUF message travels as one part). */
export const MAX_SEND_PARTS = 100;

/** A MIME media type with parameters (RFC 2045 §5.1); no control characters, so no CR/LF into a MIME header. */
const MEDIA_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(?:[ \t]*;[ \t]*[\w!#$&^.+-]+=(?:[\w!#$&^.+-]+|"[^"\\\x00-\x1f\x7f]*"))*$/;
/** Content-ID without the angle brackets (RFC 2392): printable ASCII without <>, spaces or controls. */
const CONTENT_ID = /^[\x21-\x3b\x3d\x3f-\x7e]+$/;

const STATUSES = ['PENDING', 'SENT', 'DELIVERED', 'FAILED', 'EXPIRED', 'RECEIVED', 'PROCESSED', 'REJECTED', 'QUARANTINED'] as const;

const sendPart = z.object({
  contentType: z.string({ error: 'a MIME type is required' }).max(200).regex(MEDIA_TYPE, { error: 'a MIME type is required (type/subtype; parameters), without control characters' }),
  content: z.string({ error: 'must be base64' }).regex(/^[A-Za-z0-9+/\r\n]*={0,2}\s*$/, { error: 'must be base64' }).meta({ contentEncoding: 'base64' }),
  contentId: z.string().max(200).regex(CONTENT_ID, { error: 'must be a Content-ID without <> or spaces' }).optional(),
});

const headerValue = (description: string) => z.string({ error: 'must be a string' }).min(1).max(1000).optional().meta({ description });

export const sendSchema = z.object({
  cpaId: z.string({ error: 'required' }).min(1, { error: 'required' }).max(500),
  action: z.string({ error: 'required' }).min(1, { error: 'required' }).max(500),
  service: headerValue('eb:Service (default: the CanSend binding of the action in the CPA)'),
  conversationId: headerValue('eb:ConversationId (default: new)'),
  refToMessageId: headerValue('eb:RefToMessageId'),
  messageId: headerValue('eb:MessageId (default {uuid}@{host})'),
  parts: z.array(sendPart, { error: 'required: a list of {contentType, content (base64)}' })
    .min(1, { error: 'at least one part' }).max(MAX_SEND_PARTS, { error: `at most ${MAX_SEND_PARTS} parts` }),
});

const messageSummary = z.object({
  id: z.string(), messageId: z.string(), direction: z.enum(['in', 'out']), kind: z.enum(['business', 'signal']), cpaId: z.string(),
  conversationId: z.string(), refToMessageId: z.string().nullable(), fromParty: z.string(), toParty: z.string(), service: z.string(),
  action: z.string(), status: z.enum(STATUSES), timestamp: z.string(), timeToLive: z.string().nullable(), contentType: z.string(),
  replyId: z.string().nullable(), processedAt: z.string().nullable(), createdAt: z.string(), updatedAt: z.string(),
});
const messageList = z.object({ messages: z.array(messageSummary), nextCursor: nextCursorSchema });
const messageDetail = messageSummary.extend({
  events: z.array(z.object({ at: z.string(), event: z.string(), detail: z.string().nullable() })),
  parts: z.array(z.object({ contentId: z.string(), contentType: z.string(), size: z.number().int(), content: z.string().optional() })),
});

const summary = ({ raw: _raw, ...r }: MessageRecord) => r;

/** The CPAs the caller may see: all for the hub operator, else those whose other party is one of its OINs. */
async function visibleCpaIds(ctx: ApiContext, p: Principal): Promise<string[] | undefined> {
  if (p.isOperator) return undefined;
  return (await ctx.cpas.list({ partyOins: p.organisation.oins })).map((c) => c.cpaId);
}

async function requireVisible(ctx: ApiContext, p: Principal, id: string): Promise<MessageRecord> {
  const rec = await ctx.messages.find(id);
  const visible = await visibleCpaIds(ctx, p);
  if (!rec || (visible && !visible.includes(rec.cpaId))) throw new GatewayError('ERR_NOT_FOUND', `no message ${id}`);
  return rec;
}

const messageId = idParams('internal id or eb:MessageId');

/** Application API of the MSH (issue "ebMS2 MSH" §7): send, list, show, pull unprocessed, confirm, ping. */
export const messageModule: ApiModule = (ctx) => [
  operation({
    method: 'post', path: '/messages', operationId: 'sendMessage', tag: 'messages',
    summary: 'Send a business message over a CPA (stored in the outbox before 202)',
    body: { schema: sendSchema },
    responses: { 202: { description: 'Queued', schema: z.object({ id: z.string(), messageId: z.string(), conversationId: z.string(), status: z.enum(STATUSES) }) } },
    errors: { 403: 'Not your CPA', 404: 'No such CPA', 409: 'CPA not activated' },
    handler: async ({ body, principal, res }) => {
      const visible = await visibleCpaIds(ctx, principal);
      if (visible && !visible.includes(body.cpaId)) throw new GatewayError('ERR_FORBIDDEN', `you may not send over CPA ${body.cpaId}`);
      const { parts, ...header } = body;
      const rec = await ctx.msh.send({
        ...Object.fromEntries(Object.entries(header).filter(([, v]) => v !== undefined)) as typeof header,
        parts: parts.map((p) => ({ contentType: p.contentType, content: Buffer.from(p.content, 'base64'), ...(p.contentId ? { contentId: p.contentId } : {}) })),
      });
      res.location(`/api/messages/${rec.id}`);
      return { id: rec.id, messageId: rec.messageId, conversationId: rec.conversationId, status: rec.status };
    },
  }),
  operation({
    method: 'get', path: '/messages', operationId: 'listMessages', tag: 'messages',
    summary: 'List messages, newest first, paged by cursor',
    query: z.object({
      status: enumQuery(STATUSES, 'message status'), direction: enumQuery(['in', 'out'], 'in or out'), kind: enumQuery(['business', 'signal'], 'business or signal'),
      cpaId: oneQuery('only this CPA'), from: dateQuery('created at or after'), to: dateQuery('created before'),
      limit: limitQuery(), cursor: cursorQuery,
    }).strict(),
    responses: { 200: { description: 'OK', schema: messageList } },
    handler: async ({ query, principal }) => {
      const visible = await visibleCpaIds(ctx, principal);
      const { limit = 100, cursor, ...filter } = query;
      const page = await ctx.messages.list({
        ...Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)), ...(visible ? { cpaIds: visible } : {}),
        ...(cursor ? { after: cursor } : {}), limit,
      });
      return { messages: page.map(summary), nextCursor: nextCursor(page, limit) };
    },
  }),
  operation({
    method: 'get', path: '/messages/unprocessed', operationId: 'listUnprocessedMessages', tag: 'messages',
    summary: 'Inbound business messages not yet confirmed by the application (confirm each with PATCH)',
    query: z.object({ limit: limitQuery() }).strict(),
    responses: { 200: { description: 'OK', schema: z.object({ messages: z.array(messageSummary) }) } },
    handler: async ({ query, principal }) => ({ messages: (await ctx.msh.unprocessed(await visibleCpaIds(ctx, principal), query.limit ?? 100)).map(summary) }),
  }),
  operation({
    method: 'get', path: '/messages/{id}', operationId: 'getMessage', tag: 'messages',
    summary: 'A message with its event history (RECEIVED, SENT, DELIVERED, FAILED, EXPIRED, …); ?parts=true adds the payload (base64)',
    params: messageId, query: z.object({ parts: enumQuery(['true', 'false'], 'include the part contents (base64)') }).strict(),
    responses: { 200: { description: 'OK', schema: messageDetail } },
    errors: { 404: 'Not found or not visible' },
    handler: async ({ params, query, principal }) => {
      const rec = await requireVisible(ctx, principal, params.id);
      const parts = await ctx.messages.parts(rec.id);
      return {
        ...summary(rec), events: await ctx.messages.events(rec.id),
        parts: parts.map((p) => ({ contentId: p.contentId, contentType: p.contentType, size: p.content.length, ...(query.parts === 'true' ? { content: p.content.toString('base64') } : {}) })),
      };
    },
  }),
  operation({
    method: 'get', path: '/messages/{id}/raw', operationId: 'getRawMessage', tag: 'messages', summary: 'The exact MIME bytes as sent or received',
    params: messageId,
    responses: { 200: { description: 'The MIME message (Content-Type as on the wire)', contentType: 'multipart/related' } },
    errors: { 404: 'Not found or not visible' },
    handler: async ({ params, principal, res }) => {
      const rec = await requireVisible(ctx, principal, params.id);
      res.type(rec.contentType).send(rec.raw);
    },
  }),
  operation({
    method: 'patch', path: '/messages/{id}', operationId: 'confirmMessage', tag: 'messages', summary: 'Confirm an inbound message: {"processed": true}',
    params: messageId,
    body: { schema: z.object({ processed: z.literal(true, { error: 'only {"processed": true} is supported' }) }).strict() },
    responses: { 200: { description: 'OK', schema: messageSummary } },
    errors: { 404: 'Not found or not visible', 409: 'Not an inbound business message' },
    handler: async ({ params, principal }) => summary(await ctx.messages.markProcessed(await requireVisible(ctx, principal, params.id))),
  }),
  operation({
    method: 'post', path: '/messages/{id}/release', operationId: 'releaseMessage', tag: 'messages',
    summary: 'Operator: release a QUARANTINED (poison) message — back to RECEIVED with its attempts reset, processed again at the hub\'s next catch-up (as `knooppunt messages release`)',
    params: messageId,
    responses: { 200: { description: 'Released', schema: messageSummary } },
    errors: { 403: 'Not the hub operator', 404: 'Not found', 409: 'Not QUARANTINED' },
    handler: async ({ params, principal }) => {
      if (!principal.isOperator) throw new GatewayError('ERR_FORBIDDEN', 'only the hub operator releases quarantined messages');
      const rec = await requireVisible(ctx, principal, params.id);
      const released = await ctx.messages.release(rec);
      // The gauge from the store, as PoisonGuard.refreshGauge does (issue 10 §12).
      ctx.metrics.quarantined.set((await ctx.messages.list({ status: 'QUARANTINED', direction: 'in', limit: 100_000 })).length);
      return summary(released);
    },
  }),
  operation({
    method: 'post', path: '/cpas/{id}/ping', operationId: 'pingCpa', tag: 'cpas',
    summary: 'Ping Pong over the CPA ({"async": true} for an asynchronous Pong); success activates the CPA',
    params: idParams('CPAId'),
    body: { schema: z.object({ async: z.boolean().optional() }).strict(), required: false },
    responses: {
      200: {
        description: 'Pong received: this side\'s copy is active; the other party activated its copy by answering (seed 002 §3.3.5)',
        schema: z.object({
          pingMessageId: z.string(), pongMessageId: z.string(), roundTripMs: z.number(), sync: z.boolean(), status: z.literal('geactiveerd'),
          thisSide: z.object({ active: z.literal(true), activatedByThisPing: z.boolean() }),
          otherSide: z.object({ partyName: z.string().nullable(), partyId: z.string(), answeredPing: z.literal(true) }),
        }),
      },
    },
    errors: { 404: 'No such CPA', 409: 'CPA withdrawn or expired', 502: 'No Pong' },
    handler: async ({ params, body, principal }) => {
      const visible = await visibleCpaIds(ctx, principal);
      if (visible && !visible.includes(params.id)) throw new GatewayError('ERR_NOT_FOUND', `no CPA ${params.id}`);
      const result = await ctx.msh.ping(params.id, { async: body?.async === true });
      return {
        pingMessageId: result.ping.messageId, pongMessageId: result.pong.messageId, roundTripMs: Math.round(result.roundTripMs), sync: result.sync, status: 'geactiveerd' as const,
        thisSide: { active: true as const, activatedByThisPing: result.activated }, otherSide: { ...result.otherParty, answeredPing: true as const },
      };
    },
  }),
];
