import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createApiApp, type ApiModule } from './api/app.js';
import { auditLog, type AuditLog } from './audit.js';
import { MessageService } from './ebms/msh/message-service.js';
import { TokenService } from './registry/tokens.js';
import { MailboxService } from './routing/mailbox.js';
import { RoutingTableService } from './routing/routes.js';
import type { ApiContext } from './api/context.js';
import type { LoadedConfig } from './config/schema.js';
import { setXmlLimits } from './xml-limits.js';
import { hubIdentityFromConfig } from './cpa/hub-identity.js';
import { CpaService } from './cpa/service.js';
import { createMsh, ebmsPaths } from './ebms/msh/factory.js';
import { ebmsHttpHandler } from './ebms/msh/http.js';
import type { Msh } from './ebms/msh/msh.js';
import { observeOutbound } from './ebms/msh/observe.js';
import type { WorkerOptions } from './ebms/reliability/worker.js';
import { createEbmsServer, type EbmsRequestHandler } from './ebms/transport/server.js';
import { serverTlsOptions, type TlsMaterial } from './ebms/transport/tls.js';
import { CrlStore } from './pki/trust.js';
import { attachHub, type HubRole } from './hub.js';
import { createLogger, type Logger } from './log.js';
import { IntakeService } from './routing/intake/service.js';
import { scheduleRetention } from './routing/retention.js';
import { Metrics } from './metrics.js';
import { portalRouter } from './portal/app.js';
import type { PortalContext } from './portal/context.js';
import { UserService } from './portal/users.js';
import { OrganisationService } from './registry/organisations.js';
import { openStore } from './store/open.js';
import type { Store } from './store/store.js';

/** Idle keep-alive of the portal/API listener (ms): longer than clients keep an idle connection for reuse. */
export const PORTAL_KEEP_ALIVE_MS = 65_000;

/** A running knooppunt: both listeners, the store and the services (composition root). */
export interface Knooppunt {
  config: LoadedConfig;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  audit: AuditLog;
  msh: Msh;
  portal: HttpServer;
  ebms: HttpsServer;
  /** Portal accounts (first account at first start, `knooppunt users`). */
  users: UserService;
  urls: { portal: string; ebms: string };
  stop(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** Extra API modules (later issues add CPA Beheer, messages, routing). */
  apiModules?: ApiModule[];
  ebmsHandler?: EbmsRequestHandler;
  worker?: WorkerOptions;
}

export async function startKnooppunt(config: LoadedConfig, opts: StartOptions = {}): Promise<Knooppunt> {
  const logger = opts.logger ?? createLogger(config.log.level);
  setXmlLimits(config.limits.xml);
  const metrics = new Metrics();
  const store = await openStore(config);
  const audit = auditLog(logger);
  const organisations = new OrganisationService(store, { audit });
  await organisations.ensureHub(config.hub.oin, config.hub.name);
  // CPA Beheer; expiry warnings (30/7 days) go to the log and the knooppunt_expiring_items gauge (issue 3 §4).
  const cpas = new CpaService({ store, hub: hubIdentityFromConfig(config), logger, audit, allowLegacySha1: config.legacy.sha1, trustAnchors: config.pem.trustAnchors, onWarning: (_id, w) => metrics.expiring.inc({ what: w.what, days: String(w.threshold) }) });
  let sweeping: Promise<unknown> = Promise.resolve();
  const sweepCpas = () => { metrics.expiring.reset(); sweeping = cpas.sweep().catch((err: unknown) => logger.error({ err }, 'CPA sweep failed')); };
  sweepCpas();
  // Issue 10 item 3: a configured certificate that is not this node's certificate in a CPA in use, found at start.
  for (const c of await cpas.certificateCheck()) {
    for (const m of c.mismatches) logger.warn({ cpaId: c.cpaId, setting: m.setting, certId: m.certId, location: m.location }, m.message);
  }
  const sweepTimer = setInterval(sweepCpas, 3_600_000).unref();
  // CRLs (DK-30, PKI003): loaded at start, refreshed every tls.crlRefreshMinutes (≤ 4 h); used for the TLS peer
  // (the listener's secure context is swapped after each refresh) and for signing certificates (the MSH).
  const crls = config.tls.crls.length > 0
    ? new CrlStore({ sources: config.tls.crls, issuerPems: config.pem.trustAnchors, refreshIntervalMs: config.tls.crlRefreshMinutes * 60_000 })
    : undefined;
  const logCrlErrors = () => { for (const e of crls?.errors ?? []) logger.error({ source: e.source, problem: e.message }, 'CRL could not be loaded; the previous one stays in use'); };
  if (crls) { await crls.refresh(); logCrlErrors(); }
  const msh = createMsh(config, { store, cpas, logger, metrics, ...(crls ? { crls } : {}), ...(opts.worker ? { worker: opts.worker } : {}) });
  const unobserve = observeOutbound(msh.events, { logger, metrics });
  metrics.setSources({
    outbox: () => store.outbox.stats(),
    mailboxItems: () => store.mailbox.count(),
    cpas: async () => (await cpas.list()).map((c) => ({ status: c.status, endAt: c.endAt })),
  });
  const ctx: ApiContext = {
    config, logger, metrics, audit, organisations, cpas, msh,
    tokens: new TokenService(store, { audit }), messages: new MessageService(store),
    routing: new RoutingTableService({ store, organisations, audit }), mailbox: new MailboxService({ store }),
    health: () => store.status(),
  };

  const hub: HubRole | null = config.mode === 'hub' ? attachHub(config, { store, msh, organisations, logger, metrics }) : null;
  // ZIP intake (Aanleveren): entries go through the hub's own HubProcessor (seed 002 §3.1, §5).
  const intake = hub ? new IntakeService({ store, processor: hub.processor, dataDir: config.dataDir, limits: config.intake, logger }) : undefined;
  if (intake) ctx.intake = intake;
  // Retention (seed 001 §4.2): read mailbox files after readHours, everything after days; logged per run.
  const retention = scheduleRetention({ store, policy: config.retention, schedule: config.retention.schedule, logger });
  const portalCtx: PortalContext = {
    ...ctx, store,
    users: new UserService({ store, audit, lockoutAttempts: config.portal.lockoutAttempts, lockoutMinutes: config.portal.lockoutMinutes }),
    routes: ctx.routing,
  };
  const portal = createHttpServer(createApiApp(ctx, opts.apiModules ?? [], portalRouter(portalCtx)));
  // Issue 10 §15: Node's default keep-alive of 5 s races with clients that reuse an idle connection just before it
  // ends (undici/fetch keeps one for the server's hint minus 1 s; on a loaded machine the timers slip past each
  // other and the client's request meets a closing socket: "other side closed"). Keep idle connections well
  // beyond any client's reuse window, as the ebMS listener does; headers must be allowed longer than that.
  portal.keepAliveTimeout = PORTAL_KEEP_ALIVE_MS;
  portal.headersTimeout = PORTAL_KEEP_ALIVE_MS + 5_000;
  // Expired portal sessions are removed hourly (an expired one is never used in between).
  const sessionTimer = setInterval(() => { void store.sessions.purge(new Date().toISOString()).catch((err: unknown) => logger.error({ err }, 'session purge failed')); }, 3_600_000).unref();
  const tls = (): TlsMaterial => ({ cert: config.pem.server.cert, key: config.pem.server.key, ca: config.pem.trustAnchors, ...(crls ? { crl: crls.crls.map((c) => crlPem(c.der)) } : {}) });
  const ebms = createEbmsServer(
    tls(),
    opts.ebmsHandler ?? ebmsHttpHandler(msh.pipeline, msh.deps, ebmsPaths(config)),
    {
      logger, metrics,
      limits: {
        maxConnections: config.limits.ebmsMaxConnections, maxConnectionsPerAddress: config.limits.ebmsMaxConnectionsPerAddress,
        maxHandshakes: config.limits.ebmsMaxHandshakes, handshakeTimeoutMs: config.limits.ebmsHandshakeTimeoutSeconds * 1000,
        idleBodyMs: config.limits.ebmsIdleBodySeconds * 1000,
      },
    },
  );
  try {
    await listen(portal, config.listen.portal.host, config.listen.portal.port);
    await listen(ebms, config.listen.ebms.host, config.listen.ebms.port);
  } catch (e) {
    clearInterval(sweepTimer);
    clearInterval(sessionTimer);
    retention.stop();
    portal.close();
    ebms.close();
    await sweeping;
    await store.close();
    throw e;
  }
  msh.start();
  const crlTimer = crls ? setInterval(() => {
    void crls.refresh().then(() => { logCrlErrors(); ebms.setSecureContext(serverTlsOptions(tls())); });
  }, crls.refreshIntervalMs).unref() : undefined;
  void hub?.catchUp().catch((err: unknown) => logger.error({ err }, 'hub catch-up failed'));
  intake?.kick(); // uploads a restart interrupted
  const intakeTimer = intake ? setInterval(() => intake.kick(), 60_000).unref() : undefined;
  const host = (h: string) => (h === '0.0.0.0' || h === '::' ? 'localhost' : h.includes(':') ? `[${h}]` : h);
  const urls = {
    portal: `http://${host(config.listen.portal.host)}:${(portal.address() as AddressInfo).port}`,
    ebms: `https://${host(config.listen.ebms.host)}:${(ebms.address() as AddressInfo).port}/ebms`,
  };
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    logger.info('stopping: listeners close, in-flight requests finish');
    clearInterval(sweepTimer);
    clearInterval(sessionTimer);
    clearInterval(crlTimer);
    clearInterval(intakeTimer);
    retention.stop();
    await Promise.all([closeServer(portal), closeServer(ebms), sweeping, intake?.stop()]);
    hub?.stop();
    unobserve();
    await msh.stop();
    await store.close();
    logger.info('stopped');
  })());
  logger.info({ portal: urls.portal, ebms: urls.ebms, store: config.store.kind }, 'knooppunt started');
  return { config, store, logger, metrics, audit, msh, portal, ebms, users: portalCtx.users, urls, stop };
}

/** node:tls parses CRLs only in PEM form. */
function crlPem(der: Buffer): string {
  return `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END X509 CRL-----\n`;
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
