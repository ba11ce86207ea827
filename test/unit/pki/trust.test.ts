import { readFileSync } from 'node:fs';
import { EbmsError } from '../../../src/ebms/errors.js';
import { GatewayError } from '../../../src/errors.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import {
  CrlStore, hasKeyUsage, isRevoked, KEYINFO_CERT_LOCATION, parseCrl, verifyChain, verifyCrlSignature, type ChainOptions,
} from '../../../src/pki/trust.js';
import { opensslCrl } from '../../helpers/crl.js';
import { testPki } from '../../helpers/pki.js';

const pki = testPki();
const ca = pki.ca;
const anchors = [ca.certPem];
const signingPem = readFileSync(pki.files.parties['gemeente-0363']!.signing.cert, 'utf8');
const serverPem = readFileSync(pki.files.parties['gemeente-0363']!.server.cert, 'utf8');
const HOUR = 3600 * 1000;
const now = new Date();

function failure(certPem: string, at: Date, opts: ChainOptions = {}, anchorPems = anchors): EbmsError {
  try {
    verifyChain(certPem, anchorPems, at, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(EbmsError);
    expect((e as EbmsError).errorCode).toBe('SecurityFailure');
    return e as EbmsError;
  }
  throw new Error('verifyChain accepted the certificate');
}

const revokedLeaf = issueCertificate({ commonName: 'revoked signing', oin: '00000099000000099999', use: 'signing', issuer: ca });
const goodLeaf = issueCertificate({ commonName: 'good signing', oin: '00000099000000099998', use: 'signing', issuer: ca });
const crlPath = opensslCrl(ca, [revokedLeaf.certPem]);

describe('verifyChain: chain, validity, key usage', () => {
  test('a dev-PKI signing certificate chains to the dev CA', () => {
    const { chain } = verifyChain(signingPem, anchors, now, { keyUsage: ['digitalSignature', 'nonRepudiation'] });
    expect(chain.map((c) => c.subject.CN)).toEqual(['gemeente-0363 signing', 'knooppunt Dev Private Root CA']);
    expect(chain[0]!.oin).toBe('00000099000000036300');
  });

  test('untrusted: issued by a foreign CA', () => {
    const foreignCa = issueCertificate({ commonName: 'knooppunt Dev Private Root CA', use: 'ca' }); // same name, other key
    const foreign = issueCertificate({ commonName: 'intruder', use: 'signing', issuer: foreignCa });
    const e = failure(foreign.certPem, now);
    expect([e.location, e.message]).toEqual([KEYINFO_CERT_LOCATION, 'certificate "C=NL, O=intruder, CN=intruder" does not chain to a configured trust anchor']);
  });

  test('expired at the message time', () => {
    const expired = issueCertificate({ commonName: 'expired', use: 'signing', issuer: ca, notBefore: new Date(Date.now() - 400 * 24 * HOUR), notAfter: new Date(Date.now() - 24 * HOUR) });
    expect(failure(expired.certPem, now).message).toMatch(/^certificate "C=NL, O=expired, CN=expired" expired at the message time \(valid to /);
  });

  test('valid at the message Timestamp but expired now; not yet valid at the Timestamp', () => {
    const cert = issueCertificate({ commonName: 'short', use: 'signing', issuer: ca, notBefore: new Date(Date.now() - 10 * HOUR), notAfter: new Date(Date.now() - HOUR) });
    expect(failure(cert.certPem, new Date(Date.now() - 2 * HOUR)).message).toMatch(/expired now/);
    expect(failure(signingPem, new Date(Date.now() - 48 * HOUR)).message).toMatch(/is not yet valid at the message time/);
  });

  test('key usage must fit (a TLS server certificate cannot sign messages non-repudiably)', () => {
    expect(hasKeyUsage(serverPem, ['digitalSignature'])).toBe(true);
    expect(failure(serverPem, now, { keyUsage: ['nonRepudiation'] }).message).toMatch(/does not allow nonRepudiation/);
  });

  test('intermediate CAs: needed to build the path, and must be CA certificates', () => {
    const intermediate = issueCertificate({ commonName: 'Dev Domein Private Services CA', use: 'ca', issuer: ca });
    const leaf = issueCertificate({ commonName: 'via intermediate', use: 'signing', issuer: intermediate });
    expect(failure(leaf.certPem, now).message).toMatch(/does not chain/);
    expect(verifyChain(leaf.certPem, anchors, now, { intermediatePems: [intermediate.certPem] }).chain).toHaveLength(3);
    const notCa = issueCertificate({ commonName: 'not a CA', use: 'signing', issuer: ca });
    const under = issueCertificate({ commonName: 'under non-CA', use: 'signing', issuer: notCa });
    // OpenSSL's issuer check (X509Certificate.checkIssued) already refuses an issuer without keyCertSign
    expect(failure(under.certPem, now, { intermediatePems: [notCa.certPem] }).message).toMatch(/"C=NL, O=under non-CA, CN=under non-CA" does not chain/);
  });

  test('a custom location for TLS peers', () => {
    const foreign = issueCertificate({ commonName: 'x', use: 'client' });
    expect(failure(foreign.certPem, now, { location: 'tls:client-certificate' }).location).toBe('tls:client-certificate');
  });
});

describe('CRLs made by openssl ca', () => {
  test('parseCrl reads PEM and DER, issuer, dates, revoked serial and reason', () => {
    const pem = parseCrl(readFileSync(crlPath, 'utf8'));
    const der = parseCrl(readFileSync(opensslCrl(ca, [revokedLeaf.certPem], { der: true })));
    for (const crl of [pem, der]) {
      expect(crl.revoked.size).toBe(1);
      expect([...crl.revoked.values()][0]!.reason).toBe('keyCompromise');
      expect(crl.nextUpdate!.getTime() - crl.thisUpdate.getTime()).toBe(24 * HOUR);
      expect(verifyCrlSignature(crl, ca.certPem)).toBe(true);
    }
    expect(isRevoked(revokedLeaf.certPem, [pem])).toBe(true);
    expect(isRevoked(goodLeaf.certPem, [pem])).toBe(false);
    expect(() => parseCrl('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----')).toThrow(GatewayError);
  });

  test('a revoked certificate is refused, a good one accepted', async () => {
    const store = new CrlStore({ sources: [crlPath], issuerPems: [ca.certPem] });
    await store.refresh();
    expect(store.errors).toEqual([]);
    expect(store.check(revokedLeaf.certPem)).toMatchObject({ status: 'revoked', reason: 'keyCompromise' });
    expect(store.check(goodLeaf.certPem).status).toBe('good');
    const e = failure(revokedLeaf.certPem, now, { crls: store });
    expect(e.message).toMatch(/^certificate "C=NL, O=revoked signing, serialNumber=00000099000000099999, CN=revoked signing" was revoked on .* \(keyCompromise\)$/);
    expect(verifyChain(goodLeaf.certPem, anchors, now, { crls: store, requireCrl: true }).chain).toHaveLength(2);
  });

  test('an expired CRL makes every certificate of that CA invalid (DK-30)', () => {
    const crl = parseCrl(readFileSync(crlPath));
    const later = new Date(Date.now() + 3 * 24 * HOUR);
    expect(failure(goodLeaf.certPem, now, { crls: [crl], now: later }).message).toMatch(/the CRL of "C=NL, O=knooppunt ontwikkel-PKI, CN=knooppunt Dev Private Root CA" expired on .*DK-30/);
  });

  test('requireCrl: no CRL for the issuer; a CRL not signed by the issuer does not count', async () => {
    expect(failure(goodLeaf.certPem, now, { crls: [], requireCrl: true }).message).toMatch(/no CRL of .* is available/);
    const otherCa = issueCertificate({ commonName: 'knooppunt Dev Private Root CA', organisation: 'knooppunt ontwikkel-PKI', use: 'ca' });
    const forged = parseCrl(readFileSync(opensslCrl(otherCa, [])));
    expect(forged.issuerKey).toBe(parseCrl(readFileSync(crlPath)).issuerKey); // same issuer Name ...
    expect(failure(goodLeaf.certPem, now, { crls: [forged], requireCrl: true }).message).toMatch(/no CRL of/); // ... other key
    const store = new CrlStore({ sources: [opensslCrl(otherCa, [])], issuerPems: [ca.certPem] });
    await store.refresh();
    expect(store.crls).toHaveLength(0);
    expect(store.errors[0]!.message).toBe('CRL is not signed by a configured CA');
  });
});

describe('CrlStore sources and refresh', () => {
  test('URL sources via fetch; a failing source keeps its previous CRL', async () => {
    let status = 200;
    const body = readFileSync(crlPath);
    const fakeFetch = (async () => new Response(status === 200 ? body : 'gone', { status })) as typeof fetch;
    const store = new CrlStore({ sources: ['http://crl.example.nl/dev.crl'], issuerPems: [ca.certPem], fetch: fakeFetch });
    await store.refresh();
    expect(store.check(revokedLeaf.certPem).status).toBe('revoked');
    status = 404;
    await store.refresh();
    expect(store.errors).toEqual([{ source: 'http://crl.example.nl/dev.crl', message: 'HTTP 404' }]);
    expect(store.check(revokedLeaf.certPem).status).toBe('revoked');
  });

  test('refresh interval at most 4 hours (DK-30); start/stop', async () => {
    expect(() => new CrlStore({ sources: [], issuerPems: [ca.certPem], refreshIntervalMs: 5 * HOUR })).toThrow(GatewayError);
    const store = new CrlStore({ sources: [crlPath, '/nonexistent/crl.pem'], issuerPems: [ca.certPem], refreshIntervalMs: 4 * HOUR });
    await store.start();
    expect(store.lastRefresh).not.toBeNull();
    expect(store.crls).toHaveLength(1);
    expect(store.errors.map((e) => e.source)).toEqual(['/nonexistent/crl.pem']);
    store.stop();
  });
});
