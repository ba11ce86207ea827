import { Router } from 'express';
import { GatewayError } from '../errors.js';
import { canActFor, type ApiContext } from './context.js';
import { principalOf, requireOperator } from './auth.js';

/** GET/POST /api/organisations — scoped: an organisation sees itself, the hub operator sees all. */
export function organisationRoutes(ctx: ApiContext): Router {
  const r = Router();
  r.get('/organisations', async (_req, res) => {
    const p = principalOf(res);
    const list = p.isOperator ? await ctx.organisations.list() : [p.organisation];
    res.json({ organisations: list });
  });
  r.get('/organisations/:id', async (req, res) => {
    const p = principalOf(res);
    const org = canActFor(p, req.params.id) ? await ctx.organisations.get(req.params.id) : null;
    if (!org) throw new GatewayError('ERR_NOT_FOUND', `no organisation ${req.params.id}`);
    res.json(org);
  });
  r.post('/organisations', async (req, res) => {
    requireOperator(res);
    const org = await ctx.organisations.add(req.body ?? {});
    res.status(201).location(`/api/organisations/${encodeURIComponent(org.id)}`).json(org);
  });
  return r;
}

export const organisationPaths = {
  '/organisations': {
    get: { summary: 'List organisations (the caller\'s own; the hub operator sees all)', responses: { 200: { description: 'OK' }, 401: { description: 'No token' } } },
    post: {
      summary: 'Register an organisation (hub operator only)',
      requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/NewOrganisation' } } } },
      responses: { 201: { description: 'Created' }, 400: { description: 'Invalid input: every problem with its field' }, 403: { description: 'Not the hub operator' }, 409: { description: 'Exists' } },
    },
  },
  '/organisations/{id}': {
    get: { summary: 'One organisation', parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'OK' }, 404: { description: 'Not found or not visible' } } },
  },
};
