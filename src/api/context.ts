import type { LoadedConfig } from '../config/schema.js';
import type { CpaService } from '../cpa/service.js';
import type { Msh } from '../ebms/msh/msh.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Organisation } from '../registry/model.js';
import type { OrganisationService } from '../registry/organisations.js';
import type { Store } from '../store/store.js';

/** What the REST API reaches the core through: services, never SQL (architecture map). */
export interface ApiContext {
  config: LoadedConfig;
  store: Store;
  logger: Logger;
  metrics: Metrics;
  organisations: OrganisationService;
  /** CPA Beheer: generate, validate, import, lifecycle (src/api/cpas.ts). */
  cpas: CpaService;
  /** The ebMS MSH: send, ping, pull (src/api/messages.ts). */
  msh: Msh;
}

/** The authenticated caller. The hub operator's organisation may act for all (issue "The house" §11). */
export interface Principal {
  organisation: Organisation;
  isOperator: boolean;
  tokenId: string;
}

export function canActFor(p: Principal, organisationId: string): boolean {
  return p.isOperator || p.organisation.id === organisationId;
}
