import type { AuditLog } from '../audit.js';
import type { LoadedConfig } from '../config/schema.js';
import type { CpaService } from '../cpa/service.js';
import type { MessageService } from '../ebms/msh/message-service.js';
import type { Msh } from '../ebms/msh/msh.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Organisation } from '../registry/model.js';
import type { OrganisationService } from '../registry/organisations.js';
import type { TokenService } from '../registry/tokens.js';
import type { MailboxService } from '../routing/mailbox.js';
import type { RoutingTableService } from '../routing/routes.js';
import type { StoreStatus } from '../store/store.js';
import type { IntakeService } from '../routing/intake/service.js';

/** What the REST API (and the portal) reach the core through: services, never the store (architecture map). */
export interface ApiContext {
  config: LoadedConfig;
  logger: Logger;
  metrics: Metrics;
  audit: AuditLog;
  organisations: OrganisationService;
  tokens: TokenService;
  /** CPA Beheer: generate, validate, import, lifecycle (src/api/cpas.ts). */
  cpas: CpaService;
  /** The ebMS MSH: send, ping, pull (src/api/messages.ts). */
  msh: Msh;
  /** The message store as the API shows it: list, find, parts, events, confirm. */
  messages: MessageService;
  routing: RoutingTableService;
  mailbox: MailboxService;
  /** The store's health for /healthz. */
  health: () => Promise<StoreStatus>;
  /** ZIP intake (Aanleveren); hub mode only (src/api/uploads.ts). */
  intake?: IntakeService;
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
