import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IssuedCert } from '../../src/pki/dev-pki.js';

/** Revoke certificates and issue a CRL with `openssl ca` (an independent implementation) in a temp dir. */
export function opensslCrl(issuer: IssuedCert, revoke: string[], opts: { der?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-crl-'));
  writeFileSync(join(dir, 'ca.crt'), issuer.certPem);
  writeFileSync(join(dir, 'ca.key'), issuer.keyPem);
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(join(dir, 'ca.cnf'), `[ca]\ndefault_ca = CA_default\n[CA_default]\ndatabase = ${dir}/index.txt\ncrlnumber = ${dir}/crlnumber\ndefault_md = sha256\ndefault_crl_days = 1\n`);
  const base = ['-config', join(dir, 'ca.cnf'), '-keyfile', join(dir, 'ca.key'), '-cert', join(dir, 'ca.crt')];
  revoke.forEach((pem, i) => {
    writeFileSync(join(dir, `r${i}.pem`), pem);
    execFileSync('openssl', ['ca', ...base, '-revoke', join(dir, `r${i}.pem`), '-crl_reason', 'keyCompromise'], { stdio: 'pipe' });
  });
  execFileSync('openssl', ['ca', ...base, '-gencrl', '-out', join(dir, 'crl.pem')], { stdio: 'pipe' });
  if (!opts.der) return join(dir, 'crl.pem');
  execFileSync('openssl', ['crl', '-in', join(dir, 'crl.pem'), '-outform', 'DER', '-out', join(dir, 'crl.der')]);
  return join(dir, 'crl.der');
}
