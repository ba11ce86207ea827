import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCertificate, keyMatchesCertificate, certificateMatchesHost } from '../../../src/pki/certificate.js';
import { DEV_PARTIES, issueCertificate } from '../../../src/pki/dev-pki.js';
import { testPki } from '../../helpers/pki.js';

describe('dev PKI', () => {
  const { files } = testPki();

  test.each(DEV_PARTIES.flatMap((p) => (['server', 'client', 'signing'] as const).map((u) => [p.id, u, p.oin] as const)))(
    '%s %s certificate carries OIN %s, SANs, and chains to the dev CA (openssl verify)',
    (id, use, oin) => {
      const f = files.parties[id]![use];
      const info = parseCertificate(readFileSync(f.cert, 'utf8'));
      expect(info.oin).toBe(oin);
      expect(info.oin).toMatch(/^00000099\d{12}$/);
      expect(info.dnsNames).toEqual(['localhost']);
      expect(info.ipAddresses).toEqual(['127.0.0.1']);
      expect(info.keySize).toBe(2048);
      expect(info.isCA).toBe(false);
      expect(keyMatchesCertificate(readFileSync(f.key, 'utf8'), readFileSync(f.cert, 'utf8'))).toBe(true);
      const out = execFileSync('openssl', ['verify', '-CAfile', files.caCert, f.cert]).toString();
      expect(out.trim()).toBe(`${f.cert}: OK`);
    },
  );

  test('extended key usage fits the use', () => {
    expect(parseCertificate(readFileSync(files.parties.hub!.server.cert, 'utf8')).extKeyUsage).toEqual(['serverAuth']);
    expect(parseCertificate(readFileSync(files.parties.hub!.client.cert, 'utf8')).extKeyUsage).toEqual(['clientAuth']);
    expect(parseCertificate(readFileSync(files.parties.hub!.signing.cert, 'utf8')).keyUsage).toEqual(
      ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment']);
  });

  test('a certificate from a foreign CA is refused by openssl verify against the dev CA', () => {
    const foreignCa = issueCertificate({ commonName: 'Foreign CA', use: 'ca' });
    const leaf = issueCertificate({ commonName: 'x', oin: '00000099000000000999', use: 'client', issuer: foreignCa });
    const dir = mkdtempSync(join(tmpdir(), 'kp-'));
    writeFileSync(join(dir, 'leaf.pem'), leaf.certPem);
    const r = spawnSync('openssl', ['verify', '-CAfile', files.caCert, join(dir, 'leaf.pem')]);
    expect(r.status).toBe(2);
    expect(r.stderr.toString() + r.stdout.toString()).toContain('unable to get local issuer certificate');
  });

  test('host matching uses SAN (DK-37)', () => {
    const info = parseCertificate(readFileSync(files.parties.hub!.server.cert, 'utf8'));
    expect(certificateMatchesHost(info, 'localhost')).toBe(true);
    expect(certificateMatchesHost(info, '127.0.0.1')).toBe(true);
    expect(certificateMatchesHost(info, 'ebms.example.nl')).toBe(false);
  });
});
