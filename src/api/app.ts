import express, { type NextFunction, type Request, type Response } from 'express';
import { GatewayError, isGatewayError } from '../errors.js';
import { requireAuth, authenticate } from './auth.js';
import type { ApiContext } from './context.js';
import { buildOpenApi } from './openapi.js';
import { cpaModule } from './cpas.js';
import { messagePaths, messageRoutes } from './messages.js';
import { organisationPaths, organisationRoutes } from './organisations.js';

/** Extra route modules (CPA Beheer, messages, routing…) plug in here without reshaping the app. */
export interface ApiModule {
  router: (ctx: ApiContext) => express.Router;
  paths: Record<string, unknown>;
}

/** The portal/API listener's app: /healthz and /metrics open (metrics optionally restricted), /api authenticated. */
export function createApiApp(ctx: ApiContext, modules: ApiModule[] = [], portal?: express.Router): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use((req, res, next) => {
    res.on('finish', () => ctx.metrics.httpRequests.inc({ method: req.method, route: req.route?.path ?? 'unmatched', status: String(res.statusCode) }));
    next();
  });

  app.get('/healthz', async (_req, res) => {
    const store = await ctx.store.status();
    res.status(store.ok ? 200 : 503).json({ status: store.ok ? 'ok' : 'degraded', store: { kind: store.kind, ok: store.ok, schemaVersion: store.schemaVersion } });
  });
  app.get('/metrics', async (req, res) => {
    if (ctx.config.metrics.requireToken) {
      const p = await authenticate(ctx, req.headers.authorization);
      if (!p?.isOperator) throw new GatewayError('ERR_UNAUTHENTICATED', 'metrics need an API token of the hub operator');
    }
    res.type(ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
  });

  const allModules: ApiModule[] = [{ router: organisationRoutes, paths: organisationPaths }, cpaModule, { router: messageRoutes, paths: messagePaths }, ...modules];
  const openapi = buildOpenApi(Object.assign({}, ...allModules.map((m) => m.paths)));
  app.get('/api/openapi.json', (_req, res) => { res.json(openapi); });

  const api = express.Router();
  api.use(requireAuth(ctx));
  api.use(express.json({ limit: ctx.config.limits.apiMaxBytes }));
  for (const m of allModules) api.use(m.router(ctx));
  api.use(() => { throw new GatewayError('ERR_NOT_FOUND', 'no such API route'); });
  app.use('/api', api);
  // The portal's pages (issue 16): everything that is not /healthz, /metrics or /api; HTML errors of its own.
  if (portal) app.use(portal);

  app.use((_req: Request, _res: Response) => { throw new GatewayError('ERR_NOT_FOUND', 'not found'); });
  app.use(errorHandler(ctx));
  return app;
}

function errorHandler(ctx: ApiContext) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let e: GatewayError;
    const bodyErr = err as { type?: string; status?: number };
    if (isGatewayError(err)) e = err;
    else if (bodyErr.type === 'entity.too.large') e = new GatewayError('ERR_PAYLOAD_TOO_LARGE', `request body exceeds ${ctx.config.limits.apiMaxBytes} bytes`);
    else if (bodyErr.type === 'entity.parse.failed') e = new GatewayError('ERR_VALIDATION', 'request body is not valid JSON', { problems: [{ path: '(body)', message: 'not valid JSON' }] });
    else e = new GatewayError('ERR_INTERNAL', 'internal error', { cause: err });
    if (e.httpStatus >= 500) ctx.logger.error({ err, method: req.method, url: req.originalUrl }, 'API request failed');
    res.status(e.httpStatus).json(e.toJSON());
  };
}
