/**
 * The routing table (GGk manual §4 "Routeren"): per gemeente and berichtuitwisseling (berichtstroom + berichttype),
 * for sending and for receiving, the channel — Digikoppeling with a CPA, or the Portaal mailbox — and the StUF
 * version (§4.2). Plus, per berichtstroom, the chain partner that takes every message for zorgaanbieders (AGB),
 * e.g. the VECOZO knooppunt, with the CPA the hub uses towards it.
 */
import { noAudit, SYSTEM, type Actor, type AuditLog } from '../audit.js';
import { GatewayError, ValidationError, type Problem } from '../errors.js';
import { berichtByType, catalogue } from '../istandaarden/catalogue.js';
import { GEMEENTECODE, type Organisation } from '../registry/model.js';
import type { OrganisationService } from '../registry/organisations.js';
import type { CpaRecord, CpaStatus, KetenpartnerRoute, RouteKey, RouteRecord, Store } from '../store/store.js';
import {
  BERICHTSTROMEN, DEFAULT_STUF_VERSIE, KANALEN, RICHTINGEN, STUF_VERSIES,
  type RouteBerichtstroom, type RouteKanaal, type RouteRichting,
} from './model.js';

export interface RouteInput {
  gemeentecode?: string;
  berichtstroom?: string;
  /** A berichttype of the stroom, or '*' for every berichttype of the stroom that travels in `richting`. */
  berichttype?: string;
  richting?: string;
  kanaal?: string;
  cpaId?: string | null;
  stufVersie?: string;
}

export interface KetenpartnerInput {
  berichtstroom?: string;
  /** Organisation id (`ketenpartner:<OIN>`) or the partner's OIN. */
  organisation?: string;
  cpaId?: string;
  stufVersie?: string;
}

/** CPA states that still belong on the routing page (the CPA may be activated later). */
const ASSIGNABLE: readonly CpaStatus[] = ['aangevraagd', 'gegenereerd', 'geactiveerd'];

/** The richting in which a gemeente handles `berichttype`: it sends what goes gemeente → aanbieder. */
export function richtingOf(berichttype: string): RouteRichting | undefined {
  const def = berichtByType(berichttype);
  if (!def) return undefined;
  return def.direction === 'gemeente->aanbieder' ? 'verzenden' : 'ontvangen';
}

/**
 * Why `rec` cannot carry messages of `berichtstroom` to or from `org` (undefined: it can). `statuses` are the CPA
 * states allowed (routing: only activated CPAs); with `at`, the CPA must also be in force then (Start/End).
 */
export function cpaProblem(rec: CpaRecord | null, cpaId: string, org: Organisation, berichtstroom: string,
  check: { statuses: readonly CpaStatus[]; at?: Date }): string | undefined {
  if (!rec) return `CPA ${cpaId} bestaat niet`;
  if (rec.organisationId !== org.id && !org.oins.includes(rec.partyOin)) {
    return `CPA ${cpaId} hoort niet bij ${org.id} (partij ${rec.partyOin})`;
  }
  if (rec.berichtstroom !== null && rec.berichtstroom.toLowerCase() !== berichtstroom) {
    return `CPA ${cpaId} is voor berichtstroom ${rec.berichtstroom}, niet ${berichtstroom}`;
  }
  if (!check.statuses.includes(rec.status)) return `CPA ${cpaId} heeft status ${rec.status}`;
  if (!check.at) return undefined;
  const t = check.at.toISOString();
  if (t < rec.startAt || t >= rec.endAt) return `CPA ${cpaId} is niet in werking (${rec.startAt.slice(0, 10)} – ${rec.endAt.slice(0, 10)})`;
  return undefined;
}

const routeName = (k: RouteKey): string => `${k.gemeentecode}/${k.berichtstroom}/${k.berichttype}/${k.richting}`;

export class RoutingTableService {
  readonly #store: Store;
  readonly #organisations: OrganisationService;
  readonly #now: () => Date;
  readonly #audit: AuditLog;

  constructor(opts: { store: Store; organisations: OrganisationService; now?: () => Date; audit?: AuditLog }) {
    this.#store = opts.store;
    this.#audit = opts.audit ?? noAudit;
    this.#organisations = opts.organisations;
    this.#now = opts.now ?? (() => new Date());
  }

  list(filter?: { gemeentecode?: string; berichtstroom?: RouteBerichtstroom; richting?: RouteRichting }): Promise<RouteRecord[]> {
    return this.#store.routing.listRoutes(filter);
  }

  get(key: RouteKey): Promise<RouteRecord | null> {
    return this.#store.routing.getRoute(key);
  }

  async delete(key: RouteKey, actor: Actor = SYSTEM): Promise<boolean> {
    const deleted = await this.#store.routing.deleteRoute(key);
    if (deleted) this.#audit.record(actor, 'route.delete', routeName(key));
    return deleted;
  }

  /** Validates and stores one route (or, with berichttype '*', one per berichttype); every problem is listed. */
  async set(input: RouteInput, updatedBy: string | null = null, actor: Actor = SYSTEM): Promise<RouteRecord[]> {
    return this.setAll([input], updatedBy, '', actor);
  }

  /**
   * Validates every input first (problems prefixed with `routes.<i>.`) and stores them only when all are valid.
   * `prefix` '' is for a single input.
   */
  async setAll(inputs: RouteInput[], updatedBy: string | null = null, prefix = 'routes', actor: Actor = SYSTEM): Promise<RouteRecord[]> {
    const problems: Problem[] = [];
    const routes: RouteRecord[] = [];
    for (const [i, input] of inputs.entries()) {
      const own: Problem[] = [];
      routes.push(...(await this.#prepare(input, updatedBy, own)));
      problems.push(...own.map((p) => ({ ...p, path: prefix ? `${prefix}.${i}.${p.path}` : p.path })));
    }
    if (problems.length > 0) throw new ValidationError('Invalid route', problems);
    for (const r of routes) {
      await this.#store.routing.upsertRoute(r);
      this.#audit.record(actor, 'route.set', routeName(r), { kanaal: r.kanaal, cpaId: r.cpaId, stufVersie: r.stufVersie });
    }
    return routes;
  }

  async #prepare(input: RouteInput, updatedBy: string | null, problems: Problem[]): Promise<RouteRecord[]> {
    if (typeof input !== 'object' || input === null) { problems.push({ path: '(route)', message: 'must be an object' }); return []; }
    const code = input.gemeentecode ?? '';
    let gemeente: Organisation | null = null;
    if (!GEMEENTECODE.test(code)) problems.push({ path: 'gemeentecode', message: 'must be 4 digits (CBS gemeentecode)' });
    else if (!(gemeente = await this.#store.organisations.findByCode('gemeente', code))) {
      problems.push({ path: 'gemeentecode', message: `gemeente ${code} is not registered` });
    }
    const stroom = input.berichtstroom?.toLowerCase() as RouteBerichtstroom;
    if (!BERICHTSTROMEN.includes(stroom)) problems.push({ path: 'berichtstroom', message: `must be one of ${BERICHTSTROMEN.join(', ')}` });
    const richting = input.richting as RouteRichting;
    if (!RICHTINGEN.includes(richting)) problems.push({ path: 'richting', message: `must be one of ${RICHTINGEN.join(', ')}` });
    const types = this.#berichttypes(input.berichttype, stroom, richting, problems);
    const kanaal = input.kanaal as RouteKanaal;
    if (!KANALEN.includes(kanaal)) problems.push({ path: 'kanaal', message: `must be one of ${KANALEN.join(', ')}` });
    const stufVersie = input.stufVersie ?? DEFAULT_STUF_VERSIE;
    if (!(STUF_VERSIES as readonly string[]).includes(stufVersie)) problems.push({ path: 'stufVersie', message: `must be one of ${STUF_VERSIES.join(', ')}` });
    const cpaId = input.cpaId ?? null;
    if (kanaal === 'digikoppeling') {
      if (!cpaId) problems.push({ path: 'cpaId', message: 'required for kanaal digikoppeling' });
      else if (gemeente && BERICHTSTROMEN.includes(stroom)) {
        const why = cpaProblem(await this.#store.cpas.get(cpaId), cpaId, gemeente, stroom, { statuses: ASSIGNABLE });
        if (why) problems.push({ path: 'cpaId', message: why });
      }
    } else if (kanaal === 'portaal' && cpaId) problems.push({ path: 'cpaId', message: 'not used for kanaal portaal' });
    if (problems.length > 0) return [];
    const updatedAt = this.#now().toISOString();
    return types.map((berichttype) => ({
      gemeentecode: code, berichtstroom: stroom, berichttype, richting, kanaal,
      cpaId: kanaal === 'digikoppeling' ? cpaId : null, stufVersie, updatedAt, updatedBy,
    }));
  }

  async setKetenpartner(input: KetenpartnerInput, updatedBy: string | null = null, actor: Actor = SYSTEM): Promise<KetenpartnerRoute> {
    const problems: Problem[] = [];
    const stroom = input.berichtstroom?.toLowerCase() as RouteBerichtstroom;
    if (!BERICHTSTROMEN.includes(stroom)) problems.push({ path: 'berichtstroom', message: `must be one of ${BERICHTSTROMEN.join(', ')}` });
    let partner: Organisation | null = null;
    if (!input.organisation) problems.push({ path: 'organisation', message: 'required: a ketenpartner id or OIN' });
    else {
      partner = await this.#organisations.resolve(input.organisation).catch((e: unknown) => {
        if (e instanceof GatewayError && e.code === 'ERR_NOT_FOUND') return null;
        throw e;
      });
      if (!partner) problems.push({ path: 'organisation', message: `no organisation ${input.organisation}` });
      else if (partner.kind !== 'ketenpartner') problems.push({ path: 'organisation', message: `${partner.id} is not a ketenpartner` });
    }
    const stufVersie = input.stufVersie ?? DEFAULT_STUF_VERSIE;
    if (!(STUF_VERSIES as readonly string[]).includes(stufVersie)) problems.push({ path: 'stufVersie', message: `must be one of ${STUF_VERSIES.join(', ')}` });
    if (!input.cpaId) problems.push({ path: 'cpaId', message: 'required: the CPA between the hub and the ketenpartner' });
    else if (partner?.kind === 'ketenpartner' && BERICHTSTROMEN.includes(stroom)) {
      const why = cpaProblem(await this.#store.cpas.get(input.cpaId), input.cpaId, partner, stroom, { statuses: ASSIGNABLE });
      if (why) problems.push({ path: 'cpaId', message: why });
    }
    if (problems.length > 0) throw new ValidationError('Invalid ketenpartner route', problems);
    const route: KetenpartnerRoute = {
      berichtstroom: stroom, organisationId: partner!.id, cpaId: input.cpaId!, stufVersie, updatedAt: this.#now().toISOString(), updatedBy,
    };
    await this.#store.routing.upsertKetenpartner(route);
    this.#audit.record(actor, 'ketenpartner.set', route.berichtstroom, { organisationId: route.organisationId, cpaId: route.cpaId });
    return route;
  }

  getKetenpartner(berichtstroom: RouteBerichtstroom): Promise<KetenpartnerRoute | null> {
    return this.#store.routing.getKetenpartner(berichtstroom);
  }

  listKetenpartners(): Promise<KetenpartnerRoute[]> {
    return this.#store.routing.listKetenpartners();
  }

  #berichttypes(value: string | undefined, stroom: RouteBerichtstroom, richting: RouteRichting, problems: Problem[]): string[] {
    if (!value) { problems.push({ path: 'berichttype', message: 'required (e.g. JW301, or * for all)' }); return []; }
    if (value === '*') {
      return catalogue.filter((d) => d.berichtstroom === stroom && richtingOf(d.berichttype) === richting).map((d) => d.berichttype);
    }
    const def = berichtByType(value);
    if (!def) { problems.push({ path: 'berichttype', message: `${value} is not an iWmo/iJw 3.x berichttype` }); return []; }
    if (BERICHTSTROMEN.includes(stroom) && def.berichtstroom !== stroom) {
      problems.push({ path: 'berichttype', message: `${def.berichttype} belongs to berichtstroom ${def.berichtstroom}` });
    }
    const own = richtingOf(def.berichttype);
    if (RICHTINGEN.includes(richting) && own !== richting) {
      problems.push({ path: 'richting', message: `a gemeente only ${own === 'verzenden' ? 'sends' : 'receives'} ${def.berichttype}: richting must be ${own}` });
    }
    return [def.berichttype];
  }
}
