import type { ApiContext } from '../../src/api/context.js';
import { hubIdentityFromConfig } from '../../src/cpa/hub-identity.js';
import { CpaService } from '../../src/cpa/service.js';
import { createLogger } from '../../src/log.js';
import { Metrics } from '../../src/metrics.js';
import { OrganisationService } from '../../src/registry/organisations.js';
import { SqliteStore } from '../../src/store/sqlite/store.js';
import { testConfig } from './config.js';

/** These API tests never reach the MSH; the context needs one all the same. */
const NO_MSH = null as unknown as ApiContext['msh'];

/** An API context for the hub of the test PKI with an in-memory store (the hub organisation registered). */
export async function testApiContext(): Promise<ApiContext> {
  const config = testConfig();
  const store = await SqliteStore.open(':memory:');
  const organisations = new OrganisationService(store);
  const logger = createLogger('silent');
  await organisations.ensureHub(config.hub.oin, config.hub.name);
  return { config, store, organisations, logger, metrics: new Metrics(), cpas: new CpaService({ store, hub: hubIdentityFromConfig(config), logger }), msh: NO_MSH };
}
