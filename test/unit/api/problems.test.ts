import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import { MAX_SEND_PARTS } from '../../../src/api/messages.js';
import type { MessageRecord } from '../../../src/store/store.js';
import { apiToken, problemBody, testApiContext, type TestApiContext } from '../../helpers/api.js';

/** RFC 9457 problems, 405/415, malformed input in path and body, bounded and paged lists (issues 9 §3/§6/§7, 10 §13). */
describe('REST API: problems, methods, media types, bounded lists', () => {
  let ctx: TestApiContext;
  let app: ReturnType<typeof createApiApp>;
  let operator: string;
  const as = (t: string) => ({ Authorization: `Bearer ${t}` });

  function rec(n: number, createdAt: string): MessageRecord {
    return {
      id: `id-${String(n).padStart(3, '0')}`, messageId: `m-${n}@gemeente.example`, direction: 'in', kind: 'business', cpaId: 'CPA-1', conversationId: `c-${n}`,
      refToMessageId: null, fromParty: '00000099000000036300', toParty: '00000099000000000001', service: 'svc', action: 'act', status: 'RECEIVED',
      timestamp: createdAt, timeToLive: null, contentType: 'text/xml', raw: Buffer.from(`<m${n}/>`), replyId: null, processedAt: null, createdAt, updatedAt: createdAt,
    };
  }

  beforeAll(async () => {
    ctx = await testApiContext();
    const hub = await ctx.organisations.ensureHub(ctx.config.hub.oin, ctx.config.hub.name);
    operator = await apiToken(ctx, hub);
    await ctx.organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] });
    // 7 messages, three of them in the same millisecond: the cursor must not skip or repeat any.
    const at = (i: number) => `2026-01-01T00:00:0${Math.min(i, 4)}.000Z`;
    for (let i = 0; i < 7; i++) await ctx.store.messages.insertInbound(rec(i, at(i)), [], { at: at(i), event: 'RECEIVED', detail: null });
    for (let i = 0; i < 5; i++) await ctx.mailbox.deliver({ organisationId: 'gemeente:0363', berichttype: 'JW315', bestandsnaam: `f${i}.xml`, content: Buffer.from('<a/>') });
    app = createApiApp(ctx);
  });
  afterAll(() => ctx.store.close());

  test('errors are application/problem+json with type, title, status, detail and the code extension', async () => {
    const r = await request(app).get('/api/organisations/nope').set(as(operator));
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(r.body).toEqual(problemBody('ERR_NOT_FOUND', 'no organisation nope'));
  });

  test('a wrong method is 405 with Allow; a wrong content type is 415', async () => {
    const r = await request(app).put('/api/organisations').set(as(operator)).send({});
    expect([r.status, r.headers.allow]).toEqual([405, 'GET, HEAD, POST']);
    expect(r.body).toEqual(problemBody('ERR_METHOD_NOT_ALLOWED', 'PUT is not supported here; allowed: GET, HEAD, POST'));
    const d = await request(app).delete('/api/messages/x/raw').set(as(operator));
    expect([d.status, d.headers.allow]).toEqual([405, 'GET, HEAD']);
    const t = await request(app).post('/api/organisations').set(as(operator)).set('Content-Type', 'text/plain').send('kind=gemeente');
    expect(t.status).toBe(415);
    expect(t.body).toEqual(problemBody('ERR_UNSUPPORTED_MEDIA_TYPE', 'Content-Type text/plain is not accepted here; use application/json'));
    const x = await request(app).post('/api/messages').set(as(operator)).set('Content-Type', 'application/xml').send('<a/>');
    expect(x.status).toBe(415);
  });

  test('a malformed percent-encoding in a path id is a 400 problem, not a 500', async () => {
    for (const path of ['/api/messages/%ZZ', '/api/cpas/%E0%A4%A', '/api/organisations/%ZZ', '/api/mailbox/%ZZ']) {
      const r = await request(app).get(path).set(as(operator));
      expect([path, r.status, r.body.code, r.body.problems?.[0]?.path]).toEqual([path, 400, 'ERR_VALIDATION', '(path)']);
    }
  });

  test('POST /api/messages: CRLF in a part\'s contentType, too many parts and bad base64 are 400 problems', async () => {
    const send = (parts: unknown) => request(app).post('/api/messages').set(as(operator)).send({ cpaId: 'CPA-1', action: 'a', parts });
    const crlf = await send([{ contentType: 'application/xml\r\nX-Injected: 1', content: 'PGEvPg==' }]);
    expect(crlf.status).toBe(400);
    expect(crlf.body.problems).toEqual([{ path: 'parts.0.contentType', message: 'a MIME type is required (type/subtype; parameters), without control characters' }]);
    const lf = await send([{ contentType: 'text/xml; charset=UTF-8\n', content: '' }]);
    expect(lf.body.problems).toEqual([{ path: 'parts.0.contentType', message: 'a MIME type is required (type/subtype; parameters), without control characters' }]);
    const many = await send(Array.from({ length: MAX_SEND_PARTS + 1 }, () => ({ contentType: 'application/xml', content: 'PGEvPg==' })));
    expect([many.status, many.body.problems]).toEqual([400, [{ path: 'parts', message: `at most ${MAX_SEND_PARTS} parts` }]]);
    const id = await send([{ contentType: 'application/xml', content: 'PGEvPg==', contentId: 'a b' }]);
    expect(id.body.problems).toEqual([{ path: 'parts.0.contentId', message: 'must be a Content-ID without <> or spaces' }]);
  });

  test('numeric query parameters: negative, zero, non-numeric, huge or repeated are 400 (the 1,000 cap holds)', async () => {
    for (const route of ['/api/messages', '/api/messages/unprocessed', '/api/mailbox']) {
      for (const q of ['limit=-1', 'limit=0', 'limit=abc', 'limit=1001', 'limit=99999999999999999999', 'limit=1&limit=2', 'limit=1.5']) {
        const r = await request(app).get(`${route}?${q}`).set(as(operator));
        expect([route, q, r.status, r.body.problems?.[0]?.path]).toEqual([route, q, 400, 'limit']);
      }
    }
    const unknown = await request(app).get('/api/messages?offset=5').set(as(operator));
    expect([unknown.status, unknown.body.problems]).toEqual([400, [{ path: 'offset', message: 'is not a parameter of this operation' }]]);
    expect((await request(app).get('/api/messages?status=BOGUS').set(as(operator))).body.problems)
      .toEqual([{ path: 'status', message: 'must be one of PENDING, SENT, DELIVERED, FAILED, EXPIRED, RECEIVED, PROCESSED, REJECTED, QUARANTINED' }]);
  });

  test('cursor pagination: every message exactly once, newest first, also within one millisecond', async () => {
    const seen: string[] = [];
    let url = '/api/messages?limit=3';
    for (let page = 0; page < 10; page++) {
      const r = await request(app).get(url).set(as(operator));
      expect(r.status).toBe(200);
      seen.push(...r.body.messages.map((m: { id: string }) => m.id));
      if (!r.body.nextCursor) break;
      url = `/api/messages?limit=3&cursor=${r.body.nextCursor}`;
    }
    expect(seen).toEqual(['id-004', 'id-005', 'id-006', 'id-003', 'id-002', 'id-001', 'id-000']);
    const bad = await request(app).get('/api/messages?cursor=garbage').set(as(operator));
    expect([bad.status, bad.body.problems]).toEqual([400, [{ path: 'cursor', message: 'not a cursor of this list (use nextCursor of the previous page)' }]]);
  });

  test('cursor pagination of the mailbox', async () => {
    const ids: string[] = [];
    let cursor = '';
    for (let page = 0; page < 10; page++) {
      const r = await request(app).get(`/api/mailbox?limit=2${cursor}`).set(as(operator));
      ids.push(...r.body.items.map((i: { id: string }) => i.id));
      if (!r.body.nextCursor) break;
      cursor = `&cursor=${r.body.nextCursor}`;
    }
    const all = (await request(app).get('/api/mailbox').set(as(operator))).body.items.map((i: { id: string }) => i.id);
    expect([ids.length, new Set(ids).size]).toEqual([5, 5]);
    expect(ids).toEqual(all);
  });
});
