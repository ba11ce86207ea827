import express, { Router, type Request, type Response } from 'express';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import { generateCpa } from '../cpa/generate.js';
import { OIN_PATTERN, type CpaBeheerFields } from '../cpa/generate-input.js';
import { hubIdentityFromConfig } from '../cpa/hub-identity.js';
import { effectiveStatus, type ExpiryWarning } from '../cpa/lifecycle.js';
import type { CollaborationProtocolAgreement, PartyInfo } from '../cpa/model.js';
import type { CpaService, LoadedCpa } from '../cpa/service.js';
import type { CpaProblem } from '../cpa/validate-types.js';
import { parseCertificate } from '../pki/certificate.js';
import { oinOf } from '../registry/model.js';
import type { CpaEvent, CpaRecord, CpaStatus, Store } from '../store/store.js';
import type { ApiModule } from './app.js';
import { principalOf, requireOperator } from './auth.js';
import type { ApiContext, Principal } from './context.js';

/**
 * CPA Beheer over REST (issue 3 §5, seed 002 §3.3): generate from the CPA Beheer fields, validate, import, list,
 * show, download and withdraw. Scoping: the hub operator sees and may do everything; an organisation sees the CPAs
 * whose party OIN is one of its registered OINs and may generate only for those OINs.
 */

export const CPA_STATUSES: readonly CpaStatus[] = ['aangevraagd', 'gegenereerd', 'geactiveerd', 'verlopen', 'ingetrokken'];

/** The CPA Beheer fields accepted by POST /api/cpas (seed 002 §3.3.3) plus the owning organisation. */
const FIELDS: readonly string[] = [
  'profielnaam', 'oin', 'hrn', 'ingangsdatum', 'einddatum', 'connectietype', 'endpoint', 'serverCertPem', 'clientCertPem',
  'signingCertPem', 'berichtstroom', 'profile', 'syncReplyMode', 'retries', 'retryInterval', 'persistDuration', 'organisationId',
];

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
  };
}

/** One CPA in full: record fields, parties, profile, expiry warnings and lifecycle events. */
export function cpaDetail(loaded: LoadedCpa, warnings: ExpiryWarning[], events: CpaEvent[], now: Date = new Date()) {
  return { ...cpaSummary(loaded.record, now), parties: loaded.cpa.PartyInfo.map(partyView), profile: profileView(loaded.record, loaded.cpa), warnings, events };
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

async function visibleCpa(ctx: ApiContext, res: Response, cpaId: string): Promise<LoadedCpa> {
  // Visibility first, from the record alone: another organisation's CPA is "not found" even when it cannot be parsed.
  const rec = await ctx.cpas.record(cpaId);
  if (!rec || !visible(principalOf(res), rec)) throw new GatewayError('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`);
  const loaded = await ctx.cpas.get(cpaId);
  if (!loaded) throw new GatewayError('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`);
  return loaded;
}

/** The CPA XML of a request: a text/xml or application/xml body, or JSON {"xml": "..."}. */
function xmlOf(req: Request): string {
  const body: unknown = req.body;
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

async function ownerOf(ctx: ApiContext, p: Principal, body: Record<string, unknown>, oins: string[], problems: Problem[]): Promise<string | null> {
  const requested = body.organisationId;
  if (!p.isOperator) {
    if (requested !== undefined && requested !== p.organisation.id) throw new GatewayError('ERR_FORBIDDEN', `organisation ${p.organisation.id} may not create CPAs for another organisation`);
    return p.organisation.id;
  }
  if (requested !== undefined) {
    if (typeof requested !== 'string' || !(await ctx.organisations.get(requested))) problems.push({ path: 'organisationId', message: `no organisation ${String(requested)}` });
    return typeof requested === 'string' ? requested : null;
  }
  return organisationForOins(ctx.store, oins);
}

/** The owner of a new CPA when none is named: the one organisation registered with its OIN, if exactly one. */
export async function organisationForOins(store: Store, oins: string[]): Promise<string | null> {
  const found = oins.length === 1 ? (await store.organisations.findByOin(oins[0]!)).filter((o) => o.kind !== 'knooppunt') : [];
  return found.length === 1 ? found[0]!.id : null;
}

export function cpaRoutes(ctx: ApiContext): Router {
  const r = Router();
  const xmlBody = express.text({ type: ['text/xml', 'application/xml'], limit: ctx.config.limits.apiMaxBytes });

  r.post('/cpas', async (req, res) => {
    const p = principalOf(res);
    const body: unknown = req.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new ValidationError('CPA Beheer input is invalid: 1 problem(s)', [{ path: '(body)', message: 'must be a JSON object with the CPA Beheer fields' }]);
    }
    const b = body as Record<string, unknown>;
    const oins = requestedOins(b);
    const denied = p.isOperator ? [] : oins.filter((o) => !p.organisation.oins.includes(o));
    if (denied.length > 0) throw new GatewayError('ERR_FORBIDDEN', `organisation ${p.organisation.id} is not authorised for OIN ${denied.join(', ')}`);
    const problems: Problem[] = Object.keys(b).filter((k) => !FIELDS.includes(k)).map((k) => ({ path: k, message: 'is not a CPA Beheer field' }));
    const organisationId = await ownerOf(ctx, p, b, oins, problems);
    const { organisationId: _o, ...fields } = b;
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
    const gen = await ctx.cpas.generate(fields as unknown as CpaBeheerFields, { ...(organisationId ? { organisationId } : {}) });
    res.status(201).location(`/api/cpas/${encodeURIComponent(gen.cpaId)}`)
      .json({ cpaId: gen.cpaId, status: gen.record.status, download: downloadPath(gen.cpaId), warnings: gen.warnings });
  });

  r.post('/cpas/validate', xmlBody, async (req, res) => {
    principalOf(res);
    const result = ctx.cpas.validate(xmlOf(req));
    const problems: CpaProblem[] = [...result.problems];
    if (result.cpa && !ctx.cpas.selfParty(result.cpa)) {
      // The same refusal as import: a CPA this knooppunt is not a party of cannot be used here.
      problems.push({ code: 'PARTYID_TYPE', severity: 'error', location: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: `no party has this knooppunt's OIN ${ctx.config.hub.oin}` });
    }
    res.json({ valid: !problems.some((x) => x.severity === 'error'), problems });
  });

  const operatorOnly = (_req: Request, res: Response, next: () => void) => { requireOperator(res); next(); };
  r.post('/cpas/import', operatorOnly, xmlBody, async (req, res) => {
    const json = req.body && typeof req.body === 'object' ? (req.body as { overwrite?: unknown; organisationId?: unknown }) : {};
    const overwrite = json.overwrite === true || req.query.overwrite === 'true' || req.query.overwrite === '1';
    const organisationId = typeof json.organisationId === 'string' ? json.organisationId : undefined;
    if (organisationId && !(await ctx.organisations.get(organisationId))) {
      throw new ValidationError('invalid import', [{ path: 'organisationId', message: `no organisation ${organisationId}` }]);
    }
    const { record, warnings } = await ctx.cpas.import(xmlOf(req), { overwrite, ...(organisationId ? { organisationId } : {}) });
    res.status(201).location(`/api/cpas/${encodeURIComponent(record.cpaId)}`)
      .json({ cpaId: record.cpaId, status: record.status, download: downloadPath(record.cpaId), warnings });
  });

  r.get('/cpas', async (req, res) => {
    const p = principalOf(res);
    const status = req.query.status;
    if (status !== undefined && !CPA_STATUSES.includes(status as CpaStatus)) {
      throw new ValidationError('invalid query', [{ path: 'status', message: `must be one of ${CPA_STATUSES.join(', ')}` }]);
    }
    const now = new Date();
    const list = (await ctx.cpas.list()).filter((rec) => visible(p, rec) && (!status || rec.status === status));
    res.json({ cpas: await Promise.all(list.map(async (rec) => ({ ...cpaSummary(rec, now), warnings: await cpaWarnings(ctx.cpas, rec, now) }))) });
  });

  r.get('/cpas/:id', async (req, res) => {
    const loaded = await visibleCpa(ctx, res, req.params.id);
    const now = new Date();
    res.json(cpaDetail(loaded, await cpaWarnings(ctx.cpas, loaded.record, now), await ctx.cpas.events(loaded.record.cpaId), now));
  });

  r.get('/cpas/:id/xml', async (req, res) => {
    const { record } = await visibleCpa(ctx, res, req.params.id);
    res.type('application/xml');
    res.setHeader('Content-Disposition', `attachment; filename="${record.cpaId.replace(/[^A-Za-z0-9._-]/g, '_')}.xml"`);
    res.send(record.xml);
  });

  r.delete('/cpas/:id', async (req, res) => {
    const { record } = await visibleCpa(ctx, res, req.params.id);
    const updated = await ctx.cpas.withdraw(record.cpaId, `by ${principalOf(res).organisation.id}`);
    res.json(cpaSummary(updated));
  });
  return r;
}

const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'CPAId (DK-18)' }];
const xmlRequest = {
  content: {
    'text/xml': { schema: { type: 'string' } },
    'application/xml': { schema: { type: 'string' } },
    'application/json': { schema: { type: 'object', required: ['xml'], properties: { xml: { type: 'string' }, overwrite: { type: 'boolean' }, organisationId: { type: 'string' } } } },
  },
};
const problemsResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

const cpaBeheerFields = {
  type: 'object',
  required: ['profielnaam', 'ingangsdatum', 'einddatum', 'connectietype', 'endpoint', 'serverCertPem', 'clientCertPem'],
  properties: {
    profielnaam: { type: 'string', maxLength: 100 },
    oin: { type: 'string', pattern: '^\\d{20}(_(O|T|A|OTA))?$', description: 'give oin or hrn' },
    hrn: { type: 'string', pattern: '^\\d{8}$', description: 'KvK number of an external service provider; becomes OIN 00000003{hrn}0000' },
    ingangsdatum: { type: 'string', format: 'date' },
    einddatum: { type: 'string', format: 'date' },
    connectietype: { enum: ['diginetwerk', 'internet'] },
    endpoint: { type: 'string', format: 'uri', description: 'https; host must match the server certificate (DK-37)' },
    serverCertPem: { type: 'string' }, clientCertPem: { type: 'string' }, signingCertPem: { type: 'string' },
    berichtstroom: { enum: ['iwmo', 'ijw', 'ieb', 'ipgb', 'pgb'], default: 'ijw' },
    profile: { enum: ['osb-be', 'osb-rm', 'osb-be-s', 'osb-rm-s', 'osb-be-e', 'osb-rm-e'], default: 'osb-rm-s' },
    syncReplyMode: { enum: ['none', 'mshSignalsOnly'], default: 'none' },
    retries: { type: 'integer', minimum: 0, maximum: 100 }, retryInterval: { type: 'string', example: 'PT3H' }, persistDuration: { type: 'string', example: 'P1D' },
    organisationId: { type: 'string', description: 'owning organisation (hub operator only; default: the organisation registered with the OIN)' },
  },
};

export const cpaPaths = {
  '/cpas': {
    get: {
      summary: 'List CPAs (the hub operator sees all; an organisation those of its OINs), with effective status and expiry warnings',
      parameters: [{ name: 'status', in: 'query', required: false, schema: { enum: [...CPA_STATUSES] } }],
      responses: { 200: { description: 'OK' }, 400: problemsResponse('Unknown status') },
    },
    post: {
      summary: 'Generate a CPA from the CPA Beheer fields; the hub is the other party',
      requestBody: { content: { 'application/json': { schema: cpaBeheerFields } } },
      responses: { 201: { description: 'Created: {cpaId, status, download, warnings}' }, 400: problemsResponse('Invalid input: every problem with its field'), 403: problemsResponse('Not authorised for this OIN') },
    },
  },
  '/cpas/validate': {
    post: { summary: 'Validate a CPA (XSD structure and Digikoppeling rules); nothing is stored', requestBody: xmlRequest, responses: { 200: { description: '{valid, problems: [{code, severity, location, message}]}' }, 413: problemsResponse('Too large') } },
  },
  '/cpas/import': {
    post: {
      summary: 'Import a CPA (hub operator only); ?overwrite=true replaces an existing one',
      requestBody: xmlRequest,
      parameters: [{ name: 'overwrite', in: 'query', required: false, schema: { type: 'boolean' } }],
      responses: { 201: { description: 'Imported' }, 403: problemsResponse('Not the hub operator'), 409: problemsResponse('Exists'), 422: problemsResponse('Invalid CPA: every problem with severity and location') },
    },
  },
  '/cpas/{id}': {
    get: { summary: 'One CPA: record, parties, profile, warnings and lifecycle events', parameters: idParam, responses: { 200: { description: 'OK' }, 404: problemsResponse('Not found or not visible') } },
    delete: { summary: 'Withdraw a CPA (status ingetrokken)', parameters: idParam, responses: { 200: { description: 'The withdrawn CPA' }, 404: problemsResponse('Not found'), 409: problemsResponse('Already withdrawn or expired') } },
  },
  '/cpas/{id}/xml': {
    get: { summary: 'Download the CPA XML', parameters: idParam, responses: { 200: { description: 'The CPA', content: { 'application/xml': { schema: { type: 'string' } } } }, 404: problemsResponse('Not found') } },
  },
};

export const cpaModule: ApiModule = { router: cpaRoutes, paths: cpaPaths };
