import type { Organisation, OrganisationKind } from '../../registry/model.js';
import type { ApiToken, OrganisationRepository, TokenRepository } from '../store.js';
import type { Db } from './database.js';

interface OrgRow { id: string; kind: OrganisationKind; code: string; name: string; created_at: string; oins: string | null }

const SELECT_ORG = `SELECT o.id, o.kind, o.code, o.name, o.created_at,
  (SELECT group_concat(oin, ',') FROM organisation_oins WHERE organisation_id = o.id) AS oins FROM organisations o`;

function toOrg(r: OrgRow): Organisation {
  return { id: r.id, kind: r.kind, code: r.code, name: r.name, createdAt: r.created_at, oins: r.oins ? r.oins.split(',').sort() : [] };
}

export function sqliteOrganisations(db: Db): OrganisationRepository {
  const insertOrg = db.prepare('INSERT INTO organisations (id, kind, code, name, created_at) VALUES (@id, @kind, @code, @name, @createdAt)');
  const insertOin = db.prepare('INSERT OR IGNORE INTO organisation_oins (organisation_id, oin) VALUES (?, ?)');
  const byId = db.prepare(`${SELECT_ORG} WHERE o.id = ?`);
  const byCode = db.prepare(`${SELECT_ORG} WHERE o.kind = ? AND o.code = ?`);
  const byOin = db.prepare(`${SELECT_ORG} WHERE o.id IN (SELECT organisation_id FROM organisation_oins WHERE oin = ?) ORDER BY o.id`);
  const all = db.prepare(`${SELECT_ORG} ORDER BY o.kind, o.code`);
  const insertTx = db.transaction((org: Organisation) => {
    insertOrg.run(org);
    for (const oin of org.oins) insertOin.run(org.id, oin);
  });
  return {
    async insert(org) { insertTx(org); },
    async get(id) { const r = byId.get(id) as OrgRow | undefined; return r ? toOrg(r) : null; },
    async findByCode(kind, code) { const r = byCode.get(kind, code) as OrgRow | undefined; return r ? toOrg(r) : null; },
    async findByOin(oin) { return (byOin.all(oin) as OrgRow[]).map(toOrg); },
    async list(filter) {
      return (all.all() as OrgRow[]).map(toOrg)
        .filter((o) => (!filter?.kind || o.kind === filter.kind) && (!filter?.ids || filter.ids.includes(o.id)));
    },
    async addOin(id, oin) { insertOin.run(id, oin); },
  };
}

interface TokenRow { id: string; organisation_id: string; name: string; created_at: string; last_used_at: string | null; revoked_at: string | null }

function toToken(r: TokenRow): ApiToken {
  return { id: r.id, organisationId: r.organisation_id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at };
}

export function sqliteTokens(db: Db): TokenRepository {
  const ins = db.prepare('INSERT INTO api_tokens (id, organisation_id, name, token_hash, created_at) VALUES (@id, @organisationId, @name, @tokenHash, @createdAt)');
  const byHash = db.prepare('SELECT * FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL');
  const touch = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  const list = db.prepare('SELECT * FROM api_tokens ORDER BY created_at');
  const revoke = db.prepare('UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL');
  return {
    async insert(t) { ins.run({ id: t.id, organisationId: t.organisationId, name: t.name, tokenHash: t.tokenHash, createdAt: t.createdAt }); },
    async findByHash(h) { const r = byHash.get(h) as TokenRow | undefined; return r ? toToken(r) : null; },
    async touch(id, at) { touch.run(at, id); },
    async list(orgId) { return (list.all() as TokenRow[]).map(toToken).filter((t) => !orgId || t.organisationId === orgId); },
    async revoke(id, at) { return revoke.run(at, id).changes > 0; },
  };
}
