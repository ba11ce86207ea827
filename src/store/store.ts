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

export interface Store {
  readonly kind: 'sqlite';
  readonly organisations: OrganisationRepository;
  readonly tokens: TokenRepository;
  migrate(): Promise<MigrationResult>;
  status(): Promise<StoreStatus>;
  close(): Promise<void>;
}
