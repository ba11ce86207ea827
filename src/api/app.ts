import express, { Router } from 'express';
import { GatewayError } from '../errors.js';
import { authenticate } from './auth.js';
import type { ApiContext, Principal } from './context.js';
import { cpaModule } from './cpas.js';
import { mailboxModule } from './mailbox.js';
import { messageModule } from './messages.js';
import { buildOpenApi } from './openapi.js';
import { mount, mountMethodNotAllowed, operation, type ApiModule, type Operation } from './operation.js';
import { organisationModule } from './organisations.js';
import { problemHandler } from './problem.js';
import { routingModule } from './routes.js';
import { uploadModule } from './uploads.js';
import { z } from 'zod';

export type { ApiModule } from './operation.js';

/** The modules of the REST API; another module is added here (or passed to createApiApp) and is in OpenAPI at once. */
export const API_MODULES: ApiModule[] = [organisationModule, cpaModule, messageModule, routingModule, mailboxModule, uploadModule];

/** Every operation of the API, the OpenAPI document's own included. */
export function apiOperations(ctx: ApiContext, modules: ApiModule[] = []): Operation[] {
  const ops = [...API_MODULES, ...modules].flatMap((m) => m(ctx));
  let doc: Record<string, unknown> | undefined;
  const all: Operation[] = [];
  const openapi: Operation = operation({
    method: 'get', path: '/openapi.json', operationId: 'getOpenApi', tag: 'meta', auth: 'none',
    summary: 'This OpenAPI document (generated from the schemas that validate the requests)',
    responses: { 200: { description: 'OpenAPI 3.1', schema: z.record(z.string(), z.unknown()) } },
    handler: async (): Promise<Record<string, unknown>> => (doc ??= buildOpenApi(all)),
  });
  all.push(openapi, ...ops);
  return all;
}

/**
 * The portal/API listener's app: /healthz and /metrics open (metrics optionally restricted), /api authenticated
 * per operation, then the portal's pages. Every request is counted by its route template (with /api) and logged
 * with its token id and duration (issue 10 §11/§12).
 */
export function createApiApp(ctx: ApiContext, modules: ApiModule[] = [], portal?: express.Router): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      // API operations set their template; other routers (the portal) are labelled by express's matched route.
      const matched = (req as { route?: { path?: unknown } }).route?.path;
      const route = (res.locals.route as string | undefined) ?? (typeof matched === 'string' ? `${req.baseUrl}${matched}` : 'unmatched');
      ctx.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      const principal = res.locals.principal as Principal | undefined;
      const durationMs = Math.round(Number(process.hrtime.bigint() - start) / 1e4) / 100;
      const line = { http: { method: req.method, route, status: res.statusCode, tokenId: principal?.tokenId ?? null, durationMs } };
      if (route === '/healthz' || route === '/metrics') ctx.logger.debug(line, 'request');
      else ctx.logger.info(line, 'request');
    });
    next();
  });

  app.get('/healthz', async (_req, res) => {
    res.locals.route = '/healthz';
    const store = await ctx.health();
    res.status(store.ok ? 200 : 503).json({ status: store.ok ? 'ok' : 'degraded', store: { kind: store.kind, ok: store.ok, schemaVersion: store.schemaVersion } });
  });
  app.get('/metrics', async (req, res) => {
    res.locals.route = '/metrics';
    if (ctx.config.metrics.requireToken) {
      const p = await authenticate(ctx, req.headers.authorization);
      if (!p?.isOperator) throw new GatewayError('ERR_UNAUTHENTICATED', 'metrics need an API token of the hub operator');
    }
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  const ops = apiOperations(ctx, modules);
  const api = Router();
  for (const op of ops) mount(api, ctx, op);
  mountMethodNotAllowed(api, ops);
  api.use(() => { throw new GatewayError('ERR_NOT_FOUND', 'no such API route'); });
  app.use('/api', api);
  // The portal's pages (issue 16): everything that is not /healthz, /metrics or /api; HTML errors of its own.
  if (portal) app.use(portal);

  app.use(() => { throw new GatewayError('ERR_NOT_FOUND', 'not found'); });
  app.use(problemHandler({ logger: ctx.logger, maxBytes: ctx.config.limits.apiMaxBytes }));
  return app;
}
