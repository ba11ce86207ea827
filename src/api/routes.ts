/**
 * Routing table API (GGk manual §4 "Routeren"): a gemeente reads and sets its own routes; the hub operator all,
 * plus the chain partner per berichtstroom. Reaches the core through RoutingTableService only.
 */
import { z } from 'zod';
import { GatewayError, ValidationError } from '../errors.js';
import { BERICHTSTROMEN, KANALEN, RICHTINGEN, STUF_VERSIES } from '../routing/model.js';
import type { RouteInput } from '../routing/routes.js';
import { actorOf, assertOperator } from './auth.js';
import type { Principal } from './context.js';
import { operation, type ApiModule } from './operation.js';
import { enumQuery, oneQuery } from './query.js';

/** The gemeentecode a non-operator may manage: its own; other callers may manage none. */
function ownGemeente(p: Principal): string | null {
  return p.organisation.kind === 'gemeente' ? p.organisation.code : null;
}

const tuple = <T extends string>(v: readonly T[]) => v as unknown as [T, ...T[]];
/** Shapes only: RoutingTableService checks each value against the catalogue and the CPAs, every problem with its field. */
const routeSchema = z.object({
  gemeentecode: z.string().max(10).optional().meta({ description: 'CBS gemeentecode, 4 digits' }),
  berichtstroom: z.string().max(10).optional().meta({ enum: [...BERICHTSTROMEN] }),
  berichttype: z.string().max(20).optional().meta({ description: 'e.g. JW301, WMO302; * = every berichttype of the stroom in this richting' }),
  richting: z.string().max(20).optional().meta({ enum: [...RICHTINGEN] }),
  kanaal: z.string().max(20).optional().meta({ enum: [...KANALEN] }),
  cpaId: z.string().max(500).nullable().optional().meta({ description: 'required for digikoppeling: a CPA of the gemeente' }),
  stufVersie: z.string().max(10).optional().meta({ enum: [...STUF_VERSIES], default: '0210' }),
}).strict();
const routeRecord = z.object({
  gemeentecode: z.string(), berichtstroom: z.enum(tuple(BERICHTSTROMEN)), berichttype: z.string(), richting: z.enum(tuple(RICHTINGEN)),
  kanaal: z.enum(tuple(KANALEN)), cpaId: z.string().nullable(), stufVersie: z.string(), updatedAt: z.string(), updatedBy: z.string().nullable(),
});
const ketenpartner = z.object({ berichtstroom: z.string(), organisationId: z.string(), cpaId: z.string(), stufVersie: z.string(), updatedAt: z.string(), updatedBy: z.string().nullable() });

export const routingModule: ApiModule = (ctx) => [
  operation({
    method: 'get', path: '/routes', operationId: 'listRoutes', tag: 'routing', summary: 'Routing table (a gemeente sees its own routes; the hub operator all)',
    query: z.object({
      gemeentecode: oneQuery('only this gemeente'),
      berichtstroom: enumQuery(tuple(BERICHTSTROMEN), 'only this berichtstroom'),
      richting: enumQuery(tuple(RICHTINGEN), 'only this richting'),
    }).strict(),
    responses: { 200: { description: 'OK', schema: z.object({ routes: z.array(routeRecord) }) } },
    errors: { 403: 'Not the gemeente itself or the hub operator' },
    handler: async ({ query, principal: p }) => {
      let scope = query.gemeentecode;
      if (!p.isOperator) {
        const own = ownGemeente(p);
        if (own === null || (scope !== undefined && scope !== own)) throw new GatewayError('ERR_FORBIDDEN', 'routes are visible to their gemeente and the hub operator only');
        scope = own;
      }
      return { routes: await ctx.routing.list({
        ...(scope === undefined ? {} : { gemeentecode: scope }),
        ...(query.berichtstroom === undefined ? {} : { berichtstroom: query.berichtstroom }),
        ...(query.richting === undefined ? {} : { richting: query.richting }),
      }) };
    },
  }),
  operation({
    method: 'put', path: '/routes', operationId: 'setRoutes', tag: 'routing',
    summary: 'Set one route, or several ({routes: [...]}) at once: stored only when all are valid',
    body: { schema: z.union([routeSchema, z.object({ routes: z.array(routeSchema).max(1000) }).strict()], { error: 'a route, or {"routes": [...]}' }) },
    responses: { 200: { description: 'The stored routes', schema: z.object({ routes: z.array(routeRecord) }) } },
    errors: { 403: 'Not the gemeente itself or the hub operator' },
    handler: async ({ body, principal: p }) => {
      const many = 'routes' in body && Array.isArray(body.routes);
      const inputs = (many ? (body as { routes: RouteInput[] }).routes : [body]) as RouteInput[];
      if (inputs.length === 0) throw new ValidationError('Invalid route', [{ path: 'routes', message: 'at least one route' }]);
      if (!p.isOperator) {
        const own = ownGemeente(p);
        if (own === null || inputs.some((i) => i.gemeentecode !== own)) throw new GatewayError('ERR_FORBIDDEN', 'a gemeente may set only its own routes');
      }
      return { routes: await ctx.routing.setAll(inputs, p.organisation.id, many ? 'routes' : '', actorOf(p)) };
    },
  }),
  operation({
    method: 'delete', path: '/routes/{gemeentecode}/{berichtstroom}/{berichttype}/{richting}', operationId: 'deleteRoute', tag: 'routing', summary: 'Remove a route',
    params: z.object({
      gemeentecode: z.string().max(10), berichtstroom: z.enum(tuple(BERICHTSTROMEN), { error: `must be one of ${BERICHTSTROMEN.join(', ')}` }),
      berichttype: z.string().max(20), richting: z.enum(tuple(RICHTINGEN), { error: `must be one of ${RICHTINGEN.join(', ')}` }),
    }),
    responses: { 204: { description: 'Removed' } },
    errors: { 403: 'Not the gemeente itself or the hub operator', 404: 'No such route' },
    handler: async ({ params, principal: p, res }) => {
      if (!p.isOperator && ownGemeente(p) !== params.gemeentecode) throw new GatewayError('ERR_FORBIDDEN', 'a gemeente may delete only its own routes');
      if (!(await ctx.routing.delete(params, actorOf(p)))) {
        throw new GatewayError('ERR_NOT_FOUND', `no route ${params.gemeentecode}/${params.berichtstroom}/${params.berichttype}/${params.richting}`);
      }
      res.status(204).end();
    },
  }),
  operation({
    method: 'get', path: '/routes/ketenpartners', operationId: 'listKetenpartnerRoutes', tag: 'routing', summary: 'Chain partner per berichtstroom (hub operator only)',
    responses: { 200: { description: 'OK', schema: z.object({ ketenpartners: z.array(ketenpartner) }) } },
    errors: { 403: 'Not the hub operator' },
    handler: async ({ principal }) => { assertOperator(principal); return { ketenpartners: await ctx.routing.listKetenpartners() }; },
  }),
  operation({
    method: 'put', path: '/routes/ketenpartners', operationId: 'setKetenpartnerRoute', tag: 'routing',
    summary: 'Set the chain partner (ketenpartner + CPA) that takes messages for zorgaanbieders (hub operator only)',
    body: { schema: z.object({
      berichtstroom: z.string().max(10).optional().meta({ enum: [...BERICHTSTROMEN] }),
      organisation: z.string().max(100).optional().meta({ description: 'ketenpartner id or OIN' }),
      cpaId: z.string().max(500).optional(),
      stufVersie: z.string().max(10).optional().meta({ enum: [...STUF_VERSIES], default: '0210' }),
    }).strict() },
    responses: { 200: { description: 'Stored', schema: ketenpartner } },
    errors: { 403: 'Not the hub operator' },
    handler: async ({ body, principal }) => {
      const p = assertOperator(principal);
      return ctx.routing.setKetenpartner(body, p.organisation.id, actorOf(p));
    },
  }),
];
