import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../../src/errors.js';
import { generateCpa } from '../../../src/cpa/generate.js';
import type { CpaBeheerFields } from '../../../src/cpa/generate-input.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import { testPki } from '../../helpers/pki.js';
import { adapterFields, hubIdentity, isoDay } from './cpa-fixtures.js';

const DAY = 86_400_000;
const pki = testPki();
const ca = pki.ca;
const OIN = pki.files.parties['gemeente-0363']!.oin;
const otherClient = readFileSync(pki.files.parties['gemeente-0518']!.client.cert, 'utf8');
const server1024 = issueCertificate({ commonName: 'localhost', use: 'server', dnsNames: ['localhost'], bits: 1024, issuer: ca });
const serverExpired = issueCertificate({ commonName: 'localhost', use: 'server', dnsNames: ['localhost'], issuer: ca, notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') });
const future = new Date(Math.floor((Date.now() + 30 * DAY) / 1000) * 1000);
const clientNotYet = issueCertificate({ commonName: 'c', use: 'client', oin: OIN, issuer: ca, notBefore: future, notAfter: new Date(future.getTime() + 365 * DAY) });
const clientNoOin = issueCertificate({ commonName: 'c', use: 'client', issuer: ca });
const clientHrn = issueCertificate({ commonName: 'c', use: 'client', oin: '00000003123456780000', issuer: ca });
const ecDir = mkdtempSync(join(tmpdir(), 'kp-ec-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', '/CN=localhost', '-days', '30',
  '-keyout', join(ecDir, 'k.pem'), '-out', join(ecDir, 'c.pem')], { stdio: 'ignore' });
const ecCert = readFileSync(join(ecDir, 'c.pem'), 'utf8');
const hub = hubIdentity();

function problemsOf(fields: CpaBeheerFields, h = hub): { path: string; message: string }[] {
  try {
    generateCpa(fields, { hub: h });
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).code).toBe('ERR_VALIDATION');
    return (e as ValidationError).problems;
  }
  throw new Error('expected a ValidationError');
}

const iso = (d: Date): string => d.toISOString();

describe('generateCpa input checks: each bad CPA Beheer field with its exact message', () => {
  const cases: [string, Partial<CpaBeheerFields>, { path: string; message: string }[]][] = [
    ['empty profielnaam', { profielnaam: ' ' }, [{ path: 'profielnaam', message: 'is required' }]],
    ['long profielnaam', { profielnaam: 'x'.repeat(101) }, [{ path: 'profielnaam', message: 'must be at most 100 characters' }]],
    ['neither oin nor hrn', { oin: undefined }, [{ path: 'oin', message: 'either oin or hrn is required' }]],
    ['both oin and hrn', { hrn: '12345678' }, [{ path: 'oin', message: 'give either oin or hrn, not both' }]],
    ['short oin', { oin: '1234' }, [{ path: 'oin', message: 'must be 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)' }]],
    ['oin with unknown suffix', { oin: `${OIN}_P` }, [{ path: 'oin', message: 'must be 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)' }]],
    ['hrn not 8 digits', { oin: undefined, hrn: '1234567' }, [{ path: 'hrn', message: 'must be an 8-digit KvK number (Handelsregisternummer)' }]],
    ['hrn whose OIN form is not the client certificate OIN', { oin: undefined, hrn: '12345678' },
      [{ path: 'clientCertPem', message: `subject.serialNumber ${OIN} does not equal the OIN 00000003123456780000 (DK-16)` }]],
    ['ingangsdatum not a date', { ingangsdatum: '2025-13-01' }, [{ path: 'ingangsdatum', message: 'must be a date YYYY-MM-DD' }]],
    ['einddatum in Dutch notation', { einddatum: '01-02-2030' }, [{ path: 'einddatum', message: 'must be a date YYYY-MM-DD' }]],
    ['einddatum before ingangsdatum', { ingangsdatum: isoDay(10), einddatum: isoDay(5) }, [{ path: 'einddatum', message: 'must be later than ingangsdatum' }]],
    ['einddatum equal to ingangsdatum', { ingangsdatum: isoDay(5), einddatum: isoDay(5) }, [{ path: 'einddatum', message: 'must be later than ingangsdatum' }]],
    ['einddatum in the past', { ingangsdatum: isoDay(-10), einddatum: isoDay(-1) }, [{ path: 'einddatum', message: 'must not be in the past' }]],
    ['unknown connectietype', { connectietype: 'vpn' }, [{ path: 'connectietype', message: 'must be diginetwerk or internet' }]],
    ['http endpoint', { endpoint: 'http://localhost:8080/ebms' }, [{ path: 'endpoint', message: 'must be an absolute https:// URL' }]],
    ['endpoint not a URL', { endpoint: 'localhost/ebms' }, [{ path: 'endpoint', message: 'must be an absolute https:// URL' }]],
    ['endpoint host not in the server certificate', { endpoint: 'https://ebms.gemeente.example/ebms' },
      [{ path: 'endpoint', message: 'host ebms.gemeente.example does not match the server certificate (SAN/CN) (DK-37)' }]],
    ['missing server certificate', { serverCertPem: '' }, [{ path: 'serverCertPem', message: 'is required' }]],
    ['server certificate not PEM', { serverCertPem: 'MIIBxyz' }, [{ path: 'serverCertPem', message: 'is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block found' }]],
    ['two certificates in one field', { clientCertPem: `${otherClient}${otherClient}` }, [{ path: 'clientCertPem', message: 'is not a PEM certificate: expected one certificate, found 2' }]],
    ['RSA 1024 server certificate', { serverCertPem: server1024.certPem }, [{ path: 'serverCertPem', message: 'RSA key must be at least 2048 bits (found 1024)' }]],
    ['EC server certificate', { serverCertPem: ecCert }, [{ path: 'serverCertPem', message: 'must have an RSA key (found ec)' }]],
    ['expired server certificate', { serverCertPem: serverExpired.certPem }, [{ path: 'serverCertPem', message: 'has expired (notAfter 2021-01-01T00:00:00.000Z)' }]],
    ['client certificate not yet valid', { clientCertPem: clientNotYet.certPem }, [{ path: 'clientCertPem', message: `is not yet valid (notBefore ${iso(future)})` }]],
    ['client certificate of another OIN', { clientCertPem: otherClient },
      [{ path: 'clientCertPem', message: `subject.serialNumber 00000099000000051800 does not equal the OIN ${OIN} (DK-16)` }]],
    ['client certificate without OIN', { clientCertPem: clientNoOin.certPem }, [{ path: 'clientCertPem', message: `has no subject.serialNumber (OIN); expected ${OIN} (DK-16)` }]],
    ['signing certificate of another OIN', { signingCertPem: otherClient },
      [{ path: 'signingCertPem', message: `subject.serialNumber 00000099000000051800 does not equal the OIN ${OIN} (DK-16)` }]],
    ['unknown berichtstroom', { berichtstroom: 'wmo' }, [{ path: 'berichtstroom', message: 'must be one of iwmo, ijw, ieb, ipgb, pgb' }]],
    ['unknown profile', { profile: 'osb-rm-x' }, [{ path: 'profile', message: 'must be one of osb-be, osb-rm, osb-be-s, osb-rm-s, osb-be-e, osb-rm-e' }]],
    ['unknown syncReplyMode', { syncReplyMode: 'signalsOnly' }, [{ path: 'syncReplyMode', message: 'must be none or mshSignalsOnly (DK-06)' }]],
    ['mshSignalsOnly with best effort', { profile: 'osb-be-s', syncReplyMode: 'mshSignalsOnly' },
      [{ path: 'syncReplyMode', message: 'mshSignalsOnly needs a reliable messaging profile (osb-rm*); best effort has no acknowledgments (DK-06)' }]],
    ['negative retries', { retries: -1 }, [{ path: 'retries', message: 'must be a whole number from 0 to 100' }]],
    ['fractional retries', { retries: 1.5 }, [{ path: 'retries', message: 'must be a whole number from 0 to 100' }]],
    ['retryInterval not ISO 8601', { retryInterval: '3h' }, [{ path: 'retryInterval', message: 'must be a positive ISO 8601 duration, e.g. PT3H or P1D' }]],
    ['retryInterval zero', { retryInterval: 'PT0S' }, [{ path: 'retryInterval', message: 'must be longer than zero' }]],
    ['negative persistDuration', { persistDuration: '-P1D' }, [{ path: 'persistDuration', message: 'must be a positive ISO 8601 duration, e.g. PT3H or P1D' }]],
  ];

  test.each(cases)('%s', (_name, over, expected) => {
    expect(problemsOf(adapterFields(over))).toEqual(expected);
  });

  test('the hub lacks an endpoint for the chosen connectietype', () => {
    expect(problemsOf(adapterFields({ connectietype: 'internet' }), { ...hub, endpoints: { diginetwerk: hub.endpoints.diginetwerk! } }))
      .toEqual([{ path: 'connectietype', message: 'the hub has no internet endpoint configured' }]);
  });

  test('every problem is reported at once, not only the first', () => {
    const problems = problemsOf({
      profielnaam: '', oin: 'abc', ingangsdatum: 'morgen', einddatum: '2020-01-01', connectietype: 'lan', endpoint: 'ftp://x',
      serverCertPem: 'nope', clientCertPem: '', profile: 'x', retries: 1000,
    } as CpaBeheerFields);
    expect(problems).toEqual([
      { path: 'profielnaam', message: 'is required' },
      { path: 'oin', message: 'must be 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)' },
      { path: 'ingangsdatum', message: 'must be a date YYYY-MM-DD' },
      { path: 'einddatum', message: 'must not be in the past' },
      { path: 'connectietype', message: 'must be diginetwerk or internet' },
      { path: 'serverCertPem', message: 'is not a PEM certificate: no "-----BEGIN CERTIFICATE-----" block found' },
      { path: 'clientCertPem', message: 'is required' },
      { path: 'endpoint', message: 'must be an absolute https:// URL' },
      { path: 'profile', message: 'must be one of osb-be, osb-rm, osb-be-s, osb-rm-s, osb-be-e, osb-rm-e' },
      { path: 'retries', message: 'must be a whole number from 0 to 100' },
    ]);
  });
});

describe('generateCpa accepted input', () => {
  test('HRN becomes OIN 00000003{HRN}0000 and both are returned', () => {
    const g = generateCpa(adapterFields({ oin: undefined, hrn: '12345678', clientCertPem: clientHrn.certPem }), { hub });
    expect(g.party).toEqual({ partyName: 'Gemeente Amsterdam iJw', oin: '00000003123456780000', hrn: '12345678' });
    expect(g.cpa.PartyInfo[1]!.PartyId).toEqual([{ value: '00000003123456780000', type: 'urn:osb:oin' }]);
    expect(g.cpaId).toMatch(/^GGK-OntvangAsynchroon-0210_00000099000000000001_00000003123456780000_[0-9a-f-]{36}$/);
  });

  test('a non-production suffix is kept in the PartyId and compared without it to the certificate (DK-15/16)', () => {
    const g = generateCpa(adapterFields({ oin: `${OIN}_OTA` }), { hub, uuid: 'v1' });
    expect(g.cpa.PartyInfo[1]!.PartyId[0]!.value).toBe(`${OIN}_OTA`);
    expect(g.cpaId).toBe(`GGK-OntvangAsynchroon-0210_00000099000000000001_${OIN}_OTA_v1`);
    expect(g.cpaId).not.toContain('.');
  });

  test('einddatum after a certificate notAfter is a warning, not an error', () => {
    const g = generateCpa(adapterFields({ einddatum: isoDay(365 * 3) }), { hub });
    const client = g.cpa.PartyInfo[1]!.Certificate.find((c) => c.certId === 'Deelnemer_ClientCert')!;
    expect(client.pem).toBe(readFileSync(pki.files.parties['gemeente-0363']!.client.cert, 'utf8'));
    expect(g.warnings.map((w) => [w.path, w.severity, w.message.replace(/notAfter \S+;/, 'notAfter X;')])).toEqual([
      ['einddatum', 'warning', "is later than the server certificate's notAfter X; the CPA cannot be used after that date"],
      ['einddatum', 'warning', "is later than the client certificate's notAfter X; the CPA cannot be used after that date"],
    ]);
  });

  test('overrides of reliable messaging parameters and sync reply end up in the CPA', () => {
    const g = generateCpa(adapterFields({ profile: 'osb-rm', retries: 3, retryInterval: 'PT10M', persistDuration: 'PT2H', syncReplyMode: 'mshSignalsOnly' }), { hub });
    for (const p of g.cpa.PartyInfo) {
      expect(p.DocExchange[0]!.ebXMLSenderBinding!.ReliableMessaging).toEqual({ Retries: 3, RetryInterval: 'PT10M', MessageOrderSemantics: 'NotGuaranteed' });
      expect(p.DocExchange[0]!.ebXMLSenderBinding!.PersistDuration).toBe('PT2H');
      expect(p.DeliveryChannel[0]!.MessagingCharacteristics.syncReplyMode).toBe('mshSignalsOnly');
    }
  });
});
