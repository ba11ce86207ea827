import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

/**
 * Development PKI (issue "The house" §7): a root CA standing in for "Staat der Nederlanden Private Root" and, per
 * party, a server, client and signing certificate with the OIN in subject.serialNumber (BEV PKI001) and SANs
 * localhost/127.0.0.1. node-forge writes the certificates; keys come from node:crypto (native, fast).
 */

export interface DevParty {
  id: string;
  name: string;
  /** Dev/test OINs use prefix 00000099 (IA ch06). */
  oin: string;
}

export const DEV_PARTIES: readonly DevParty[] = [
  { id: 'hub', name: 'Knooppunt (ontwikkel)', oin: '00000099000000000001' },
  { id: 'gemeente-0363', name: 'Gemeente Amsterdam (ontwikkel)', oin: '00000099000000036300' },
  { id: 'gemeente-0518', name: "Gemeente 's-Gravenhage (ontwikkel)", oin: '00000099000000051800' },
  { id: 'partner', name: 'Ketenpartner zorgaanbieders (ontwikkel)', oin: '00000099000000090000' },
];

export type CertUse = 'server' | 'client' | 'signing' | 'ca';

export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

export interface IssueOptions {
  commonName: string;
  organisation?: string;
  oin?: string;
  use: CertUse;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
  bits?: number;
  /** Issuer; omitted = self-signed. */
  issuer?: IssuedCert;
}

function newKeyPair(bits: number): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

function serialHex(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive INTEGER (RFC 5280 §4.1.2.2)
  return b.toString('hex');
}

/** Issue one certificate (also used by tests for expired, untrusted and revoked variants). */
export function issueCertificate(o: IssueOptions): IssuedCert {
  const keys = newKeyPair(o.bits ?? 2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialHex();
  const now = Date.now();
  cert.validity.notBefore = o.notBefore ?? new Date(now - 60 * 60 * 1000);
  cert.validity.notAfter = o.notAfter ?? new Date(now + 2 * 365 * 24 * 3600 * 1000);
  const subject: forge.pki.CertificateField[] = [
    { shortName: 'C', value: 'NL' },
    { shortName: 'O', value: o.organisation ?? o.commonName },
  ];
  if (o.oin) subject.push({ name: 'serialNumber', value: o.oin });
  subject.push({ shortName: 'CN', value: o.commonName });
  cert.setSubject(subject);
  const issuerCert = o.issuer ? forge.pki.certificateFromPem(o.issuer.certPem) : undefined;
  cert.setIssuer(issuerCert ? issuerCert.subject.attributes : subject);
  const exts: object[] = [];
  if (o.use === 'ca') {
    exts.push({ name: 'basicConstraints', cA: true, critical: true }, { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  } else {
    exts.push({ name: 'basicConstraints', cA: false });
    if (o.use === 'server') exts.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true }, { name: 'extKeyUsage', serverAuth: true });
    if (o.use === 'client') exts.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true }, { name: 'extKeyUsage', clientAuth: true });
    // The signing certificate also serves as the CPA's encryption certificate (one PKIoverheid services cert).
    if (o.use === 'signing') exts.push({ name: 'keyUsage', digitalSignature: true, nonRepudiation: true, keyEncipherment: true, dataEncipherment: true, critical: true });
    const alt = [...(o.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(o.ipAddresses ?? []).map((ip) => ({ type: 7, ip }))];
    if (alt.length > 0) exts.push({ name: 'subjectAltName', altNames: alt });
  }
  exts.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(exts);
  const signer = o.issuer ? (forge.pki.privateKeyFromPem(o.issuer.keyPem) as forge.pki.rsa.PrivateKey) : keys.privateKey;
  cert.sign(signer, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n'), keyPem: keys.keyPem };
}

export interface DevPkiFiles {
  caCert: string;
  caKey: string;
  parties: Record<string, { oin: string; name: string } & Record<'server' | 'client' | 'signing', { cert: string; key: string }>>;
}

/** Paths of the dev PKI under `dir` (whether or not it exists yet). */
export function devPkiPaths(dir: string, parties: readonly DevParty[] = DEV_PARTIES): DevPkiFiles {
  const out: DevPkiFiles = { caCert: join(dir, 'ca.crt.pem'), caKey: join(dir, 'ca.key.pem'), parties: {} };
  for (const p of parties) {
    const f = (u: string) => ({ cert: join(dir, p.id, `${u}.crt.pem`), key: join(dir, p.id, `${u}.key.pem`) });
    out.parties[p.id] = { oin: p.oin, name: p.name, server: f('server'), client: f('client'), signing: f('signing') };
  }
  return out;
}

function writeKey(path: string, pem: string): void {
  writeFileSync(path, pem, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Generate the development PKI into `dir`. Existing material is kept unless `force` is set, so a second
 * `npm start` reuses it.
 */
export function generateDevPki(dir: string, opts: { force?: boolean; parties?: readonly DevParty[] } = {}): { files: DevPkiFiles; created: boolean } {
  const parties = opts.parties ?? DEV_PARTIES;
  const files = devPkiPaths(dir, parties);
  if (!opts.force && existsSync(files.caCert)) return { files, created: false };
  mkdirSync(dir, { recursive: true });
  const ca = issueCertificate({ commonName: 'knooppunt Dev Private Root CA', organisation: 'knooppunt ontwikkel-PKI', use: 'ca', notAfter: new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000) });
  writeFileSync(files.caCert, ca.certPem);
  writeKey(files.caKey, ca.keyPem);
  for (const p of parties) {
    mkdirSync(join(dir, p.id), { recursive: true });
    for (const use of ['server', 'client', 'signing'] as const) {
      const c = issueCertificate({ commonName: use === 'server' ? 'localhost' : `${p.id} ${use}`, organisation: p.name, oin: p.oin, use, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], issuer: ca });
      const f = files.parties[p.id]![use];
      writeFileSync(f.cert, c.certPem);
      writeKey(f.key, c.keyPem);
    }
  }
  return { files, created: true };
}

/** Read the CA back (for tests that issue extra certificates under the dev CA). */
export function loadDevCa(dir: string): IssuedCert {
  const p = devPkiPaths(dir);
  return { certPem: readFileSync(p.caCert, 'utf8'), keyPem: readFileSync(p.caKey, 'utf8') };
}
