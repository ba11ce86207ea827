/**
 * The portal in a real browser (issue 16 §5): Debian's chromium driven by playwright-core against two knooppunt
 * processes (the hub and a gemeente adapter). Log in; create accounts; CPA Beheer with a bad and a good
 * certificate; download the CPA; Ping Pong against the adapter; change a route; download from Ophalen and see
 * `gelezen`; take a product right away and see the tab go. axe-core on every page; screenshots as artifacts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MailboxService } from '../../src/routing/mailbox.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { createNode, waitFor, type Node } from '../e2e/harness.js';
import { testPki } from '../helpers/pki.js';
import { CHROMIUM, check, launch } from './browser.js';

// Chromium is installed by .ci/run; where it is missing the suite is skipped, which .ci/run counts as a failure.
const run = existsSync(CHROMIUM) ? describe : describe.skip;
const T = 240_000;

run('portal in the browser', () => {
  let hub: Node;
  let adapter: Node;
  let browser: Browser;
  let adminPassword: string;
  const passwords: Record<string, string> = {};
  let cpaId = '';
  const { files } = testPki();
  const g = files.parties['gemeente-0363']!;

  beforeAll(async () => {
    hub = await createNode('portal-hub', 'hub', 'hub');
    adapter = await createNode('portal-gemeente', 'gemeente-0363', 'adapter');
    // The adapter signs with its client certificate, the one certificate the CPA Beheer form asks besides the server's.
    const cfg = JSON.parse(readFileSync(adapter.configFile, 'utf8'));
    cfg.tls.signing = cfg.tls.client;
    writeFileSync(adapter.configFile, JSON.stringify(cfg));
    [browser] = await Promise.all([launch(), hub.start(), adapter.start()]);
    // The first account is printed once on stderr right after the listeners are up.
    const m = await waitFor('the first account', async () => /password: (\S+)/.exec(hub.log.join('')), 60_000);
    adminPassword = m[1]!;
    const add = hub.cli('orgs', 'add', '--kind', 'gemeente', '--code', '0363', '--name', 'Amsterdam', '--oin', adapter.oin);
    if (add.status !== 0) throw new Error(add.stderr);
  }, 120_000);
  afterAll(async () => { await browser?.close(); await hub?.kill(); await adapter?.kill(); });

  async function session(): Promise<{ ctx: BrowserContext; page: Page }> {
    const ctx = await browser.newContext({ acceptDownloads: true, locale: 'nl-NL' });
    return { ctx, page: await ctx.newPage() };
  }

  async function login(page: Page, username: string, password: string): Promise<void> {
    await page.goto(`${hub.portal}/`);
    await page.getByLabel('Gebruikersnaam').fill(username);
    await page.getByLabel('Wachtwoord').fill(password);
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.waitForURL(/\/start$/);
  }

  test('first account logs in and creates the gemeente\'s accounts', async () => {
    const { ctx, page } = await session();
    await page.goto(`${hub.portal}/`);
    await check(page, '01-login');
    await page.getByLabel('Gebruikersnaam').fill('beheerder');
    await page.getByLabel('Wachtwoord').fill('wrong-password-here');
    await page.getByRole('button', { name: 'Inloggen' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toContain('Gebruikersnaam of wachtwoord is onjuist.');
    await login(page, 'beheerder', adminPassword);
    await check(page, '02-start');
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Gebruikers' }).click();
    for (const [username, roles, products] of [['pb-0363', ['Productbeheerder', 'Gebruikersbeheerder'], ['iWmo', 'iJw']], ['medewerker', [], ['iWmo', 'iJw']]] as const) {
      await page.getByLabel('Organisatie', { exact: true }).selectOption('gemeente:0363');
      await page.getByLabel('Gebruikersnaam').fill(username);
      for (const r of roles) await page.getByLabel(r, { exact: true }).check();
      for (const p of products) await page.getByLabel(p, { exact: true }).check();
      await page.getByRole('button', { name: 'Gebruiker aanmaken' }).click();
      passwords[username] = (await page.locator('#nieuw-wachtwoord').textContent())!.trim();
    }
    await check(page, '03-gebruikers');
    await ctx.close();
  }, T);

  test('CPA Beheer: a bad certificate at its field, then a good one; download the CPA; Ping Pong activates it', async () => {
    const { ctx, page } = await session();
    await login(page, 'pb-0363', passwords['pb-0363']!);
    await page.goto(`${hub.portal}/cpa-beheer`);
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Profielnaam').fill('Amsterdam iJw');
    await page.getByLabel('Overheidsidentificatienummer (OIN)').fill(adapter.oin);
    await page.getByLabel('Ingangsdatum').fill(day(-1));
    await page.getByLabel('Einddatum').fill(day(60));
    await page.getByLabel('Connectietype').selectOption('internet');
    await page.getByLabel('Product').selectOption('ijw');
    await page.getByLabel('URL van de service die het bericht kan ontvangen (Endpoint)').fill(adapter.ebms);
    // A trailing empty line (seed 002 §3.3.3 warns about it) must not matter.
    await page.getByLabel('Server certificaat').fill(`${readFileSync(g.server.cert, 'utf8')}\n\n`);
    await page.getByLabel('Client certificaat').fill('-----BEGIN CERTIFICATE-----\nMIIBroken\n-----END CERTIFICATE-----');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.locator('#veld-clientCertPem-fout').waitFor();
    expect(await page.locator('#veld-serverCertPem-fout').count()).toBe(0);
    expect(await page.getByLabel('Client certificaat').getAttribute('aria-invalid')).toBe('true');
    await check(page, '04-cpa-beheer-fout');
    await page.getByLabel('Client certificaat').fill(readFileSync(g.client.cert, 'utf8'));
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('is gegenereerd');
    const row = page.locator('tr', { hasText: 'Amsterdam iJw' });
    expect(await row.locator('.kp-cpa-status').textContent()).toBe('Gegenereerd (wacht op Ping Pong)');
    await check(page, '05-cpa-beheer');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('link', { name: /^Download / }).click()]);
    const xml = readFileSync((await download.path())!, 'utf8');
    expect(xml).toContain('CollaborationProtocolAgreement');
    cpaId = /cpaid="([^"]+)"/i.exec(xml)![1]!;
    const imp = await adapter.api('POST', '/api/cpas/import', xml, 'application/xml');
    expect(imp.status).toBe(201);
    await row.getByRole('button', { name: /^Ping Pong/ }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/Ping Pong geslaagd.*De CPA is nu geactiveerd\./);
    expect(await page.locator('tr', { hasText: 'Amsterdam iJw' }).locator('.kp-cpa-status').textContent()).toBe('Geactiveerd');
    await ctx.close();
  }, T);

  test('Routeren: the activated CPA is offered; Opslaan is in force at once', async () => {
    const { ctx, page } = await session();
    await login(page, 'pb-0363', passwords['pb-0363']!);
    await page.getByRole('navigation', { name: 'Hoofdmenu' }).getByRole('link', { name: 'Routeren' }).click();
    await page.getByRole('navigation', { name: 'Producten' }).getByRole('link', { name: 'iJw' }).click();
    await page.getByLabel('Uitwisseling via voor JW301 (verzenden)').selectOption('digikoppeling');
    await page.getByLabel('CPA-profiel voor JW301 (verzenden)').selectOption(cpaId);
    await page.getByLabel('Uitwisseling via voor JW302 (ontvangen)').selectOption('portaal');
    await page.getByLabel('StUF-versie voor JW302 (ontvangen)').selectOption('0310');
    await page.getByRole('button', { name: 'Opslaan' }).click();
    await page.getByRole('status').waitFor();
    expect(await page.getByRole('status').textContent()).toContain('opgeslagen en direct van kracht');
    await check(page, '06-routeren');
    const routes = await hub.api<{ routes: { berichttype: string; kanaal: string; cpaId: string | null; stufVersie: string }[] }>('GET', '/api/routes?gemeentecode=0363&berichtstroom=ijw');
    expect(routes.body.routes.map((r) => [r.berichttype, r.kanaal, r.cpaId, r.stufVersie]).sort()).toEqual([['JW301', 'digikoppeling', cpaId, '0210'], ['JW302', 'portaal', null, '0310']]);
    await ctx.close();
  }, T);

  test('Ophalen: a download marks the file gelezen; Berichtenlog, Aanleveren and Ketendata pages', async () => {
    const store = await SqliteStore.open(JSON.parse(readFileSync(hub.configFile, 'utf8')).store.path as string);
    await new MailboxService({ store }).deliver({ organisationId: 'gemeente:0363', berichttype: 'JW302', bestandsnaam: 'JW302_browser.xml', content: Buffer.from('<jw302/>') });
    // A refused message in the Berichtenlog (as the hub writes it when it answers with a Fo01).
    await store.routing.insertLog({
      id: 'log-browser', at: new Date().toISOString(), ebmsMessageId: 'm-browser', cpaId: cpaId, senderOin: adapter.oin, stufElement: null, berichtstroom: 'ijw',
      berichttype: 'JW301', gemeentecode: '0363', zenderOrganisatie: '0363', ontvangerOrganisatie: '12345678', referentienummer: 'REF-BROWSER-1', crossRefnummer: null,
      outcome: 'geweigerd', foutcode: 'StUF055', detail: 'Bericht voldoet niet aan het XSD', targetOrganisationId: null, targetCpaId: null, forwardedMessageId: null, mailboxItemId: null,
    });
    await store.close();
    const { ctx, page } = await session();
    await login(page, 'medewerker', passwords.medewerker!);
    await page.goto(`${hub.portal}/ophalen/ijw`);
    const row = page.locator('tr', { hasText: 'JW302_browser.xml' });
    expect((await row.locator('td').first().textContent())!.trim()).toBe('niet gelezen');
    await check(page, '07-ophalen');
    const [download] = await Promise.all([page.waitForEvent('download'), row.getByRole('button', { name: 'Download JW302_browser.xml' }).click()]);
    expect(readFileSync((await download.path())!, 'utf8')).toBe('<jw302/>');
    await page.goto(`${hub.portal}/ophalen/ijw`);
    expect((await page.locator('tr', { hasText: 'JW302_browser.xml' }).locator('td').first().textContent())!.trim()).toBe('✔ gelezen');
    await check(page, '08-ophalen-gelezen');
    await page.goto(`${hub.portal}/berichtenlog`);
    await page.getByLabel('Berichttype').selectOption('JW301');
    await page.getByRole('button', { name: 'Tonen' }).click();
    const logRow = page.locator('tr', { hasText: 'REF-BROWSER-1' });
    expect((await logRow.locator('td').last().textContent())!.trim()).toBe('Afgekeurd: StUF055 Bericht voldoet niet aan het XSD');
    expect((await logRow.locator('td').nth(1).textContent())!.trim()).toBe('Verzonden');
    await check(page, '09-berichtenlog');
    for (const [path, name] of [['/aanleveren/iwmo', '10-aanleveren'], ['/ketendata', '11-ketendata'], ['/bestaat-niet', '12-niet-gevonden']] as const) {
      await page.goto(`${hub.portal}${path}`);
      await check(page, name);
    }
    await ctx.close();
  }, T);

  test('a gebruikersbeheerder takes the iJw right away: the user loses that tab', async () => {
    const user = await session();
    await login(user.page, 'medewerker', passwords.medewerker!);
    await user.page.goto(`${hub.portal}/ophalen/iwmo`);
    expect(await user.page.getByRole('navigation', { name: 'Producten' }).getByRole('link', { name: 'iJw' }).count()).toBe(1);
    const admin = await session();
    await login(admin.page, 'pb-0363', passwords['pb-0363']!);
    await admin.page.goto(`${hub.portal}/gebruikers`);
    await admin.page.getByRole('link', { name: 'medewerker' }).click();
    await check(admin.page, '13-gebruiker');
    await admin.page.getByLabel('iJw', { exact: true }).uncheck();
    await admin.page.getByRole('button', { name: 'Opslaan' }).click();
    await admin.page.getByRole('status').waitFor();
    await user.page.reload();
    expect(await user.page.getByRole('navigation', { name: 'Producten' }).getByRole('link', { name: 'iJw' }).count()).toBe(0);
    const res = await user.page.goto(`${hub.portal}/ophalen/ijw`);
    expect(res!.status()).toBe(404);
    await user.ctx.close();
    await admin.ctx.close();
  }, T);
});
