import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { GatewayError } from '../errors.js';

/** What knooppunt needs to know of an X.509 certificate (PKIoverheid: OIN in subject.serialNumber, BEV PKI001). */
export interface CertificateInfo {
  /** The OIN from `subject.serialNumber`, or null when absent. */
  oin: string | null;
  subject: Record<string, string>;
  subjectString: string;
  issuer: Record<string, string>;
  issuerString: string;
  /** Certificate serial number, upper-case hex. */
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  keyType: string;
  /** RSA modulus length or EC curve size in bits. */
  keySize: number;
  fingerprint256: string;
  /** DNS names and IP addresses from subjectAltName. */
  dnsNames: string[];
  ipAddresses: string[];
  /** keyUsage bits, e.g. digitalSignature, keyEncipherment. */
  keyUsage: string[];
  /** extendedKeyUsage OIDs/names, e.g. serverAuth, clientAuth. */
  extKeyUsage: string[];
  isCA: boolean;
  pem: string;
}

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text (bundles, trailing blank lines and text around blocks tolerated). */
export function splitPemCertificates(text: string): string[] {
  return (text.match(PEM_BLOCK) ?? []).map((b) => `${b.replace(/\r\n/g, '\n').trim()}\n`);
}

/** Base64 DER body of a PEM certificate, without armour or white space (as in ds:X509Certificate). */
export function pemToBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

export function base64ToPem(b64: string): string {
  const clean = b64.replace(/\s+|&#13;/g, '');
  return `-----BEGIN CERTIFICATE-----\n${(clean.match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

function parseDn(dn: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of dn.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'] as const;
const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth', '1.3.6.1.5.5.7.3.2': 'clientAuth', '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.3': 'codeSigning', '1.3.6.1.5.5.7.3.8': 'timeStamping', '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
};

/** keyUsage via node-forge (node:crypto exposes only extendedKeyUsage); empty when the extension is absent. */
function readKeyUsage(pem: string): string[] {
  try {
    const ext = forge.pki.certificateFromPem(pem).getExtension('keyUsage') as Record<string, unknown> | null;
    return ext ? KEY_USAGE_BITS.filter((b) => ext[b] === true) : [];
  } catch {
    return []; // forge reads RSA certificates only; other key types report no keyUsage
  }
}

/** Parse one certificate (PEM or DER). Throws ERR_PKI_CERT_INVALID with a readable reason. */
export function parseCertificate(input: string | Buffer): CertificateInfo {
  let x: X509Certificate;
  let pem: string;
  try {
    if (typeof input === 'string') {
      const blocks = splitPemCertificates(input);
      if (blocks.length === 0) throw new Error('no "-----BEGIN CERTIFICATE-----" block found');
      if (blocks.length > 1) throw new Error(`expected one certificate, found ${blocks.length}`);
      pem = blocks[0]!;
      x = new X509Certificate(pem);
    } else {
      x = new X509Certificate(input);
      pem = x.toString();
    }
  } catch (e) {
    throw new GatewayError('ERR_PKI_CERT_INVALID', `certificate cannot be parsed: ${(e as Error).message}`, { cause: e });
  }
  const subject = parseDn(x.subject);
  const details = x.publicKey.asymmetricKeyDetails ?? {};
  const san = x.subjectAltName ?? '';
  const sanParts = san.split(/,\s*/).filter(Boolean);
  return {
    oin: subject.serialNumber ?? null,
    subject,
    subjectString: x.subject.split('\n').join(', '),
    issuer: parseDn(x.issuer),
    issuerString: x.issuer.split('\n').join(', '),
    serialNumber: x.serialNumber.toUpperCase(),
    validFrom: new Date(x.validFrom),
    validTo: new Date(x.validTo),
    keyType: x.publicKey.asymmetricKeyType ?? 'unknown',
    keySize: details.modulusLength ?? (details.namedCurve ? Number(/\d+/.exec(details.namedCurve)?.[0] ?? 0) : 0),
    fingerprint256: x.fingerprint256,
    dnsNames: sanParts.filter((p) => p.startsWith('DNS:')).map((p) => p.slice(4).toLowerCase()),
    ipAddresses: sanParts.filter((p) => p.startsWith('IP Address:')).map((p) => p.slice(11)),
    keyUsage: readKeyUsage(pem),
    extKeyUsage: (x.keyUsage ?? []).map((o) => EKU_NAMES[o] ?? o),
    isCA: x.ca,
    pem,
  };
}

/** True when `host` is covered by the certificate's SAN (or CN when there is no SAN), wildcards one label deep (DK-37). */
export function certificateMatchesHost(cert: CertificateInfo, host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (cert.ipAddresses.includes(h)) return true;
  const names = cert.dnsNames.length > 0 || cert.ipAddresses.length > 0 ? cert.dnsNames : [cert.subject.CN?.toLowerCase() ?? ''];
  return names.some((n) => n === h || (n.startsWith('*.') && h.endsWith(n.slice(1)) && !h.slice(0, -n.length + 1).includes('.')));
}

/** True when the certificate is valid at `at`. */
export function isValidAt(cert: CertificateInfo, at: Date): boolean {
  return cert.validFrom.getTime() <= at.getTime() && at.getTime() <= cert.validTo.getTime();
}

/** Load a private key (PEM); throws ERR_PKI_CERT_INVALID without echoing key material. */
export function loadPrivateKey(pem: string, label = 'private key'): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (e) {
    throw new GatewayError('ERR_PKI_CERT_INVALID', `${label} cannot be parsed`, { cause: e });
  }
}

/** Checks that the private key belongs to the certificate (public keys equal). */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  const fromKey = createPublicKey(loadPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return Buffer.compare(fromKey, fromCert) === 0;
}
