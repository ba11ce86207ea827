import { certificateMatchesHost, parseCertificate, type CertificateInfo } from '../pki/certificate.js';
import type { Problem } from '../errors.js';
import { durationToMs, formatDuration, isDuration } from './duration.js';
import { BERICHTSTROMEN, DK_PROFILES, ENCRYPTION_VARIANTS, type Berichtstroom, type DkProfile, type EncryptionVariant } from './templates.js';

/**
 * Checks of the CPA Beheer fields (seed 002 §3.3.3, issue 3 §2). Every problem is collected with its field and an
 * exact message; warnings (e.g. einddatum after a certificate's notAfter) are returned alongside.
 */

/** The fields a gemeente (or its service provider) enters on the CPA Beheer page, as JSON/CLI give them. */
export interface CpaBeheerFields {
  profielnaam: string;
  /** 20-digit OIN, optional non-production suffix _O/_T/_A/_OTA (DK-15). Give oin or hrn. */
  oin?: string;
  /** 8-digit KvK number of an external service provider; becomes OIN `00000003{hrn}0000` (IA ch06). */
  hrn?: string;
  /** CPA Start, `YYYY-MM-DD` (00:00:00Z of that day). */
  ingangsdatum: string;
  /** CPA End, `YYYY-MM-DD` (inclusive: 23:59:59Z of that day). */
  einddatum: string;
  connectietype: string;
  /** The adapter's https endpoint; its host must match the server certificate (DK-37). */
  endpoint: string;
  serverCertPem: string;
  clientCertPem: string;
  /**
   * Optional separate signing/encryption certificate of the adapter. When absent the client certificate is used
   * as the CPA's SigningCert (SenderNonRepudiation) and encryption certificate (ReceiverDigitalEnvelope).
   */
  signingCertPem?: string;
  berichtstroom?: string;
  profile?: string;
  syncReplyMode?: string;
  retries?: number;
  retryInterval?: string;
  /** Must be at least TimeToLive = RetryInterval x (Retries + 1) (DK-08); a shorter value is raised, with a warning. */
  persistDuration?: string;
  /**
   * XML Encryption of the encrypted profiles (osb-be-e, osb-rm-e): `digikoppeling` (default; DK-28 AES-256-GCM
   * with RSA-OAEP) or `ebms-core` (aes256-cbc first, RSA-1_5 key transport; for adapters on eluinstra/ebms-core,
   * which cannot encrypt otherwise; weaker, so generating it returns a warning).
   */
  encryption?: string;
}

export type Connectietype = 'diginetwerk' | 'internet';

export interface CheckedFields {
  profielnaam: string;
  /** PartyId value (with suffix, if entered). */
  oin: string;
  hrn?: string;
  start: Date;
  end: Date;
  connectietype: Connectietype;
  endpoint: string;
  serverCert: CertificateInfo;
  clientCert: CertificateInfo;
  signingCert: CertificateInfo;
  berichtstroom: Berichtstroom;
  profile: DkProfile;
  syncReplyMode: 'none' | 'mshSignalsOnly';
  retries: number;
  retryInterval: string;
  persistDuration: string;
  encryption: EncryptionVariant;
}

export interface FieldDefaults {
  profile: DkProfile;
  Retries: number;
  RetryInterval: string;
  PersistDuration: string;
  syncReplyMode: 'none' | 'mshSignalsOnly';
}

export const OIN_PATTERN = /^\d{20}(_(O|T|A|OTA))?$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_RETRIES = 100;

function parseDay(v: unknown, endOfDay: boolean): Date | null {
  if (typeof v !== 'string') return null;
  const m = DAY.exec(v.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T${endOfDay ? '23:59:59' : '00:00:00'}Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v.trim() ? null : d;
}

const isoDay = (d: Date): string => d.toISOString().slice(0, 10);

/** Parse and check one certificate field (RSA >= 2048, valid at `now`). */
function checkCertificate(field: string, pem: unknown, now: Date, problems: Problem[]): CertificateInfo | undefined {
  if (typeof pem !== 'string' || pem.trim() === '') {
    problems.push({ path: field, message: 'is required' });
    return undefined;
  }
  let info: CertificateInfo;
  try {
    info = parseCertificate(pem);
  } catch (e) {
    problems.push({ path: field, message: `is not a PEM certificate: ${(e as Error).message.replace(/^certificate cannot be parsed: /, '')}` });
    return undefined;
  }
  if (info.keyType !== 'rsa') problems.push({ path: field, message: `must have an RSA key (found ${info.keyType})` });
  else if (info.keySize < 2048) problems.push({ path: field, message: `RSA key must be at least 2048 bits (found ${info.keySize})` });
  if (now < info.validFrom) problems.push({ path: field, message: `is not yet valid (notBefore ${info.validFrom.toISOString()})` });
  if (now > info.validTo) problems.push({ path: field, message: `has expired (notAfter ${info.validTo.toISOString()})` });
  return info;
}

/** DK-16: the certificate's subject.serialNumber is the party's OIN (PartyId without a non-production suffix). */
function checkOin(field: string, cert: CertificateInfo | undefined, oin: string | undefined, problems: Problem[]): void {
  if (!cert || !oin) return;
  const base = oin.slice(0, 20);
  if (cert.oin === null) problems.push({ path: field, message: `has no subject.serialNumber (OIN); expected ${base} (DK-16)` });
  else if (cert.oin !== base) problems.push({ path: field, message: `subject.serialNumber ${cert.oin} does not equal the OIN ${base} (DK-16)` });
}

/** Shown with every CPA generated with `encryption: ebms-core` (CLI output, API response, portal form). */
export const EBMS_CORE_ENCRYPTION_WARNING = 'ebms-core compatible encryption (aes256-cbc, RSA-1_5 key transport) is weaker than '
  + "Digikoppeling's rule (DK-28: AES-GCM with RSA-OAEP); use it only for an adapter on eluinstra/ebms-core, which cannot encrypt with AES-GCM";

/**
 * DK-08: the receiver keeps a MessageId for PersistDuration, the sender may resend until TimeToLive =
 * RetryInterval x (Retries + 1) (as ebms-core sets it, EbMSMessageFactory.createTimeToLive). A shorter
 * PersistDuration lets a late resend through as a new message, so it is raised to TimeToLive; an explicit shorter
 * value is reported as a warning at its field.
 */
function atLeastTimeToLive(persistDuration: string, retryInterval: string, retries: number, explicit: boolean, now: Date, warnings: Problem[]): string {
  const ttl = durationToMs(retryInterval, now) * (retries + 1);
  if (durationToMs(persistDuration, now) >= ttl) return persistDuration;
  const raised = formatDuration(Math.ceil(ttl / 1000) * 1000);
  if (explicit) {
    warnings.push({
      path: 'persistDuration', severity: 'warning',
      message: `${persistDuration} is shorter than TimeToLive ${raised} (RetryInterval ${retryInterval} x (Retries ${retries} + 1)); set to ${raised} so a resent message is still recognised as a duplicate (DK-08)`,
    });
  }
  return raised;
}

/** Validate the CPA Beheer fields. Returns the checked values, or every problem (never only the first). */
export function checkCpaBeheerFields(
  input: CpaBeheerFields, defaults: FieldDefaults, now: Date,
): { ok: true; value: CheckedFields; warnings: Problem[] } | { ok: false; problems: Problem[]; warnings: Problem[] } {
  const f = (input ?? {}) as Partial<Record<keyof CpaBeheerFields, unknown>>;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];

  const profielnaam = typeof f.profielnaam === 'string' ? f.profielnaam.trim() : '';
  if (profielnaam === '') problems.push({ path: 'profielnaam', message: 'is required' });
  else if (profielnaam.length > 100) problems.push({ path: 'profielnaam', message: 'must be at most 100 characters' });

  let oin: string | undefined;
  let hrn: string | undefined;
  const hasOin = f.oin !== undefined && f.oin !== null && f.oin !== '';
  const hasHrn = f.hrn !== undefined && f.hrn !== null && f.hrn !== '';
  if (hasOin && hasHrn) problems.push({ path: 'oin', message: 'give either oin or hrn, not both' });
  else if (!hasOin && !hasHrn) problems.push({ path: 'oin', message: 'either oin or hrn is required' });
  else if (hasOin) {
    if (typeof f.oin === 'string' && OIN_PATTERN.test(f.oin.trim())) oin = f.oin.trim();
    else problems.push({ path: 'oin', message: 'must be 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)' });
  } else if (typeof f.hrn === 'string' && /^\d{8}$/.test(f.hrn.trim())) {
    hrn = f.hrn.trim();
    oin = `00000003${hrn}0000`; // IA ch06: prefix 00000003 = KvK-nummer, suffix 0000
  } else problems.push({ path: 'hrn', message: 'must be an 8-digit KvK number (Handelsregisternummer)' });

  const start = parseDay(f.ingangsdatum, false);
  const end = parseDay(f.einddatum, true);
  if (!start) problems.push({ path: 'ingangsdatum', message: 'must be a date YYYY-MM-DD' });
  if (!end) problems.push({ path: 'einddatum', message: 'must be a date YYYY-MM-DD' });
  if (start && end && isoDay(end) <= isoDay(start)) problems.push({ path: 'einddatum', message: 'must be later than ingangsdatum' });
  if (end && end < now) problems.push({ path: 'einddatum', message: 'must not be in the past' });

  const connectietype = f.connectietype === 'diginetwerk' || f.connectietype === 'internet' ? f.connectietype : undefined;
  if (!connectietype) problems.push({ path: 'connectietype', message: 'must be diginetwerk or internet' });

  const serverCert = checkCertificate('serverCertPem', f.serverCertPem, now, problems);
  const clientCert = checkCertificate('clientCertPem', f.clientCertPem, now, problems);
  checkOin('clientCertPem', clientCert, oin, problems);
  let signingCert = clientCert;
  if (f.signingCertPem !== undefined && f.signingCertPem !== null && f.signingCertPem !== '') {
    signingCert = checkCertificate('signingCertPem', f.signingCertPem, now, problems);
    checkOin('signingCertPem', signingCert, oin, problems);
  }

  let endpoint: string | undefined;
  let url: URL | undefined;
  try {
    url = typeof f.endpoint === 'string' ? new URL(f.endpoint.trim()) : undefined;
  } catch {
    url = undefined;
  }
  if (!url || url.protocol !== 'https:' || url.hostname === '') problems.push({ path: 'endpoint', message: 'must be an absolute https:// URL' });
  else {
    endpoint = url.href;
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (serverCert && !certificateMatchesHost(serverCert, host)) {
      problems.push({ path: 'endpoint', message: `host ${host} does not match the server certificate (SAN/CN) (DK-37)` });
    }
  }

  const berichtstroom = (f.berichtstroom ?? 'ijw') as Berichtstroom;
  if (!BERICHTSTROMEN.includes(berichtstroom)) problems.push({ path: 'berichtstroom', message: `must be one of ${BERICHTSTROMEN.join(', ')}` });
  const profile = (f.profile ?? defaults.profile) as DkProfile;
  if (!DK_PROFILES.includes(profile)) problems.push({ path: 'profile', message: `must be one of ${DK_PROFILES.join(', ')}` });
  const syncReplyMode = (f.syncReplyMode ?? defaults.syncReplyMode) as 'none' | 'mshSignalsOnly';
  if (syncReplyMode !== 'none' && syncReplyMode !== 'mshSignalsOnly') problems.push({ path: 'syncReplyMode', message: 'must be none or mshSignalsOnly (DK-06)' });
  else if (syncReplyMode === 'mshSignalsOnly' && typeof profile === 'string' && profile.startsWith('osb-be')) {
    problems.push({ path: 'syncReplyMode', message: 'mshSignalsOnly needs a reliable messaging profile (osb-rm*); best effort has no acknowledgments (DK-06)' });
  }

  const retries = f.retries ?? defaults.Retries;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    problems.push({ path: 'retries', message: `must be a whole number from 0 to ${MAX_RETRIES}` });
  }
  const durationField = (name: 'retryInterval' | 'persistDuration', fallback: string): string => {
    const v = f[name] ?? fallback;
    if (typeof v !== 'string' || !isDuration(v) || v.trim().startsWith('-')) {
      problems.push({ path: name, message: 'must be a positive ISO 8601 duration, e.g. PT3H or P1D' });
    } else if (durationToMs(v, now) <= 0) problems.push({ path: name, message: 'must be longer than zero' });
    return typeof v === 'string' ? v.trim() : '';
  };
  const retryInterval = durationField('retryInterval', defaults.RetryInterval);
  let persistDuration = durationField('persistDuration', defaults.PersistDuration);
  if (problems.length === 0 && typeof profile === 'string' && profile.startsWith('osb-rm')) {
    persistDuration = atLeastTimeToLive(persistDuration, retryInterval, retries as number, f.persistDuration !== undefined, now, warnings);
  }

  const encryption = (f.encryption ?? 'digikoppeling') as EncryptionVariant;
  if (!ENCRYPTION_VARIANTS.includes(encryption)) problems.push({ path: 'encryption', message: `must be one of ${ENCRYPTION_VARIANTS.join(', ')}` });
  else if (encryption === 'ebms-core') {
    if (typeof profile === 'string' && !profile.endsWith('-e')) {
      problems.push({ path: 'encryption', message: 'ebms-core applies only to the encrypted profiles osb-be-e and osb-rm-e' });
    } else warnings.push({ path: 'encryption', severity: 'warning', message: EBMS_CORE_ENCRYPTION_WARNING });
  }

  if (end) {
    const certs: [string, CertificateInfo | undefined][] = [['server', serverCert], ['client', clientCert]];
    if (signingCert !== clientCert) certs.push(['signing', signingCert]);
    for (const [label, c] of certs) {
      if (c && end > c.validTo) {
        warnings.push({ path: 'einddatum', severity: 'warning', message: `is later than the ${label} certificate's notAfter ${c.validTo.toISOString()}; the CPA cannot be used after that date` });
      }
    }
  }

  if (problems.length > 0 || !oin || !start || !end || !connectietype || !endpoint || !serverCert || !clientCert || !signingCert) {
    return { ok: false, problems, warnings };
  }
  return {
    ok: true,
    warnings,
    value: {
      profielnaam, oin, ...(hrn ? { hrn } : {}), start, end, connectietype, endpoint, serverCert, clientCert, signingCert,
      berichtstroom, profile, syncReplyMode, retries: retries as number, retryInterval, persistDuration, encryption,
    },
  };
}
