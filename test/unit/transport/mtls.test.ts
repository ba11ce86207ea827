import { readFileSync } from 'node:fs';
import { startKnooppunt, type Knooppunt } from '../../../src/server.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import { testConfig } from '../../helpers/config.js';
import { httpsRequest } from '../../helpers/https.js';
import { testPki } from '../../helpers/pki.js';

describe('ebMS listener: mutual TLS (DK-02, DK-29, DK-31)', () => {
  let kp: Knooppunt;
  const { files } = testPki();
  const ca = readFileSync(files.caCert, 'utf8');
  const gem = files.parties['gemeente-0363']!;
  const gemOin = gem.oin;
  const client = { ca, cert: readFileSync(gem.client.cert, 'utf8'), key: readFileSync(gem.client.key, 'utf8') };

  beforeAll(async () => { kp = await startKnooppunt(testConfig()); });
  afterAll(() => kp.stop());

  const rejectedCount = async (reason: string) => {
    const m = (await kp.metrics.tlsRejected.get()).values.find((v) => v.labels.reason === reason);
    return m?.value ?? 0;
  };

  const totalRejected = async () => (await kp.metrics.tlsRejected.get()).values.reduce((n, v) => n + v.value, 0);

  test('a client with a certificate under the trust anchors completes the handshake and reaches the MSH', async () => {
    // A GET reaches the ebMS handler, which answers with a SOAP Fault (b.7 rule 1: only POST).
    const r = await httpsRequest(kp.urls.ebms, client);
    expect(r.status).toBe(500);
    expect(r.body).toContain('<faultcode>SOAP:Client</faultcode>');
  });

  test('TLS 1.2 with an NCSC "goed" suite is accepted', async () => {
    const r = await httpsRequest(kp.urls.ebms, { ...client, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
    expect(r.status).toBe(500);
  });

  test('a client without a certificate is refused by the server', async () => {
    await expect(httpsRequest(kp.urls.ebms, { ca })).rejects.toMatchObject({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    await new Promise((r) => setTimeout(r, 50));
    expect(await rejectedCount('ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE')).toBeGreaterThanOrEqual(1);
  });

  test('a client certificate from a foreign CA is refused by the server', async () => {
    const foreign = issueCertificate({ commonName: 'Foreign CA', use: 'ca' });
    const leaf = issueCertificate({ commonName: 'intruder', oin: '00000099000000036300', use: 'client', issuer: foreign });
    const before = await totalRejected();
    await expect(httpsRequest(kp.urls.ebms, { ca, cert: leaf.certPem, key: leaf.keyPem })).rejects.toThrow();
    await expect(httpsRequest(kp.urls.ebms, { ca, cert: leaf.certPem, key: leaf.keyPem, maxVersion: 'TLSv1.2' })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    // OpenSSL ends these handshakes with a reset on both sides; what matters is that the server refused them.
    expect(await totalRejected()).toBeGreaterThanOrEqual(before + 2);
  });

  // Issue 9 item 5: the refusal is counted and logged with the X.509 verification reason, not as ECONNRESET.
  test.each([
    ['an untrusted CA', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', () => issueCertificate({ commonName: 'intruder', oin: '00000099000000036300', use: 'client', issuer: issueCertificate({ commonName: 'Other CA', use: 'ca' }) })],
    ['an expired certificate', 'CERT_HAS_EXPIRED', () => issueCertificate({ commonName: 'expired', oin: gemOin, use: 'client', issuer: testPki().ca, notBefore: new Date(Date.now() - 30 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) })],
    ['a not yet valid certificate', 'CERT_NOT_YET_VALID', () => issueCertificate({ commonName: 'future', oin: gemOin, use: 'client', issuer: testPki().ca, notBefore: new Date(Date.now() + 86_400_000), notAfter: new Date(Date.now() + 30 * 86_400_000) })],
  ])('a client with %s is refused and counted as %s', async (_what, reason, make) => {
    const leaf = make();
    const before = await rejectedCount(reason);
    const resets = await rejectedCount('ECONNRESET');
    for (const maxVersion of ['TLSv1.3', 'TLSv1.2'] as const) {
      await expect(httpsRequest(kp.urls.ebms, { ca, cert: leaf.certPem, key: leaf.keyPem, maxVersion })).rejects.toThrow();
    }
    for (let i = 0; i < 100 && (await rejectedCount(reason)) < before + 2; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await rejectedCount(reason)).toBe(before + 2);
    expect(await rejectedCount('ECONNRESET')).toBe(resets);
  });

  test('a TLS 1.1 client is refused by the server (TLS001: TLS 1.0/1.1 not allowed)', async () => {
    await expect(httpsRequest(kp.urls.ebms, { ...client, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' }))
      .rejects.toMatchObject({ code: 'EPROTO', message: expect.stringMatching(/protocol version/) });
    await new Promise((r) => setTimeout(r, 50));
    expect(await rejectedCount('ERR_SSL_UNSUPPORTED_PROTOCOL')).toBeGreaterThanOrEqual(1);
  });

  test('a TLS 1.2 client offering only CBC suites is refused (NCSC "uit te faseren")', async () => {
    await expect(httpsRequest(kp.urls.ebms, { ...client, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA256:AES128-SHA' }))
      .rejects.toMatchObject({ code: 'EPROTO', message: expect.stringMatching(/handshake failure/) });
    await new Promise((r) => setTimeout(r, 50));
    expect(await rejectedCount('ERR_SSL_NO_SHARED_CIPHER')).toBeGreaterThanOrEqual(1);
  });
});
