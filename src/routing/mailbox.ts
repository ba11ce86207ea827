/**
 * The Portaal mailbox (GGk manual §6 "Bestanden ophalen"): messages routed to a gemeente whose exchange is set to
 * Portaal wait here as StUF envelopes. Downloading marks an item read; a read item is removed 168 hours later
 * unless the mark is taken away; anything is removed after 60 days (seed 001 §4.2, newer than seed 002 §6.1's 90
 * days); a user may delete a selection at once. The retention job (src/routing/retention.ts) does it with the configured periods.
 * Every call is scoped: `organisationId` null means the hub operator (all mailboxes).
 */
import { randomUUID } from 'node:crypto';
import { GatewayError, ValidationError } from '../errors.js';
import type { MailboxFilter, MailboxItem, Store } from '../store/store.js';
import type { Readable } from 'node:stream';
import { zipStream, type ZipEntry } from './zip.js';

/** §6: "Een bestand dat gemarkeerd is als gelezen wordt na 168 uur verwijderd". */
export const READ_RETENTION_MS = 168 * 3600 * 1000;
/** Seed 001 §4.2: "Alle berichten worden, ongeacht de status, na 60 dagen verwijderd uit de database." */
export const MAX_RETENTION_MS = 60 * 24 * 3600 * 1000;
/** At most this many files in one ZIP download. */
export const MAX_ZIP_ITEMS = 1000;

export interface NewMailboxItem {
  organisationId: string;
  berichttype: string;
  bestandsnaam: string;
  content: Buffer;
  contentType?: string;
  referentienummer?: string | null;
  ebmsMessageId?: string | null;
}

/** Who asks: the operator sees every mailbox, anyone else only the organisation's own. */
export interface MailboxScope {
  organisationId: string | null;
}

export class MailboxService {
  readonly #store: Store;
  readonly #now: () => Date;

  constructor(opts: { store: Store; now?: () => Date }) {
    this.#store = opts.store;
    this.#now = opts.now ?? (() => new Date());
  }

  async deliver(input: NewMailboxItem): Promise<MailboxItem> {
    const item = this.newItem(input);
    await this.#store.mailbox.insert(item, input.content);
    return item;
  }

  /** The item `deliver` stores, not stored (the hub stores it with the message's outcome in one transaction). */
  newItem(input: NewMailboxItem): MailboxItem {
    return {
      id: randomUUID(), organisationId: input.organisationId, berichttype: input.berichttype, bestandsnaam: input.bestandsnaam,
      contentType: input.contentType ?? 'text/xml', size: input.content.length, referentienummer: input.referentienummer ?? null,
      ebmsMessageId: input.ebmsMessageId ?? null, createdAt: this.#now().toISOString(), readAt: null, deletedAt: null,
    };
  }

  /** Items of the scope's organisation (the operator: of `filter.organisationId`, or all). */
  list(scope: MailboxScope, filter: Omit<MailboxFilter, 'includeDeleted'> = {}): Promise<MailboxItem[]> {
    const organisationId = scope.organisationId ?? filter.organisationId;
    return this.#store.mailbox.list({ ...filter, ...(organisationId === undefined ? {} : { organisationId }) });
  }

  /** A not-deleted item the scope may see; ERR_NOT_FOUND otherwise (no hint that it exists elsewhere). */
  async get(scope: MailboxScope, id: string): Promise<MailboxItem> {
    const item = await this.#store.mailbox.get(id);
    if (!item || item.deletedAt !== null || (scope.organisationId !== null && item.organisationId !== scope.organisationId)) {
      throw new GatewayError('ERR_NOT_FOUND', `no mailbox item ${id}`);
    }
    return item;
  }

  /** Download one item: its content; the item is marked read (§6). */
  async download(scope: MailboxScope, id: string): Promise<{ item: MailboxItem; content: Buffer }> {
    const item = await this.get(scope, id);
    const content = await this.#store.mailbox.content(id);
    if (!content) throw new GatewayError('ERR_NOT_FOUND', `no mailbox item ${id}`);
    return { item: await this.#markRead(item), content };
  }

  /** Download a selection as one ZIP (in memory; see `downloadZipStream`). */
  async downloadZip(scope: MailboxScope, ids: unknown): Promise<{ items: MailboxItem[]; zip: Buffer }> {
    const { items, stream } = await this.downloadZipStream(scope, ids);
    const chunks: Buffer[] = [];
    for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
    return { items, zip: Buffer.concat(chunks) };
  }

  /**
   * Download a selection as one ZIP, streamed: each file's content is read from the store when the ZIP writer
   * reaches it. Every item is marked read (§6). Unknown ids: ERR_NOT_FOUND for all, before anything is written.
   */
  async downloadZipStream(scope: MailboxScope, ids: unknown): Promise<{ items: MailboxItem[]; stream: Readable }> {
    if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) {
      throw new ValidationError('Invalid selection', [{ path: 'ids', message: 'a non-empty list of mailbox item ids' }]);
    }
    if (ids.length > MAX_ZIP_ITEMS) throw new ValidationError('Invalid selection', [{ path: 'ids', message: `at most ${MAX_ZIP_ITEMS} items` }]);
    const unique = [...new Set(ids as string[])];
    const items = await Promise.all(unique.map((id) => this.get(scope, id)));
    const names = new Map<string, number>();
    const entries: ZipEntry[] = items.map((item) => ({
      name: uniqueName(item.bestandsnaam, names), modified: new Date(item.createdAt),
      content: async () => {
        const content = await this.#store.mailbox.content(item.id);
        if (!content) throw new GatewayError('ERR_NOT_FOUND', `no mailbox item ${item.id}`);
        return content;
      },
    }));
    const stream = zipStream(entries);
    const read = [];
    for (const item of items) read.push(await this.#markRead(item));
    return { items: read, stream };
  }

  /** Set or clear the read mark (§6: clearing it keeps the item beyond 168 hours). */
  async setRead(scope: MailboxScope, id: string, read: boolean): Promise<MailboxItem> {
    const item = await this.get(scope, id);
    const at = read ? item.readAt ?? this.#now().toISOString() : null;
    await this.#store.mailbox.setRead(id, at);
    return { ...item, readAt: at };
  }

  async delete(scope: MailboxScope, id: string): Promise<void> {
    await this.get(scope, id);
    await this.#store.mailbox.softDelete(id, this.#now().toISOString());
  }

  /** Retention (§6/§6.1): run periodically; returns how many items were removed. */
  expire(): Promise<number> {
    const now = this.#now().getTime();
    return this.#store.mailbox.expire(new Date(now - READ_RETENTION_MS).toISOString(),
      new Date(now - MAX_RETENTION_MS).toISOString(), new Date(now).toISOString());
  }

  async #markRead(item: MailboxItem): Promise<MailboxItem> {
    if (item.readAt !== null) return item;
    const at = this.#now().toISOString();
    await this.#store.mailbox.setRead(item.id, at);
    return { ...item, readAt: at };
  }
}

/** `name`, or `name` with -2, -3… before the extension when a ZIP already holds it. */
function uniqueName(name: string, seen: Map<string, number>): string {
  const n = (seen.get(name) ?? 0) + 1;
  seen.set(name, n);
  if (n === 1) return name;
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}-${n}${name.slice(dot)}` : `${name}-${n}`;
}
