import { readFileSync } from 'node:fs';
import { startKnooppunt, type Knooppunt } from '../../../src/server.js';
import { issueCertificate } from '../../../src/pki/dev-pki.js';
import { testConfig } from '../../helpers/config.js';
import { opensslCrl } from '../../helpers/crl.js';
import { httpsRequest } from '../../helpers/https.js';
import { testPki } from '../../helpers/pki.js';

describe('ebMS listener with CRLs configured (DK-30, PKI002/PKI003)', () => {
  let kp: Knooppunt;
  const { files, ca } = testPki();
  const caPem = readFileSync(files.caCert, 'utf8');
  const revoked = issueCertificate({ commonName: 'revoked client', oin: '00000099000000036300', use: 'client', issuer: ca });
  const good = files.parties['gemeente-0363']!;

  beforeAll(async () => {
    const crl = opensslCrl(ca, [revoked.certPem]);
    kp = await startKnooppunt(testConfig('hub', { tls: { ...testConfigTls(), crls: [crl] } }));
  });
  afterAll(() => kp.stop());

  function testConfigTls() {
    const hub = files.parties.hub!;
    return {
      server: { cert: hub.server.cert, key: hub.server.key }, client: { cert: hub.client.cert, key: hub.client.key },
      signing: { cert: hub.signing.cert, key: hub.signing.key }, trustAnchors: [files.caCert],
    };
  }

  test('a client certificate on the CRL is refused during the handshake', async () => {
    await expect(httpsRequest(kp.urls.ebms, { ca: caPem, cert: revoked.certPem, key: revoked.keyPem, maxVersion: 'TLSv1.2' })).rejects.toThrow();
    const refused = (await kp.metrics.tlsRejected.get()).values.reduce((n, v) => n + v.value, 0);
    expect(refused).toBeGreaterThanOrEqual(1);
  });

  test('a certificate of the same CA that is not revoked is still accepted', async () => {
    const r = await httpsRequest(kp.urls.ebms, { ca: caPem, cert: readFileSync(good.client.cert, 'utf8'), key: readFileSync(good.client.key, 'utf8') });
    expect(r.status).toBe(500); // reached the MSH: a GET is answered with a SOAP Fault
  });
});
