import { z } from 'zod';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import { generateCpa } from '../cpa/generate.js';
import { OIN_PATTERN, type CpaBeheerFields } from '../cpa/generate-input.js';
import { encryptionVariantOf } from '../cpa/encryption-variant.js';
import { BERICHTSTROMEN, DK_PROFILES, ENCRYPTION_VARIANTS } from '../cpa/templates.js';
import { hubIdentityFromConfig } from '../cpa/hub-identity.js';
import { activationOf, effectiveStatus, type ExpiryWarning } from '../cpa/lifecycle.js';
import type { CollaborationProtocolAgreement, PartyInfo } from '../cpa/model.js';
import type { CpaService, LoadedCpa } from '../cpa/service.js';
import type { CpaProblem } from '../cpa/validate-types.js';
import { parseCertificate } from '../pki/certificate.js';
import { oinOf } from '../registry/model.js';
import type { CpaEvent, CpaRecord, CpaStatus } from '../store/store.js';
import { actorOf, assertOperator } from './auth.js';
import type { ApiContext, Principal } from './context.js';
import { operation, type ApiModule } from './operation.js';
import { enumQuery } from './query.js';
import { idParams } from './schemas.js';

/**
 * CPA Beheer over REST (issue 3 §5, seed 002 §3.3): generate from the CPA Beheer fields, validate, import, list,
 * show, download and withdraw. Scoping: the hub operator sees and may do everything; an organisation sees the CPAs
 * whose party OIN is one of its registered OINs and may generate only for those OINs.
 */

export const CPA_STATUSES: readonly CpaStatus[] = ['aangevraagd', 'gegenereerd', 'geactiveerd', 'verlopen', 'ingetrokken'];


export const downloadPath = (cpaId: string): string => `/api/cpas/${encodeURIComponent(cpaId)}/xml`;

/** A stored CPA for lists: the record without its XML, with the effective status (End passed = verlopen). */
export function cpaSummary(rec: CpaRecord, now: Date = new Date()): Omit<CpaRecord, 'xml'> & { download: string } {
  const { xml: _xml, ...rest } = rec;
  return { ...rest, status: effectiveStatus(rec, now), download: downloadPath(rec.cpaId) };
}

function partyView(p: PartyInfo) {
  const role = p.CollaborationRole[0];
  return {
    partyName: p.partyName,
    partyIds: p.PartyId.map((id) => ({ value: id.value, ...(id.type ? { type: id.type } : {}) })),
    role: role?.Role.name ?? null,
    service: role?.ServiceBinding.Service.value ?? null,
    actions: { canSend: role?.ServiceBinding.CanSend.map((b) => b.ThisPartyActionBinding.action) ?? [], canReceive: role?.ServiceBinding.CanReceive.map((b) => b.ThisPartyActionBinding.action) ?? [] },
    endpoint: p.Transport[0]?.TransportReceiver?.Endpoint[0]?.uri ?? null,
    certificates: p.Certificate.map((c) => {
      try {
        const info = c.pem ? parseCertificate(c.pem) : null;
        return { certId: c.certId, subject: info?.subjectString ?? null, oin: info?.oin ?? null, notAfter: info?.validTo.toISOString() ?? null };
      } catch {
        return { certId: c.certId, subject: null, oin: null, notAfter: null };
      }
    }),
  };
}

/** The messaging profile as agreed: the first party's default channel (generated CPAs use one profile for both). */
function profileView(rec: CpaRecord, cpa: CollaborationProtocolAgreement) {
  const p = cpa.PartyInfo[0];
  const channel = p?.DeliveryChannel.find((c) => c.channelId === p.defaultMshChannelId) ?? p?.DeliveryChannel[0];
  const sender = p?.DocExchange.find((d) => d.docExchangeId === channel?.docExchangeId)?.ebXMLSenderBinding;
  return {
    name: rec.profile, berichtstroom: rec.berichtstroom, connectietype: rec.connectietype,
    ...(channel ? { ...channel.MessagingCharacteristics } : {}),
    retries: sender?.ReliableMessaging?.Retries ?? null,
    retryInterval: sender?.ReliableMessaging?.RetryInterval ?? null,
    persistDuration: sender?.PersistDuration ?? null,
    signed: Boolean(sender?.SenderNonRepudiation),
    encrypted: Boolean(sender?.SenderDigitalEnvelope),
    /** digikoppeling | ebms-core (issue 18), null when not encrypted. */
    encryption: encryptionVariantOf(cpa),
  };
}

/** One CPA in full: record fields, parties, profile, expiry warnings and lifecycle events. */
export function cpaDetail(loaded: LoadedCpa, warnings: ExpiryWarning[], events: CpaEvent[], now: Date = new Date()) {
  return { ...cpaSummary(loaded.record, now), activation: activationOf(loaded.record, events, now), parties: loaded.cpa.PartyInfo.map(partyView), profile: profileView(loaded.record, loaded.cpa), warnings, events };
}

/** Expiry warnings (30/7 days, End and certificates) for a CPA still in use; none for a withdrawn or expired one. */
export async function cpaWarnings(cpas: CpaService, rec: CpaRecord, now: Date = new Date()): Promise<ExpiryWarning[]> {
  const status = effectiveStatus(rec, now);
  if (status === 'verlopen' || status === 'ingetrokken') return [];
  const loaded = await cpas.get(rec.cpaId);
  return loaded ? cpas.warnings(loaded, now) : [];
}

function visible(p: Principal, rec: CpaRecord): boolean {
  return p.isOperator || p.organisation.oins.includes(oinOf(rec.partyOin));
}

async function visibleCpa(ctx: ApiContext, p: Principal, cpaId: string): Promise<LoadedCpa> {
  // Visibility first, from the record alone: another organisation's CPA is "not found" even when it cannot be parsed.
  const rec = await ctx.cpas.record(cpaId);
  if (!rec || !visible(p, rec)) throw new GatewayError('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`);
  const loaded = await ctx.cpas.get(cpaId);
  if (!loaded) throw new GatewayError('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`);
  return loaded;
}

/** The CPA XML of a request: a text/xml or application/xml body, or JSON {"xml": "..."}. */
function xmlOf(body: unknown): string {
  const xml = typeof body === 'string' ? body : body && typeof body === 'object' ? (body as { xml?: unknown }).xml : undefined;
  if (typeof xml !== 'string' || xml.trim() === '') {
    throw new ValidationError('a CPA document is required', [{ path: 'xml', message: 'send the CPA as a text/xml or application/xml body, or as JSON {"xml": "..."}' }]);
  }
  return xml;
}

/** The OINs a CPA Beheer request names (oin, or hrn in its OIN form `00000003{HRN}0000`), when well-formed. */
export function requestedOins(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof body.oin === 'string' && OIN_PATTERN.test(body.oin.trim())) out.push(oinOf(body.oin.trim()));
  if (typeof body.hrn === 'string' && /^\d{8}$/.test(body.hrn.trim())) out.push(`00000003${body.hrn.trim()}0000`);
  return out;
}

async function ownerOf(ctx: ApiContext, p: Principal, body: { organisationId?: string | undefined }, oins: string[], problems: Problem[]): Promise<string | null> {
  const requested = body.organisationId;
  if (!p.isOperator) {
    if (requested !== undefined && requested !== p.organisation.id) throw new GatewayError('ERR_FORBIDDEN', `organisation ${p.organisation.id} may not create CPAs for another organisation`);
    return p.organisation.id;
  }
  if (requested !== undefined) {
    if (typeof requested !== 'string' || !(await ctx.organisations.get(requested))) problems.push({ path: 'organisationId', message: `no organisation ${String(requested)}` });
    return typeof requested === 'string' ? requested : null;
  }
  return ctx.organisations.ownerForOins(oins);
}


const DATE = /^\d{4}-\d{2}-\d{2}$/;
const pem = (description: string) => z.string({ error: 'is required' }).max(20_000).meta({ description });

/** The CPA Beheer fields of POST /api/cpas (seed 002 §3.3.3); generateCpa checks the rest (certificates, dates, DK-37). */
const cpaBeheerFields = z.object({
  profielnaam: z.string({ error: 'is required' }).min(1, { error: 'is required' }).max(100, { error: 'must be at most 100 characters' }),
  oin: z.string().regex(/^\d{20}(_(O|T|A|OTA))?$/, { error: 'must be 20 digits, optionally followed by _O, _T, _A or _OTA (DK-15)' }).optional().meta({ description: 'give oin or hrn' }),
  hrn: z.string().regex(/^\d{8}$/, { error: 'must be an 8-digit KvK number (Handelsregisternummer)' }).optional()
    .meta({ description: 'KvK number of an external service provider; becomes OIN 00000003{hrn}0000' }),
  ingangsdatum: z.string({ error: 'must be a date YYYY-MM-DD' }).regex(DATE, { error: 'must be a date YYYY-MM-DD' }).meta({ format: 'date' }),
  einddatum: z.string({ error: 'must be a date YYYY-MM-DD' }).regex(DATE, { error: 'must be a date YYYY-MM-DD' }).meta({ format: 'date' }),
  connectietype: z.enum(['diginetwerk', 'internet'], { error: 'must be diginetwerk or internet' }),
  endpoint: z.string({ error: 'must be an absolute https:// URL' }).max(2000).regex(/^https:\/\/[^/\s]+/i, { error: 'must be an absolute https:// URL' })
    .meta({ format: 'uri', description: 'https; host must match the server certificate (DK-37)' }),
  serverCertPem: pem('PEM'), clientCertPem: pem('PEM'), signingCertPem: pem('PEM; default: the client certificate').optional(),
  berichtstroom: z.enum(BERICHTSTROMEN as unknown as [string, ...string[]], { error: `must be one of ${BERICHTSTROMEN.join(', ')}` }).optional().meta({ description: 'default ijw' }),
  profile: z.enum(DK_PROFILES as unknown as [string, ...string[]], { error: `must be one of ${DK_PROFILES.join(', ')}` }).optional().meta({ description: 'default osb-rm-s' }),
  syncReplyMode: z.enum(['none', 'mshSignalsOnly'], { error: 'must be none or mshSignalsOnly (DK-06)' }).optional(),
  retries: z.number({ error: 'must be a whole number from 0 to 100' }).int({ error: 'must be a whole number from 0 to 100' })
    .min(0, { error: 'must be a whole number from 0 to 100' }).max(100, { error: 'must be a whole number from 0 to 100' }).optional(),
  retryInterval: z.string().max(50).optional().meta({ examples: ['PT3H'] }),
  persistDuration: z.string().max(50).optional()
    .meta({ examples: ['P2D'], description: 'raised to TimeToLive = RetryInterval x (Retries + 1) when shorter, with a warning (DK-08)' }),
  encryption: z.enum(ENCRYPTION_VARIANTS as unknown as [string, ...string[]], { error: `must be one of ${ENCRYPTION_VARIANTS.join(', ')}` }).optional().meta({
    description: 'XML Encryption of osb-be-e/osb-rm-e: digikoppeling (default) = AES-256-GCM + RSA-OAEP (DK-28); ebms-core = aes256-cbc + RSA-1_5 '
      + 'for eluinstra/ebms-core adapters, weaker than DK-28 (the response carries a warning)',
  }),
  organisationId: z.string().optional().meta({ description: 'owning organisation (hub operator only; default: the organisation registered with the OIN)' }),
}, { error: 'must be a JSON object with the CPA Beheer fields' }).strict();

const xmlBody = z.union([
  z.string(),
  z.object({ xml: z.string(), overwrite: z.boolean().optional(), organisationId: z.string().optional() }).strict(),
], { error: 'send the CPA as a text/xml or application/xml body, or as JSON {"xml": "..."}' });
const XML_TYPES = ['text/xml', 'application/xml', 'application/json'];

const cpaProblem = z.object({ code: z.string(), severity: z.enum(['error', 'warning']), location: z.string(), message: z.string() });
const warning = z.object({ what: z.string(), threshold: z.number(), message: z.string() }).loose();
const created = z.object({ cpaId: z.string(), status: z.string(), download: z.string(), warnings: z.array(z.unknown()) });
const cpaSummarySchema = z.object({
  cpaId: z.string(), status: z.enum(CPA_STATUSES as [CpaStatus, ...CpaStatus[]]), source: z.string(), profielnaam: z.string().nullable(),
  partyOin: z.string(), partyName: z.string().nullable(), organisationId: z.string().nullable(), berichtstroom: z.string().nullable(),
  profile: z.string().nullable(), connectietype: z.string().nullable(), startAt: z.string(), endAt: z.string(), createdAt: z.string(),
  updatedAt: z.string(), activatedAt: z.string().nullable(), download: z.string(),
}).loose();
const cpaId = idParams('CPAId (DK-18)');

export const cpaModule: ApiModule = (ctx) => [
  operation({
    method: 'get', path: '/cpas', operationId: 'listCpas', tag: 'cpas',
    summary: 'List CPAs (the hub operator sees all; an organisation those of its OINs), with effective status and expiry warnings',
    query: z.object({ status: enumQuery(CPA_STATUSES as [CpaStatus, ...CpaStatus[]], 'only CPAs with this status') }).strict(),
    responses: { 200: { description: 'OK', schema: z.object({ cpas: z.array(cpaSummarySchema.extend({ warnings: z.array(warning) })) }) } },
    handler: async ({ query, principal }) => {
      const now = new Date();
      const list = (await ctx.cpas.list()).filter((rec) => visible(principal, rec) && (!query.status || rec.status === query.status));
      return { cpas: await Promise.all(list.map(async (rec) => ({ ...cpaSummary(rec, now), warnings: await cpaWarnings(ctx.cpas, rec, now) }))) };
    },
  }),
  operation({
    method: 'post', path: '/cpas', operationId: 'generateCpa', tag: 'cpas', summary: 'Generate a CPA from the CPA Beheer fields; the hub is the other party',
    body: { schema: cpaBeheerFields },
    responses: { 201: { description: 'Created', schema: created } },
    errors: { 403: 'Not authorised for this OIN' },
    handler: async ({ body, principal: p, res }) => {
      const oins = requestedOins(body);
      const denied = p.isOperator ? [] : oins.filter((o) => !p.organisation.oins.includes(o));
      if (denied.length > 0) throw new GatewayError('ERR_FORBIDDEN', `organisation ${p.organisation.id} is not authorised for OIN ${denied.join(', ')}`);
      const problems: Problem[] = [];
      const organisationId = await ownerOf(ctx, p, body, oins, problems);
      const { organisationId: _o, ...fields } = body;
      if (problems.length > 0) {
        // Report every problem at once: also those of the fields themselves (a dry run that stores nothing).
        try {
          generateCpa(fields as unknown as CpaBeheerFields, { hub: hubIdentityFromConfig(ctx.config) });
        } catch (e) {
          if (!(e instanceof ValidationError)) throw e;
          problems.push(...e.problems);
        }
        throw new ValidationError(`CPA Beheer input is invalid: ${problems.length} problem(s)`, problems);
      }
      const gen = await ctx.cpas.generate(fields as unknown as CpaBeheerFields, { ...(organisationId ? { organisationId } : {}), actor: actorOf(p) });
      res.location(`/api/cpas/${encodeURIComponent(gen.cpaId)}`);
      return { cpaId: gen.cpaId, status: gen.record.status, download: downloadPath(gen.cpaId), warnings: gen.warnings };
    },
  }),
  operation({
    method: 'post', path: '/cpas/validate', operationId: 'validateCpa', tag: 'cpas',
    summary: 'Validate a CPA (XSD structure and Digikoppeling rules); nothing is stored',
    body: { schema: xmlBody, contentTypes: XML_TYPES, required: false },
    responses: { 200: { description: 'The verdict', schema: z.object({ valid: z.boolean(), problems: z.array(cpaProblem) }) } },
    errors: { 413: 'Too large' },
    handler: async ({ body }) => {
      const result = ctx.cpas.validate(xmlOf(body));
      const problems: CpaProblem[] = [...result.problems];
      if (result.cpa && !ctx.cpas.selfParty(result.cpa)) {
        // The same refusal as import: a CPA this knooppunt is not a party of cannot be used here.
        problems.push({ code: 'PARTYID_TYPE', severity: 'error', location: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: `no party has this knooppunt's OIN ${ctx.config.hub.oin}` });
      }
      return { valid: !problems.some((x) => x.severity === 'error'), problems };
    },
  }),
  operation({
    method: 'post', path: '/cpas/import', operationId: 'importCpa', tag: 'cpas', summary: 'Import a CPA (hub operator only); ?overwrite=true replaces an existing one',
    query: z.object({ overwrite: enumQuery(['true', '1', 'false', '0'], 'replace an existing CPA with this CPAId') }).strict(),
    body: { schema: xmlBody, contentTypes: XML_TYPES, required: false },
    responses: { 201: { description: 'Imported', schema: created } },
    errors: { 403: 'Not the hub operator', 409: 'Exists', 413: 'Too large', 422: 'Invalid CPA: every problem with severity and location' },
    handler: async ({ query, body, principal, res }) => {
      assertOperator(principal);
      const json: { overwrite?: boolean | undefined; organisationId?: string | undefined } = body && typeof body === 'object' ? body : {};
      const overwrite = json.overwrite === true || query.overwrite === 'true' || query.overwrite === '1';
      const organisationId = json.organisationId;
      if (organisationId && !(await ctx.organisations.get(organisationId))) {
        throw new ValidationError('invalid import', [{ path: 'organisationId', message: `no organisation ${organisationId}` }]);
      }
      const { record, warnings } = await ctx.cpas.import(xmlOf(body), { overwrite, ...(organisationId ? { organisationId } : {}), actor: actorOf(principal) });
      res.location(`/api/cpas/${encodeURIComponent(record.cpaId)}`);
      return { cpaId: record.cpaId, status: record.status, download: downloadPath(record.cpaId), warnings };
    },
  }),
  operation({
    method: 'get', path: '/cpas/{id}', operationId: 'getCpa', tag: 'cpas', summary: 'One CPA: record, parties, profile, warnings and lifecycle events',
    params: cpaId,
    responses: { 200: { description: 'OK', schema: cpaSummarySchema.extend({ parties: z.array(z.unknown()), profile: z.unknown(), warnings: z.array(warning), events: z.array(z.unknown()) }) } },
    errors: { 404: 'Not found or not visible' },
    handler: async ({ params, principal }) => {
      const loaded = await visibleCpa(ctx, principal, params.id);
      const now = new Date();
      return cpaDetail(loaded, await cpaWarnings(ctx.cpas, loaded.record, now), await ctx.cpas.events(loaded.record.cpaId), now);
    },
  }),
  operation({
    method: 'get', path: '/cpas/{id}/xml', operationId: 'downloadCpa', tag: 'cpas', summary: 'Download the CPA XML',
    params: cpaId,
    responses: { 200: { description: 'The CPA', contentType: 'application/xml' } },
    errors: { 404: 'Not found or not visible' },
    handler: async ({ params, principal, res }) => {
      const { record } = await visibleCpa(ctx, principal, params.id);
      res.type('application/xml');
      res.setHeader('Content-Disposition', `attachment; filename="${record.cpaId.replace(/[^A-Za-z0-9._-]/g, '_')}.xml"`);
      res.send(record.xml);
    },
  }),
  operation({
    method: 'delete', path: '/cpas/{id}', operationId: 'withdrawCpa', tag: 'cpas', summary: 'Withdraw a CPA (status ingetrokken)',
    params: cpaId,
    responses: { 200: { description: 'The withdrawn CPA', schema: cpaSummarySchema } },
    errors: { 404: 'Not found or not visible', 409: 'Already withdrawn or expired' },
    handler: async ({ params, principal }) => {
      const { record } = await visibleCpa(ctx, principal, params.id);
      return cpaSummary(await ctx.cpas.withdraw(record.cpaId, `by ${principal.organisation.id}`, actorOf(principal)));
    },
  }),
];
