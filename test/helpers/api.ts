import type { ApiContext } from '../../src/api/context.js';
import { auditLog } from '../../src/audit.js';
import { hubIdentityFromConfig } from '../../src/cpa/hub-identity.js';
import { CpaService } from '../../src/cpa/service.js';
import { MessageService } from '../../src/ebms/msh/message-service.js';
import { createLogger, type Logger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { OrganisationService } from '../../src/registry/organisations.js';
import { TokenService } from '../../src/registry/tokens.js';
import { MailboxService } from '../../src/routing/mailbox.js';
import { RoutingTableService } from '../../src/routing/routes.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import type { Organisation } from '../../src/registry/model.js';
import { errorCatalogue, type GatewayErrorCode, type Problem } from '../../src/errors.js';
import { testConfig } from './config.js';

/** These API tests never reach the MSH; the context needs one all the same. */
const NO_MSH = null as unknown as ApiContext['msh'];

/** An API context for the hub of the test PKI with an in-memory store (the hub organisation registered). */
export async function testApiContext(opts: { logger?: Logger } = {}): Promise<ApiContext & { store: SqliteStore }> {
  const config = testConfig();
  const store = await SqliteStore.open(':memory:');
  const logger = opts.logger ?? createLogger('silent');
  const audit = auditLog(logger);
  const organisations = new OrganisationService(store, { audit });
  await organisations.ensureHub(config.hub.oin, config.hub.name);
  return {
    config, store, organisations, logger, audit, metrics: new Metrics(), msh: NO_MSH,
    cpas: new CpaService({ store, hub: hubIdentityFromConfig(config), logger, audit }),
    tokens: new TokenService(store, { audit }), messages: new MessageService(store),
    routing: new RoutingTableService({ store, organisations, audit }), mailbox: new MailboxService({ store }),
    health: () => store.status(),
  };
}

export type TestApiContext = Awaited<ReturnType<typeof testApiContext>>;

/** A new API token of `org` (the value). */
export async function apiToken(ctx: ApiContext, org: Organisation, name = 'test'): Promise<string> {
  return (await ctx.tokens.create(org, name, { kind: 'cli', id: 'test' })).token;
}

/** The RFC 9457 problem body the API answers for a GatewayError code (src/api/problem.ts). */
export function problemBody(code: GatewayErrorCode, detail: string, problems?: Problem[]): Record<string, unknown> {
  return {
    type: `urn:knooppunt:problem:${code}`, title: errorCatalogue[code].description, status: errorCatalogue[code].httpStatus, detail, code,
    ...(problems ? { problems } : {}),
  };
}
