import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Organisation } from '../registry/model.js';
import type { ApiToken, Store } from '../store/store.js';

/** API tokens (issue "The house" §11): random, shown once, stored only as SHA-256 (they carry 256 bits of entropy). */
export const TOKEN_PREFIX = 'kpt_';

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export async function createToken(store: Store, org: Organisation, name: string): Promise<{ token: string; record: ApiToken }> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const record: ApiToken = { id: randomUUID(), organisationId: org.id, name, createdAt: new Date().toISOString(), lastUsedAt: null, revokedAt: null };
  await store.tokens.insert({ ...record, tokenHash: hashToken(token) });
  return { token, record };
}

/** The token's record when it is valid (known and not revoked). */
export async function authenticateToken(store: Store, token: string): Promise<ApiToken | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 100) return null;
  return store.tokens.findByHash(hashToken(token));
}
