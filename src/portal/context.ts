import type { ApiContext } from '../api/context.js';
import type { MailboxService } from '../routing/mailbox.js';
import type { RoutingTableService } from '../routing/routes.js';
import type { Store } from '../store/store.js';
import type { UserService } from './users.js';

/** What portal pages reach the core through: the API's services plus accounts, mailbox and routing table. */
export interface PortalContext extends ApiContext {
  users: UserService;
  mailbox: MailboxService;
  routes: RoutingTableService;
  /** Still read directly by the session store, the gemeente list and the Berichtenlog (to move behind services). */
  store: Store;
}
