import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import { MailboxService } from '../../../src/routing/mailbox.js';
import { apiToken, problemBody, testApiContext, type TestApiContext } from '../../helpers/api.js';
import { cpa } from '../routing/helpers.js';

const OIN_0363 = '00000099000000036300';
const OIN_VECOZO = '00000099000000077700';

/** Reads a binary supertest response into a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}


describe('REST API: routes and mailbox', () => {
  let ctx: TestApiContext;
  let app: ReturnType<typeof createApiApp>;
  let operator: string;
  let amsterdam: string;
  let denHaag: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await testApiContext();
    const { config, store, organisations } = ctx;
    const hub = await organisations.ensureHub(config.hub.oin, config.hub.name);
    const gem = await organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [OIN_0363] });
    const dh = await organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: ['00000099000000051800'] });
    await organisations.add({ kind: 'ketenpartner', code: OIN_VECOZO, name: 'VECOZO' });
    const ev = { at: '2024-01-01T00:00:00.000Z', event: 'test', detail: null };
    await store.cpas.insert(cpa('CPA-0363', OIN_0363), ev);
    await store.cpas.insert(cpa('CPA-VECOZO', OIN_VECOZO), ev);
    operator = await apiToken(ctx, hub, 'op');
    amsterdam = await apiToken(ctx, gem, 'back-office');
    denHaag = await apiToken(ctx, dh, 'back-office');
    const mailbox = new MailboxService({ store });
    ids.a = (await mailbox.deliver({ organisationId: 'gemeente:0363', berichttype: 'JW302', bestandsnaam: 'JW302_a.xml', content: Buffer.from('<a/>') })).id;
    ids.b = (await mailbox.deliver({ organisationId: 'gemeente:0363', berichttype: 'JW315', bestandsnaam: 'JW315_b.xml', content: Buffer.from('<b/>') })).id;
    ids.c = (await mailbox.deliver({ organisationId: 'gemeente:0518', berichttype: 'JW302', bestandsnaam: 'JW302_c.xml', content: Buffer.from('<c/>') })).id;
    app = createApiApp(ctx);
  });
  afterAll(() => ctx.store.close());

  const as = (token: string) => ({ Authorization: `Bearer ${token}` });

  test('a gemeente sets and reads its own routes; another gemeente\'s routes are forbidden', async () => {
    const put = await request(app).put('/api/routes').set(as(amsterdam))
      .send({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'digikoppeling', cpaId: 'CPA-0363' });
    expect(put.status).toBe(200);
    expect(put.body.routes).toEqual([{ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'digikoppeling',
      cpaId: 'CPA-0363', stufVersie: '0210', updatedAt: expect.any(String), updatedBy: 'gemeente:0363' }]);
    const list = await request(app).get('/api/routes').set(as(amsterdam));
    expect(list.body.routes.map((r: { berichttype: string }) => r.berichttype)).toEqual(['JW302']);
    const other = await request(app).put('/api/routes').set(as(denHaag))
      .send({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'portaal' });
    expect(other.status).toBe(403);
    expect(other.body).toEqual(problemBody('ERR_FORBIDDEN', 'a gemeente may set only its own routes'));
    expect((await request(app).get('/api/routes?gemeentecode=0363').set(as(denHaag))).status).toBe(403);
    expect((await request(app).get('/api/routes').set(as(denHaag))).body).toEqual({ routes: [] });
  });

  test('invalid routes: 400 with every problem; a batch is stored only when all entries are valid', async () => {
    const r = await request(app).put('/api/routes').set(as(operator))
      .send({ gemeentecode: '0363', berichtstroom: 'ijw', berichttype: 'JW301', richting: 'ontvangen', kanaal: 'digikoppeling' });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(problemBody('ERR_VALIDATION', 'Invalid route', [
      { path: 'richting', message: 'a gemeente only sends JW301: richting must be verzenden' },
      { path: 'cpaId', message: 'required for kanaal digikoppeling' },
    ]));
    const batch = await request(app).put('/api/routes').set(as(operator)).send({ routes: [
      { gemeentecode: '0518', berichtstroom: 'ijw', berichttype: '*', richting: 'ontvangen', kanaal: 'portaal' },
      { gemeentecode: '0518', berichtstroom: 'ijw', berichttype: 'WMO302', richting: 'ontvangen', kanaal: 'digikoppeling', cpaId: 'CPA-0363' },
    ] });
    expect(batch.status).toBe(400);
    expect(batch.body.problems).toEqual([
      { path: 'routes.1.berichttype', message: 'WMO302 belongs to berichtstroom iwmo' },
      { path: 'routes.1.cpaId', message: `CPA CPA-0363 hoort niet bij gemeente:0518 (partij ${OIN_0363})` },
    ]);
    expect((await request(app).get('/api/routes?gemeentecode=0518').set(as(operator))).body.routes).toEqual([]);
  });

  test('the operator sets all receiving routes of a gemeente at once (*) and deletes one', async () => {
    const r = await request(app).put('/api/routes').set(as(operator))
      .send({ gemeentecode: '0518', berichtstroom: 'ijw', berichttype: '*', richting: 'ontvangen', kanaal: 'portaal' });
    expect(r.status).toBe(200);
    expect(r.body.routes.map((x: { berichttype: string }) => x.berichttype)).toEqual(['JW302', 'JW305', 'JW307', 'JW315', 'JW317', 'JW320', 'JW323']);
    expect((await request(app).delete('/api/routes/0518/ijw/JW305/ontvangen').set(as(denHaag))).status).toBe(204);
    expect((await request(app).delete('/api/routes/0518/ijw/JW305/ontvangen').set(as(denHaag))).status).toBe(404);
    expect((await request(app).delete('/api/routes/0518/ijw/JW307/ontvangen').set(as(amsterdam))).status).toBe(403);
    const list = await request(app).get('/api/routes?gemeentecode=0518&richting=ontvangen').set(as(operator));
    expect(list.body.routes).toHaveLength(6);
    expect((await request(app).get('/api/routes?richting=sideways').set(as(operator))).body.problems).toEqual([{ path: 'richting', message: 'must be one of verzenden, ontvangen' }]);
  });

  test('chain partner per berichtstroom: operator only', async () => {
    expect((await request(app).put('/api/routes/ketenpartners').set(as(amsterdam)).send({})).status).toBe(403);
    const r = await request(app).put('/api/routes/ketenpartners').set(as(operator)).send({ berichtstroom: 'ijw', organisation: OIN_VECOZO, cpaId: 'CPA-VECOZO' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ berichtstroom: 'ijw', organisationId: `ketenpartner:${OIN_VECOZO}`, cpaId: 'CPA-VECOZO', stufVersie: '0210', updatedBy: expect.stringMatching(/^knooppunt:/) });
    const bad = await request(app).put('/api/routes/ketenpartners').set(as(operator)).send({ berichtstroom: 'ijw', organisation: '0363', cpaId: 'CPA-0363' });
    expect(bad.body.problems).toEqual([{ path: 'organisation', message: 'gemeente:0363 is not a ketenpartner' }]);
    expect((await request(app).get('/api/routes/ketenpartners').set(as(operator))).body.ketenpartners).toHaveLength(1);
  });

  test('mailbox: each gemeente lists only its own items; the operator all or one mailbox', async () => {
    const own = await request(app).get('/api/mailbox').set(as(amsterdam));
    expect(own.status).toBe(200);
    expect(own.body.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.a, ids.b].sort());
    expect((await request(app).get('/api/mailbox?berichttype=jw315').set(as(amsterdam))).body.items.map((i: { id: string }) => i.id)).toEqual([ids.b]);
    expect((await request(app).get('/api/mailbox?organisation=gemeente:0518').set(as(amsterdam))).status).toBe(400);
    expect((await request(app).get('/api/mailbox?organisation=gemeente:0518').set(as(operator))).body.items.map((i: { id: string }) => i.id)).toEqual([ids.c]);
    expect((await request(app).get('/api/mailbox').set(as(operator))).body.items).toHaveLength(3);
    expect((await request(app).get('/api/mailbox?limit=0').set(as(operator))).body.problems).toEqual([{ path: 'limit', message: 'must be an integer 1..1000' }]);
  });

  test('mailbox: download one marks it read; another gemeente gets 404; unread and delete', async () => {
    expect((await request(app).get(`/api/mailbox/${ids.c}`).set(as(amsterdam))).status).toBe(404);
    const dl = await request(app).get(`/api/mailbox/${ids.c}`).set(as(denHaag));
    expect(dl.status).toBe(200);
    expect(dl.headers['content-disposition']).toBe('attachment; filename="JW302_c.xml"; filename*=UTF-8\'\'JW302_c.xml');
    expect(dl.text).toBe('<c/>');
    expect((await request(app).get('/api/mailbox?read=true').set(as(denHaag))).body.items.map((i: { id: string }) => i.id)).toEqual([ids.c]);
    const unread = await request(app).post(`/api/mailbox/${ids.c}/read`).set(as(denHaag)).send({ read: false });
    expect(unread.body).toMatchObject({ id: ids.c, readAt: null });
    expect((await request(app).post(`/api/mailbox/${ids.c}/read`).set(as(denHaag)).send({ read: 'yes' })).status).toBe(400);
    expect((await request(app).delete(`/api/mailbox/${ids.c}`).set(as(amsterdam))).status).toBe(404);
    expect((await request(app).delete(`/api/mailbox/${ids.c}`).set(as(denHaag))).status).toBe(204);
    expect((await request(app).get(`/api/mailbox/${ids.c}`).set(as(denHaag))).status).toBe(404);
    expect((await request(app).get('/api/mailbox').set(as(denHaag))).body.items).toEqual([]);
  });

  test('mailbox: a selection as ZIP that unzip accepts; foreign ids are 404 for the whole request', async () => {
    const forbidden = await request(app).post('/api/mailbox/download').set(as(amsterdam)).send({ ids: [ids.a, ids.c] });
    expect(forbidden.status).toBe(404);
    expect((await request(app).post('/api/mailbox/download').set(as(amsterdam)).send({ ids: [] })).body.problems)
      .toEqual([{ path: 'ids', message: 'a non-empty list of mailbox item ids' }]);
    const r = await request(app).post('/api/mailbox/download').set(as(amsterdam)).send({ ids: [ids.a, ids.b] }).buffer(true).parse(binary);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/zip');
    expect(r.headers['content-disposition']).toMatch(/^attachment; filename="postbus-\d{8}-\d{6}\.zip"/);
    const dir = mkdtempSync(join(tmpdir(), 'mailbox-zip-'));
    writeFileSync(join(dir, 'p.zip'), r.body as Buffer);
    expect(execFileSync('unzip', ['-t', join(dir, 'p.zip')], { encoding: 'utf8' })).toContain('No errors detected');
    expect(execFileSync('unzip', ['-p', join(dir, 'p.zip'), 'JW315_b.xml'], { encoding: 'utf8' })).toBe('<b/>');
    const items = (await request(app).get('/api/mailbox?read=false').set(as(amsterdam))).body.items;
    expect(items).toEqual([]);
  });

  test('the OpenAPI document lists the routing and mailbox paths', async () => {
    const doc = await request(app).get('/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/routes', '/routes/ketenpartners', '/mailbox', '/mailbox/{id}', '/mailbox/{id}/read', '/mailbox/download']));
  });
});
