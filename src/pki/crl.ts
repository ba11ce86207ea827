import { verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { GatewayError } from '../errors.js';

/**
 * X.509 CRLs (RFC 5280 §5) for the certificate policy (DK-25, DK-30: CRL checking required; BEV PKI002/PKI003).
 * node:crypto cannot read CRLs and node-forge cannot either, so this is a small DER reader over exactly the
 * fields needed: issuer, thisUpdate/nextUpdate, revoked serial numbers (+ date and reason), and the signed bytes.
 */

export interface RevokedEntry {
  revokedAt: Date;
  /** CRLReason name (RFC 5280 §5.3.1), when the entry carries one. */
  reason?: string;
}

export interface ParsedCrl {
  /** DER of the issuer Name, hex: compared byte for byte with a certificate's issuer. */
  issuerKey: string;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** Serial number (upper-case hex, no leading zeros) -> entry. */
  revoked: Map<string, RevokedEntry>;
  /** The DER bytes covered by the signature (tbsCertList), the algorithm OID and the signature. */
  tbs: Buffer;
  signatureOid: string;
  signature: Buffer;
  der: Buffer;
}

interface Tlv { tag: number; start: number; valueStart: number; end: number }

function readTlv(buf: Buffer, pos: number, limit = buf.length): Tlv {
  if (pos + 2 > limit) throw new Error('truncated DER');
  const tag = buf[pos]!;
  let len = buf[pos + 1]!;
  let p = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('unsupported DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > limit) throw new Error('truncated DER');
  return { tag, start: pos, valueStart: p, end: p + len };
}

function childrenOf(buf: Buffer, t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = t.valueStart; p < t.end; ) {
    const c = readTlv(buf, p, t.end);
    out.push(c);
    p = c.end;
  }
  return out;
}

function oidOf(buf: Buffer, t: Tlv): string {
  const b = buf.subarray(t.valueStart, t.end);
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) { parts.push(v); v = 0; }
  }
  return parts.join('.');
}

function timeOf(buf: Buffer, t: Tlv): Date {
  const s = buf.toString('latin1', t.valueStart, t.end);
  const m = t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s);
  if (!m) throw new Error(`unsupported time ${s}`);
  const year = t.tag === 0x17 ? (Number(m[1]) < 50 ? 2000 : 1900) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

const isTime = (t: Tlv | undefined) => t !== undefined && (t.tag === 0x17 || t.tag === 0x18);

export function normalizeSerial(hex: string): string {
  return hex.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
}

const REASONS = ['unspecified', 'keyCompromise', 'cACompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation',
  'certificateHold', '', 'removeFromCRL', 'privilegeWithdrawn', 'aACompromise'];

function entryReason(buf: Buffer, exts: Tlv | undefined): string | undefined {
  if (!exts || exts.tag !== 0x30) return undefined;
  for (const ext of childrenOf(buf, exts)) {
    const [oid, ...rest] = childrenOf(buf, ext);
    if (!oid || oidOf(buf, oid) !== '2.5.29.21') continue;
    const octets = rest[rest.length - 1]!;
    const en = readTlv(buf, octets.valueStart, octets.end);
    return REASONS[buf[en.valueStart]!] || undefined;
  }
  return undefined;
}

/** Parse a CRL given as PEM (`-----BEGIN X509 CRL-----`) or DER. Throws ERR_PKI_CERT_INVALID. */
export function parseCrl(input: string | Buffer): ParsedCrl {
  try {
    let der: Buffer;
    const text = typeof input === 'string' ? input : input.subarray(0, 64).toString('latin1');
    if (text.includes('-----BEGIN X509 CRL-----')) {
      const pem = typeof input === 'string' ? input : input.toString('latin1');
      const m = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(pem);
      der = Buffer.from(m![1]!.replace(/\s+/g, ''), 'base64');
    } else {
      der = typeof input === 'string' ? Buffer.from(input, 'base64') : input;
    }
    const outer = readTlv(der, 0);
    const [tbsT, algT, sigT] = childrenOf(der, outer);
    if (!tbsT || !algT || !sigT || sigT.tag !== 0x03) throw new Error('not a CertificateList');
    const f = childrenOf(der, tbsT);
    let i = f[0]?.tag === 0x02 ? 1 : 0; // version
    i++; // signature AlgorithmIdentifier (repeated outside)
    const issuer = f[i++]!;
    const thisUpdate = timeOf(der, f[i++]!);
    const nextUpdate = isTime(f[i]) ? timeOf(der, f[i++]!) : null;
    const revoked = new Map<string, RevokedEntry>();
    if (f[i]?.tag === 0x30) {
      for (const entry of childrenOf(der, f[i]!)) {
        const [serial, date, exts] = childrenOf(der, entry);
        const reason = entryReason(der, exts);
        revoked.set(normalizeSerial(der.toString('hex', serial!.valueStart, serial!.end)), { revokedAt: timeOf(der, date!), ...(reason ? { reason } : {}) });
      }
    }
    return {
      issuerKey: der.toString('hex', issuer.start, issuer.end),
      thisUpdate,
      nextUpdate,
      revoked,
      tbs: der.subarray(tbsT.start, tbsT.end),
      signatureOid: oidOf(der, childrenOf(der, algT)[0]!),
      signature: der.subarray(sigT.valueStart + 1, sigT.end), // skip the "unused bits" octet
      der,
    };
  } catch (e) {
    throw new GatewayError('ERR_PKI_CERT_INVALID', `CRL cannot be parsed: ${(e as Error).message}`, { cause: e });
  }
}

/** DER (hex) of a certificate's issuer or subject Name, for matching with `ParsedCrl.issuerKey`. */
export function certificateNameKey(cert: X509Certificate, which: 'issuer' | 'subject'): string {
  const der = cert.raw;
  const tbs = childrenOf(der, readTlv(der, 0))[0]!;
  const f = childrenOf(der, tbs);
  const i = f[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  const name = f[i + (which === 'issuer' ? 2 : 4)]!; // serial, signature, issuer, validity, subject
  return der.toString('hex', name.start, name.end);
}

const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1', '1.2.840.113549.1.1.11': 'sha256', '1.2.840.113549.1.1.12': 'sha384', '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256', '1.2.840.10045.4.3.3': 'sha384', '1.2.840.10045.4.3.4': 'sha512',
};

/** True when the CRL is issued (same Name) and signed by the given CA certificate. */
export function verifyCrlSignature(crl: ParsedCrl, issuer: X509Certificate | string): boolean {
  const ca = typeof issuer === 'string' ? new X509Certificate(issuer) : issuer;
  const hash = SIGNATURE_HASHES[crl.signatureOid];
  if (!hash || certificateNameKey(ca, 'subject') !== crl.issuerKey) return false;
  try {
    return cryptoVerify(hash, crl.tbs, ca.publicKey, crl.signature);
  } catch {
    return false;
  }
}

export type RevocationStatus =
  | { status: 'good'; crl: ParsedCrl }
  | { status: 'revoked'; crl: ParsedCrl; revokedAt: Date; reason?: string }
  | { status: 'crl-expired'; crl: ParsedCrl; nextUpdate: Date }
  | { status: 'no-crl' };

/**
 * Revocation status of a certificate against a set of CRLs (the newest CRL of its issuer counts). An expired
 * CRL makes every certificate of that CA invalid (DK-30); CRL signatures are not checked here (see
 * verifyCrlSignature / CrlStore, which only admits signed CRLs).
 */
export function revocationStatus(cert: X509Certificate | string, crls: readonly ParsedCrl[], now: Date = new Date()): RevocationStatus {
  const x = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  const issuerKey = certificateNameKey(x, 'issuer');
  const crl = crls.filter((c) => c.issuerKey === issuerKey).sort((a, b) => b.thisUpdate.getTime() - a.thisUpdate.getTime())[0];
  if (!crl) return { status: 'no-crl' };
  const entry = crl.revoked.get(normalizeSerial(x.serialNumber));
  if (entry) return { status: 'revoked', crl, revokedAt: entry.revokedAt, ...(entry.reason ? { reason: entry.reason } : {}) };
  if (crl.nextUpdate && crl.nextUpdate.getTime() < now.getTime()) return { status: 'crl-expired', crl, nextUpdate: crl.nextUpdate };
  return { status: 'good', crl };
}

/** True when a CRL of the certificate's issuer lists its serial number. */
export function isRevoked(cert: X509Certificate | string, crls: readonly ParsedCrl[]): boolean {
  return revocationStatus(cert, crls).status === 'revoked';
}
