import type { SessionRecord, SessionRepository, UserRecord, UserRepository } from '../store.js';
import type { Db } from './database.js';

interface UserRow {
  id: string; organisation_id: string; username: string; name: string; password_hash: string; roles: string; products: string;
  failed_logins: number; locked_until: string | null; disabled_at: string | null; created_at: string; updated_at: string; updated_by: string | null;
}

const list = (s: string): string[] => (s === '' ? [] : s.split(','));

function toUser(r: UserRow): UserRecord {
  return {
    id: r.id, organisationId: r.organisation_id, username: r.username, name: r.name, passwordHash: r.password_hash,
    roles: list(r.roles), products: list(r.products), failedLogins: r.failed_logins, lockedUntil: r.locked_until,
    disabledAt: r.disabled_at, createdAt: r.created_at, updatedAt: r.updated_at, updatedBy: r.updated_by,
  };
}

function params(u: UserRecord) {
  return {
    id: u.id, organisationId: u.organisationId, username: u.username, name: u.name, passwordHash: u.passwordHash,
    roles: u.roles.join(','), products: u.products.join(','), failedLogins: u.failedLogins, lockedUntil: u.lockedUntil,
    disabledAt: u.disabledAt, createdAt: u.createdAt, updatedAt: u.updatedAt, updatedBy: u.updatedBy,
  };
}

export function sqliteUsers(db: Db): UserRepository {
  const ins = db.prepare(`INSERT INTO portal_users (id, organisation_id, username, name, password_hash, roles, products, failed_logins,
    locked_until, disabled_at, created_at, updated_at, updated_by) VALUES (@id, @organisationId, @username, @name, @passwordHash, @roles,
    @products, @failedLogins, @lockedUntil, @disabledAt, @createdAt, @updatedAt, @updatedBy)`);
  const upd = db.prepare(`UPDATE portal_users SET name = @name, password_hash = @passwordHash, roles = @roles, products = @products,
    failed_logins = @failedLogins, locked_until = @lockedUntil, disabled_at = @disabledAt, updated_at = @updatedAt, updated_by = @updatedBy WHERE id = @id`);
  const byId = db.prepare('SELECT * FROM portal_users WHERE id = ?');
  const byName = db.prepare('SELECT * FROM portal_users WHERE username = ?');
  const all = db.prepare('SELECT * FROM portal_users ORDER BY organisation_id, username');
  const byOrg = db.prepare('SELECT * FROM portal_users WHERE organisation_id = ? ORDER BY username');
  const count = db.prepare('SELECT COUNT(*) AS n FROM portal_users');
  return {
    async insert(u) { ins.run(params(u)); },
    async get(id) { const r = byId.get(id) as UserRow | undefined; return r ? toUser(r) : null; },
    async findByUsername(username) { const r = byName.get(username) as UserRow | undefined; return r ? toUser(r) : null; },
    async list(filter) { return ((filter?.organisationId ? byOrg.all(filter.organisationId) : all.all()) as UserRow[]).map(toUser); },
    async update(u) { upd.run(params(u)); },
    async count() { return (count.get() as { n: number }).n; },
  };
}

interface SessionRow { sid: string; user_id: string | null; data: string; expires_at: string }

export function sqliteSessions(db: Db): SessionRepository {
  const get = db.prepare('SELECT * FROM portal_sessions WHERE sid = ? AND expires_at > ?');
  const set = db.prepare(`INSERT INTO portal_sessions (sid, user_id, data, expires_at) VALUES (@sid, @userId, @data, @expiresAt)
    ON CONFLICT(sid) DO UPDATE SET user_id = excluded.user_id, data = excluded.data, expires_at = excluded.expires_at`);
  const touch = db.prepare('UPDATE portal_sessions SET expires_at = ? WHERE sid = ?');
  const destroy = db.prepare('DELETE FROM portal_sessions WHERE sid = ?');
  const destroyUser = db.prepare('DELETE FROM portal_sessions WHERE user_id = ?');
  const purge = db.prepare('DELETE FROM portal_sessions WHERE expires_at <= ?');
  return {
    async get(sid, now) {
      const r = get.get(sid, now) as SessionRow | undefined;
      return r ? { sid: r.sid, userId: r.user_id, data: r.data, expiresAt: r.expires_at } : null;
    },
    async set(rec: SessionRecord) { set.run(rec); },
    async touch(sid, expiresAt) { touch.run(expiresAt, sid); },
    async destroy(sid) { destroy.run(sid); },
    async destroyForUser(userId) { return destroyUser.run(userId).changes; },
    async purge(now) { return purge.run(now).changes; },
  };
}
