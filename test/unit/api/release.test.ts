/**
 * Issue 9, poison messages: POST /api/messages/{id}/release — the operator releases a QUARANTINED message for
 * reprocessing (as `knooppunt messages release`); others are refused, a message not quarantined is a 409.
 */
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { apiToken, problemBody, testApiContext, type TestApiContext } from '../../helpers/api.js';

const OIN_0363 = '00000099000000036300';

describe('REST API: release a quarantined message', () => {
  let ctx: TestApiContext;
  let app: ReturnType<typeof createApiApp>;
  let operator: string;
  let amsterdam: string;
  let rec: MessageRecord;

  beforeEach(async () => {
    ctx = await testApiContext();
    const hub = await ctx.organisations.ensureHub(ctx.config.hub.oin, ctx.config.hub.name);
    const gem = await ctx.organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [OIN_0363] });
    operator = await apiToken(ctx, hub, 'op');
    amsterdam = await apiToken(ctx, gem, 'back-office');
    const at = '2026-01-01T00:00:00.000Z';
    rec = {
      id: randomUUID(), messageId: `${randomUUID()}@test`, direction: 'in', kind: 'business', cpaId: 'CPA-0363', conversationId: 'c1',
      refToMessageId: null, fromParty: OIN_0363, toParty: ctx.config.hub.oin, service: 'GGK:OntvangAsynchroon:0210', action: 'envelopHeenbericht-ggk_Di01',
      status: 'RECEIVED', timestamp: at, timeToLive: null, contentType: 'text/xml', raw: Buffer.alloc(0), replyId: null, processedAt: null, createdAt: at, updatedAt: at,
    };
    await ctx.store.messages.insertInbound(rec, [{ contentId: 'p1', contentType: 'text/xml', content: Buffer.from('<x/>') }], { at, event: 'RECEIVED', detail: null });
    app = createApiApp(ctx);
  });
  afterEach(() => ctx.store.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const quarantine = async () => {
    await ctx.store.messages.countProcessingAttempt(rec.id);
    expect(await ctx.store.messages.quarantine(rec.id, new Date().toISOString(), '3 processing attempts failed')).toBe(true);
  };

  test('the operator releases a QUARANTINED message: RECEIVED, unprocessed, attempts reset, event RELEASED', async () => {
    await quarantine();
    ctx.metrics.quarantined.set(1);
    const res = await request(app).post(`/api/messages/${rec.messageId}/release`).set(as(operator));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: rec.id, messageId: rec.messageId, status: 'RECEIVED', processedAt: null });
    const events = await ctx.store.messages.events(rec.id);
    expect(events.at(-1)).toMatchObject({ event: 'RELEASED' });
    // Attempts start again from 1 (the release reset them).
    expect(await ctx.store.messages.countProcessingAttempt(rec.id)).toBe(1);
    expect(await ctx.metrics.registry.getSingleMetricAsString('knooppunt_messages_quarantined')).toContain('knooppunt_messages_quarantined 0');
  });

  test('a message that is not QUARANTINED: 409 naming its status', async () => {
    const res = await request(app).post(`/api/messages/${rec.id}/release`).set(as(operator));
    expect(res.status).toBe(409);
    expect(res.body).toEqual(problemBody('ERR_CONFLICT', `message ${rec.messageId} is RECEIVED, not QUARANTINED`));
  });

  test('not the operator: 403, the message stays QUARANTINED; unknown id: 404; no token: 401', async () => {
    await quarantine();
    const res = await request(app).post(`/api/messages/${rec.id}/release`).set(as(amsterdam));
    expect(res.status).toBe(403);
    expect(res.body).toEqual(problemBody('ERR_FORBIDDEN', 'only the hub operator releases quarantined messages'));
    expect((await ctx.store.messages.get(rec.id))!.status).toBe('QUARANTINED');
    const unknown = await request(app).post('/api/messages/nope/release').set(as(operator));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual(problemBody('ERR_NOT_FOUND', 'no message nope'));
    expect((await request(app).post(`/api/messages/${rec.id}/release`)).status).toBe(401);
  });

  test('documented in /api/openapi.json as releaseMessage', async () => {
    const doc = await request(app).get('/api/openapi.json');
    const op = doc.body.paths['/messages/{id}/release'].post;
    expect(op.operationId).toBe('releaseMessage');
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '403', '404', '409']));
  });
});
