import { noAudit, SYSTEM, type Actor, type AuditLog } from '../audit.js';
import { GatewayError } from '../errors.js';
import { oinOf } from '../registry/model.js';
import type { Logger } from '../log.js';
import type { CpaRecord, CpaStatus, Store } from '../store/store.js';
import { generateCpa, type GeneratedCpa, type HubIdentity } from './generate.js';
import type { CpaBeheerFields } from './generate-input.js';
import { ENCRYPTION_CHOICES } from './encryption-variant.js';
import { ACTIVATED_BY_PING, ACTIVATED_BY_PONG, canTransition, effectiveStatus, expiryWarnings, type ExpiryWarning } from './lifecycle.js';
import type { CollaborationProtocolAgreement, PartyInfo } from './model.js';
import { ownCertificateMismatches, type CertificateMismatch } from './own-certificates.js';
import { parseCpa } from './parse.js';
import { recogniseBerichtstroom, recogniseProfile } from './recognise.js';
import { toProblems, validateCpaXml, type CpaValidationResult } from './validate.js';

/** A CPA as the MSH and the API use it: the stored record and the parsed model. */
export interface LoadedCpa {
  record: CpaRecord;
  cpa: CollaborationProtocolAgreement;
}

export interface CpaServiceOptions {
  store: Store;
  hub: HubIdentity;
  logger: Logger;
  templatesDir?: string;
  allowLegacySha1?: boolean;
  /** Audit trail of generate, import, activate and withdraw (issue 10 §11). */
  audit?: AuditLog;
  /** The configured trust anchors (tls.trustAnchors): `generate` warns about certificates that do not chain to them. */
  trustAnchors?: readonly string[];
  /** Raised for every expiry warning found by `sweep()` (the metrics gauge listens). */
  onWarning?: (cpaId: string, w: ExpiryWarning) => void;
}


/**
 * CPA Beheer: generate from the CPA Beheer fields, import any CPA (validated, every problem reported), keep the
 * lifecycle, and give the MSH a parsed, cached CPA by CPAId. "Our" party in a CPA is the one whose PartyId is the
 * OIN of this knooppunt (config hub.oin): the hub in its own CPAs, or the adapter in a CPA imported from a hub.
 */
export class CpaService {
  readonly #o: CpaServiceOptions;
  readonly #cache = new Map<string, LoadedCpa>();

  constructor(options: CpaServiceOptions) {
    this.#o = options;
  }

  /** The party in `cpa` that is not this knooppunt. */
  otherParty(cpa: CollaborationProtocolAgreement): PartyInfo | undefined {
    return cpa.PartyInfo.find((p) => !p.PartyId.some((id) => oinOf(id.value) === this.#o.hub.oin));
  }

  selfParty(cpa: CollaborationProtocolAgreement): PartyInfo | undefined {
    return cpa.PartyInfo.find((p) => p.PartyId.some((id) => oinOf(id.value) === this.#o.hub.oin));
  }

  get #audit(): AuditLog {
    return this.#o.audit ?? noAudit;
  }

  /**
   * The choice of XML Encryption for osb-be-e/osb-rm-e (CpaBeheerFields.encryption), for the CPA Beheer form:
   * value, description and the warning to show with it (issue 18).
   */
  encryptionChoices(): typeof ENCRYPTION_CHOICES {
    return ENCRYPTION_CHOICES;
  }

  async generate(fields: CpaBeheerFields, opts: { organisationId?: string; now?: Date; actor?: Actor } = {}): Promise<GeneratedCpa & { record: CpaRecord }> {
    const gen = generateCpa(fields, { hub: this.#o.hub, ...(opts.now ? { now: opts.now } : {}), ...(this.#o.templatesDir ? { templatesDir: this.#o.templatesDir } : {}), ...(this.#o.trustAnchors ? { trustAnchors: this.#o.trustAnchors } : {}) });
    const now = (opts.now ?? new Date()).toISOString();
    const record: CpaRecord = {
      cpaId: gen.cpaId, status: 'gegenereerd', source: 'generated', xml: gen.xml, profielnaam: fields.profielnaam,
      partyOin: gen.party.oin, partyName: gen.party.partyName, organisationId: opts.organisationId ?? null,
      berichtstroom: gen.berichtstroom, profile: gen.profile, connectietype: fields.connectietype,
      startAt: gen.cpa.Start.toISOString(), endAt: gen.cpa.End.toISOString(), createdAt: now, updatedAt: now, activatedAt: null,
    };
    await this.#o.store.cpas.insert(record, { at: now, event: 'gegenereerd', detail: `profile ${gen.profile}, ${fields.connectietype}${gen.profile.endsWith('-e') ? `, encryption ${gen.encryption}` : ''}` });
    this.#audit.record(opts.actor ?? SYSTEM, 'cpa.generate', gen.cpaId, { partyOin: gen.party.oin, profile: gen.profile, organisationId: record.organisationId });
    return { ...gen, record };
  }

  validate(xml: string): CpaValidationResult & { cpa?: CollaborationProtocolAgreement } {
    return validateCpaXml(xml, { allowLegacySha1: this.#o.allowLegacySha1 ?? false });
  }

  /** Import a CPA made elsewhere (or by a hub, on an adapter). It must validate and name this knooppunt as a party. */
  async import(xml: string, opts: { overwrite?: boolean; organisationId?: string; actor?: Actor } = {}): Promise<{ record: CpaRecord; warnings: CpaValidationResult['problems'] }> {
    const result = this.validate(xml);
    const problems = [...result.problems];
    const cpa = result.cpa;
    if (cpa && !this.selfParty(cpa)) {
      problems.push({ code: 'PARTYID_TYPE', severity: 'error', location: '/CollaborationProtocolAgreement/PartyInfo/PartyId', message: `no party has this knooppunt's OIN ${this.#o.hub.oin}` });
    }
    // Issue 10 item 3: this node's own certificates must be its party's in the CPA; say which one differs.
    const self = cpa ? this.selfParty(cpa) : undefined;
    if (cpa && self) problems.push(...this.#mismatches(cpa, self).map((m) => ({ code: 'CERTIFICATE' as const, severity: 'warning' as const, location: m.location, message: m.message })));
    if (!cpa || problems.some((p) => p.severity === 'error')) {
      throw new GatewayError('ERR_CPA_INVALID', `CPA is not valid: ${problems.filter((p) => p.severity === 'error').length} error(s)`, { problems: toProblems(problems) });
    }
    const existing = await this.#o.store.cpas.get(cpa.cpaid);
    if (existing && !opts.overwrite) throw new GatewayError('ERR_CONFLICT', `CPA ${cpa.cpaid} exists; import with overwrite to replace it`);
    const other = this.otherParty(cpa)!;
    const now = new Date().toISOString();
    const partyOin = other.PartyId[0]?.value ?? '';
    const record: CpaRecord = {
      cpaId: cpa.cpaid, status: 'gegenereerd', source: 'imported', xml, profielnaam: null,
      partyOin, partyName: other.partyName, organisationId: opts.organisationId ?? existing?.organisationId ?? (await this.#organisationOf(partyOin)),
      berichtstroom: recogniseBerichtstroom(cpa, this.#o.templatesDir), profile: recogniseProfile(other), connectietype: null, startAt: cpa.Start.toISOString(), endAt: cpa.End.toISOString(),
      createdAt: existing?.createdAt ?? now, updatedAt: now, activatedAt: null,
    };
    await (existing ? this.#o.store.cpas.replace(record, { at: now, event: 'opnieuw geïmporteerd', detail: null }) : this.#o.store.cpas.insert(record, { at: now, event: 'geïmporteerd', detail: null }));
    this.#cache.delete(cpa.cpaid);
    this.#audit.record(opts.actor ?? SYSTEM, 'cpa.import', cpa.cpaid, { partyOin: record.partyOin, overwrite: Boolean(existing), organisationId: record.organisationId });
    return { record, warnings: problems.filter((p) => p.severity === 'warning') };
  }

  /** The one registered organisation (not the knooppunt itself) whose OINs include the party's OIN, if exactly one. */
  async #organisationOf(partyOin: string): Promise<string | null> {
    const found = (await this.#o.store.organisations.findByOin(oinOf(partyOin))).filter((o) => o.kind !== 'knooppunt');
    return found.length === 1 ? found[0]!.id : null;
  }

  #mismatches(cpa: CollaborationProtocolAgreement, self: PartyInfo): CertificateMismatch[] {
    const h = this.#o.hub;
    return ownCertificateMismatches(cpa, self, { serverCertPem: h.serverCertPem, clientCertPem: h.clientCertPem, signingCertPem: h.signingCertPem });
  }

  /**
   * At start-up (issue 10 item 3): every CPA still in use whose own-party certificates differ from this node's
   * configured TLS server, client or signing certificate, with each difference.
   */
  async certificateCheck(now: Date = new Date()): Promise<{ cpaId: string; mismatches: CertificateMismatch[] }[]> {
    const out: { cpaId: string; mismatches: CertificateMismatch[] }[] = [];
    for (const rec of await this.#o.store.cpas.list()) {
      const status = effectiveStatus(rec, now);
      if (status === 'verlopen' || status === 'ingetrokken') continue;
      const loaded = await this.get(rec.cpaId);
      const self = loaded ? this.selfParty(loaded.cpa) : undefined;
      const mismatches = loaded && self ? this.#mismatches(loaded.cpa, self) : [];
      if (mismatches.length > 0) out.push({ cpaId: rec.cpaId, mismatches });
    }
    return out;
  }

  /** The CPA with its model, cached until it changes. */
  async get(cpaId: string): Promise<LoadedCpa | null> {
    const record = await this.#o.store.cpas.get(cpaId);
    if (!record) return null;
    const cached = this.#cache.get(cpaId);
    if (cached && cached.record.updatedAt === record.updatedAt && cached.record.status === record.status) return cached;
    const loaded = { record, cpa: parseCpa(record.xml) };
    this.#cache.set(cpaId, loaded);
    return loaded;
  }

  /** The stored record only (nothing parsed): for visibility checks before anything else is read. */
  async record(cpaId: string): Promise<CpaRecord | null> {
    return this.#o.store.cpas.get(cpaId);
  }

  async require(cpaId: string): Promise<LoadedCpa> {
    const c = await this.get(cpaId);
    if (!c) throw new GatewayError('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`);
    return c;
  }

  async list(filter?: { status?: CpaStatus; partyOins?: string[] }): Promise<CpaRecord[]> {
    const now = new Date();
    return (await this.#o.store.cpas.list(filter)).map((r) => ({ ...r, status: effectiveStatus(r, now) }));
  }

  /**
   * A successful Ping Pong activates the CPA (seed 002 §3.3.5) on both sides: `by: 'pong'` when this side sent the
   * Ping and got the Pong, `by: 'ping'` when the other party's authenticated Ping was answered with our Pong.
   */
  async activate(cpaId: string, detail: string, by: 'pong' | 'ping' = 'pong', actor: Actor = SYSTEM): Promise<CpaRecord> {
    const rec = await this.#transition(cpaId, 'geactiveerd', by === 'pong' ? ACTIVATED_BY_PONG : ACTIVATED_BY_PING, detail);
    this.#audit.record(actor, 'cpa.activate', cpaId, { detail, by });
    return rec;
  }

  async withdraw(cpaId: string, detail: string | null = null, actor: Actor = SYSTEM): Promise<CpaRecord> {
    const rec = await this.#transition(cpaId, 'ingetrokken', 'ingetrokken', detail);
    this.#audit.record(actor, 'cpa.withdraw', cpaId, { detail });
    return rec;
  }

  async events(cpaId: string) {
    return this.#o.store.cpas.events(cpaId);
  }

  warnings(loaded: LoadedCpa, now: Date = new Date()): ExpiryWarning[] {
    return expiryWarnings(loaded.cpa, now);
  }

  /** Mark CPAs whose End passed as verlopen and report expiry warnings (run at start and periodically). */
  async sweep(now: Date = new Date()): Promise<{ expired: string[]; warnings: number }> {
    const expired: string[] = [];
    let warnings = 0;
    for (const rec of await this.#o.store.cpas.list()) {
      if (effectiveStatus(rec, now) === 'verlopen' && rec.status !== 'verlopen') {
        await this.#o.store.cpas.setStatus(rec.cpaId, 'verlopen', { at: now.toISOString(), event: 'verlopen', detail: `End ${rec.endAt} passed` });
        expired.push(rec.cpaId);
        continue;
      }
      if (rec.status === 'verlopen' || rec.status === 'ingetrokken') continue;
      const loaded = await this.get(rec.cpaId);
      for (const w of loaded ? expiryWarnings(loaded.cpa, now) : []) {
        warnings++;
        this.#o.logger.warn({ cpaId: rec.cpaId, warning: w }, w.message);
        this.#o.onWarning?.(rec.cpaId, w);
      }
    }
    return { expired, warnings };
  }

  async #transition(cpaId: string, to: CpaStatus, event: string, detail: string | null): Promise<CpaRecord> {
    const rec = await this.#o.store.cpas.get(cpaId);
    if (!rec) throw new GatewayError('ERR_CPA_NOT_FOUND', `no CPA ${cpaId}`);
    const from = effectiveStatus(rec);
    if (!canTransition(from, to)) throw new GatewayError('ERR_CPA_STATE', `CPA ${cpaId} is ${from}; it cannot become ${to}`);
    await this.#o.store.cpas.setStatus(cpaId, to, { at: new Date().toISOString(), event, detail });
    this.#cache.delete(cpaId);
    return (await this.#o.store.cpas.get(cpaId))!;
  }
}
