import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { noAudit, type Actor, type AuditLog } from '../audit.js';
import { GatewayError } from '../errors.js';
import type { ApiToken, Store } from '../store/store.js';
import type { Organisation } from './model.js';

/** API tokens (issue "The house" §11): random, shown once, stored only as SHA-256 (they carry 256 bits of entropy). */
export const TOKEN_PREFIX = 'kpt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A valid token with its organisation. */
export interface TokenPrincipal {
  token: ApiToken;
  organisation: Organisation;
}

/** Tokens for the API, the CLI and start-up; every change is an audit line. */
export class TokenService {
  readonly #store: Store;
  readonly #audit: AuditLog;

  constructor(store: Store, opts: { audit?: AuditLog } = {}) {
    this.#store = store;
    this.#audit = opts.audit ?? noAudit;
  }

  async create(org: Organisation, name: string, actor: Actor): Promise<{ token: string; record: ApiToken }> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const record: ApiToken = { id: randomUUID(), organisationId: org.id, name, createdAt: new Date().toISOString(), lastUsedAt: null, revokedAt: null };
    await this.#store.tokens.insert({ ...record, tokenHash: hashToken(token) });
    this.#audit.record(actor, 'token.create', record.id, { organisationId: org.id, name });
    return { token, record };
  }

  /** The token's record and organisation when it is valid (known, not revoked, organisation still there). */
  async authenticate(token: string): Promise<TokenPrincipal | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
    const record = await this.#store.tokens.findByHash(hashToken(token));
    if (!record) return null;
    const organisation = await this.#store.organisations.get(record.organisationId);
    if (!organisation) return null;
    void this.#store.tokens.touch(record.id, new Date().toISOString());
    return { token: record, organisation };
  }

  list(organisationId?: string): Promise<ApiToken[]> {
    return this.#store.tokens.list(organisationId);
  }

  /** Revoke by id: ERR_NOT_FOUND for an unknown id, ERR_CONFLICT when it was revoked already. */
  async revoke(id: string, actor: Actor): Promise<ApiToken> {
    const found = (await this.#store.tokens.list()).find((t) => t.id === id);
    if (!found) throw new GatewayError('ERR_NOT_FOUND', `no token ${id}`);
    if (found.revokedAt) throw new GatewayError('ERR_CONFLICT', `token ${id} was revoked already at ${found.revokedAt}`);
    const at = new Date().toISOString();
    if (!(await this.#store.tokens.revoke(id, at))) throw new GatewayError('ERR_CONFLICT', `token ${id} was revoked already`);
    this.#audit.record(actor, 'token.revoke', id, { organisationId: found.organisationId });
    return { ...found, revokedAt: at };
  }

  /**
   * Issue 10 §10: when the hub operator's organisation has no usable token, create one and return it so that the
   * caller can show it once (on the terminal, never in the structured log). null when one exists.
   */
  async ensureOperatorToken(hub: Organisation, actor: Actor): Promise<{ token: string; record: ApiToken } | null> {
    const active = (await this.#store.tokens.list(hub.id)).filter((t) => !t.revokedAt);
    if (active.length > 0) return null;
    return this.create(hub, 'hub operator (first start)', actor);
  }
}
