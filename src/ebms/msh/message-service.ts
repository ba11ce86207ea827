import { GatewayError } from '../../errors.js';
import type { MessageEvent, MessageFilter, MessagePart, MessageRecord, Store } from '../../store/store.js';

/**
 * The message store as the REST API, the portal and the CLI read it (they never reach the repositories). Lists
 * are newest first and paged by keyset (MessageFilter.after), never unbounded.
 */
export class MessageService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  list(filter: MessageFilter & { limit: number }): Promise<MessageRecord[]> {
    return this.#store.messages.list(filter);
  }

  /** By internal id or MessageId; null when unknown. */
  find(ref: string): Promise<MessageRecord | null> {
    return this.#store.messages.find(ref);
  }

  get(id: string): Promise<MessageRecord | null> {
    return this.#store.messages.get(id);
  }

  parts(id: string): Promise<MessagePart[]> {
    return this.#store.messages.parts(id);
  }

  events(id: string): Promise<MessageEvent[]> {
    return this.#store.messages.events(id);
  }

  /** The application confirms an inbound business message (adapter pull, PROCESSED event). */
  async markProcessed(rec: MessageRecord): Promise<MessageRecord> {
    if (rec.direction !== 'in' || rec.kind !== 'business') throw new GatewayError('ERR_CONFLICT', 'only inbound business messages are confirmed');
    await this.#store.messages.markProcessed(rec.id, new Date().toISOString());
    return (await this.#store.messages.get(rec.id))!;
  }

  /**
   * Operator (issue 9, poison messages): a QUARANTINED inbound message back to RECEIVED with its attempts reset
   * (event RELEASED); the running hub processes it again at its next catch-up — as `knooppunt messages release`.
   */
  async release(rec: MessageRecord): Promise<MessageRecord> {
    if (!(await this.#store.messages.release(rec.id, new Date().toISOString()))) {
      throw new GatewayError('ERR_CONFLICT', `message ${rec.messageId} is ${rec.status}, not QUARANTINED`);
    }
    return (await this.#store.messages.get(rec.id))!;
  }
}
