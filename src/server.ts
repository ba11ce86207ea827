import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApiApp, type ApiModule } from './api/app.js';
import type { ApiContext } from './api/context.js';
import type { LoadedConfig } from './config/schema.js';
import { createEbmsServer, type EbmsRequestHandler } from './ebms/transport/server.js';
import { createLogger, type Logger } from './log.js';
import { Metrics } from './metrics.js';
import { OrganisationService } from './registry/organisations.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

/** A running knooppunt: both listeners, the store and the services (composition root). */
export interface Knooppunt {
  config: LoadedConfig;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  portal: HttpServer;
  ebms: HttpsServer;
  urls: { portal: string; ebms: string };
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Extra API modules (later issues add CPA Beheer, messages, routing). */
  apiModules?: ApiModule[];
  ebmsHandler?: EbmsRequestHandler;
}

/** Until the MSH is wired, the listener answers a client with a trusted certificate (issue "The house" §9). */
const helloHandler: EbmsRequestHandler = (_req, res, peer) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ service: 'knooppunt ebMS endpoint', peer: { oin: peer.oin, subject: peer.subject } }));
};

export async function startKnooppunt(config: LoadedConfig, opts: StartOptions = {}): Promise<Knooppunt> {
  const logger = opts.logger ?? createLogger(config.log.level);
  const metrics = new Metrics();
  const store = await openStore(config);
  const organisations = new OrganisationService(store);
  await organisations.ensureHub(config.hub.oin, config.hub.name);
  const ctx: ApiContext = { config, store, logger, metrics, organisations };

  const portal = createHttpServer(createApiApp(ctx, opts.apiModules ?? []));
  const ebms = createEbmsServer(
    { cert: config.pem.server.cert, key: config.pem.server.key, ca: config.pem.trustAnchors },
    opts.ebmsHandler ?? helloHandler,
    { logger, metrics },
  );
  try {
    await listen(portal, config.listen.portal.host, config.listen.portal.port);
    await listen(ebms, config.listen.ebms.host, config.listen.ebms.port);
  } catch (e) {
    portal.close();
    ebms.close();
    await store.close();
    throw e;
  }
  const host = (h: string) => (h === '0.0.0.0' || h === '::' ? 'localhost' : h.includes(':') ? `[${h}]` : h);
  const urls = {
    portal: `http://${host(config.listen.portal.host)}:${(portal.address() as AddressInfo).port}`,
    ebms: `https://${host(config.listen.ebms.host)}:${(ebms.address() as AddressInfo).port}/ebms`,
  };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    logger.info('stopping: listeners close, in-flight requests finish');
    await Promise.all([closeServer(portal), closeServer(ebms)]);
    await store.close();
    logger.info('stopped');
  })());
  logger.info({ portal: urls.portal, ebms: urls.ebms, store: config.store.kind }, 'knooppunt started');
  return { config, store, logger, metrics, portal, ebms, urls, stop };
}

function listen(server: HttpServer | HttpsServer, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
}

function closeServer(server: HttpServer | HttpsServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 10_000).unref();
  });
}
