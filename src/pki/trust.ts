import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { EbmsError } from '../ebms/errors.js';
import { GatewayError } from '../errors.js';
import { parseCertificate, splitPemCertificates, type CertificateInfo } from './certificate.js';
import { parseCrl, revocationStatus, verifyCrlSignature, type ParsedCrl } from './crl.js';

export { isRevoked, parseCrl, revocationStatus, verifyCrlSignature, type ParsedCrl, type RevocationStatus } from './crl.js';

/**
 * Certificate policy for message security and TLS peers (issue 5 §4; DK-25, DK-30, BEV PKI001-PKI005): the
 * certificate chains to a configured trust anchor (PKIoverheid "Staat der Nederlanden Private Root" in
 * production, the dev CA in development), every certificate of the chain is valid at the message Timestamp and
 * now, the key usage fits, and no certificate of the chain is revoked by a (signed, current) CRL.
 */

export type KeyUsageName = 'digitalSignature' | 'nonRepudiation' | 'keyEncipherment' | 'dataEncipherment' | 'keyAgreement';

export interface ChainOptions {
  /** CA certificates between the leaf and the anchor (PKIoverheid: domain and TSP CAs). */
  intermediatePems?: string[];
  /** "Now" for the second validity check (default: the current time). */
  now?: Date;
  /** Key usage bits the leaf must allow (when it has a keyUsage extension, RFC 5280 §4.2.1.3). */
  keyUsage?: KeyUsageName[];
  /** CRLs to check every non-anchor certificate against; a CrlStore or parsed CRLs. */
  crls?: CrlStore | readonly ParsedCrl[];
  /** Refuse a certificate whose issuer has no CRL in `crls` (DK-25: CRL checking required). Default false. */
  requireCrl?: boolean;
  /** ebMS error location (default: the KeyInfo certificate of the signature). */
  location?: string;
}

export interface VerifiedChain {
  /** Leaf first, trust anchor last. */
  chain: CertificateInfo[];
}

const MAX_DEPTH = 8;
export const KEYINFO_CERT_LOCATION = '//Header/Signature/KeyInfo/X509Data/X509Certificate';

/** True when the certificate allows all given usages (no keyUsage extension = no restriction, RFC 5280). */
export function hasKeyUsage(cert: CertificateInfo | string, usages: readonly KeyUsageName[]): boolean {
  const info = typeof cert === 'string' ? parseCertificate(cert) : cert;
  return info.keyUsage.length === 0 || usages.every((u) => info.keyUsage.includes(u));
}

function x509(pem: string, what: string, fail: (m: string) => Error): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch {
    throw fail(`${what} cannot be parsed`);
  }
}

const subjectOf = (x: X509Certificate) => x.subject.split('\n').join(', ');

/**
 * Verify a certificate against the trust anchors at time `at` (the message Timestamp) and now. Throws
 * EbmsError SecurityFailure at `opts.location` naming the certificate and the reason (untrusted, expired, not
 * yet valid, revoked, CRL expired, wrong key usage).
 */
export function verifyChain(certPem: string, trustAnchorPems: readonly string[], at: Date, opts: ChainOptions = {}): VerifiedChain {
  const location = opts.location ?? KEYINFO_CERT_LOCATION;
  const fail = (m: string) => new EbmsError('SecurityFailure', location, m);
  const { chain, infos } = buildChain(certPem, trustAnchorPems, opts.intermediatePems, fail);
  checkChain(chain, infos, at, opts, fail);
  return { chain: infos };
}

/**
 * Chain building (signature checks, certificate parsing) depends only on the certificate and the configured
 * anchors and intermediates, so it is cached; validity times, key usage and revocation are checked on every call.
 */
interface BuiltChain { chain: X509Certificate[]; infos: CertificateInfo[]; anchors: readonly string[]; intermediates: readonly string[] | undefined }
const chainCache = new Map<string, BuiltChain>();
const CHAIN_CACHE_MAX = 1000;

function buildChain(certPem: string, trustAnchorPems: readonly string[], intermediatePems: readonly string[] | undefined, fail: (m: string) => EbmsError): BuiltChain {
  const cached = chainCache.get(certPem);
  if (cached && cached.anchors === trustAnchorPems && cached.intermediates === intermediatePems) return cached;
  const leaf = x509(certPem, 'the certificate', fail);
  const anchors = trustAnchorPems.flatMap((p) => splitPemCertificates(p)).map((p) => new X509Certificate(p));
  const pool = (intermediatePems ?? []).flatMap((p) => splitPemCertificates(p)).map((p) => new X509Certificate(p));
  if (anchors.length === 0) throw new GatewayError('ERR_CONFIG_INVALID', 'no trust anchors configured');

  const chain: X509Certificate[] = [leaf];
  const issuedBy = (c: X509Certificate, ca: X509Certificate) => c.checkIssued(ca) && c.verify(ca.publicKey);
  for (let cur = leaf; ; ) {
    if (anchors.some((a) => a.raw.equals(cur.raw))) break; // a pinned anchor itself (self-signed test certificate)
    const anchor = anchors.find((a) => issuedBy(cur, a));
    if (anchor) { chain.push(anchor); break; }
    const next = pool.find((i) => !chain.includes(i) && issuedBy(cur, i));
    if (!next || chain.length > MAX_DEPTH) throw fail(`certificate "${subjectOf(leaf)}" does not chain to a configured trust anchor`);
    chain.push(next);
    cur = next;
  }

  const infos = chain.map((c) => parseCertificate(c.toString()));
  const built: BuiltChain = { chain, infos, anchors: trustAnchorPems, intermediates: intermediatePems };
  if (chainCache.size >= CHAIN_CACHE_MAX) chainCache.clear();
  chainCache.set(certPem, built);
  return built;
}

function checkChain(chain: X509Certificate[], infos: CertificateInfo[], at: Date, opts: ChainOptions, fail: (m: string) => EbmsError): void {
  const now = opts.now ?? new Date();
  infos.forEach((info, i) => {
    for (const [when, label] of [[at, 'at the message time'], [now, 'now']] as const) {
      if (when.getTime() < info.validFrom.getTime()) throw fail(`certificate "${info.subjectString}" is not yet valid ${label} (valid from ${info.validFrom.toISOString()})`);
      if (when.getTime() > info.validTo.getTime()) throw fail(`certificate "${info.subjectString}" expired ${label} (valid to ${info.validTo.toISOString()})`);
    }
    if (i > 0 && (!info.isCA || (info.keyUsage.length > 0 && !info.keyUsage.includes('keyCertSign')))) {
      throw fail(`issuer "${info.subjectString}" is not a CA certificate`);
    }
  });
  if (opts.keyUsage && !hasKeyUsage(infos[0]!, opts.keyUsage)) {
    throw fail(`certificate "${infos[0]!.subjectString}" does not allow ${opts.keyUsage.join(', ')} (keyUsage: ${infos[0]!.keyUsage.join(', ')})`);
  }

  if (opts.crls) {
    const crls = opts.crls instanceof CrlStore ? opts.crls.crls : opts.crls;
    for (let i = 0; i < chain.length - 1; i++) {
      const issuer = chain[i + 1]!;
      const signed = crls.filter((c) => verifyCrlSignature(c, issuer)); // only CRLs really signed by the issuer count
      const r = revocationStatus(chain[i]!, signed, now);
      if (r.status === 'revoked') throw fail(`certificate "${infos[i]!.subjectString}" was revoked on ${r.revokedAt.toISOString()}${r.reason ? ` (${r.reason})` : ''}`);
      if (r.status === 'crl-expired') throw fail(`the CRL of "${infos[i + 1]!.subjectString}" expired on ${r.nextUpdate.toISOString()}; its certificates are not accepted (DK-30)`);
      if (r.status === 'no-crl' && opts.requireCrl) throw fail(`no CRL of "${infos[i + 1]!.subjectString}" is available (DK-25: CRL checking required)`);
    }
  }
}

export interface CrlStoreOptions {
  /** CRL files (PEM or DER) and http(s) URLs (the CRL distribution points of the PKIoverheid CAs). */
  sources: readonly string[];
  /** CA certificates: a CRL is admitted only when one of them issued and signed it. */
  issuerPems: readonly string[];
  /** Refresh interval; default 1 h, at most 4 h (DK-30: refresh CRLs at least every 4 hours). */
  refreshIntervalMs?: number;
  maxBytes?: number;
  fetchTimeoutMs?: number;
  /** Injected for tests; default global fetch. */
  fetch?: typeof fetch;
}

export const MAX_CRL_REFRESH_MS = 4 * 60 * 60 * 1000;

/** Loads CRLs from files and URLs, keeps the last good CRL per source, and refreshes periodically (DK-30). */
export class CrlStore {
  readonly refreshIntervalMs: number;
  /** Problems of the last refresh, per source (the previous CRL of a failed source stays in use). */
  errors: { source: string; message: string }[] = [];
  lastRefresh: Date | null = null;
  private readonly opts: CrlStoreOptions;
  private readonly issuers: X509Certificate[];
  private readonly bySource = new Map<string, ParsedCrl>();
  private timer: NodeJS.Timeout | undefined;

  constructor(opts: CrlStoreOptions) {
    const interval = opts.refreshIntervalMs ?? 60 * 60 * 1000;
    if (!(interval > 0) || interval > MAX_CRL_REFRESH_MS) {
      throw new GatewayError('ERR_CONFIG_INVALID', `CRL refresh interval must be between 0 and 4 h (DK-30), got ${interval} ms`);
    }
    this.refreshIntervalMs = interval;
    this.opts = opts;
    this.issuers = opts.issuerPems.flatMap((p) => splitPemCertificates(p)).map((p) => new X509Certificate(p));
  }

  /** The CRLs currently in use. */
  get crls(): ParsedCrl[] {
    return [...this.bySource.values()];
  }

  private async read(source: string): Promise<Buffer> {
    const max = this.opts.maxBytes ?? 50 * 1024 * 1024;
    if (/^https?:\/\//i.test(source)) {
      const res = await (this.opts.fetch ?? fetch)(source, { signal: AbortSignal.timeout(this.opts.fetchTimeoutMs ?? 30_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      if (Number(res.headers.get('content-length') ?? 0) > max) throw new Error(`CRL larger than ${max} bytes`);
      const body = Buffer.from(await res.arrayBuffer());
      if (body.length > max) throw new Error(`CRL larger than ${max} bytes`);
      return body;
    }
    if ((await stat(source)).size > max) throw new Error(`CRL larger than ${max} bytes`);
    return readFile(source);
  }

  /** Load every source once; a source that fails keeps its previous CRL and is listed in `errors`. */
  async refresh(): Promise<void> {
    const errors: { source: string; message: string }[] = [];
    await Promise.all(this.opts.sources.map(async (source) => {
      try {
        const crl = parseCrl(await this.read(source));
        if (!this.issuers.some((ca) => verifyCrlSignature(crl, ca))) throw new Error('CRL is not signed by a configured CA');
        const previous = this.bySource.get(source);
        if (!previous || crl.thisUpdate.getTime() >= previous.thisUpdate.getTime()) this.bySource.set(source, crl);
      } catch (e) {
        errors.push({ source, message: (e as Error).message });
      }
    }));
    this.errors = errors;
    this.lastRefresh = new Date();
  }

  /** Load now and then every `refreshIntervalMs` (the timer does not keep the process alive). */
  async start(): Promise<void> {
    await this.refresh();
    this.stop();
    this.timer = setInterval(() => { void this.refresh(); }, this.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Revocation status of one certificate against the loaded CRLs. */
  check(certPem: string, now: Date = new Date()): ReturnType<typeof revocationStatus> {
    return revocationStatus(certPem, this.crls, now);
  }
}
