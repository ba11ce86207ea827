/**
 * The Berichtenlog (seed 002 §7): the StUF messages the hub handled for a gemeente — sent and received, over the
 * portal and Digikoppeling, accepted and refused — for a period of at most a week back ("U kunt tot maximaal een
 * week geleden berichten opvragen"). Read through this service; the portal never touches the store directly.
 */
import type { RoutingLogEntry, Store } from '../store/store.js';

export const BERICHTENLOG_MAX_DAYS = 7;
const LIMIT = 5000;

export interface BerichtenlogRow extends RoutingLogEntry {
  /** From the gemeente's side: it sent the message (zender) or received it. */
  richting: 'verzonden' | 'ontvangen';
  /** How the message reached the gemeente or the hub: the Portaal mailbox / upload, or Digikoppeling. */
  kanaal: 'portaal' | 'digikoppeling';
}

export interface BerichtenlogQuery {
  gemeentecode: string;
  from: Date;
  to: Date;
  /** Only berichttypen starting with one of these prefixes (the user's products), e.g. ['WMO', 'JW']. */
  prefixes: string[];
  berichttype?: string;
}

/** The channel of a log row: a mailbox delivery or a message the hub itself took from a portal upload is Portaal. */
export function kanaalOf(e: RoutingLogEntry): 'portaal' | 'digikoppeling' {
  return e.outcome === 'postbus' || e.mailboxItemId !== null || e.cpaId === '' || e.cpaId.startsWith('portaal') ? 'portaal' : 'digikoppeling';
}

export class BerichtenlogService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async list(q: BerichtenlogQuery): Promise<BerichtenlogRow[]> {
    const rows = await this.#store.routing.listLog({ gemeentecode: q.gemeentecode, from: q.from.toISOString(), to: q.to.toISOString(), limit: LIMIT });
    return rows
      .filter((e) => e.berichttype !== null && q.prefixes.some((p) => e.berichttype!.toUpperCase().startsWith(p)))
      .filter((e) => !q.berichttype || e.berichttype === q.berichttype)
      .map((e) => ({ ...e, richting: e.zenderOrganisatie === q.gemeentecode ? 'verzonden' as const : 'ontvangen' as const, kanaal: kanaalOf(e) }));
  }
}
