import request from 'supertest';
import type { PortalContext } from '../../../src/portal/context.js';
import { csrfOf, loginAgent, portalApp, testPortalContext } from '../../helpers/portal.js';

describe('portal: login, sessions, CSRF, lock-out, navigation per role', () => {
  let ctx: PortalContext;
  let app: ReturnType<typeof portalApp>;
  const pw = 'correct horse battery';

  beforeAll(async () => {
    ctx = await testPortalContext();
    const gem = await ctx.organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300'] });
    await ctx.users.add({ organisationId: gem.id, username: 'anna', roles: [], products: ['iwmo'], password: pw }, null);
    await ctx.users.add({ organisationId: gem.id, username: 'piet', roles: ['productbeheerder', 'gebruikersbeheerder'], products: ['iwmo', 'ijw'], password: pw }, null);
    await ctx.users.add({ organisationId: gem.id, username: 'slot', password: pw }, null);
    app = portalApp(ctx);
  });

  test('/ shows the login form, with security headers and an HttpOnly SameSite cookie', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.text).toContain('<h1 class="utrecht-heading-1">Inloggen</h1>');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['set-cookie']?.[0]).toMatch(/^knooppunt\.sid=.*HttpOnly; SameSite=Lax/);
    expect(res.headers['set-cookie']?.[0]).not.toContain('Secure');
  });

  test('a page without login redirects to the login page', async () => {
    const res = await request(app).get('/berichtenlog').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fberichtenlog');
  });

  test('a form without its CSRF token is refused (403)', async () => {
    const agent = request.agent(app);
    await agent.get('/').expect(200);
    const res = await agent.post('/login').type('form').send({ username: 'anna', password: pw }).expect(403);
    expect(res.text).toContain('CSRF-controle');
  });

  test('wrong password: one message for unknown user and wrong password alike', async () => {
    const agent = request.agent(app);
    for (const username of ['anna', 'niemand']) {
      const page = await agent.get('/').expect(200);
      const res = await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username, password: 'fout-fout-fout' }).expect(401);
      expect(res.text).toContain('Gebruikersnaam of wachtwoord is onjuist.');
    }
  });

  test('after lockoutAttempts wrong passwords the account is locked, even for the right password', async () => {
    const agent = request.agent(app);
    for (let i = 0; i < ctx.config.portal.lockoutAttempts; i++) {
      const page = await agent.get('/').expect(200);
      await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username: 'slot', password: 'fout-fout-fout' }).expect(401);
    }
    const page = await agent.get('/').expect(200);
    const res = await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username: 'slot', password: pw }).expect(401);
    expect(res.text).toContain('Dit account is tijdelijk geblokkeerd');
  });

  test('login renews the session id, logout ends it; the session is kept in the store', async () => {
    const agent = request.agent(app);
    const page = await agent.get('/').expect(200);
    const before = /knooppunt\.sid=([^;]+)/.exec(page.headers['set-cookie']![0]!)![1];
    const res = await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username: 'anna', password: pw, next: '//evil.example/' }).expect(303);
    expect(res.headers.location).toBe('/start');
    const after = /knooppunt\.sid=([^;]+)/.exec(res.headers['set-cookie']![0]!)![1];
    expect(after).not.toBe(before);
    const sid = decodeURIComponent(after!).slice(2).split('.')[0]!;
    expect((await ctx.store.sessions.get(sid, new Date().toISOString()))?.userId).toBeTruthy();
    const start = await agent.get('/start').expect(200);
    await agent.post('/logout').type('form').send({ _csrf: csrfOf(start.text) }).expect(303);
    expect(await ctx.store.sessions.get(sid, new Date().toISOString())).toBeNull();
    await agent.get('/start').expect(303);
  });

  test('navigation follows role and product rights', async () => {
    const anna = await loginAgent(app, 'anna', pw);
    const a = (await anna.get('/start').expect(200)).text;
    expect(a).toContain('href="/ophalen"');
    expect(a).not.toContain('href="/cpa-beheer"');
    expect(a).not.toContain('href="/gebruikers"');
    const piet = await loginAgent(app, 'piet', pw);
    const p = (await piet.get('/start').expect(200)).text;
    for (const href of ['/aanleveren', '/ophalen', '/berichtenlog', '/cpa-beheer', '/routeren', '/gebruikers', '/ketendata']) expect(p).toContain(`href="${href}"`);
  });

  test('a disabled user loses the session at once', async () => {
    const agent = await loginAgent(app, 'piet', pw);
    await agent.get('/start').expect(200);
    const piet = (await ctx.users.findByUsername('piet'))!;
    await ctx.users.setDisabled(piet.id, true, null);
    await agent.get('/start').expect(303);
    await ctx.users.setDisabled(piet.id, false, null);
  });

  test('the API keeps its JSON errors next to the portal', async () => {
    const res = await request(app).get('/api/organisations').expect(401);
    expect(res.body.code).toBe('ERR_UNAUTHENTICATED');
  });
});

describe('portal: rate limit, idle timeout, first account', () => {
  test('more login attempts than portal.loginRateLimit from one address get HTTP 429', async () => {
    const ctx = await testPortalContext();
    const limited = portalApp({ ...ctx, config: { ...ctx.config, portal: { ...ctx.config.portal, loginRateLimit: 2 } } });
    const agent = request.agent(limited);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await agent.get('/').expect(200);
      statuses.push((await agent.post('/login').type('form').send({ _csrf: csrfOf(page.text), username: 'x', password: 'y' })).status);
    }
    expect(statuses).toEqual([401, 401, 429]);
  });

  test('portal.cookieSecure always: the session cookie is Secure (behind a TLS-terminating proxy)', async () => {
    const ctx = await testPortalContext();
    const secure = portalApp({ ...ctx, config: { ...ctx.config, portal: { ...ctx.config.portal, cookieSecure: 'always' } } });
    const res = await request(secure).get('/').set('X-Forwarded-Proto', 'https').expect(200);
    expect(res.headers['set-cookie']?.[0]).toMatch(/; Secure/);
  });

  test('a session past its idle timeout is not returned by the store; purge removes it', async () => {
    const ctx = await testPortalContext();
    const past = new Date(Date.now() - 1000).toISOString();
    await ctx.store.sessions.set({ sid: 's1', userId: 'u1', data: '{}', expiresAt: past });
    expect(await ctx.store.sessions.get('s1', new Date().toISOString())).toBeNull();
    expect(await ctx.store.sessions.purge(new Date().toISOString())).toBe(1);
  });

  test('the first account is created once: a gebruikersbeheerder of the hub organisation', async () => {
    const ctx = await testPortalContext();
    const hub = await ctx.organisations.ensureHub(ctx.config.hub.oin, ctx.config.hub.name);
    const first = await ctx.users.ensureFirstAccount(hub);
    expect(first?.username).toBe('beheerder');
    expect(first!.password).toMatch(/^[A-Za-z2-9]{20}$/);
    expect(await ctx.users.ensureFirstAccount(hub)).toBeNull();
    const user = (await ctx.users.findByUsername('beheerder'))!;
    expect(user.roles).toEqual(['gebruiker', 'gebruikersbeheerder', 'productbeheerder']);
    expect((await ctx.users.login('beheerder', first!.password)).ok).toBe(true);
  });
});

describe('portal: the gemeenten a user acts for', () => {
  test('a samenwerkingsverband acts for the gemeenten that authorised its OIN; gemeenten sharing an OIN do not see each other', async () => {
    const { gemeentenFor } = await import('../../../src/portal/access.js');
    const ctx = await testPortalContext();
    const SWV = '00000099000000099900';
    const PROVIDER = '00000099000000088800';
    const swv = await ctx.organisations.add({ kind: 'ketenpartner', code: SWV, name: 'Samenwerkingsverband' });
    await ctx.organisations.add({ kind: 'ketenpartner', code: PROVIDER, name: 'Dienstverlener' });
    const a = await ctx.organisations.add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: ['00000099000000036300', SWV, PROVIDER] });
    const b = await ctx.organisations.add({ kind: 'gemeente', code: '0518', name: 'Den Haag', oins: ['00000099000000051800', PROVIDER] });
    const c = await ctx.organisations.add({ kind: 'gemeente', code: '0599', name: 'Rotterdam', oins: ['00000099000000059900', SWV] });
    const codes = async (o: typeof a) => (await gemeentenFor(ctx.store, o, false)).map((g) => g.code);
    expect(await codes(swv)).toEqual(['0363', '0599']);
    expect(await codes(a)).toEqual(['0363']);
    expect(await codes(b)).toEqual(['0518']);
    expect(await codes(c)).toEqual(['0599']);
    // A gemeente listing another gemeente's OIN (a hoofdgemeente's) still sees only itself, and so does the other.
    const d = await ctx.organisations.add({ kind: 'gemeente', code: '0600', name: 'Buurgemeente', oins: ['00000099000000060000', '00000099000000036300'] });
    expect(await codes(a)).toEqual(['0363']);
    expect(await codes(d)).toEqual(['0600']);
    expect((await gemeentenFor(ctx.store, swv, true)).length).toBe(4);
  });
});
