import { readFileSync } from 'node:fs';
import request from 'supertest';
import type { PortalContext } from '../../../src/portal/context.js';
import { cpa } from '../routing/helpers.js';
import { testPki } from '../../helpers/pki.js';
import { GatewayError } from '../../../src/errors.js';
import { csrfOf, loginAgent, portalApp, testPortalContext } from '../../helpers/portal.js';

const OIN_A = '00000099000000036300';
const OIN_B = '00000099000000051800';
const pw = 'correct horse battery';

/** Reads a binary supertest response into a Buffer. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('portal pages: Ophalen, Berichtenlog, CPA Beheer, Routeren, Gebruikers; tenant isolation', () => {
  let ctx: PortalContext;
  let app: ReturnType<typeof portalApp>;
  const ids: Record<string, string> = {};
  let tokenA: string;

  beforeAll(async () => {
    ctx = await testPortalContext();
    const a = await ctx.organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [OIN_A] });
    const b = await ctx.organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: [OIN_B] });
    await ctx.users.add({ organisationId: a.id, username: 'anna', products: ['iwmo'], password: pw }, null);
    await ctx.users.add({ organisationId: a.id, username: 'beheer-a', roles: ['productbeheerder', 'gebruikersbeheerder'], products: ['iwmo', 'ijw'], password: pw }, null);
    await ctx.users.add({ organisationId: b.id, username: 'bert', roles: ['productbeheerder', 'gebruikersbeheerder'], products: ['iwmo', 'ijw'], password: pw }, null);
    ids.userB = (await ctx.users.findByUsername('bert'))!.id;
    const ev = { at: '2024-01-01T00:00:00.000Z', event: 'test', detail: null };
    const future = { endAt: '2099-01-01T00:00:00.000Z' };
    await ctx.store.cpas.insert(cpa('CPA-A-IJW', OIN_A, { ...future, organisationId: a.id }), ev);
    await ctx.store.cpas.insert(cpa('CPA-A-GEN', OIN_A, { ...future, status: 'gegenereerd', organisationId: a.id }), ev);
    await ctx.store.cpas.insert(cpa('CPA-B-IJW', OIN_B, { ...future, organisationId: b.id }), ev);
    ids.a1 = (await ctx.mailbox.deliver({ organisationId: a.id, berichttype: 'WMO302', bestandsnaam: 'WMO302_a1.xml', content: Buffer.from('<a1/>') })).id;
    ids.a2 = (await ctx.mailbox.deliver({ organisationId: a.id, berichttype: 'WMO315', bestandsnaam: 'WMO315_a2.xml', content: Buffer.from('<a2/>') })).id;
    ids.aJw = (await ctx.mailbox.deliver({ organisationId: a.id, berichttype: 'JW302', bestandsnaam: 'JW302_a.xml', content: Buffer.from('<ajw/>') })).id;
    ids.b1 = (await ctx.mailbox.deliver({ organisationId: b.id, berichttype: 'WMO302', bestandsnaam: 'WMO302_b1.xml', content: Buffer.from('<b1/>') })).id;
    const log = (id: string, gemeentecode: string, berichttype: string, zender: string) => ctx.store.routing.insertLog({
      id, at: new Date().toISOString(), ebmsMessageId: `m-${id}`, cpaId: 'CPA-X', senderOin: OIN_A, stufElement: null, berichtstroom: null, berichttype, gemeentecode,
      zenderOrganisatie: zender, ontvangerOrganisatie: '12345678', referentienummer: `ref-${id}`, crossRefnummer: null, outcome: 'doorgestuurd', foutcode: null, detail: null,
      targetOrganisationId: null, targetCpaId: null, forwardedMessageId: null, mailboxItemId: null,
    });
    await log('l1', '0363', 'WMO301', '0363');
    await log('l2', '0363', 'JW301', '0363');
    await log('l3', '0518', 'WMO301', '0518');
    tokenA = (await ctx.tokens.create(a, 'back-office', { kind: 'cli', id: 'test' })).token;
    app = portalApp(ctx);
  });
  afterAll(() => ctx.store.close());

  test('Ophalen: download one marks it gelezen; the mark can be taken away again', async () => {
    const agent = await loginAgent(app, 'anna', pw);
    const page = await agent.get('/ophalen/iwmo').expect(200);
    expect(page.text).toContain('WMO302_a1.xml');
    expect(page.text).not.toContain('JW302_a.xml');
    expect(page.text).not.toContain('WMO302_b1.xml');
    expect(page.text).toContain('download alle niet eerder gedownloade bestanden');
    const dl = await agent.post('/ophalen/iwmo').type('form').buffer(true).parse(binary).send({ _csrf: csrfOf(page.text), download: ids.a1 }).expect(200);
    expect(dl.headers['content-disposition']).toContain('WMO302_a1.xml');
    expect((dl.body as Buffer).toString()).toBe('<a1/>');
    const after = await agent.get('/ophalen/iwmo').expect(200);
    expect(after.text).toMatch(/gelezen<\/td>\s*<td class="utrecht-table__cell">WMO302_a1\.xml/);
    await agent.post('/ophalen/iwmo').type('form').send({ _csrf: csrfOf(after.text), actie: 'ongelezen', ids: ids.a1 }).expect(303);
    expect((await ctx.store.mailbox.get(ids.a1))!.readAt).toBeNull();
  });

  test('Ophalen: "download alle niet eerder gedownloade bestanden" gives one ZIP of the unread files and marks them', async () => {
    const agent = await loginAgent(app, 'anna', pw);
    const page = await agent.get('/ophalen/iwmo').expect(200);
    const zip = await agent.post('/ophalen/iwmo').type('form').buffer(true).parse(binary).send({ _csrf: csrfOf(page.text), actie: 'nieuw' }).expect(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    const text = (zip.body as Buffer).toString('latin1');
    expect(text).toContain('WMO302_a1.xml');
    expect(text).toContain('WMO315_a2.xml');
    expect(text).not.toContain('JW302_a.xml');
    expect((await ctx.store.mailbox.get(ids.a2))!.readAt).not.toBeNull();
    expect((await ctx.store.mailbox.get(ids.aJw))!.readAt).toBeNull();
  });

  test('a user without the iJw right gets no iJw page, file or log row', async () => {
    const agent = await loginAgent(app, 'anna', pw);
    const start = await agent.get('/start').expect(200);
    await agent.get('/ophalen/ijw').expect(404);
    await agent.post('/ophalen/iwmo').type('form').send({ _csrf: csrfOf(start.text), download: ids.aJw }).expect(404);
    await agent.post('/ophalen/ijw').type('form').send({ _csrf: csrfOf(start.text), download: ids.aJw }).expect(404);
    const page = (await agent.get('/ophalen/iwmo').expect(200)).text;
    expect(page).not.toContain('href="/ophalen/ijw"');
    const log = (await agent.get('/berichtenlog').expect(200)).text;
    expect(log).toContain('ref-l1');
    expect(log).not.toContain('ref-l2');
    await agent.get('/cpa-beheer').expect(403);
    await agent.get('/routeren/iwmo').expect(403);
    await agent.get('/gebruikers').expect(403);
  });

  test('tenant isolation: a user and the API token of gemeente A get 403/404 for everything of gemeente B', async () => {
    const agent = await loginAgent(app, 'beheer-a', pw);
    const csrf = csrfOf((await agent.get('/start').expect(200)).text);
    const pages = ['/ophalen/iwmo?gemeente=0518', '/berichtenlog?gemeente=0518', '/cpa-beheer?gemeente=0518', '/routeren/ijw?gemeente=0518',
      '/cpa-beheer/CPA-B-IJW/download', `/gebruikers/${ids.userB}`];
    for (const p of pages) {
      const res = await agent.get(p);
      expect([p, res.status]).toEqual([p, 404]);
      expect(res.text).not.toMatch(/WMO302_b1|CPA-B-IJW|bert|Den Haag/);
    }
    const posts: [string, Record<string, unknown>][] = [
      ['/ophalen/iwmo', { download: ids.b1 }], ['/ophalen/iwmo', { actie: 'selectie', ids: ids.b1 }], ['/ophalen/iwmo', { actie: 'verwijder', ids: ids.b1 }],
      ['/ophalen/iwmo', { actie: 'ongelezen', ids: [ids.a1, ids.b1] }], ['/ophalen/iwmo', { gemeente: '0518', actie: 'nieuw' }],
      ['/cpa-beheer/CPA-B-IJW/ping', {}], ['/cpa-beheer', { gemeente: '0518', profielnaam: 'x' }], ['/routeren/ijw', { gemeente: '0518' }],
      [`/gebruikers/${ids.userB}`, { actie: 'uitschakelen' }], [`/gebruikers/${ids.userB}`, { actie: 'wachtwoord' }],
    ];
    for (const [p, body] of posts) {
      const res = await agent.post(p).type('form').send({ _csrf: csrf, ...body });
      expect([p, res.status]).toEqual([p, 404]);
      expect(res.text).not.toMatch(/<b1\/>|WMO302_b1|bert/);
    }
    // A CPA generated with B's OIN is refused at the OIN field.
    const form = await agent.post('/cpa-beheer').type('form').send({ _csrf: csrf, oin: OIN_B, profielnaam: 'x' }).expect(400);
    expect(form.text).toContain('Dit nummer is niet geregistreerd als OIN van Amsterdam.');
    // A user created by A's gebruikersbeheerder lands in A, whatever the form says.
    await agent.post('/gebruikers').type('form').send({ _csrf: csrf, organisationId: 'gemeente:0518', username: 'sneaky' }).expect(200);
    expect((await ctx.users.findByUsername('sneaky'))!.organisationId).toBe('gemeente:0363');
    expect((await ctx.store.mailbox.get(ids.b1))!.deletedAt).toBeNull();
    expect((await ctx.users.get(ids.userB))!.disabledAt).toBeNull();

    const api = (m: 'get' | 'post' | 'delete', p: string) => request(app)[m](p).set('Authorization', `Bearer ${tokenA}`);
    for (const [m, p] of [['get', `/api/mailbox/${ids.b1}`], ['post', `/api/mailbox/${ids.b1}/read`], ['delete', `/api/mailbox/${ids.b1}`],
      ['get', '/api/cpas/CPA-B-IJW'], ['get', '/api/cpas/CPA-B-IJW/xml'], ['get', '/api/routes?gemeentecode=0518'], ['get', '/api/organisations/gemeente:0518'],
      ['post', '/api/cpas/CPA-B-IJW/ping']] as const) {
      const res = await api(m, p);
      expect([m, p, [403, 404].includes(res.status)]).toEqual([m, p, true]);
      expect(res.text).not.toMatch(/<b1\/>|Den Haag/);
    }
    const put = await request(app).put('/api/routes').set('Authorization', `Bearer ${tokenA}`)
      .send({ gemeentecode: '0518', berichtstroom: 'ijw', berichttype: 'JW302', richting: 'ontvangen', kanaal: 'portaal' });
    expect(put.status).toBe(403);
    const zip = await request(app).post('/api/mailbox/download').set('Authorization', `Bearer ${tokenA}`).send({ ids: [ids.b1] });
    expect(zip.status).toBe(404);
    expect((await api('delete', '/api/routes/0518/ijw/JW302/ontvangen')).status).toBe(403);
    const list = await api('get', '/api/mailbox').expect(200);
    expect(JSON.stringify(list.body)).not.toContain(ids.b1);
  });

  test('CPA Beheer: a bad certificate is shown at its field; a good form generates a CPA to download', async () => {
    const { files } = testPki();
    const p = files.parties['gemeente-0363']!;
    const agent = await loginAgent(app, 'beheer-a', pw);
    const page = await agent.get('/cpa-beheer').expect(200);
    const good = {
      _csrf: csrfOf(page.text), profielnaam: 'Amsterdam iWmo', oin: OIN_A, ingangsdatum: new Date().toISOString().slice(0, 10), einddatum: '2099-12-31',
      connectietype: 'internet', berichtstroom: 'iwmo', endpoint: 'https://localhost:8443/ebms',
      serverCertPem: `${readFileSync(p.server.cert, 'utf8').trim().replace(/\n/g, '\r\n')}\r\n\r\n`, clientCertPem: readFileSync(p.client.cert, 'utf8'),
    };
    const bad = await agent.post('/cpa-beheer').type('form').send({ ...good, clientCertPem: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' }).expect(400);
    expect(bad.text).toMatch(/id="veld-clientCertPem-fout">Dit is geen geldig certificaat \(PEM, van -----BEGIN CERTIFICATE----- tot en met -----END CERTIFICATE-----\): [^<]+</);
    expect(bad.text).not.toContain('id="veld-serverCertPem-fout"');
    const late = await agent.post('/cpa-beheer').type('form').send({ ...good, einddatum: '2000-01-01', endpoint: 'http://x' }).expect(400);
    expect(late.text).toContain('id="veld-einddatum-fout">De einddatum moet na de ingangsdatum liggen.<');
    expect(late.text).toContain('id="veld-endpoint-fout">Vul een volledig adres in dat begint met https://.<');
    const ok = await agent.post('/cpa-beheer').type('form').send(good);
    expect(ok.status).toBe(303);
    const list = await agent.get('/cpa-beheer').expect(200);
    const m = /href="\/cpa-beheer\/([^"]+)\/download"/.exec(list.text.replace(/CPA-A-IJW|CPA-A-GEN/g, ''));
    expect(m).not.toBeNull();
    const xml = await agent.get(`/cpa-beheer/${m![1]}/download`).expect(200);
    expect(xml.text).toContain('CollaborationProtocolAgreement');
    expect(list.text).toContain('Gegenereerd (wacht op Ping Pong)');
  });

  test('CPA Beheer: Ping Pong on a withdrawn CPA is refused locally and told at the page, not as an error page', async () => {
    const ev = { at: '2024-01-01T00:00:00.000Z', event: 'test', detail: null };
    const a = (await ctx.organisations.list()).find((o) => o.code === '0363')!;
    await ctx.store.cpas.insert(cpa('CPA-A-WD', OIN_A, { endAt: '2099-01-01T00:00:00.000Z', status: 'ingetrokken', organisationId: a.id }), ev);
    const pings: string[] = [];
    // The MSH refuses a Ping on a withdrawn CPA before anything is sent (src/ebms/msh/msh.ts, ERR_CPA_STATE).
    const msh = { ping: async (id: string) => { pings.push(id); throw new GatewayError('ERR_CPA_STATE', `CPA ${id} is ingetrokken; a Ping is not sent (make a new CPA)`); } };
    const withMsh = portalApp({ ...ctx, msh: msh as unknown as PortalContext['msh'] });
    const agent = await loginAgent(withMsh, 'beheer-a', pw);
    const page = await agent.get('/cpa-beheer').expect(200);
    const res = await agent.post('/cpa-beheer/CPA-A-WD/ping').type('form').send({ _csrf: csrfOf(page.text) });
    expect(res.status).toBe(303);
    const after = await agent.get(res.headers.location!).expect(200);
    expect(after.text).toContain('Ping Pong niet verstuurd: de CPA is ingetrokken of niet geldig op dit moment.');
    expect(pings).toEqual(['CPA-A-WD']);
  });

  test('Routeren: only activated CPAs are offered; Opslaan stores the routes at once', async () => {
    const agent = await loginAgent(app, 'beheer-a', pw);
    const page = await agent.get('/routeren/ijw').expect(200);
    expect(page.text).toContain('<option value="CPA-A-IJW"');
    expect(page.text).not.toContain('<option value="CPA-A-GEN"');
    expect(page.text).not.toContain('CPA-B-IJW');
    const refused = await agent.post('/routeren/ijw').type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&r[0][berichttype]=JW301&r[0][richting]=verzenden&r[0][kanaal]=digikoppeling&r[0][cpaId]=CPA-A-GEN&r[0][stufVersie]=0210`).expect(400);
    expect(refused.text).toContain('Kies een geactiveerde CPA van deze gemeente.');
    await agent.post('/routeren/ijw').type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf(page.text))}&r[0][berichttype]=JW301&r[0][richting]=verzenden&r[0][kanaal]=digikoppeling&r[0][cpaId]=CPA-A-IJW&r[0][stufVersie]=0210&r[1][berichttype]=JW302&r[1][richting]=ontvangen&r[1][kanaal]=portaal&r[1][cpaId]=&r[1][stufVersie]=0310`).expect(303);
    const routes = await ctx.routes.list({ gemeentecode: '0363', berichtstroom: 'ijw' });
    expect(routes.map((r) => [r.berichttype, r.richting, r.kanaal, r.cpaId, r.stufVersie]).sort()).toEqual([
      ['JW301', 'verzenden', 'digikoppeling', 'CPA-A-IJW', '0210'], ['JW302', 'ontvangen', 'portaal', null, '0310']]);
  });

  test('Gebruikers: taking a product right away removes that tab at the user\'s next request', async () => {
    const beheer = await loginAgent(app, 'beheer-a', pw);
    const created = await beheer.post('/gebruikers').type('form')
      .send(`_csrf=${encodeURIComponent(csrfOf((await beheer.get('/gebruikers')).text))}&username=jan&name=Jan&products=iwmo&products=ijw`).expect(200);
    const password = /id="nieuw-wachtwoord">([^<]+)</.exec(created.text)![1]!;
    const jan = await loginAgent(app, 'jan', password);
    expect((await jan.get('/ophalen/iwmo').expect(200)).text).toContain('href="/ophalen/ijw"');
    const id = (await ctx.users.findByUsername('jan'))!.id;
    const edit = await beheer.get(`/gebruikers/${id}`).expect(200);
    await beheer.post(`/gebruikers/${id}`).type('form').send(`_csrf=${encodeURIComponent(csrfOf(edit.text))}&actie=rechten&products=iwmo`).expect(303);
    expect((await jan.get('/ophalen/iwmo').expect(200)).text).not.toContain('href="/ophalen/ijw"');
    await jan.get('/ophalen/ijw').expect(404);
  });
});
