import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { generateCpa } from '../../../src/cpa/generate.js';
import type { ExpiryWarning } from '../../../src/cpa/lifecycle.js';
import { CpaService } from '../../../src/cpa/service.js';
import { toProblems, validateCpaXml } from '../../../src/cpa/validate.js';
import { GatewayError, ValidationError } from '../../../src/errors.js';
import { createLogger } from '../../../src/log.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import { OrganisationService } from '../../../src/registry/organisations.js';
import { SqliteStore } from '../../../src/store/sqlite/store.js';
import { testPki } from '../../helpers/pki.js';
import { adapterFields, FIXTURES, hubIdentity, isoDay } from './cpa-fixtures.js';

const DAY = 86_400_000;
const GEMEENTE_OIN = testPki().files.parties['gemeente-0363']!.oin;
const HUB_OIN = hubIdentity().oin;
const broken = readFileSync(join(FIXTURES, 'broken-several-defects.xml'), 'utf8');

/** The GatewayError `fn` throws (fails the test when it does not throw one). */
async function rejection(fn: () => Promise<unknown>): Promise<GatewayError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('CpaService with a real SQLite store', () => {
  let store: SqliteStore;
  let svc: CpaService;
  let logged: string[];
  let warned: [string, ExpiryWarning][];

  beforeEach(async () => {
    store = await SqliteStore.open(':memory:');
    logged = [];
    warned = [];
    const sink = new Writable({ write(chunk, _enc, cb) { logged.push(String(chunk)); cb(); } });
    svc = new CpaService({ store, hub: hubIdentity(), logger: createLogger('warn', sink), onWarning: (id, w) => { warned.push([id, w]); } });
  });
  afterEach(() => store.close());

  test('generate stores the CPA with status gegenereerd and a lifecycle event', async () => {
    const gen = await svc.generate(adapterFields(), { organisationId: 'gemeente:0363' });
    expect(gen.cpaId).toMatch(new RegExp(`^GGK-OntvangAsynchroon-0210_${HUB_OIN}_${GEMEENTE_OIN}_[0-9a-f-]{36}$`));
    const rec = await store.cpas.get(gen.cpaId);
    expect(rec).toMatchObject({
      cpaId: gen.cpaId, status: 'gegenereerd', source: 'generated', xml: gen.xml, profielnaam: 'Gemeente Amsterdam iJw',
      partyOin: GEMEENTE_OIN, organisationId: 'gemeente:0363', berichtstroom: 'ijw', profile: 'osb-rm-s', connectietype: 'diginetwerk', activatedAt: null,
    });
    expect(await svc.events(gen.cpaId)).toEqual([{ at: rec!.createdAt, event: 'gegenereerd', detail: 'profile osb-rm-s, diginetwerk' }]);
    expect((await svc.require(gen.cpaId)).cpa.cpaid).toBe(gen.cpaId);
  });

  test('generate with bad input throws every problem and stores nothing', async () => {
    const e = await rejection(() => svc.generate(adapterFields({ profielnaam: '', connectietype: 'vpn', retries: -1 })));
    expect(e).toBeInstanceOf(ValidationError);
    expect(e.message).toBe('CPA Beheer input is invalid: 3 problem(s)');
    expect(e.problems).toEqual([
      { path: 'profielnaam', message: 'is required' },
      { path: 'connectietype', message: 'must be diginetwerk or internet' },
      { path: 'retries', message: 'must be a whole number from 0 to 100' },
    ]);
    expect(await store.cpas.list()).toEqual([]);
  });

  test('import validates and reports every problem, plus a missing knooppunt party', async () => {
    const e = await rejection(() => svc.import(broken));
    expect(e.code).toBe('ERR_CPA_INVALID');
    const own = validateCpaXml(broken).problems;
    const expected = [...toProblems(own), { path: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: `PARTYID_TYPE: no party has this knooppunt's OIN ${HUB_OIN}`, severity: 'error' }];
    expect(e.problems).toEqual(expected);
    expect(e.message).toBe(`CPA is not valid: ${expected.filter((p) => p.severity === 'error').length} error(s)`);
    expect(e.problems).toContainEqual({ path: '/CollaborationProtocolAgreement/Status/@value', message: 'STATUS: Status is "proposed"; only an agreed CPA can be used', severity: 'error' });
    expect(e.problems.length).toBeGreaterThan(20);
    expect(await store.cpas.list()).toEqual([]);
  });

  test('import refuses a valid CPA that does not name this knooppunt', async () => {
    const other = new CpaService({ store, hub: { ...hubIdentity(), oin: '00000099000000090000' }, logger: createLogger('silent') });
    const xml = generateCpa(adapterFields(), { hub: hubIdentity() }).xml;
    const e = await rejection(() => other.import(xml));
    expect([e.code, e.message]).toEqual(['ERR_CPA_INVALID', 'CPA is not valid: 1 error(s)']);
    expect(e.problems).toEqual([{ path: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: "PARTYID_TYPE: no party has this knooppunt's OIN 00000099000000090000", severity: 'error' }]);
  });

  test('import stores a valid CPA; a duplicate needs overwrite', async () => {
    const gen = generateCpa(adapterFields(), { hub: hubIdentity() });
    const first = await svc.import(gen.xml);
    expect(first.warnings).toEqual([]);
    expect(first.record).toMatchObject({ cpaId: gen.cpaId, status: 'gegenereerd', source: 'imported', partyOin: GEMEENTE_OIN, partyName: 'Gemeente Amsterdam iJw', organisationId: null });
    const dup = await rejection(() => svc.import(gen.xml));
    expect([dup.code, dup.message]).toEqual(['ERR_CONFLICT', `CPA ${gen.cpaId} exists; import with overwrite to replace it`]);
    const again = await svc.import(gen.xml, { overwrite: true, organisationId: 'gemeente:0363' });
    expect(again.record.organisationId).toBe('gemeente:0363');
    expect((await svc.events(gen.cpaId)).at(-1)!.event).toBe('opnieuw geïmporteerd');
    expect(await store.cpas.list()).toHaveLength(1);
  });

  test('an imported CPA is linked to the organisation registered with its party OIN, with berichtstroom and profile (issue 10 item 9)', async () => {
    await new OrganisationService(store).add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [GEMEENTE_OIN] });
    const gen = generateCpa(adapterFields({ profile: 'osb-be-e', berichtstroom: 'iwmo' }), { hub: hubIdentity() });
    const { record } = await svc.import(gen.xml);
    expect(record).toMatchObject({ organisationId: 'gemeente:0363', berichtstroom: 'iwmo', profile: 'osb-be-e' });
    expect(await store.cpas.get(gen.cpaId)).toMatchObject({ organisationId: 'gemeente:0363', berichtstroom: 'iwmo', profile: 'osb-be-e' });
    const other = generateCpa(adapterFields({ profile: 'osb-rm' }), { hub: hubIdentity() });
    expect((await svc.import(other.xml)).record).toMatchObject({ organisationId: 'gemeente:0363', berichtstroom: 'ijw', profile: 'osb-rm' });
  });

  test('an imported CPA whose party OIN no organisation has stays unlinked', async () => {
    const gen = generateCpa(adapterFields(), { hub: hubIdentity() });
    expect((await svc.import(gen.xml)).record).toMatchObject({ organisationId: null, berichtstroom: 'ijw', profile: 'osb-rm-s' });
  });

  describe('certificate mistakes found early (issue 10 item 3)', () => {
    // A CPA made by a hub whose signing certificate was not the one this knooppunt is configured with.
    const wrongSigning = () => generateCpa(adapterFields(), { hub: { ...hubIdentity(), signingCertPem: hubIdentity().clientCertPem } });

    test('import warns which of this node\'s certificates differs from its party\'s in the CPA', async () => {
      const gen = wrongSigning();
      const { warnings } = await svc.import(gen.xml);
      expect(warnings.map((w) => [w.code, w.severity, w.location])).toEqual([
        ['CERTIFICATE', 'warning', '/CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/SenderNonRepudiation/SigningCertificateRef'],
      ]);
      expect(warnings[0]!.message).toMatch(/^the signing certificate configured in tls\.signing\.cert, .+, is not certificate \S+ of .+ in CPA \S+, .+$/);
      expect((await svc.import(generateCpa(adapterFields(), { hub: hubIdentity() }).xml)).warnings).toEqual([]);
    });

    test('the start-up check lists every CPA in use whose own certificates differ', async () => {
      const bad = await svc.import(wrongSigning().xml);
      await svc.import(generateCpa(adapterFields(), { hub: hubIdentity() }).xml);
      const found = await svc.certificateCheck();
      expect(found.map((f) => [f.cpaId, f.mismatches.map((m) => [m.use, m.setting])])).toEqual([[bad.record.cpaId, [['signing', 'tls.signing.cert']]]]);
      await svc.withdraw(bad.record.cpaId);
      expect(await svc.certificateCheck()).toEqual([]);
    });

    test('generate warns when a certificate does not chain to the configured trust anchors', async () => {
      const otherCa = issueCertificate({ commonName: 'Another CA', use: 'ca' });
      const strict = new CpaService({ store, hub: hubIdentity(), logger: createLogger('silent'), trustAnchors: [otherCa.certPem] });
      // The signing certificate is the client certificate unless one is given (generate.ts): one warning per certificate.
      expect((await strict.generate(adapterFields())).warnings.map((w) => [w.path, w.severity])).toEqual([['serverCertPem', 'warning'], ['clientCertPem', 'warning']]);
      const signingCertPem = readFileSync(testPki().files.parties['gemeente-0363']!.signing.cert, 'utf8');
      const gen = await strict.generate(adapterFields({ signingCertPem }));
      expect(gen.warnings.map((w) => [w.path, w.severity])).toEqual([['serverCertPem', 'warning'], ['clientCertPem', 'warning'], ['signingCertPem', 'warning']]);
      expect(gen.warnings[0]!.message).toMatch(/^does not chain to the configured trust anchors \(tls\.trustAnchors\): /);
      const trusting = new CpaService({ store, hub: hubIdentity(), logger: createLogger('silent'), trustAnchors: [readFileSync(testPki().files.caCert, 'utf8')] });
      expect((await trusting.generate(adapterFields({ signingCertPem }))).warnings).toEqual([]);
    });
  });

  // KNOWN BUG (reported to the lead): src/store/sqlite/cpas.ts replace() uses INSERT OR REPLACE, which deletes the
  // row and so cascades to cpa_events (ON DELETE CASCADE): a re-import loses the lifecycle history. Fix: use
  // `INSERT ... ON CONFLICT(cpa_id) DO UPDATE SET ...`. When fixed, this test fails: turn it into a plain test.
  test('a re-import keeps the lifecycle history', async () => {
    const gen = generateCpa(adapterFields(), { hub: hubIdentity() });
    await svc.import(gen.xml);
    await svc.import(gen.xml, { overwrite: true });
    expect((await svc.events(gen.cpaId)).map((e) => e.event)).toEqual(['geïmporteerd', 'opnieuw geïmporteerd']);
  });

  test('activate after Ping Pong, withdraw, and the forbidden transitions', async () => {
    const { cpaId } = await svc.generate(adapterFields());
    const active = await svc.activate(cpaId, 'Pong received');
    expect(active.status).toBe('geactiveerd');
    expect(active.activatedAt).not.toBeNull();
    expect((await svc.activate(cpaId, 'second Ping Pong')).status).toBe('geactiveerd');
    const withdrawn = await svc.withdraw(cpaId, 'endpoint changed');
    expect(withdrawn.status).toBe('ingetrokken');
    expect((await svc.events(cpaId)).map((e) => [e.event, e.detail])).toEqual([
      ['gegenereerd', 'profile osb-rm-s, diginetwerk'],
      ['geactiveerd (Ping Pong geslaagd)', 'Pong received'],
      ['geactiveerd (Ping Pong geslaagd)', 'second Ping Pong'],
      ['ingetrokken', 'endpoint changed'],
    ]);
    const e1 = await rejection(() => svc.activate(cpaId, 'too late'));
    expect([e1.code, e1.httpStatus, e1.message]).toEqual(['ERR_CPA_STATE', 409, `CPA ${cpaId} is ingetrokken; it cannot become geactiveerd`]);
    const e2 = await rejection(() => svc.withdraw(cpaId));
    expect([e2.code, e2.message]).toEqual(['ERR_CPA_STATE', `CPA ${cpaId} is ingetrokken; it cannot become ingetrokken`]);
    const e3 = await rejection(() => svc.activate('nope', 'x'));
    expect([e3.code, e3.message]).toEqual(['ERR_CPA_NOT_FOUND', 'no CPA nope']);
    expect((await rejection(() => svc.require('nope'))).code).toBe('ERR_CPA_NOT_FOUND');
    expect(await svc.get('nope')).toBeNull();
  });

  test('sweep marks CPAs whose End passed as verlopen; they cannot be activated any more', async () => {
    const short = await svc.generate(adapterFields({ einddatum: isoDay(40) }));
    const long = await svc.generate(adapterFields({ einddatum: isoDay(400) }));
    const later = new Date(short.cpa.End.getTime() + DAY);
    const r = await svc.sweep(later);
    expect(r.expired).toEqual([short.cpaId]);
    const rec = await store.cpas.get(short.cpaId);
    expect(rec!.status).toBe('verlopen');
    expect((await svc.events(short.cpaId)).at(-1)).toEqual({ at: later.toISOString(), event: 'verlopen', detail: `End ${short.cpa.End.toISOString()} passed` });
    expect((await store.cpas.get(long.cpaId))!.status).toBe('gegenereerd');
    const e = await rejection(() => svc.activate(short.cpaId, 'x'));
    expect(e.message).toBe(`CPA ${short.cpaId} is verlopen; it cannot become geactiveerd`);
    expect((await svc.sweep(later)).expired).toEqual([]); // once only
  });

  test('sweep warns 30 and 7 days before the End (log and onWarning)', async () => {
    const { cpaId, cpa } = await svc.generate(adapterFields({ einddatum: isoDay(100) }));
    const end = cpa.End.getTime();
    expect(await svc.sweep(new Date(end - 31 * DAY))).toEqual({ expired: [], warnings: 0 });
    const day = cpa.End.toISOString().slice(0, 10);
    expect(await svc.sweep(new Date(end - 20 * DAY - 3600_000))).toEqual({ expired: [], warnings: 1 });
    expect(await svc.sweep(new Date(end - 5 * DAY - 3600_000))).toEqual({ expired: [], warnings: 1 });
    expect(warned.map(([id, w]) => [id, w.what, w.threshold, w.daysLeft, w.message])).toEqual([
      [cpaId, 'cpa', 30, 20, `CPA ${cpaId} ends in 20 days (${day})`],
      [cpaId, 'cpa', 7, 5, `CPA ${cpaId} ends in 5 days (${day})`],
    ]);
    const lines = logged.map((l) => JSON.parse(l) as { level: number; msg: string; cpaId: string });
    expect(lines.map((l) => [l.level, l.cpaId, l.msg])).toEqual([
      [40, cpaId, `CPA ${cpaId} ends in 20 days (${day})`],
      [40, cpaId, `CPA ${cpaId} ends in 5 days (${day})`],
    ]);
  });

  test('certificates ending within 30 and 7 days are warned about too (warnings())', async () => {
    const { ca } = testPki();
    const now = Date.now();
    const server = issueCertificate({ commonName: 'localhost', use: 'server', dnsNames: ['localhost'], issuer: ca, notAfter: new Date(now + 5 * DAY + 3600_000) });
    const client = issueCertificate({ commonName: 'c', use: 'client', oin: GEMEENTE_OIN, issuer: ca, notAfter: new Date(now + 25 * DAY + 3600_000) });
    const gen = await svc.generate(adapterFields({ einddatum: isoDay(3), serverCertPem: server.certPem, clientCertPem: client.certPem }));
    expect(gen.warnings).toEqual([]);
    const role = gen.cpa.PartyInfo[1]!.CollaborationRole[0]!.Role.name;
    const date = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const w = svc.warnings(await svc.require(gen.cpaId), new Date(now));
    expect(w.map((x) => [x.what, x.ref, x.threshold, x.daysLeft, x.message])).toEqual([
      ['cpa', gen.cpaId, 7, 3, `CPA ${gen.cpaId} ends in 3 days (${isoDay(3)})`],
      ['certificate', `${role}_ClientCert`, 30, 25, `certificate ${role}_ClientCert of Gemeente Amsterdam iJw ends in 25 days (${date(now + 25 * DAY + 3600_000)})`],
      ['certificate', `${role}_ServerCert`, 7, 5, `certificate ${role}_ServerCert of Gemeente Amsterdam iJw ends in 5 days (${date(now + 5 * DAY + 3600_000)})`],
      ['certificate', `${role}_SigningCert`, 30, 25, `certificate ${role}_SigningCert of Gemeente Amsterdam iJw ends in 25 days (${date(now + 25 * DAY + 3600_000)})`],
    ]);
  });

  test('list shows the effective status and filters by party OIN', async () => {
    const gen = await svc.generate(adapterFields());
    const rec = (await store.cpas.get(gen.cpaId))!;
    await store.cpas.insert({ ...rec, cpaId: 'expired-one', endAt: new Date(Date.now() - DAY).toISOString() }, { at: rec.createdAt, event: 'geïmporteerd', detail: null });
    const list = await svc.list();
    expect(list.map((r) => [r.cpaId, r.status])).toEqual([[gen.cpaId, 'gegenereerd'], ['expired-one', 'verlopen']]);
    expect((await svc.list({ partyOins: ['00000099000000051800'] }))).toEqual([]);
    expect((await svc.list({ partyOins: [GEMEENTE_OIN] })).map((r) => r.cpaId)).toEqual([gen.cpaId, 'expired-one']);
    const e = await rejection(() => svc.withdraw('expired-one'));
    expect(e.message).toBe('CPA expired-one is verlopen; it cannot become ingetrokken');
  });
});
