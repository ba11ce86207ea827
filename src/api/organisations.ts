import { z } from 'zod';
import { GatewayError } from '../errors.js';
import { ORGANISATION_KINDS } from '../registry/model.js';
import { actorOf, assertOperator } from './auth.js';
import { canActFor } from './context.js';
import { operation, type ApiModule } from './operation.js';
import { idParams, organisationSchema } from './schemas.js';

/** Shapes only; OrganisationService checks codes and OINs and reports every problem with its field. */
const newOrganisation = z.object({
  kind: z.enum(ORGANISATION_KINDS as [string, ...string[]], { error: `must be one of ${ORGANISATION_KINDS.join(', ')}` }),
  code: z.string({ error: 'required' }).max(20).meta({ description: 'gemeentecode (4 digits), AGB (8 digits) or OIN (20 digits)' }),
  name: z.string({ error: 'required' }).max(200),
  oins: z.array(z.string().max(20), { error: 'must be a list of OINs' }).max(100).optional().meta({ description: 'OINs authorised to act for it (20 digits)' }),
}).strict();

/** /api/organisations — scoped: an organisation sees itself, the hub operator sees all. */
export const organisationModule: ApiModule = (ctx) => [
  operation({
    method: 'get', path: '/organisations', operationId: 'listOrganisations', tag: 'organisations',
    summary: 'List organisations (the caller\'s own; the hub operator sees all)',
    responses: { 200: { description: 'OK', schema: z.object({ organisations: z.array(organisationSchema) }) } },
    handler: async ({ principal }) => ({ organisations: principal.isOperator ? await ctx.organisations.list() : [principal.organisation] }),
  }),
  operation({
    method: 'get', path: '/organisations/{id}', operationId: 'getOrganisation', tag: 'organisations', summary: 'One organisation',
    params: idParams('organisation id, e.g. gemeente:0363'),
    responses: { 200: { description: 'OK', schema: organisationSchema } },
    errors: { 404: 'Not found or not visible' },
    handler: async ({ params, principal }) => {
      const org = canActFor(principal, params.id) ? await ctx.organisations.get(params.id) : null;
      if (!org) throw new GatewayError('ERR_NOT_FOUND', `no organisation ${params.id}`);
      return org;
    },
  }),
  operation({
    method: 'post', path: '/organisations', operationId: 'createOrganisation', tag: 'organisations', summary: 'Register an organisation (hub operator only)',
    body: { schema: newOrganisation },
    responses: { 201: { description: 'Created', schema: organisationSchema } },
    errors: { 403: 'Not the hub operator', 409: 'Exists' },
    handler: async ({ body, principal, res }) => {
      assertOperator(principal);
      const org = await ctx.organisations.add(body, actorOf(principal));
      res.location(`/api/organisations/${encodeURIComponent(org.id)}`);
      return org;
    },
  }),
];
