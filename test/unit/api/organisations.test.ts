import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import { apiToken, problemBody, testApiContext, type TestApiContext } from '../../helpers/api.js';


describe('REST API authentication and scoping', () => {
  let ctx: TestApiContext;
  let app: ReturnType<typeof createApiApp>;
  let operator: string;
  let amsterdam: string;

  beforeAll(async () => {
    ctx = await testApiContext();
    const { config, organisations } = ctx;
    const hub = await organisations.ensureHub(config.hub.oin, config.hub.name);
    const gem = await organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] });
    await organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: ['00000099000000051800'] });
    operator = await apiToken(ctx, hub, 'op');
    amsterdam = await apiToken(ctx, gem, 'back-office');
    app = createApiApp(ctx);
  });
  afterAll(() => ctx.store.close());

  test('anonymous calls get 401 with a Bearer challenge', async () => {
    const r = await request(app).get('/api/organisations');
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toBe('Bearer realm="knooppunt"');
    expect(r.body).toEqual(problemBody('ERR_UNAUTHENTICATED', 'an API token is required: Authorization: Bearer <token>'));
  });

  test('an unknown or malformed token gets 401', async () => {
    expect((await request(app).get('/api/organisations').set('Authorization', 'Bearer kpt_nope')).status).toBe(401);
    expect((await request(app).get('/api/organisations').set('Authorization', `Basic ${amsterdam}`)).status).toBe(401);
  });

  test('a gemeente token sees only its own organisation', async () => {
    const r = await request(app).get('/api/organisations').set('Authorization', `Bearer ${amsterdam}`);
    expect(r.status).toBe(200);
    expect(r.body.organisations.map((o: { id: string }) => o.id)).toEqual(['gemeente:0363']);
    expect((await request(app).get('/api/organisations/gemeente:0518').set('Authorization', `Bearer ${amsterdam}`)).status).toBe(404);
    expect((await request(app).get('/api/organisations/gemeente:0363').set('Authorization', `Bearer ${amsterdam}`)).status).toBe(200);
  });

  test('the hub operator sees all and may register; a gemeente may not', async () => {
    const all = await request(app).get('/api/organisations').set('Authorization', `Bearer ${operator}`);
    expect(all.body.organisations.map((o: { id: string }) => o.id)).toEqual(['gemeente:0363', 'gemeente:0518', 'knooppunt:00000099000000000001']);
    const forbidden = await request(app).post('/api/organisations').set('Authorization', `Bearer ${amsterdam}`).send({ kind: 'zorgaanbieder', code: '12345678', name: 'Zorg BV' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.code).toBe('ERR_FORBIDDEN');
    const created = await request(app).post('/api/organisations').set('Authorization', `Bearer ${operator}`).send({ kind: 'zorgaanbieder', code: '12345678', name: 'Zorg BV' });
    expect(created.status).toBe(201);
    expect(created.headers.location).toBe('/api/organisations/zorgaanbieder%3A12345678');
  });

  test('invalid input: 400 with every problem and its field; broken JSON: 400', async () => {
    const r = await request(app).post('/api/organisations').set('Authorization', `Bearer ${operator}`).send({ kind: 'gemeente', code: '36', name: '' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(problemBody('ERR_VALIDATION', 'Invalid organisation', [
      { path: 'code', message: 'gemeentecode must be 4 digits (CBS)' },
      { path: 'name', message: 'required' },
      { path: 'oins', message: 'a gemeente needs at least one OIN authorised to act for it' },
    ]));
    const bad = await request(app).post('/api/organisations').set('Authorization', `Bearer ${operator}`).set('Content-Type', 'application/json').send('{"kind":');
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('ERR_VALIDATION');
  });

  test('/healthz is open and reports the store; /metrics is Prometheus text', async () => {
    const h = await request(app).get('/healthz');
    expect(h.status).toBe(200);
    expect(h.body).toEqual({ status: 'ok', store: { kind: 'sqlite', ok: true, schemaVersion: expect.any(Number) } });
    const m = await request(app).get('/metrics');
    expect(m.status).toBe(200);
    expect(m.headers['content-type']).toMatch(/^text\/plain/);
    expect(m.text).toContain('# TYPE knooppunt_http_requests_total counter');
  });

  test('/metrics can be restricted to the hub operator', async () => {
    const restricted = createApiApp({ ...ctx, config: { ...ctx.config, metrics: { requireToken: true } } });
    expect((await request(restricted).get('/metrics')).status).toBe(401);
    expect((await request(restricted).get('/metrics').set('Authorization', `Bearer ${amsterdam}`)).status).toBe(401);
    expect((await request(restricted).get('/metrics').set('Authorization', `Bearer ${operator}`)).status).toBe(200);
  });
});
