import type { LoadedConfig } from '../../config/schema.js';
import type { CpaService } from '../../cpa/service.js';
import type { Logger } from '../../log.js';
import type { Metrics } from '../../metrics.js';
import type { CrlStore } from '../../pki/trust.js';
import type { Store } from '../../store/store.js';
import type { WorkerOptions } from '../reliability/worker.js';
import { Msh } from './msh.js';

/** Host part of our MessageIds: the host of our Internet endpoint (ebms-core: the default channel's endpoint host). */
export function messageIdHost(config: LoadedConfig): string {
  return new URL(config.hub.endpoints.internet).hostname.replace(/^\[|\]$/g, '') || 'localhost';
}

/** The paths the ebMS listener answers on: `/ebms` and the paths of our endpoint URLs. */
export function ebmsPaths(config: LoadedConfig): Set<string> {
  return new Set(['/ebms', new URL(config.hub.endpoints.internet).pathname, new URL(config.hub.endpoints.diginetwerk).pathname]);
}

/** Build the MSH from the configuration (server and CLI use the same). */
export function createMsh(config: LoadedConfig, deps: { store: Store; cpas: CpaService; logger: Logger; metrics: Metrics; crls?: CrlStore; worker?: WorkerOptions }): Msh {
  return new Msh({
    store: deps.store, cpas: deps.cpas, logger: deps.logger, metrics: deps.metrics,
    identity: { oin: config.hub.oin, messageIdHost: messageIdHost(config), signing: config.pem.signing, trustAnchors: config.pem.trustAnchors },
    ...(deps.crls ? { crls: deps.crls } : {}),
    legacy: config.legacy,
    maxBytes: config.limits.ebmsMaxBytes,
    limits: { maxHeaderValueChars: config.limits.ebmsMaxHeaderValueChars, maxMimeParts: config.limits.ebmsMaxMimeParts },
  }, { cert: config.pem.client.cert, key: config.pem.client.key, ca: config.pem.trustAnchors }, deps.worker ? { worker: deps.worker } : {});
}
