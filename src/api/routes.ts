/**
 * Routing table API (GGk manual §4 "Routeren"): a gemeente reads and sets its own routes; the hub operator all,
 * plus the chain partner per berichtstroom. Reaches the core through RoutingTableService only.
 */
import { Router } from 'express';
import { GatewayError, ValidationError } from '../errors.js';
import type { RouteBerichtstroom, RouteRichting } from '../routing/model.js';
import { BERICHTSTROMEN, RICHTINGEN } from '../routing/model.js';
import { RoutingTableService, type RouteInput } from '../routing/routes.js';
import type { ApiModule } from './app.js';
import { principalOf, requireOperator } from './auth.js';
import type { ApiContext, Principal } from './context.js';

function service(ctx: ApiContext): RoutingTableService {
  return new RoutingTableService({ store: ctx.store, organisations: ctx.organisations });
}

/** The gemeentecode a non-operator may manage: its own; other callers may manage none. */
function ownGemeente(p: Principal): string | null {
  return p.organisation.kind === 'gemeente' ? p.organisation.code : null;
}

function queryValue(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new ValidationError('Invalid query', [{ path: name, message: 'must be given once' }]);
  return v;
}

export function routingRoutes(ctx: ApiContext): Router {
  const r = Router();
  const routes = service(ctx);

  r.get('/routes', async (req, res) => {
    const p = principalOf(res);
    const gemeentecode = queryValue(req.query.gemeentecode, 'gemeentecode');
    const berichtstroom = queryValue(req.query.berichtstroom, 'berichtstroom');
    const richting = queryValue(req.query.richting, 'richting');
    const problems = [];
    if (berichtstroom !== undefined && !BERICHTSTROMEN.includes(berichtstroom as RouteBerichtstroom)) {
      problems.push({ path: 'berichtstroom', message: `must be one of ${BERICHTSTROMEN.join(', ')}` });
    }
    if (richting !== undefined && !RICHTINGEN.includes(richting as RouteRichting)) problems.push({ path: 'richting', message: `must be one of ${RICHTINGEN.join(', ')}` });
    if (problems.length > 0) throw new ValidationError('Invalid query', problems);
    let scope = gemeentecode;
    if (!p.isOperator) {
      const own = ownGemeente(p);
      if (own === null || (gemeentecode !== undefined && gemeentecode !== own)) {
        throw new GatewayError('ERR_FORBIDDEN', 'routes are visible to their gemeente and the hub operator only');
      }
      scope = own;
    }
    res.json({ routes: await routes.list({
      ...(scope === undefined ? {} : { gemeentecode: scope }),
      ...(berichtstroom === undefined ? {} : { berichtstroom: berichtstroom as RouteBerichtstroom }),
      ...(richting === undefined ? {} : { richting: richting as RouteRichting }),
    }) });
  });

  r.put('/routes', async (req, res) => {
    const p = principalOf(res);
    const body: unknown = req.body;
    const many = Array.isArray(body) || (typeof body === 'object' && body !== null && Array.isArray((body as { routes?: unknown }).routes));
    const inputs = (Array.isArray(body) ? body : many ? (body as { routes: unknown[] }).routes : [body ?? {}]) as RouteInput[];
    if (inputs.length === 0) throw new ValidationError('Invalid route', [{ path: 'routes', message: 'at least one route' }]);
    if (!p.isOperator) {
      const own = ownGemeente(p);
      if (own === null || inputs.some((i) => typeof i !== 'object' || i === null || i.gemeentecode !== own)) {
        throw new GatewayError('ERR_FORBIDDEN', 'a gemeente may set only its own routes');
      }
    }
    const saved = await routes.setAll(inputs, p.organisation.id, many ? 'routes' : '');
    res.json({ routes: saved });
  });

  r.delete('/routes/:gemeentecode/:berichtstroom/:berichttype/:richting', async (req, res) => {
    const p = principalOf(res);
    const { gemeentecode, berichtstroom, berichttype, richting } = req.params;
    if (!p.isOperator && ownGemeente(p) !== gemeentecode) throw new GatewayError('ERR_FORBIDDEN', 'a gemeente may delete only its own routes');
    const key = { gemeentecode, berichtstroom: berichtstroom as RouteBerichtstroom, berichttype, richting: richting as RouteRichting };
    if (!(await routes.delete(key))) throw new GatewayError('ERR_NOT_FOUND', `no route ${gemeentecode}/${berichtstroom}/${berichttype}/${richting}`);
    res.status(204).end();
  });

  r.get('/routes/ketenpartners', async (_req, res) => {
    requireOperator(res);
    res.json({ ketenpartners: await routes.listKetenpartners() });
  });

  r.put('/routes/ketenpartners', async (req, res) => {
    const p = requireOperator(res);
    res.json(await routes.setKetenpartner(req.body ?? {}, p.organisation.id));
  });
  return r;
}

const routeSchema = {
  type: 'object',
  required: ['gemeentecode', 'berichtstroom', 'berichttype', 'richting', 'kanaal'],
  properties: {
    gemeentecode: { type: 'string', pattern: '^\\d{4}$' },
    berichtstroom: { enum: ['ijw', 'iwmo'] },
    berichttype: { type: 'string', description: 'e.g. JW301, WMO302; * = every berichttype of the stroom in this richting' },
    richting: { enum: ['verzenden', 'ontvangen'] },
    kanaal: { enum: ['digikoppeling', 'portaal'] },
    cpaId: { type: ['string', 'null'], description: 'required for digikoppeling: a CPA of the gemeente' },
    stufVersie: { enum: ['0210', '0310'], default: '0210' },
  },
};
const errors = { 400: { description: 'Invalid input: every problem with its field' }, 401: { description: 'No token' }, 403: { description: 'Not the gemeente itself or the hub operator' } };

export const routingPaths = {
  '/routes': {
    get: {
      summary: 'Routing table (a gemeente sees its own routes; the hub operator all)',
      parameters: ['gemeentecode', 'berichtstroom', 'richting'].map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
      responses: { 200: { description: 'OK' }, ...errors },
    },
    put: {
      summary: 'Set one route, or several ({routes: [...]}) at once: stored only when all are valid',
      requestBody: { content: { 'application/json': { schema: { oneOf: [routeSchema, { type: 'object', properties: { routes: { type: 'array', items: routeSchema } } }] } } } },
      responses: { 200: { description: 'The stored routes' }, ...errors },
    },
  },
  '/routes/{gemeentecode}/{berichtstroom}/{berichttype}/{richting}': {
    delete: {
      summary: 'Remove a route',
      parameters: ['gemeentecode', 'berichtstroom', 'berichttype', 'richting'].map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      responses: { 204: { description: 'Removed' }, 404: { description: 'No such route' }, ...errors },
    },
  },
  '/routes/ketenpartners': {
    get: { summary: 'Chain partner per berichtstroom (hub operator only)', responses: { 200: { description: 'OK' }, ...errors } },
    put: {
      summary: 'Set the chain partner (ketenpartner + CPA) that takes messages for zorgaanbieders (hub operator only)',
      requestBody: { content: { 'application/json': { schema: { type: 'object', required: ['berichtstroom', 'organisation', 'cpaId'], properties: {
        berichtstroom: { enum: ['ijw', 'iwmo'] }, organisation: { type: 'string', description: 'ketenpartner id or OIN' }, cpaId: { type: 'string' },
        stufVersie: { enum: ['0210', '0310'], default: '0210' },
      } } } } },
      responses: { 200: { description: 'Stored' }, ...errors },
    },
  },
};

export const routingApi: ApiModule = { router: routingRoutes, paths: routingPaths };
