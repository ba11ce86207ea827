import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApiApp } from '../../../src/api/app.js';
import { generateCpa } from '../../../src/cpa/generate.js';
import { EBMS_CORE_ENCRYPTION_WARNING } from '../../../src/cpa/generate-input.js';
import { hubIdentityFromConfig } from '../../../src/cpa/hub-identity.js';
import { CpaService } from '../../../src/cpa/service.js';
import { validateCpaXml } from '../../../src/cpa/validate.js';
import { createLogger } from '../../../src/log.js';
import { startKnooppunt } from '../../../src/server.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { apiToken, problemBody, testApiContext, type TestApiContext } from '../../helpers/api.js';
import { testConfig } from '../../helpers/config.js';
import { testPki } from '../../helpers/pki.js';
import { adapterFields, FIXTURES, isoDay } from '../cpa/cpa-fixtures.js';

const AMSTERDAM_OIN = testPki().files.parties['gemeente-0363']!.oin;
const broken = readFileSync(join(FIXTURES, 'broken-several-defects.xml'), 'utf8');
const DAY = 86_400_000;


describe('REST API: CPA Beheer', () => {
  let ctx: TestApiContext;
  let app: ReturnType<typeof createApiApp>;
  let operator: string;
  let amsterdam: string;
  let denHaag: string;
  const auth = (t: string) => ({ Authorization: `Bearer ${t}` });

  beforeAll(async () => {
    ctx = await testApiContext();
    const { config, organisations } = ctx;
    const hub = await organisations.ensureHub(config.hub.oin, config.hub.name);
    const gem = await organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [AMSTERDAM_OIN] });
    const dh = await organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: ['00000099000000051800'] });
    operator = await apiToken(ctx, hub, 'op');
    amsterdam = await apiToken(ctx, gem, 'back-office');
    denHaag = await apiToken(ctx, dh, 'back-office');
    app = createApiApp(ctx);
  });
  afterAll(() => ctx.store.close());

  const create = (token: string, body: object) => request(app).post('/api/cpas').set(auth(token)).send(body);

  test('an organisation generates a CPA for its own OIN: 201 with id, status, download link and warnings', async () => {
    const r = await create(amsterdam, adapterFields());
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ cpaId: expect.stringMatching(new RegExp(`^GGK-OntvangAsynchroon-0210_00000099000000000001_${AMSTERDAM_OIN}_[0-9a-f-]{36}$`)), status: 'gegenereerd', download: `/api/cpas/${r.body.cpaId}/xml`, warnings: [] });
    expect(r.headers.location).toBe(`/api/cpas/${r.body.cpaId}`);
    expect((await ctx.store.cpas.get(r.body.cpaId))!.organisationId).toBe('gemeente:0363');
  });

  test('encryption ebms-core (issue 18): 201 with the weaker-than-DK-28 warning; the detail shows the variant', async () => {
    const r = await create(amsterdam, adapterFields({ profile: 'osb-rm-e', encryption: 'ebms-core', retries: 2, retryInterval: 'PT1H', persistDuration: 'PT1H' }));
    expect(r.status).toBe(201);
    expect(r.body.warnings).toEqual([
      { path: 'persistDuration', severity: 'warning', message: 'PT1H is shorter than TimeToLive PT3H (RetryInterval PT1H x (Retries 2 + 1)); set to PT3H so a resent message is still recognised as a duplicate (DK-08)' },
      { path: 'encryption', severity: 'warning', message: EBMS_CORE_ENCRYPTION_WARNING },
    ]);
    const d = await request(app).get(`/api/cpas/${r.body.cpaId}`).set(auth(amsterdam));
    expect(d.body.profile).toMatchObject({ name: 'osb-rm-e', encrypted: true, encryption: 'ebms-core', persistDuration: 'PT3H' });
    expect(d.body.events[0].detail).toBe('profile osb-rm-e, diginetwerk, encryption ebms-core');
    const bad = await create(amsterdam, adapterFields({ profile: 'osb-rm-s', encryption: 'ebms-core' }));
    expect(bad.status).toBe(400);
    expect(bad.body.problems).toEqual([{ path: 'encryption', message: 'ebms-core applies only to the encrypted profiles osb-be-e and osb-rm-e' }]);
  });

  test('an organisation may not generate for an OIN (or HRN) it is not authorised for: 403', async () => {
    const r = await create(denHaag, adapterFields());
    expect(r.status).toBe(403);
    expect(r.body).toEqual(problemBody('ERR_FORBIDDEN', `organisation gemeente:0518 is not authorised for OIN ${AMSTERDAM_OIN}`));
    const hrn = await create(amsterdam, adapterFields({ oin: undefined, hrn: '12345678' }));
    expect(hrn.body).toEqual(problemBody('ERR_FORBIDDEN', 'organisation gemeente:0363 is not authorised for OIN 00000003123456780000'));
    const other = await create(amsterdam, { ...adapterFields(), organisationId: 'gemeente:0518' });
    expect([other.status, other.body.detail]).toEqual([403, 'organisation gemeente:0363 may not create CPAs for another organisation']);
  });

  test('the hub operator may generate for anyone; the owner defaults to the organisation of the OIN', async () => {
    const r = await create(operator, adapterFields({ connectietype: 'internet', profile: 'osb-be' }));
    expect(r.status).toBe(201);
    const rec = (await ctx.store.cpas.get(r.body.cpaId))!;
    expect([rec.organisationId, rec.connectietype, rec.profile]).toEqual(['gemeente:0363', 'internet', 'osb-be']);
    const bad = await create(operator, { ...adapterFields(), organisationId: 'gemeente:9999' });
    expect(bad.body).toEqual(problemBody('ERR_VALIDATION', 'CPA Beheer input is invalid: 1 problem(s)', [{ path: 'organisationId', message: 'no organisation gemeente:9999' }]));
  });

  test('invalid input: 400 with every problem and its field, nothing stored', async () => {
    const before = (await ctx.store.cpas.list()).length;
    const r = await create(operator, { ...adapterFields({ profielnaam: '', einddatum: 'morgen', connectietype: 'vpn', retries: -1 }), foo: 1 });
    expect(r.status).toBe(400);
    expect(r.body).toEqual(problemBody('ERR_VALIDATION', 'Invalid request: 5 problem(s)', [
      { path: 'profielnaam', message: 'is required' },
      { path: 'einddatum', message: 'must be a date YYYY-MM-DD' },
      { path: 'connectietype', message: 'must be diginetwerk or internet' },
      { path: 'retries', message: 'must be a whole number from 0 to 100' },
      { path: 'foo', message: 'is not a field of this request' },
    ]));
    const r2 = await create(amsterdam, adapterFields({ endpoint: 'http://localhost/ebms', syncReplyMode: 'sync' }));
    expect(r2.body).toEqual(problemBody('ERR_VALIDATION', 'Invalid request: 2 problem(s)', [
      { path: 'endpoint', message: 'must be an absolute https:// URL' },
      { path: 'syncReplyMode', message: 'must be none or mshSignalsOnly (DK-06)' },
    ]));
    const notObject = await request(app).post('/api/cpas').set(auth(operator)).send([1]);
    expect(notObject.body.problems).toEqual([{ path: '(body)', message: 'must be a JSON object with the CPA Beheer fields' }]);
    expect((await ctx.store.cpas.list()).length).toBe(before);
  });

  test('validate: XML or JSON body, every problem with location, never stored', async () => {
    const before = (await ctx.store.cpas.list()).length;
    const r = await request(app).post('/api/cpas/validate').set(auth(amsterdam)).set('Content-Type', 'text/xml').send(broken);
    expect(r.status).toBe(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.problems).toEqual([...validateCpaXml(broken).problems,
      { code: 'PARTYID_TYPE', severity: 'error', location: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: "no party has this knooppunt's OIN 00000099000000000001" }]);
    expect(r.body.problems).toContainEqual({ code: 'IDREF', severity: 'error', location: '/CollaborationProtocolAgreement/PartyInfo[1]/DeliveryChannel[2]/@transportId', message: '"A_NoSuchTransport" does not resolve to a Transport of this party' });
    const good = generateCpa(adapterFields(), { hub: hubIdentityFromConfig(ctx.config) }).xml;
    const ok = await request(app).post('/api/cpas/validate').set(auth(amsterdam)).send({ xml: good });
    expect(ok.body).toEqual({ valid: true, problems: [] });
    const appXml = await request(app).post('/api/cpas/validate').set(auth(amsterdam)).set('Content-Type', 'application/xml').send(good);
    expect(appXml.body).toEqual({ valid: true, problems: [] });
    const dtd = await request(app).post('/api/cpas/validate').set(auth(amsterdam)).set('Content-Type', 'text/xml').send(`<!DOCTYPE x [<!ENTITY a "b">]>${good}`);
    expect(dtd.body).toEqual({ valid: false, problems: [{ code: 'XML', severity: 'error', location: '/', message: 'CPA contains a DOCTYPE declaration; DTDs are never processed' }] });
    const empty = await request(app).post('/api/cpas/validate').set(auth(amsterdam)).send({});
    expect(empty.body).toEqual(problemBody('ERR_VALIDATION', 'Invalid request: 1 problem(s)', [{ path: '(body)', message: 'send the CPA as a text/xml or application/xml body, or as JSON {"xml": "..."}' }]));
    expect((await ctx.store.cpas.list()).length).toBe(before);
    expect((await request(app).post('/api/cpas/validate').set('Content-Type', 'text/xml').send(good)).status).toBe(401);
  });

  test('an XML body larger than the configured limit gets 413 before parsing', async () => {
    const small = createApiApp({ ...ctx, config: { ...ctx.config, limits: { ...ctx.config.limits, apiMaxBytes: 1000 } } });
    const r = await request(small).post('/api/cpas/validate').set(auth(amsterdam)).set('Content-Type', 'text/xml').send(broken);
    expect(r.status).toBe(413);
    expect(r.body).toEqual(problemBody('ERR_PAYLOAD_TOO_LARGE', 'request body exceeds 1000 bytes'));
  });

  test('import: operator only; 422 with every problem; duplicate 409 unless overwrite', async () => {
    const gen = generateCpa(adapterFields(), { hub: hubIdentityFromConfig(ctx.config) });
    const post = (token: string, q = '') => request(app).post(`/api/cpas/import${q}`).set(auth(token)).set('Content-Type', 'text/xml');
    const forbidden = await post(amsterdam).send(gen.xml);
    expect([forbidden.status, forbidden.body.code]).toEqual([403, 'ERR_FORBIDDEN']);
    const r = await post(operator).send(gen.xml);
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ cpaId: gen.cpaId, status: 'gegenereerd', download: `/api/cpas/${gen.cpaId}/xml`, warnings: [] });
    const dup = await post(operator).send(gen.xml);
    expect([dup.status, dup.body]).toEqual([409, problemBody('ERR_CONFLICT', `CPA ${gen.cpaId} exists; import with overwrite to replace it`)]);
    expect((await post(operator, '?overwrite=true').send(gen.xml)).status).toBe(201);
    const json = await request(app).post('/api/cpas/import').set(auth(operator)).send({ xml: gen.xml, overwrite: true, organisationId: 'gemeente:0363' });
    expect(json.status).toBe(201);
    expect((await ctx.store.cpas.get(gen.cpaId))!.organisationId).toBe('gemeente:0363');
    const bad = await post(operator).send(broken);
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('ERR_CPA_INVALID');
    expect(bad.body.problems).toContainEqual({ path: '/CollaborationProtocolAgreement/Status/@value', message: 'STATUS: Status is "proposed"; only an agreed CPA can be used', severity: 'error' });
    expect(bad.body.problems).toContainEqual({ path: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: "PARTYID_TYPE: no party has this knooppunt's OIN 00000099000000000001", severity: 'error' });
    expect(bad.body.problems.length).toBeGreaterThan(20);
  });

  test('list is scoped by OIN, shows the effective status and expiry warnings; ?status filters', async () => {
    const soon = await create(amsterdam, adapterFields({ einddatum: isoDay(20) }));
    const rec = (await ctx.store.cpas.get(soon.body.cpaId))!;
    await ctx.store.cpas.insert({ ...rec, cpaId: 'ended-cpa', endAt: new Date(Date.now() - DAY).toISOString() }, { at: rec.createdAt, event: 'geïmporteerd', detail: null });
    const all = await request(app).get('/api/cpas').set(auth(operator));
    expect(all.status).toBe(200);
    const mine = await request(app).get('/api/cpas').set(auth(amsterdam));
    expect(mine.body.cpas.map((c: { cpaId: string }) => c.cpaId)).toEqual(all.body.cpas.map((c: { cpaId: string }) => c.cpaId));
    expect((await request(app).get('/api/cpas').set(auth(denHaag))).body).toEqual({ cpas: [] });
    const byId = Object.fromEntries(all.body.cpas.map((c: { cpaId: string }) => [c.cpaId, c]));
    expect(byId['ended-cpa']).toMatchObject({ status: 'verlopen', warnings: [], download: '/api/cpas/ended-cpa/xml' });
    expect(byId['ended-cpa'].xml).toBeUndefined();
    expect(byId[soon.body.cpaId].warnings).toEqual([{ what: 'cpa', ref: soon.body.cpaId, expiresAt: `${isoDay(20)}T23:59:59.000Z`, daysLeft: 20, threshold: 30, message: `CPA ${soon.body.cpaId} ends in 20 days (${isoDay(20)})` }]);
    const expired = await request(app).get('/api/cpas?status=verlopen').set(auth(operator));
    expect(expired.body.cpas.map((c: { cpaId: string }) => c.cpaId)).toEqual(['ended-cpa']);
    const bad = await request(app).get('/api/cpas?status=weg').set(auth(operator));
    expect(bad.body).toEqual(problemBody('ERR_VALIDATION', 'Invalid request: 1 problem(s)', [{ path: 'status', message: 'must be one of aangevraagd, gegenereerd, geactiveerd, verlopen, ingetrokken' }]));
  });

  test('detail: record fields, parties, profile, warnings, events; invisible to other organisations', async () => {
    const { body: { cpaId } } = await create(amsterdam, adapterFields({ retries: 5, retryInterval: 'PT1H' }));
    const r = await request(app).get(`/api/cpas/${cpaId}`).set(auth(amsterdam));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cpaId, status: 'gegenereerd', source: 'generated', partyOin: AMSTERDAM_OIN, profielnaam: 'Gemeente Amsterdam iJw', warnings: [] });
    expect(r.body.xml).toBeUndefined();
    expect(r.body.profile).toEqual({ name: 'osb-rm-s', berichtstroom: 'ijw', connectietype: 'diginetwerk', syncReplyMode: 'none', ackRequested: 'always', ackSignatureRequested: 'always', duplicateElimination: 'always', actor: 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH', retries: 5, retryInterval: 'PT1H', persistDuration: 'P1D', signed: true, encrypted: false, encryption: null });
    expect(r.body.parties.map((p: { partyName: string; partyIds: unknown; role: string; endpoint: string }) => [p.partyName, p.partyIds, p.role, p.endpoint])).toEqual([
      ['Test hub', [{ value: '00000099000000000001', type: 'urn:osb:oin' }], 'Knooppunt', 'https://localhost:8443/ebms'],
      ['Gemeente Amsterdam iJw', [{ value: AMSTERDAM_OIN, type: 'urn:osb:oin' }], 'Deelnemer', 'https://localhost:8443/ebms'],
    ]);
    expect(r.body.parties[1].certificates.map((c: { certId: string; oin: string }) => [c.certId, c.oin])).toEqual([
      ['Deelnemer_ClientCert', AMSTERDAM_OIN], ['Deelnemer_ServerCert', AMSTERDAM_OIN], ['Deelnemer_SigningCert', AMSTERDAM_OIN]]);
    expect(r.body.events).toEqual([{ at: r.body.createdAt, event: 'gegenereerd', detail: 'profile osb-rm-s, diginetwerk' }]);
    const hidden = await request(app).get(`/api/cpas/${cpaId}`).set(auth(denHaag));
    expect([hidden.status, hidden.body]).toEqual([404, problemBody('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`)]);
    expect((await request(app).get(`/api/cpas/${cpaId}/xml`).set(auth(denHaag))).status).toBe(404);
    expect((await request(app).delete(`/api/cpas/${cpaId}`).set(auth(denHaag))).status).toBe(404);
  });

  test('download: application/xml attachment named <cpaId>.xml, exactly the stored CPA', async () => {
    const { body: { cpaId, download } } = await create(amsterdam, adapterFields());
    const r = await request(app).get(download).set(auth(amsterdam));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(r.headers['content-disposition']).toBe(`attachment; filename="${cpaId}.xml"`);
    expect(r.text).toBe((await ctx.store.cpas.get(cpaId))!.xml);
    expect(validateCpaXml(r.text).valid).toBe(true);
  });

  test('DELETE withdraws (ingetrokken); a second time is a lifecycle error', async () => {
    const { body: { cpaId } } = await create(amsterdam, adapterFields());
    const r = await request(app).delete(`/api/cpas/${cpaId}`).set(auth(amsterdam));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ cpaId, status: 'ingetrokken', download: `/api/cpas/${cpaId}/xml` });
    const again = await request(app).delete(`/api/cpas/${cpaId}`).set(auth(operator));
    expect([again.status, again.body]).toEqual([409, problemBody('ERR_CPA_STATE', `CPA ${cpaId} is ingetrokken; it cannot become ingetrokken`)]);
    const detail = await request(app).get(`/api/cpas/${cpaId}`).set(auth(operator));
    expect(detail.body.events.at(-1)).toMatchObject({ event: 'ingetrokken', detail: 'by gemeente:0363' });
    expect((await request(app).delete('/api/cpas/nope').set(auth(operator))).body).toEqual(problemBody('ERR_CPA_NOT_FOUND', 'no CPA nope'));
  });

  test('the OpenAPI document lists the CPA paths', async () => {
    const r = await request(app).get('/api/openapi.json');
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/cpas', '/cpas/validate', '/cpas/import', '/cpas/{id}', '/cpas/{id}/xml']));
    expect(Object.keys(r.body.paths['/cpas/{id}'])).toEqual(['get', 'delete']);
  });
});

describe('knooppunt start-up: the CPA sweep feeds the expiry gauge', () => {
  test('a CPA ending within 30 days shows in knooppunt_expiring_items', async () => {
    const config = testConfig();
    const seed = await SqliteStore.open(config.store.path);
    await new CpaService({ store: seed, hub: hubIdentityFromConfig(config), logger: createLogger('silent') }).generate(adapterFields({ einddatum: isoDay(10) }));
    await seed.close();
    const k = await startKnooppunt(config, { logger: createLogger('silent') });
    try {
      let text = '';
      for (let i = 0; i < 20 && !text.includes('knooppunt_expiring_items{'); i++) {
        text = await k.metrics.registry.metrics();
        if (!text.includes('knooppunt_expiring_items{')) await new Promise((r) => setTimeout(r, 25));
      }
      expect(text).toContain('knooppunt_expiring_items{what="cpa",days="30"} 1');
    } finally {
      await k.stop();
    }
  });
});
