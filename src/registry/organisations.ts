import { noAudit, SYSTEM, type Actor, type AuditLog } from '../audit.js';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import type { Store } from '../store/store.js';
import { AGB_CODE, GEMEENTECODE, OIN, ORGANISATION_KINDS, organisationId, type Organisation, type OrganisationKind } from './model.js';

export interface NewOrganisation {
  kind: string;
  code: string;
  name: string;
  oins?: string[];
}

/** Check input for a new organisation; every problem with its field. */
export function validateOrganisation(input: Partial<NewOrganisation>): Problem[] {
  const problems: Problem[] = [];
  const kind = input.kind;
  if (!kind || !ORGANISATION_KINDS.includes(kind as OrganisationKind)) {
    problems.push({ path: 'kind', message: `must be one of ${ORGANISATION_KINDS.join(', ')}` });
  }
  const code = input.code ?? '';
  if (kind === 'gemeente' && !GEMEENTECODE.test(code)) problems.push({ path: 'code', message: 'gemeentecode must be 4 digits (CBS)' });
  if (kind === 'zorgaanbieder' && !AGB_CODE.test(code)) problems.push({ path: 'code', message: 'AGB code must be 8 digits' });
  if ((kind === 'ketenpartner' || kind === 'knooppunt') && !OIN.test(code)) problems.push({ path: 'code', message: 'OIN must be 20 digits' });
  if (!input.name || input.name.trim() === '') problems.push({ path: 'name', message: 'required' });
  else if (input.name.length > 200) problems.push({ path: 'name', message: 'at most 200 characters' });
  if (input.oins !== undefined && !Array.isArray(input.oins)) problems.push({ path: 'oins', message: 'must be a list of OINs' });
  (Array.isArray(input.oins) ? input.oins : []).forEach((o, i) => {
    if (typeof o !== 'string' || !OIN.test(o)) problems.push({ path: `oins.${i}`, message: 'OIN must be 20 digits' });
  });
  if (kind === 'gemeente' && (!Array.isArray(input.oins) || input.oins.length === 0)) {
    problems.push({ path: 'oins', message: 'a gemeente needs at least one OIN authorised to act for it' });
  }
  return problems;
}

/** Registry operations used by the API, the CLI and (later) routing. */
export class OrganisationService {
  readonly #store: Store;
  readonly #audit: AuditLog;

  constructor(store: Store, opts: { audit?: AuditLog } = {}) {
    this.#store = store;
    this.#audit = opts.audit ?? noAudit;
  }

  async add(input: Partial<NewOrganisation>, actor: Actor = SYSTEM): Promise<Organisation> {
    const problems = validateOrganisation(input);
    if (problems.length > 0) throw new ValidationError('Invalid organisation', problems);
    const kind = input.kind as OrganisationKind;
    const code = input.code!;
    if (await this.#store.organisations.findByCode(kind, code)) {
      throw new GatewayError('ERR_CONFLICT', `organisation ${organisationId(kind, code)} already exists`);
    }
    const oins = [...new Set(input.oins ?? (kind === 'ketenpartner' || kind === 'knooppunt' ? [code] : []))];
    const org: Organisation = { id: organisationId(kind, code), kind, code, name: input.name!.trim(), oins, createdAt: new Date().toISOString() };
    await this.#store.organisations.insert(org);
    this.#audit.record(actor, 'organisation.add', org.id, { name: org.name, oins: org.oins.join(',') });
    return org;
  }

  /** Ensure the hub itself is registered (kind knooppunt, code = its OIN). */
  async ensureHub(oin: string, name: string): Promise<Organisation> {
    return (await this.#store.organisations.findByCode('knooppunt', oin)) ?? this.add({ kind: 'knooppunt', code: oin, name, oins: [oin] }, SYSTEM);
  }

  /** The owner of a new CPA when none is named: the one organisation (not the hub) registered with its OIN, if exactly one. */
  async ownerForOins(oins: string[]): Promise<string | null> {
    const found = oins.length === 1 ? (await this.#store.organisations.findByOin(oins[0]!)).filter((o) => o.kind !== 'knooppunt') : [];
    return found.length === 1 ? found[0]!.id : null;
  }

  get(id: string): Promise<Organisation | null> {
    return this.#store.organisations.get(id);
  }

  list(filter?: { kind?: OrganisationKind; ids?: string[] }): Promise<Organisation[]> {
    return this.#store.organisations.list(filter);
  }

  /**
   * Resolve `CODE|OIN|id` as used on the CLI: 4 digits = gemeente, 8 digits = zorgaanbieder, 20 digits = the
   * organisation registered with that OIN as its code (hub or chain partner), else an id like `gemeente:0363`.
   */
  async resolve(ref: string): Promise<Organisation> {
    let org: Organisation | null = null;
    if (GEMEENTECODE.test(ref)) org = await this.#store.organisations.findByCode('gemeente', ref);
    else if (AGB_CODE.test(ref)) org = await this.#store.organisations.findByCode('zorgaanbieder', ref);
    else if (OIN.test(ref)) {
      org = (await this.#store.organisations.findByCode('knooppunt', ref)) ?? (await this.#store.organisations.findByCode('ketenpartner', ref));
      if (!org) {
        const acting = await this.#store.organisations.findByOin(ref);
        if (acting.length === 1) org = acting[0]!;
        else if (acting.length > 1) throw new GatewayError('ERR_CONFLICT', `OIN ${ref} acts for ${acting.length} organisations; name one: ${acting.map((o) => o.id).join(', ')}`);
      }
    } else org = await this.#store.organisations.get(ref);
    if (!org) throw new GatewayError('ERR_NOT_FOUND', `no organisation ${ref}`);
    return org;
  }
}

/**
 * The OINs an organisation acts with itself (the portal's rule, src/portal/access.ts): a gemeente's authorised OINs
 * minus those registered as the code of another organisation (a service provider registered as ketenpartner, or
 * the hub) — two gemeenten sharing a service provider do not act for each other; any other organisation: its
 * registered OINs, or its code.
 */
export async function ownOins(store: Store, org: Organisation): Promise<string[]> {
  if (org.kind !== 'gemeente') return org.oins.length > 0 ? org.oins : [org.code];
  const out: string[] = [];
  for (const oin of org.oins) {
    const owner = (await store.organisations.findByCode('ketenpartner', oin)) ?? (await store.organisations.findByCode('knooppunt', oin));
    if (!owner) out.push(oin);
  }
  return out;
}
