/** REST API for Aanleveren (/api/uploads): multipart upload, whole-file refusal as 422, verslag, tenant scoping. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import { IntakeService } from '../../../src/routing/intake/service.js';
import { apiToken, problemBody, testApiContext } from '../../helpers/api.js';
import { di01, HUB, FakeSender, cpa, OIN } from '../routing/helpers.js';
import { HubProcessor } from '../../../src/routing/hub-processor.js';
import { RoutingTableService } from '../../../src/routing/routes.js';
import { zipOf } from '../intake/zips.js';

describe('REST API: uploads', () => {
  let app: ReturnType<typeof createApiApp>;
  let intake: IntakeService;
  let amsterdam: string;
  let denHaag: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const ctx = await testApiContext();
    const { store, organisations } = ctx;
    const gem = await organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [OIN.g0363] });
    const dh = await organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: [OIN.g0518] });
    await organisations.add({ kind: 'ketenpartner', code: OIN.vecozo, name: 'VECOZO' });
    await store.cpas.insert(cpa('CPA-VECOZO', OIN.vecozo, { endAt: '2099-01-01T00:00:00.000Z' }), { at: new Date().toISOString(), event: 'test', detail: null });
    await new RoutingTableService({ store, organisations }).setKetenpartner({ berichtstroom: 'ijw', organisation: OIN.vecozo, cpaId: 'CPA-VECOZO' });
    const processor = new HubProcessor({ store, organisations, sender: new FakeSender(), hubIdentity: HUB });
    intake = new IntakeService({ store, processor, dataDir: mkdtempSync(join(tmpdir(), 'api-uploads-')), limits: { ...ctx.config.intake } });
    ctx.intake = intake;
    amsterdam = await apiToken(ctx, gem, 'bo');
    denHaag = await apiToken(ctx, dh, 'bo');
    app = createApiApp(ctx);
    close = async () => { await intake.stop(); await store.close(); };
  });
  afterAll(() => close());

  test('upload a ZIP (multipart), then read status and verslag; another gemeente gets 404', async () => {
    const zip = await zipOf([{ name: 'a.xml', content: di01({ referentienummer: randomUUID() }) }, { name: 'b.txt', content: 'x' }]);
    const res = await request(app).post('/api/uploads?berichtstroom=ijw').set('Authorization', `Bearer ${amsterdam}`)
      .attach('bestand', zip, { filename: 'aanlevering.zip', contentType: 'application/zip' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ bestandsnaam: 'aanlevering.zip', status: 'ontvangen', statusText: 'Ontvangen', organisationId: 'gemeente:0363', entryCount: 2 });
    expect(res.headers.location).toBe(`/api/uploads/${res.body.id}`);
    await intake.idle();
    const got = await request(app).get(res.headers.location).set('Authorization', `Bearer ${amsterdam}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ status: 'afgekeurd', statusText: 'Afgekeurd' });
    expect(got.body.verslag.map((e: { bestandsnaam: string; resultaat: string; foutcode: string | null }) => [e.bestandsnaam, e.resultaat, e.foutcode]))
      .toEqual([['a.xml', 'doorgestuurd', null], ['b.txt', 'geweigerd', 'ZIP002']]);
    expect((await request(app).get(res.headers.location).set('Authorization', `Bearer ${denHaag}`)).status).toBe(404);
    expect((await request(app).get('/api/uploads').set('Authorization', `Bearer ${denHaag}`)).body).toEqual({ uploads: [] });
    const list = await request(app).get('/api/uploads?berichtstroom=ijw').set('Authorization', `Bearer ${amsterdam}`);
    expect(list.body.uploads.map((u: { id: string }) => u.id)).toEqual([res.body.id]);
  });

  test('whole-file refusal: 422 ERR_UPLOAD_REFUSED with the seed\'s text at the field; the row has no verslag', async () => {
    const res = await request(app).post('/api/uploads').field('berichtstroom', 'ijw').set('Authorization', `Bearer ${amsterdam}`)
      .attach('bestand', Buffer.from('not a zip'), { filename: 'berichten.zip', contentType: 'application/zip' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(problemBody('ERR_UPLOAD_REFUSED', 'Het bestand is geen geldig zip-bestand',
      [{ path: 'bestand', message: 'Het bestand is geen geldig zip-bestand' }]));
    const row = await request(app).get(res.headers.location).set('Authorization', `Bearer ${amsterdam}`);
    expect(row.body).toMatchObject({ status: 'afgekeurd', foutmelding: 'Het bestand is geen geldig zip-bestand', verslag: null });
  });

  test('bad requests: not multipart is 415; an unknown berichtstroom is named at its field; the operation is in OpenAPI', async () => {
    const json = await request(app).post('/api/uploads').set('Authorization', `Bearer ${amsterdam}`).send({ a: 1 });
    expect(json.status).toBe(415);
    expect(json.body.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    const stroom = await request(app).post('/api/uploads?berichtstroom=pgb').set('Authorization', `Bearer ${amsterdam}`)
      .attach('bestand', Buffer.from('x'), { filename: 'a.zip' });
    expect(stroom.status).toBe(400);
    expect(stroom.body.problems).toEqual([{ path: 'berichtstroom', message: 'one of ijw, iwmo' }]);
    const field = await request(app).post('/api/uploads').set('Authorization', `Bearer ${amsterdam}`)
      .field('berichtstroom', 'pgb').attach('bestand', Buffer.from('x'), { filename: 'a.zip' });
    expect(field.body.problems).toEqual([{ path: 'berichtstroom', message: 'one of ijw, iwmo' }]);
    const doc = await request(app).get('/api/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/uploads', '/uploads/{id}']));
  });
});
