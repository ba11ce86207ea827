import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { isDuration } from './duration.js';

/**
 * CPA templates (cpa-templates/): one JSON file per berichtstroom with Service, ProcessSpecification, Roles and
 * Actions, plus profiles.json with the six Digikoppeling profiles' channel characteristics. The MSH never
 * hard-codes these names (architecture.md "Parties and identities").
 */

export const BERICHTSTROMEN = ['iwmo', 'ijw', 'ieb', 'ipgb', 'pgb'] as const;
export type Berichtstroom = (typeof BERICHTSTROMEN)[number];

export const DK_PROFILES = ['osb-be', 'osb-rm', 'osb-be-s', 'osb-rm-s', 'osb-be-e', 'osb-rm-e'] as const;
export type DkProfile = (typeof DK_PROFILES)[number];

/**
 * XML Encryption variant of an encrypted profile (osb-*-e): `digikoppeling` = DK-28 (AES-256-GCM, RSA-OAEP), the
 * default; `ebms-core` = what eluinstra/ebms-core can send (aes256-cbc first, RSA-1_5 key transport; issue 18).
 */
export const ENCRYPTION_VARIANTS = ['digikoppeling', 'ebms-core'] as const;
export type EncryptionVariant = (typeof ENCRYPTION_VARIANTS)[number];

/** XML NCName-safe names (they become parts of CPA ID attributes). */
const ncName = z.string().regex(/^[A-Za-z_][\w.-]*$/, 'must be an XML NCName (letters, digits, _ . -)');
const noSpace = z.string().min(1).regex(/^\S+$/, 'must not contain white space (DK-21)');
const duration = z.string().refine(isDuration, 'must be an xs:duration');
const level = z.enum(['none', 'transient', 'persistent', 'transient-and-persistent']);
const perMessage = z.enum(['always', 'never', 'perMessage']);
const protocol = z.object({ value: z.string().min(1), version: z.string().optional() });
const algorithm = z.object({ value: z.string().min(1), w3c: z.string().optional(), oid: z.string().optional(), minimumStrength: z.number().int().optional() });

const berichtstroomTemplate = z.object({
  berichtstroom: z.enum(BERICHTSTROMEN),
  description: z.string(),
  service: z.object({ value: noSpace, type: z.string().min(1) }),
  processSpecification: z.object({ name: z.string().min(1), version: z.string().min(1), href: z.string().min(1), uuid: z.string().optional() }),
  roles: z.object({ hub: z.object({ name: ncName, href: z.string().min(1) }), other: z.object({ name: ncName, href: z.string().min(1) }) })
    .refine((r) => r.hub.name !== r.other.name, 'hub and other role names must differ (DK-17)'),
  actions: z.array(z.object({ action: noSpace, from: z.enum(['hub', 'other', 'both']) })).min(1),
  timeToPerform: duration,
});
export type BerichtstroomTemplate = z.infer<typeof berichtstroomTemplate>;

const btc = z.object({
  isNonRepudiationRequired: z.boolean(), isNonRepudiationReceiptRequired: z.boolean(), isConfidential: level,
  isAuthenticated: level, isTamperProof: level, isAuthorizationRequired: z.boolean(), isIntelligibleCheckRequired: z.boolean(),
});

const profileSchema = z.object({
  label: z.string(),
  reliableMessaging: z.boolean(),
  MessagingCharacteristics: z.object({
    ackRequested: perMessage, ackSignatureRequested: perMessage, duplicateElimination: perMessage,
    actor: z.literal('urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH').optional(),
  }),
  BusinessTransactionCharacteristics: btc,
  nonRepudiation: z.boolean(),
  digitalEnvelope: z.boolean(),
});
export type ProfileTemplate = z.infer<typeof profileSchema>;

const profilesFile = z.object({
  xmlSignature: z.object({ NonRepudiationProtocol: protocol, HashFunction: z.string().min(1), SignatureAlgorithm: z.array(z.string().min(1)).min(1) }),
  xmlEncryption: z.object({ DigitalEnvelopeProtocol: protocol, EncryptionAlgorithm: z.array(algorithm).min(1) }),
  /** The ebms-core compatible encryption variant (issue 18): aes256-cbc first, RSA-1_5 key transport. */
  xmlEncryptionEbmsCore: z.object({ $comment: z.string().optional(), DigitalEnvelopeProtocol: protocol, EncryptionAlgorithm: z.array(algorithm).min(1) }),
  profiles: z.object(Object.fromEntries(DK_PROFILES.map((p) => [p, profileSchema])) as Record<DkProfile, typeof profileSchema>),
  defaults: z.object({
    profile: z.enum(DK_PROFILES), Retries: z.number().int().min(0), RetryInterval: duration, PersistDuration: duration,
    syncReplyMode: z.enum(['none', 'mshSignalsOnly']), TransportProtocol: protocol, TransportSecurityProtocol: protocol, cpaVersion: z.string().min(1),
  }),
});
export type ProfilesFile = z.infer<typeof profilesFile>;

/** Default location of the templates: `<packageRoot>/cpa-templates`. */
export function defaultTemplatesDir(): string {
  return join(packageRoot, 'cpa-templates');
}

const cache = new Map<string, unknown>();

function loadJson<T>(path: string, schema: z.ZodType<T>): T {
  const hit = cache.get(path);
  if (hit) return hit as T;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new GatewayError('ERR_CONFIG_INVALID', `CPA template ${path} cannot be read: ${(e as Error).message}`, { cause: e, expose: true });
  }
  const r = schema.safeParse(raw);
  if (!r.success) {
    throw new GatewayError('ERR_CONFIG_INVALID', `CPA template ${path} is invalid`, {
      expose: true,
      problems: r.error.issues.map((i) => ({ path: `${path}#/${i.path.join('/')}`, message: i.message })),
    });
  }
  cache.set(path, r.data);
  return r.data;
}

/** The template of one berichtstroom (cached per path). Throws ERR_CONFIG_INVALID when missing or invalid. */
export function loadBerichtstroomTemplate(berichtstroom: Berichtstroom, dir: string = defaultTemplatesDir()): BerichtstroomTemplate {
  const t = loadJson(join(dir, `${berichtstroom}.json`), berichtstroomTemplate);
  if (t.berichtstroom !== berichtstroom) {
    throw new GatewayError('ERR_CONFIG_INVALID', `CPA template ${berichtstroom}.json declares berichtstroom "${t.berichtstroom}"`, { expose: true });
  }
  return t;
}

/** profiles.json (cached per path). */
export function loadProfiles(dir: string = defaultTemplatesDir()): ProfilesFile {
  return loadJson(join(dir, 'profiles.json'), profilesFile);
}
