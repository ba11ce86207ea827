import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import {
  registerCpa, runCpaExport, runCpaGenerate, runCpaImport, runCpaList, runCpaShow, runCpaValidate, runCpaWithdraw,
  type CliIo, type CpaGenerateOpts,
} from '../../../src/cli/cpa.js';
import { withStore } from '../../../src/cli/common.js';
import { generateCpa } from '../../../src/cpa/generate.js';
import { EBMS_CORE_ENCRYPTION_WARNING } from '../../../src/cpa/generate-input.js';
import { validateCpaXml } from '../../../src/cpa/validate.js';
import { packageRoot } from '../../../src/paths.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import { OrganisationService } from '../../../src/registry/organisations.js';
import { testConfigObject, writeTestConfig } from '../../helpers/config.js';
import { testPki } from '../../helpers/pki.js';
import { adapterFields, FIXTURES, hubIdentity, isoDay, xmllint } from '../cpa/cpa-fixtures.js';

const pki = testPki();
const gemeente = pki.files.parties['gemeente-0363']!;
const BROKEN = join(FIXTURES, 'broken-several-defects.xml');
const dir = mkdtempSync(join(tmpdir(), 'kp-cli-cpa-'));

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => { stdout.push(l); }, err: (l) => { stderr.push(l); } };
}

/** The CPA Beheer options for gemeente-0363 of the test PKI, as an operator types them. */
function generateOpts(config: string, over: Partial<CpaGenerateOpts> = {}): CpaGenerateOpts {
  return {
    config, profielnaam: 'Gemeente Amsterdam iJw', oin: gemeente.oin, ingangsdatum: isoDay(0), einddatum: isoDay(365),
    connectietype: 'diginetwerk', endpoint: 'https://localhost:8443/ebms', serverCert: gemeente.server.cert, clientCert: gemeente.client.cert, ...over,
  };
}

/** The lines `cpa validate` must print for a file: every problem as "severity location: message". */
function expectedValidateLines(file: string): string[] {
  const r = validateCpaXml(readFileSync(file, 'utf8'));
  const errors = r.problems.filter((p) => p.severity === 'error').length;
  const warnings = r.problems.length - errors;
  return [`${file}: invalid (${errors} errors, ${warnings} warning${warnings === 1 ? '' : 's'})`, ...r.problems.map((p) => `${p.severity} ${p.location}: ${p.message}`)];
}

/** Problems of the broken fixture that do not depend on today's date, with their exact locations. */
const KNOWN_BROKEN_LINES = [
  'warning /CollaborationProtocolAgreement/ConversationConstraints: unsupported: ConversationConstraints (ignored by the MSH)',
  'error /CollaborationProtocolAgreement/Status/@value: Status is "proposed"; only an agreed CPA can be used',
  'error /CollaborationProtocolAgreement/PartyInfo[1]/PartyId[1]: "1234" is not an OIN: 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)',
  'error /CollaborationProtocolAgreement/PartyInfo[1]/DeliveryChannel[2]/@transportId: "A_NoSuchTransport" does not resolve to a Transport of this party',
  'error /CollaborationProtocolAgreement/PartyInfo[1]/Transport[1]/TransportSender/TransportClientSecurity/TransportSecurityProtocol/@version: TLS 1.0 is not allowed; TLS 1.2 or higher is required (DK-29)',
  'error /CollaborationProtocolAgreement/PartyInfo[2]/PartyId[1]/@type: PartyId "00000099000000000002" has no type (DK-15)',
  'error /CollaborationProtocolAgreement/PartyInfo[2]/Certificate[1]: certificate "B_ExpiredCert" expired on 2020-01-01T00:00:00.000Z',
  'error /CollaborationProtocolAgreement/PartyInfo[1]/CollaborationRole[1]/ServiceBinding/CanSend[2]: no CanReceive at the other party for service "Svc:1:0" action "Cancel"',
];

describe('knooppunt cpa generate', () => {
  const config = writeTestConfig(testConfigObject());

  test('writes a CPA that passes the OASIS XSD (xmllint) to stdout, exit 0, nothing on stderr', async () => {
    const io = capture();
    expect(await runCpaGenerate(generateOpts(config, { berichtstroom: 'iwmo', syncReply: 'mshSignalsOnly', retries: '3', retryInterval: 'PT10M', persistDuration: 'PT2H' }), io)).toBe(0);
    expect(io.stderr).toEqual([]);
    expect(io.stdout).toHaveLength(1);
    const xml = io.stdout[0]!;
    expect(xmllint(xml)).toEqual([0, 'cpa.xml validates\n']);
    const r = validateCpaXml(xml);
    expect(r.problems).toEqual([]);
    const adapter = r.cpa!.PartyInfo[1]!;
    expect(adapter.PartyId).toEqual([{ value: gemeente.oin, type: 'urn:osb:oin' }]);
    expect(adapter.DeliveryChannel[0]!.MessagingCharacteristics.syncReplyMode).toBe('mshSignalsOnly');
    expect(adapter.DocExchange[0]!.ebXMLSenderBinding!.ReliableMessaging).toEqual({ Retries: 3, RetryInterval: 'PT10M', MessageOrderSemantics: 'NotGuaranteed' });
    expect(r.cpa!.PartyInfo[0]!.Transport[0]!.TransportReceiver!.Endpoint[0]!.uri).toBe('https://localhost:8443/ebms'); // the hub's configured endpoint
  });

  test('bad input: exit 1 and every problem (option: message) on stderr, nothing on stdout', async () => {
    const io = capture();
    const code = await runCpaGenerate(generateOpts(config, {
      profielnaam: undefined, hrn: '12345678', einddatum: '31-12-2030', connectietype: 'vpn', serverCert: join(dir, 'missing.pem'),
      syncReply: 'sync', retries: 'many', retryInterval: '3 hours',
    }), io);
    expect(code).toBe(1);
    expect(io.stdout).toEqual([]);
    expect(io.stderr).toEqual([
      'CPA Beheer input is invalid: 8 problems',
      `  --server-cert: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
      '  --profielnaam: is required',
      '  --oin: give either oin or hrn, not both',
      '  --einddatum: must be a date YYYY-MM-DD',
      '  --connectietype: must be diginetwerk or internet',
      '  --sync-reply: must be none or mshSignalsOnly (DK-06)',
      '  --retries: must be a whole number from 0 to 100',
      '  --retry-interval: must be a positive ISO 8601 duration, e.g. PT3H or P1D',
    ]);
  });

  test('an unreadable --signing-cert is an error, never a silent fall-back; nothing is stored', async () => {
    const cfgObj = testConfigObject();
    const cfg = writeTestConfig(cfgObj);
    const io = capture();
    expect(await runCpaGenerate(generateOpts(cfg, { signingCert: join(dir, 'nope.pem'), store: true }), io)).toBe(1);
    expect(io.stderr).toEqual(['CPA Beheer input is invalid: 1 problem', `  --signing-cert: cannot read ${join(dir, 'nope.pem')} (ENOENT)`]);
    const list = capture();
    expect(await runCpaList({ config: cfg }, list)).toBe(0);
    expect([list.stdout, list.stderr]).toEqual([[], ['no CPAs']]);
  });

  test('--out writes the file, --store records it (gegenereerd); warnings go to stderr', async () => {
    const cfg = writeTestConfig(testConfigObject());
    const notAfter = new Date(Math.floor((Date.now() + 100 * 86_400_000) / 1000) * 1000); // X.509 keeps whole seconds
    const server = issueCertificate({ commonName: 'localhost', use: 'server', dnsNames: ['localhost'], issuer: pki.ca, notAfter });
    const serverFile = join(dir, 'short-server.pem');
    writeFileSync(serverFile, server.certPem);
    await withStore({ config: cfg }, (store) => new OrganisationService(store).add({ kind: 'gemeente', code: '0363', name: 'Amsterdam', oins: [gemeente.oin] }));
    const out = join(dir, 'generated.xml');
    const io = capture();
    expect(await runCpaGenerate(generateOpts(cfg, { serverCert: serverFile, out, store: true }), io)).toBe(0);
    expect(io.stdout).toEqual([]);
    const cpaId = validateCpaXml(readFileSync(out, 'utf8')).cpa!.cpaid;
    expect(io.stderr).toEqual([
      `warning --einddatum: is later than the server certificate's notAfter ${notAfter.toISOString()}; the CPA cannot be used after that date`,
      `wrote CPA ${cpaId} to ${out}`,
      `stored CPA ${cpaId} (status gegenereerd, organisation gemeente:0363)`,
    ]);
    const list = capture();
    await runCpaList({ config: cfg, json: true }, list);
    expect(JSON.parse(list.stdout[0]!).map((c: { cpaId: string; status: string; source: string; organisationId: string }) => [c.cpaId, c.status, c.source, c.organisationId])).toEqual([[cpaId, 'gegenereerd', 'generated', 'gemeente:0363']]);
  });

  test('without a usable configuration: exit 1 naming the problem', async () => {
    const io = capture();
    expect(await runCpaGenerate(generateOpts(join(dir, 'absent.json')), io)).toBe(1);
    expect(io.stderr).toEqual([`Configuration file not found: ${join(dir, 'absent.json')}`]);
  });
});

describe('knooppunt cpa validate', () => {
  test('--encryption ebms-core: the CPA lists aes256-cbc first; warnings for it and for a raised --persist-duration on stderr', async () => {
    const config = writeTestConfig(testConfigObject());
    const io = capture();
    expect(await runCpaGenerate(generateOpts(config, { profile: 'osb-rm-e', encryption: 'ebms-core', persistDuration: 'P1D' }), io)).toBe(0);
    expect(io.stderr).toEqual([
      'warning --persist-duration: P1D is shorter than TimeToLive P1DT3H (RetryInterval PT3H x (Retries 8 + 1)); set to P1DT3H so a resent message is still recognised as a duplicate (DK-08)',
      `warning --encryption: ${EBMS_CORE_ENCRYPTION_WARNING}`,
    ]);
    const cpa = validateCpaXml(io.stdout[0]!).cpa!;
    expect(cpa.PartyInfo[0]!.DocExchange[0]!.ebXMLReceiverBinding!.ReceiverDigitalEnvelope!.EncryptionAlgorithm[0]!.value).toBe('http://www.w3.org/2001/04/xmlenc#aes256-cbc');
    const bad = capture();
    expect(await runCpaGenerate(generateOpts(config, { encryption: 'cbc' }), bad)).toBe(1);
    expect(bad.stderr).toEqual(['CPA Beheer input is invalid: 1 problem', '  --encryption: must be one of digikoppeling, ebms-core']);
  });

  test('cpa validate warns where PersistDuration is shorter than TimeToLive (DK-08)', async () => {
    const short = join(dir, 'short-persist.xml');
    writeFileSync(short, generateCpa(adapterFields(), { hub: hubIdentity() }).xml.replaceAll('P1DT3H</tns:PersistDuration>', 'PT2H</tns:PersistDuration>'));
    const io = capture();
    expect(await runCpaValidate([short], {}, io)).toBe(0);
    expect(io.stdout[0]).toBe(`${short}: valid (0 errors, 4 warnings)`);
    expect(io.stdout[1]).toBe('warning /CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/PersistDuration: PersistDuration PT2H is shorter than TimeToLive P1DT3H (RetryInterval PT3H x (Retries 8 + 1)): a message resent after PersistDuration is not recognised as a duplicate (DK-08)');
  });

  test('a CPA with several defects: every problem with its location, exit 1', async () => {
    const io = capture();
    expect(await runCpaValidate([BROKEN], {}, io)).toBe(1);
    expect(io.stdout).toEqual(expectedValidateLines(BROKEN));
    expect(io.stdout).toEqual(expect.arrayContaining(KNOWN_BROKEN_LINES));
    expect(io.stdout.length).toBeGreaterThan(20);
  });

  test('a valid CPA: exit 0; several files: exit 1 when any has an error; unreadable file reported', async () => {
    const good = join(dir, 'good.xml');
    writeFileSync(good, generateCpa(adapterFields(), { hub: hubIdentity() }).xml);
    const io = capture();
    expect(await runCpaValidate([good], {}, io)).toBe(0);
    expect(io.stdout).toEqual([`${good}: valid (0 errors, 0 warnings)`]);
    const many = capture();
    expect(await runCpaValidate([good, join(dir, 'none.xml'), BROKEN], {}, many)).toBe(1);
    expect(many.stdout.slice(0, 2)).toEqual([`${good}: valid (0 errors, 0 warnings)`, `${join(dir, 'none.xml')}: cannot be read: ENOENT`]);
    expect(many.stdout.slice(2)).toEqual(expectedValidateLines(BROKEN));
  });

  test('--legacy-sha1 turns SHA-1 signing into warnings', async () => {
    const io = capture();
    await runCpaValidate([BROKEN], { legacySha1: true }, io);
    expect(io.stdout).toContain('warning /CollaborationProtocolAgreement/PartyInfo[1]/DocExchange[1]/ebXMLSenderBinding/SenderNonRepudiation/HashFunction: HashFunction http://www.w3.org/2000/09/xmldsig#sha1 is SHA-1, accepted as legacy (allowLegacySha1); DK-27 requires SHA-2');
  });

  test('registerCpa wires the commands into commander (exit code set)', async () => {
    const io = capture();
    const program = new Command('knooppunt').exitOverride();
    registerCpa(program, io);
    try {
      await program.parseAsync(['node', 'knooppunt', 'cpa', 'validate', BROKEN]);
      expect(process.exitCode).toBe(1);
      expect(io.stdout).toEqual(expectedValidateLines(BROKEN));
    } finally {
      process.exitCode = 0;
    }
  });

  // dist/ is built by the jest global setup when stale (test/global-setup.js): this runs the current sources.
  test('end to end: `node bin/knooppunt.js cpa validate` lists every problem and exits 1', () => {
    const r = spawnSync(process.execPath, [resolve(packageRoot, 'bin', 'knooppunt.js'), 'cpa', 'validate', BROKEN], { encoding: 'utf8', cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual(expectedValidateLines(BROKEN));
  });
});

describe('knooppunt cpa import, list, show, export, withdraw', () => {
  const config = writeTestConfig(testConfigObject());
  const gen = generateCpa(adapterFields(), { hub: hubIdentity() });
  const file = join(dir, 'import.xml');
  writeFileSync(file, gen.xml);

  test('the lifecycle through the CLI against the configured store', async () => {
    let io = capture();
    expect(await runCpaImport(file, { config }, io)).toBe(0);
    expect(io.stdout).toEqual([`imported CPA ${gen.cpaId} (status gegenereerd, party ${gemeente.oin})`]);

    io = capture();
    expect(await runCpaImport(file, { config }, io)).toBe(1);
    expect(io.stderr).toEqual([`ERR_CONFLICT: CPA ${gen.cpaId} exists; import with overwrite to replace it`]);
    expect(await runCpaImport(file, { config, overwrite: true }, capture())).toBe(0);

    io = capture();
    expect(await runCpaList({ config }, io)).toBe(0);
    expect(io.stdout).toEqual([
      `${'CPAID'.padEnd(gen.cpaId.length)}  STATUS       PARTY OIN             PARTY                   UNTIL       WARNINGS`,
      `${gen.cpaId}  gegenereerd  ${gemeente.oin}  Gemeente Amsterdam iJw  ${isoDay(365)}`,
    ]);

    io = capture();
    expect(await runCpaShow(gen.cpaId, { config }, io)).toBe(0);
    expect(io.stdout.slice(0, 5)).toEqual([
      `CPAId:         ${gen.cpaId}`, 'status:        gegenereerd',
      'this side:     not active (gegenereerd): one Ping Pong from either side activates it', 'other side:    no Ping Pong yet', 'source:        imported',
    ]);
    expect(io.stdout).toContain(`party:         Gemeente Amsterdam iJw  ${gemeente.oin}  role Deelnemer  endpoint https://localhost:8443/ebms`);
    expect(io.stdout.filter((l) => l.startsWith('event:')).map((l) => l.replace(/^event:\s+\S+\s+/, ''))).toEqual(['geïmporteerd', 'opnieuw geïmporteerd']);
    const json = capture();
    await runCpaShow(gen.cpaId, { config, json: true }, json);
    expect(JSON.parse(json.stdout[0]!)).toMatchObject({ cpaId: gen.cpaId, status: 'gegenereerd', partyOin: gemeente.oin, warnings: [] });

    io = capture();
    expect(await runCpaExport(gen.cpaId, { config }, io)).toBe(0);
    expect(io.stdout).toEqual([gen.xml]);
    const out = join(dir, 'exported.xml');
    expect(await runCpaExport(gen.cpaId, { config, out }, capture())).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(gen.xml);

    io = capture();
    expect(await runCpaWithdraw(gen.cpaId, { config }, io)).toBe(0);
    expect(io.stdout).toEqual([`withdrew CPA ${gen.cpaId} (status ingetrokken)`]);
    io = capture();
    expect(await runCpaWithdraw(gen.cpaId, { config }, io)).toBe(1);
    expect(io.stderr).toEqual([`ERR_CPA_STATE: CPA ${gen.cpaId} is ingetrokken; it cannot become ingetrokken`]);
    io = capture();
    expect(await runCpaList({ config, status: 'ingetrokken' }, io)).toBe(0);
    expect(io.stdout).toHaveLength(2);
    // Issue 10 §14: an unwritable --out is one line naming the path, exit 1.
    io = capture();
    expect(await runCpaExport(gen.cpaId, { config, out: join(dir, 'no-such-folder', 'x.xml') }, io)).toBe(1);
    expect(io.stderr).toEqual([`error: no such file or folder: ${join(dir, 'no-such-folder', 'x.xml')}`]);
  });

  test('import of a broken CPA lists every problem; unknown ids and statuses are errors', async () => {
    let io = capture();
    expect(await runCpaImport(BROKEN, { config }, io)).toBe(1);
    expect(io.stderr[0]).toMatch(/^ERR_CPA_INVALID: CPA is not valid: \d+ error\(s\)$/);
    expect(io.stderr).toContain('  error /CollaborationProtocolAgreement/Status/@value: STATUS: Status is "proposed"; only an agreed CPA can be used');
    expect(io.stderr).toContain("  error /CollaborationProtocolAgreement/PartyInfo/PartyId: PARTYID_TYPE: no party has this knooppunt's OIN 00000099000000000001");
    io = capture();
    expect(await runCpaShow('nope', { config }, io)).toBe(1);
    expect(io.stderr).toEqual(['ERR_CPA_NOT_FOUND: no CPA nope']);
    io = capture();
    expect(await runCpaExport('nope', { config }, io)).toBe(1);
    io = capture();
    expect(await runCpaList({ config, status: 'weg' }, io)).toBe(1);
    expect(io.stderr).toEqual(['ERR_VALIDATION: invalid option', '  error --status: must be one of aangevraagd, gegenereerd, geactiveerd, verlopen, ingetrokken']);
  });
});
