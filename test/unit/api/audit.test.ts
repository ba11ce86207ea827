import { Writable } from 'node:stream';
import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import { createLogger } from '../../../src/log.js';
import { UserService } from '../../../src/portal/users.js';
import { problemBody, testApiContext, type TestApiContext } from '../../helpers/api.js';
import { adapterFields } from '../cpa/cpa-fixtures.js';
import { testPki } from '../../helpers/pki.js';

const AMSTERDAM_OIN = testPki().files.parties['gemeente-0363']!.oin;

/** Issue 10 §10/§11: audit lines for administrative changes (who did it), request lines, token messages. */
describe('REST API: audit trail, request log, token errors', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write(chunk: Buffer, _e, cb) { for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>); cb(); } });
  let ctx: TestApiContext;
  let app: ReturnType<typeof createApiApp>;
  let operator: string;
  let operatorTokenId: string;
  const as = (t: string) => ({ Authorization: `Bearer ${t}` });
  const audits = () => lines.filter((l) => l.audit === true);

  beforeAll(async () => {
    ctx = await testApiContext({ logger: createLogger('info', sink) });
    const hub = await ctx.organisations.ensureHub(ctx.config.hub.oin, ctx.config.hub.name);
    const issued = await ctx.tokens.create(hub, 'op', { kind: 'cli', id: 'alice' });
    operator = issued.token;
    operatorTokenId = issued.record.id;
    app = createApiApp(ctx);
  });
  afterAll(() => ctx.store.close());

  test('token creation is audited with the actor, never with the token value', () => {
    expect(audits()).toContainEqual(expect.objectContaining({ action: 'token.create', target: operatorTokenId, actor: { kind: 'cli', id: 'alice' } }));
    expect(JSON.stringify(lines)).not.toContain(operator);
  });

  test('organisation, CPA and route changes through the API are audited with the token id as actor', async () => {
    const actor = { kind: 'token', id: operatorTokenId, organisationId: 'knooppunt:00000099000000000001' };
    expect((await request(app).post('/api/organisations').set(as(operator)).send({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [AMSTERDAM_OIN] })).status).toBe(201);
    const cpa = await request(app).post('/api/cpas').set(as(operator)).send(adapterFields());
    expect(cpa.status).toBe(201);
    expect((await request(app).delete(`/api/cpas/${cpa.body.cpaId}`).set(as(operator))).status).toBe(200);
    expect((await request(app).put('/api/routes').set(as(operator)).send({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW315', richting: 'ontvangen', kanaal: 'portaal' })).status).toBe(200);
    expect((await request(app).delete('/api/routes/0363/ijw/JW315/ontvangen').set(as(operator))).status).toBe(204);
    const got = audits().filter((l) => (l.actor as { kind: string }).kind === 'token').map((l) => [l.action, l.target, l.actor]);
    expect(got).toEqual([
      ['organisation.add', 'gemeente:0363', actor],
      ['cpa.generate', cpa.body.cpaId, actor],
      ['cpa.withdraw', cpa.body.cpaId, actor],
      ['route.set', '0363/ijw/JW315/ontvangen', actor],
      ['route.delete', '0363/ijw/JW315/ontvangen', actor],
    ]);
    // No payloads or secrets: the certificates of the CPA Beheer fields are not in any line.
    expect(JSON.stringify(lines)).not.toContain('BEGIN CERTIFICATE');
  });

  test('one line per API request: method, route template with /api, status, token id, duration', async () => {
    lines.length = 0;
    await request(app).get('/api/organisations/gemeente:0363').set(as(operator));
    const http = lines.map((l) => l.http).filter(Boolean);
    expect(http).toEqual([{ method: 'GET', route: '/api/organisations/{id}', status: 200, tokenId: operatorTokenId, durationMs: expect.any(Number) }]);
  });

  test('no token: "a token is required"; an unknown or revoked token: "invalid or revoked token"', async () => {
    const hub = (await ctx.organisations.get('knooppunt:00000099000000000001'))!;
    const spare = await ctx.tokens.create(hub, 'spare', { kind: 'cli', id: 'alice' });
    expect((await request(app).get('/api/organisations').set(as(spare.token))).status).toBe(200);
    await ctx.tokens.revoke(spare.record.id, { kind: 'cli', id: 'alice' });
    const revoked = await request(app).get('/api/organisations').set(as(spare.token));
    expect([revoked.status, revoked.body]).toEqual([401, problemBody('ERR_UNAUTHENTICATED', 'invalid or revoked token')]);
    const unknown = await request(app).get('/api/organisations').set(as('kpt_unknown'));
    expect(unknown.body.detail).toBe('invalid or revoked token');
    const none = await request(app).get('/api/organisations');
    expect(none.body.detail).toBe('an API token is required: Authorization: Bearer <token>');
    await expect(ctx.tokens.revoke(spare.record.id, { kind: 'cli', id: 'alice' })).rejects.toThrow(`token ${spare.record.id} was revoked already`);
    await expect(ctx.tokens.revoke('nope', { kind: 'cli', id: 'alice' })).rejects.toThrow('no token nope');
    expect(audits().filter((l) => l.action === 'token.revoke').map((l) => l.target)).toEqual([spare.record.id]);
  });

  test('portal account changes are audited with the acting user', async () => {
    const users = new UserService({ store: ctx.store, audit: ctx.audit, lockoutAttempts: 5, lockoutMinutes: 15 });
    const { user } = await users.add({ organisationId: 'knooppunt:00000099000000000001', username: 'piet', roles: [], products: [] }, 'user-1');
    await users.setRights(user.id, { roles: ['productbeheerder'], products: [] }, 'user-1');
    expect(audits().filter((l) => String(l.action).startsWith('user.')).map((l) => [l.action, l.target, l.actor])).toEqual([
      ['user.create', user.id, { kind: 'user', id: 'user-1' }],
      ['user.update', user.id, { kind: 'user', id: 'user-1' }],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/passwordHash|scrypt\$/);
  });

  test('401s and every other answer are counted by route template (with /api), unknown paths as unmatched', async () => {
    await request(app).get('/api/cpas/x');
    await request(app).get('/api/nothing-here');
    const text = await ctx.metrics.registry.metrics();
    expect(text).toContain('knooppunt_http_requests_total{method="GET",route="/api/cpas/{id}",status="401"} 1');
    expect(text).toContain('knooppunt_http_requests_total{method="GET",route="unmatched",status="404"} 1');
  });
});
