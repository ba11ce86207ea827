/**
 * The store: everything knooppunt keeps. Narrow, async, repository-shaped, so that a PostgreSQL implementation
 * (several instances behind one database) can follow the SQLite one without changing callers.
 * Message data is written with synchronous=FULL (SQLite) / synchronous_commit=on (PostgreSQL): nothing that was
 * acknowledged to a peer may be lost on a crash (DK-40).
 */
import type { Organisation, OrganisationKind } from '../registry/model.js';

export interface StoreStatus {
  kind: 'sqlite';
  ok: boolean;
  schemaVersion: number;
  detail?: string;
}

export interface MigrationResult {
  applied: string[];
  version: number;
}

export interface OrganisationRepository {
  insert(org: Organisation): Promise<void>;
  get(id: string): Promise<Organisation | null>;
  findByCode(kind: OrganisationKind, code: string): Promise<Organisation | null>;
  /** Organisations the OIN is authorised to act for. */
  findByOin(oin: string): Promise<Organisation[]>;
  list(filter?: { kind?: OrganisationKind; ids?: string[] }): Promise<Organisation[]>;
  addOin(id: string, oin: string): Promise<void>;
}

export interface ApiToken {
  id: string;
  organisationId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface TokenRepository {
  insert(t: ApiToken & { tokenHash: string }): Promise<void>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  touch(id: string, at: string): Promise<void>;
  list(organisationId?: string): Promise<ApiToken[]>;
  revoke(id: string, at: string): Promise<boolean>;
}

export type CpaStatus = 'aangevraagd' | 'gegenereerd' | 'geactiveerd' | 'verlopen' | 'ingetrokken';

/** A stored CPA: the XML as agreed plus what the lists and lifecycle need without parsing it. */
export interface CpaRecord {
  cpaId: string;
  status: CpaStatus;
  source: 'generated' | 'imported';
  xml: string;
  profielnaam: string | null;
  partyOin: string;
  partyName: string | null;
  organisationId: string | null;
  berichtstroom: string | null;
  profile: string | null;
  connectietype: string | null;
  startAt: string;
  endAt: string;
  createdAt: string;
  updatedAt: string;
  activatedAt: string | null;
}

export interface CpaEvent {
  at: string;
  event: string;
  detail: string | null;
}

export interface CpaRepository {
  insert(rec: CpaRecord, event: CpaEvent): Promise<void>;
  /** Replace the XML of an existing CPA (re-import with overwrite). */
  replace(rec: CpaRecord, event: CpaEvent): Promise<void>;
  get(cpaId: string): Promise<CpaRecord | null>;
  list(filter?: { status?: CpaStatus; partyOins?: string[] }): Promise<CpaRecord[]>;
  setStatus(cpaId: string, status: CpaStatus, event: CpaEvent): Promise<void>;
  events(cpaId: string): Promise<CpaEvent[]>;
}

export type MessageDirection = 'in' | 'out';
export type MessageKind = 'business' | 'signal';
/**
 * out: PENDING (in the outbox) → SENT (reliable, awaiting the Acknowledgment) → DELIVERED, or FAILED (refused by the
 * peer: HTTP 3xx/4xx, MessageError) or EXPIRED (Retries/TimeToLive exhausted: DeliveryFailure).
 * in: RECEIVED → PROCESSED (the application confirmed it), or REJECTED (answered with a MessageError), or
 * QUARANTINED (a poison message: its processing failed or overran too often; an operator may release it).
 */
export type MessageStatus = 'PENDING' | 'SENT' | 'DELIVERED' | 'FAILED' | 'EXPIRED' | 'RECEIVED' | 'PROCESSED' | 'REJECTED' | 'QUARANTINED';

export interface MessageRecord {
  id: string;
  messageId: string;
  direction: MessageDirection;
  kind: MessageKind;
  cpaId: string;
  conversationId: string;
  refToMessageId: string | null;
  fromParty: string;
  toParty: string;
  service: string;
  action: string;
  status: MessageStatus;
  timestamp: string;
  timeToLive: string | null;
  contentType: string;
  raw: Buffer;
  replyId: string | null;
  processedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface MessagePart {
  contentId: string;
  contentType: string;
  content: Buffer;
}

export interface MessageEvent {
  at: string;
  event: string;
  detail: string | null;
}

/** An outbox row (ebMS 2.0 §6.4 reliable messaging; signals sent asynchronously use it too). */
export interface Delivery {
  messageId: string;
  endpoint: string;
  attempts: number;
  maxAttempts: number;
  retryIntervalMs: number;
  nextAttemptAt: string;
  expiresAt: string | null;
  awaitingAck: boolean;
  lastError: string | null;
}

export interface MessageFilter {
  status?: MessageStatus;
  direction?: MessageDirection;
  kind?: MessageKind;
  cpaId?: string;
  /** Only messages of these CPAs (tenant scoping). */
  cpaIds?: string[];
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
  /** Keyset pagination: only rows after this one in list order (created_at DESC, id). */
  after?: ListPosition;
}

/** A row's place in a list ordered newest first: what a pagination cursor encodes. */
export interface ListPosition {
  createdAt: string;
  id: string;
}

export interface MessageRepository {
  /**
   * Store an inbound message with its parts, events and (optionally) the reply we give, in ONE durable
   * transaction. A message whose (direction, MessageId) exists already is not stored: the existing record is
   * returned instead (duplicate elimination, ebMS 2.0 §6.4.1).
   */
  insertInbound(msg: MessageRecord, parts: MessagePart[], event: MessageEvent, reply?: { msg: MessageRecord; delivery?: Delivery }): Promise<{ inserted: boolean; existing: MessageRecord | null }>;
  /** Store an outbound message and, when it is to be sent, its outbox row (one transaction). */
  insertOutbound(msg: MessageRecord, parts: MessagePart[], event: MessageEvent, delivery?: Delivery): Promise<void>;
  get(id: string): Promise<MessageRecord | null>;
  getByMessageId(direction: MessageDirection, messageId: string): Promise<MessageRecord | null>;
  list(filter: MessageFilter): Promise<MessageRecord[]>;
  /** A message by internal id, or by MessageId (inbound first, then outbound): what API and CLI users type. */
  find(ref: string): Promise<MessageRecord | null>;
  /** Messages whose RefToMessageId is `refToMessageId` (answers to a message), oldest first. */
  listByRef(direction: MessageDirection, refToMessageId: string): Promise<MessageRecord[]>;
  parts(id: string): Promise<MessagePart[]>;
  events(id: string): Promise<MessageEvent[]>;
  setStatus(id: string, status: MessageStatus, event?: MessageEvent): Promise<void>;
  /** Set the status only when it is one of `from` (guards against racing updates); true when it changed. */
  setStatusIf(id: string, from: MessageStatus[], status: MessageStatus, event?: MessageEvent): Promise<boolean>;
  addEvent(id: string, event: MessageEvent): Promise<void>;
  markProcessed(id: string, at: string): Promise<boolean>;
  /** Counts one more processing attempt of an unprocessed inbound message (durably, before it starts); the new count. */
  countProcessingAttempt(id: string): Promise<number>;
  /** Sets an unprocessed inbound message aside: QUARANTINED, processed_at set, event QUARANTINED with `reason`. */
  quarantine(id: string, at: string, reason: string): Promise<boolean>;
  /** Operator: a QUARANTINED message back to RECEIVED, unprocessed, attempts 0 (event RELEASED); false if not quarantined. */
  release(id: string, at: string): Promise<boolean>;
  /**
   * Retention (seed 001 §4.2): deletes messages created before `createdBefore` — rows, raw bytes, parts and events —
   * except those still in the outbox. Returns how many were deleted.
   */
  purge(createdBefore: string): Promise<number>;
}

export interface OutboxRepository {
  /** Claim up to `limit` due deliveries for `owner` for `leaseMs` (other instances skip them meanwhile). */
  claimDue(now: Date, limit: number, owner: string, leaseMs: number): Promise<Delivery[]>;
  get(messageId: string): Promise<Delivery | null>;
  /** After an attempt: schedule the next one (lease released). */
  reschedule(messageId: string, update: { attempts: number; nextAttemptAt: string; awaitingAck: boolean; lastError: string | null }): Promise<void>;
  /** Done (acknowledged, delivered, or given up): remove the row, set the message status, add the event. */
  complete(messageId: string, status: MessageStatus, event: MessageEvent): Promise<void>;
  /**
   * Done, in ONE transaction: the outbox row removed and — only when the message's status is one of `from` — the
   * new status set with `events`; true when the status changed. A crash can never leave a settled message (e.g.
   * DELIVERED by its Acknowledgment) in the outbox, to be sent again and then expired.
   */
  completeIf(messageId: string, from: MessageStatus[], status: MessageStatus, events: MessageEvent[]): Promise<boolean>;
  /**
   * Release every lease at start-up. SQLite has one instance, so a lease still set was held by a process that
   * died (SIGKILL, power loss) and must not hold its deliveries back until it runs out. (PostgreSQL: leases of
   * instances that stopped sending heartbeats.)
   */
  releaseLeases(): Promise<number>;
  /** Put an existing message (a stored reply being sent again) back in the outbox; false when it is there already. */
  enqueue(delivery: Delivery): Promise<boolean>;
  /** Earliest next attempt, for the worker's timer. */
  nextDueAt(): Promise<string | null>;
  count(): Promise<number>;
  /** Rows in the outbox and the creation time of the oldest message among them (metrics). */
  stats(): Promise<{ depth: number; oldestCreatedAt: string | null }>;
}

export type RouteRichting = 'verzenden' | 'ontvangen';
export type RouteKanaal = 'digikoppeling' | 'portaal';
export type RouteBerichtstroom = 'iwmo' | 'ijw';

/** A row of a gemeente's routing table (GGk manual "Routeren"): one berichtuitwisseling, one direction. */
export interface RouteRecord {
  gemeentecode: string;
  berichtstroom: RouteBerichtstroom;
  berichttype: string;
  richting: RouteRichting;
  kanaal: RouteKanaal;
  /** Required for digikoppeling, null for portaal. */
  cpaId: string | null;
  stufVersie: string;
  updatedAt: string;
  updatedBy: string | null;
}

export type RouteKey = Pick<RouteRecord, 'gemeentecode' | 'berichtstroom' | 'berichttype' | 'richting'>;

/** The chain partner (ketenpartner organisation + its CPA) taking every message for zorgaanbieders of a stroom. */
export interface KetenpartnerRoute {
  berichtstroom: RouteBerichtstroom;
  organisationId: string;
  cpaId: string;
  stufVersie: string;
  updatedAt: string;
  updatedBy: string | null;
}

export type RoutingOutcome = 'doorgestuurd' | 'postbus' | 'geweigerd';

/** One Berichtenlog row: a StUF message the hub handled. */
export interface RoutingLogEntry {
  id: string;
  at: string;
  ebmsMessageId: string;
  cpaId: string;
  senderOin: string;
  stufElement: string | null;
  berichtstroom: string | null;
  berichttype: string | null;
  gemeentecode: string | null;
  zenderOrganisatie: string | null;
  ontvangerOrganisatie: string | null;
  referentienummer: string | null;
  crossRefnummer: string | null;
  outcome: RoutingOutcome;
  foutcode: string | null;
  detail: string | null;
  targetOrganisationId: string | null;
  targetCpaId: string | null;
  forwardedMessageId: string | null;
  mailboxItemId: string | null;
  /** The Portaal upload the message came in with (Aanleveren); absent or null for Digikoppeling (then cpaId is set). */
  uploadId?: string | null;
}

export interface RoutingLogFilter {
  gemeentecode?: string;
  /** The ebMS MessageId of what the hub sent onward (a forward or a Fo01). */
  forwardedMessageId?: string;
  referentienummer?: string;
  outcome?: RoutingOutcome;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
}

export interface StufReferentie {
  zenderOrganisatie: string;
  zenderApplicatie: string;
  referentienummer: string;
}

export interface RoutingRepository {
  upsertRoute(route: RouteRecord): Promise<void>;
  getRoute(key: RouteKey): Promise<RouteRecord | null>;
  listRoutes(filter?: { gemeentecode?: string; berichtstroom?: RouteBerichtstroom; richting?: RouteRichting }): Promise<RouteRecord[]>;
  deleteRoute(key: RouteKey): Promise<boolean>;
  upsertKetenpartner(route: KetenpartnerRoute): Promise<void>;
  getKetenpartner(berichtstroom: RouteBerichtstroom): Promise<KetenpartnerRoute | null>;
  listKetenpartners(): Promise<KetenpartnerRoute[]>;
  /** IB216: records zender + referentienummer; false when the combination was seen before (atomic). */
  reserveReferentie(ref: StufReferentie, at: string): Promise<boolean>;
  /** Frees a reservation again (the message was refused after the IB216 check). */
  releaseReferentie(ref: StufReferentie): Promise<void>;
  /** IB216 read-only: true when zender + referentienummer was recorded before. */
  referentieUsed(ref: StufReferentie): Promise<boolean>;
  insertLog(entry: RoutingLogEntry): Promise<void>;
  listLog(filter?: RoutingLogFilter): Promise<RoutingLogEntry[]>;
  /** Retention: deletes Berichtenlog rows from before `before`; returns how many. */
  purgeLog(before: string): Promise<number>;
  /**
   * Everything the hub did with one inbound StUF message, in ONE durable transaction: the inbound message marked
   * PROCESSED with its event, the IB216 reservation, the forward or Fo01 put in the outbox (or the mailbox item),
   * the Berichtenlog row. A crash leaves all of it or none, so a message is never forwarded twice nor answered
   * with a false IB216 after it was forwarded. Nothing is written when the inbound message was processed already
   * or the referentie is taken (a concurrent message with the same zender + referentienummer).
   */
  complete(c: HubCompletion): Promise<HubCompletionResult>;
}

/** An outbound message with its outbox row, as the MSH built it, not yet stored. */
export interface OutboundWrite {
  msg: MessageRecord;
  parts: MessagePart[];
  event: MessageEvent;
  delivery?: Delivery;
}

export interface HubCompletion {
  /** The stored inbound message (id), marked PROCESSED; absent when the message was never stored (unit use). */
  inboundId?: string;
  /** The event added to the inbound message (FORWARDED, MAILBOX, REFUSED_FO01). */
  event: MessageEvent;
  log: RoutingLogEntry;
  /** IB216: zender + referentienummer recorded now. */
  referentie?: StufReferentie;
  /** The forward or the Fo01, queued. */
  outbound?: OutboundWrite;
  mailbox?: { item: MailboxItem; content: Buffer };
}

export type HubCompletionResult = 'committed' | 'processed-already' | 'referentie-used';

/** A file in an organisation's Portaal mailbox ("Bestanden ophalen"). */
export interface MailboxItem {
  id: string;
  organisationId: string;
  berichttype: string;
  bestandsnaam: string;
  contentType: string;
  size: number;
  referentienummer: string | null;
  ebmsMessageId: string | null;
  createdAt: string;
  readAt: string | null;
  deletedAt: string | null;
}

export interface MailboxFilter {
  organisationId?: string;
  berichttype?: string;
  /** true: only read items; false: only unread. */
  read?: boolean;
  includeDeleted?: boolean;
  from?: string;
  to?: string;
  limit?: number;
  offset?: number;
  /** Keyset pagination: only items after this one in list order (created_at DESC, id DESC). */
  after?: ListPosition;
}

export interface MailboxRepository {
  insert(item: MailboxItem, content: Buffer): Promise<void>;
  /** Items not deleted, in all mailboxes (metrics). */
  count(): Promise<number>;
  get(id: string): Promise<MailboxItem | null>;
  content(id: string): Promise<Buffer | null>;
  list(filter?: MailboxFilter): Promise<MailboxItem[]>;
  /** Sets (at) or clears (null) the read mark of a not-deleted item; false when there is none. */
  setRead(id: string, at: string | null): Promise<boolean>;
  /** Soft delete; false when the item does not exist or is deleted already. */
  softDelete(id: string, at: string): Promise<boolean>;
  /** Retention: soft-deletes items read before `readBefore` and all items created before `createdBefore`. */
  expire(readBefore: string, createdBefore: string, at: string): Promise<number>;
  /** Retention: removes items (and their content) created before `createdBefore` for good; returns how many. */
  purge(createdBefore: string): Promise<number>;
}

/** Status of an uploaded file (seed 001 §4.1.1: Ontvangen, Bezig, Afgeleverd, Afgekeurd). */
export type UploadStatus = 'ontvangen' | 'bezig' | 'afgeleverd' | 'afgekeurd';

/** A file uploaded on the Aanleveren tab of a product (seed 002 §3.1). */
export interface UploadRecord {
  id: string;
  organisationId: string;
  berichtstroom: RouteBerichtstroom;
  bestandsnaam: string;
  size: number;
  sha256: string | null;
  uploadedBy: string | null;
  status: UploadStatus;
  /** Whole-file refusal (seed 002 §5 category 1): the seed's message; then there is no verwerkingsverslag. */
  foutmelding: string | null;
  entryCount: number | null;
  createdAt: string;
  startedAt: string | null;
  /** When processing is expected to end ("Bezig, verwachte aflevertijd HH:MM"). */
  expectedDoneAt: string | null;
  finishedAt: string | null;
}

export type UploadEntryResultaat = 'doorgestuurd' | 'postbus' | 'dubbel' | 'geweigerd';

/** One line of the verwerkingsverslag (seed 001 §4.1.2): a ZIP entry and what became of it. */
export interface UploadEntry {
  uploadId: string;
  idx: number;
  bestandsnaam: string;
  berichttype: string | null;
  referentienummer: string | null;
  sha256: string | null;
  resultaat: UploadEntryResultaat;
  foutcode: string | null;
  reden: string | null;
  logId: string | null;
}

export interface UploadRepository {
  insert(upload: UploadRecord): Promise<void>;
  get(id: string): Promise<UploadRecord | null>;
  list(filter?: { organisationId?: string; berichtstroom?: RouteBerichtstroom; statuses?: UploadStatus[]; limit?: number; offset?: number }): Promise<UploadRecord[]>;
  update(id: string, change: Partial<Pick<UploadRecord, 'status' | 'foutmelding' | 'entryCount' | 'startedAt' | 'expectedDoneAt' | 'finishedAt' | 'sha256'>>): Promise<void>;
  addEntry(entry: UploadEntry): Promise<void>;
  entries(uploadId: string): Promise<UploadEntry[]>;
  /** An earlier delivered entry of the organisation with these exact bytes (seed 002 §5: a re-upload is no problem). */
  findDelivered(organisationId: string, sha256: string): Promise<UploadEntry | null>;
  /** Finished uploads, newest first, for estimating processing time. */
  recentFinished(limit: number): Promise<UploadRecord[]>;
}

/** A portal account (issue 16 §1). Roles and products are plain strings here; their meaning is the portal's. */
export interface UserRecord {
  id: string;
  organisationId: string;
  username: string;
  name: string;
  passwordHash: string;
  roles: string[];
  products: string[];
  failedLogins: number;
  lockedUntil: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
  updatedBy: string | null;
}

export interface UserRepository {
  insert(user: UserRecord): Promise<void>;
  get(id: string): Promise<UserRecord | null>;
  findByUsername(username: string): Promise<UserRecord | null>;
  list(filter?: { organisationId?: string }): Promise<UserRecord[]>;
  /** Replace the mutable fields (everything but id, organisationId, username, createdAt). */
  update(user: UserRecord): Promise<void>;
  count(): Promise<number>;
}

/** A stored session: opaque JSON data, the user it belongs to (for revocation) and its expiry. */
export interface SessionRecord {
  sid: string;
  userId: string | null;
  data: string;
  expiresAt: string;
}

export interface SessionRepository {
  /** The session, when it has not expired at `now`. */
  get(sid: string, now: string): Promise<SessionRecord | null>;
  set(rec: SessionRecord): Promise<void>;
  touch(sid: string, expiresAt: string): Promise<void>;
  destroy(sid: string): Promise<void>;
  /** Ends every session of a user (disabled, password reset, rights changed). */
  destroyForUser(userId: string): Promise<number>;
  /** Removes expired sessions. */
  purge(now: string): Promise<number>;
}

export interface Store {
  readonly kind: 'sqlite';
  readonly organisations: OrganisationRepository;
  readonly tokens: TokenRepository;
  readonly cpas: CpaRepository;
  readonly messages: MessageRepository;
  readonly outbox: OutboxRepository;
  readonly routing: RoutingRepository;
  readonly mailbox: MailboxRepository;
  readonly users: UserRepository;
  readonly sessions: SessionRepository;
  readonly uploads: UploadRepository;
  migrate(): Promise<MigrationResult>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
