import type {
  CpaRepository, MailboxRepository, MessageRepository, MigrationResult, OrganisationRepository, OutboxRepository, RoutingRepository, SessionRepository, Store,
  StoreStatus, TokenRepository, UploadRepository, UserRepository,
} from '../store.js';
import { sqliteCpas } from './cpas.js';
import { hubCompletion } from './hub-completion.js';
import { sqliteMessages } from './messages.js';
import { migrate, openDatabase, schemaVersion, type Db } from './database.js';
import { sqliteOrganisations, sqliteTokens } from './organisations.js';
import { sqliteMailbox, sqliteRouting } from './routing.js';
import { sqliteSessions, sqliteUsers } from './users.js';
import { sqliteUploads } from './uploads.js';

/** The embedded store: one SQLite file (better-sqlite3 12.x; 13.x segfaults on Node 20, node-stack.md §7). */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Db;
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
  readonly #path: string;

  /** Use `SqliteStore.open()`: repositories prepare statements, so the schema must be migrated first. */
  private constructor(db: Db, path: string) {
    this.db = db;
    this.#path = path;
    this.organisations = sqliteOrganisations(db);
    this.tokens = sqliteTokens(db);
    this.cpas = sqliteCpas(db);
    ({ messages: this.messages, outbox: this.outbox } = sqliteMessages(db));
    this.routing = sqliteRouting(db, hubCompletion(db));
    this.mailbox = sqliteMailbox(db);
    this.users = sqliteUsers(db);
    this.sessions = sqliteSessions(db);
    this.uploads = sqliteUploads(db);
  }

  /** Open (or create) the file and bring the schema up to date. */
  static async open(path: string): Promise<SqliteStore> {
    const db = openDatabase(path);
    migrate(db);
    return new SqliteStore(db, path);
  }

  async migrate(): Promise<MigrationResult> {
    return migrate(this.db);
  }

  async status(): Promise<StoreStatus> {
    try {
      this.db.prepare('SELECT 1').get();
      return { kind: 'sqlite', ok: true, schemaVersion: schemaVersion(this.db), detail: this.#path };
    } catch (e) {
      return { kind: 'sqlite', ok: false, schemaVersion: -1, detail: (e as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
