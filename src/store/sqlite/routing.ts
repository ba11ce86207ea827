import type {
  KetenpartnerRoute, MailboxItem, MailboxRepository, RouteRecord, RoutingLogEntry, RoutingRepository, StufReferentie,
} from '../store.js';
import type { Db } from './database.js';

interface RouteRow {
  gemeentecode: string; berichtstroom: RouteRecord['berichtstroom']; berichttype: string; richting: RouteRecord['richting'];
  kanaal: RouteRecord['kanaal']; cpa_id: string | null; stuf_versie: string; updated_at: string; updated_by: string | null;
}

const toRoute = (r: RouteRow): RouteRecord => ({
  gemeentecode: r.gemeentecode, berichtstroom: r.berichtstroom, berichttype: r.berichttype, richting: r.richting, kanaal: r.kanaal,
  cpaId: r.cpa_id, stufVersie: r.stuf_versie, updatedAt: r.updated_at, updatedBy: r.updated_by,
});

interface KetenRow {
  berichtstroom: KetenpartnerRoute['berichtstroom']; organisation_id: string; cpa_id: string; stuf_versie: string;
  updated_at: string; updated_by: string | null;
}

const toKeten = (r: KetenRow): KetenpartnerRoute => ({
  berichtstroom: r.berichtstroom, organisationId: r.organisation_id, cpaId: r.cpa_id, stufVersie: r.stuf_versie,
  updatedAt: r.updated_at, updatedBy: r.updated_by,
});

/** RoutingLogEntry field → routing_log column (same order as the table). */
const LOG_COLUMNS: Record<keyof RoutingLogEntry, string> = {
  id: 'id', at: 'at', ebmsMessageId: 'ebms_message_id', cpaId: 'cpa_id', senderOin: 'sender_oin', stufElement: 'stuf_element',
  berichtstroom: 'berichtstroom', berichttype: 'berichttype', gemeentecode: 'gemeentecode', zenderOrganisatie: 'zender_organisatie',
  ontvangerOrganisatie: 'ontvanger_organisatie', referentienummer: 'referentienummer', crossRefnummer: 'cross_refnummer',
  outcome: 'outcome', foutcode: 'foutcode', detail: 'detail', targetOrganisationId: 'target_organisation_id',
  targetCpaId: 'target_cpa_id', forwardedMessageId: 'forwarded_message_id', mailboxItemId: 'mailbox_item_id', uploadId: 'upload_id',
};
const LOG_KEYS = Object.keys(LOG_COLUMNS) as (keyof RoutingLogEntry)[];
const LOG_SELECT = `SELECT ${LOG_KEYS.map((k) => `${LOG_COLUMNS[k]} AS ${k}`).join(', ')} FROM routing_log`;

/** Berichtenlog insert and IB216 reservation, synchronous (for the hub's one-transaction completion). */
export function routingWriters(db: Db) {
  const reserve = db.prepare(`INSERT OR IGNORE INTO stuf_referenties (zender_organisatie, zender_applicatie, referentienummer, created_at)
    VALUES (?, ?, ?, ?)`);
  const insLog = db.prepare(`INSERT INTO routing_log (${LOG_KEYS.map((k) => LOG_COLUMNS[k]).join(', ')}) VALUES (${LOG_KEYS.map((k) => `@${k}`).join(', ')})`);
  return {
    /** false when zender + referentienummer was recorded before. */
    reserve: (ref: StufReferentie, at: string) => reserve.run(ref.zenderOrganisatie, ref.zenderApplicatie, ref.referentienummer, at).changes > 0,
    insertLog: (e: RoutingLogEntry) => { insLog.run({ ...e, uploadId: e.uploadId ?? null }); },
  };
}

export function sqliteRouting(db: Db, complete: RoutingRepository['complete']): RoutingRepository {
  const upsert = db.prepare(`INSERT INTO routes (gemeentecode, berichtstroom, berichttype, richting, kanaal, cpa_id, stuf_versie, updated_at, updated_by)
    VALUES (@gemeentecode, @berichtstroom, @berichttype, @richting, @kanaal, @cpaId, @stufVersie, @updatedAt, @updatedBy)
    ON CONFLICT (gemeentecode, berichtstroom, berichttype, richting) DO UPDATE SET kanaal = excluded.kanaal, cpa_id = excluded.cpa_id,
    stuf_versie = excluded.stuf_versie, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  const KEY = 'gemeentecode = @gemeentecode AND berichtstroom = @berichtstroom AND berichttype = @berichttype AND richting = @richting';
  const get = db.prepare(`SELECT * FROM routes WHERE ${KEY}`);
  const del = db.prepare(`DELETE FROM routes WHERE ${KEY}`);
  const all = db.prepare('SELECT * FROM routes ORDER BY gemeentecode, berichtstroom, richting, berichttype');
  const upsertKeten = db.prepare(`INSERT INTO ketenpartner_routes (berichtstroom, organisation_id, cpa_id, stuf_versie, updated_at, updated_by)
    VALUES (@berichtstroom, @organisationId, @cpaId, @stufVersie, @updatedAt, @updatedBy)
    ON CONFLICT (berichtstroom) DO UPDATE SET organisation_id = excluded.organisation_id, cpa_id = excluded.cpa_id,
    stuf_versie = excluded.stuf_versie, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
  const getKeten = db.prepare('SELECT * FROM ketenpartner_routes WHERE berichtstroom = ?');
  const allKeten = db.prepare('SELECT * FROM ketenpartner_routes ORDER BY berichtstroom');
  const { reserve, insertLog } = routingWriters(db);
  const release = db.prepare('DELETE FROM stuf_referenties WHERE zender_organisatie = ? AND zender_applicatie = ? AND referentienummer = ?');
  const used = db.prepare('SELECT 1 FROM stuf_referenties WHERE zender_organisatie = ? AND zender_applicatie = ? AND referentienummer = ?');

  const purgeLog = db.prepare('DELETE FROM routing_log WHERE at < ?');
  return {
    async upsertRoute(r) { upsert.run(r); },
    async getRoute(k) { const r = get.get(k) as RouteRow | undefined; return r ? toRoute(r) : null; },
    async listRoutes(f) {
      return (all.all() as RouteRow[]).map(toRoute).filter((r) => (!f?.gemeentecode || r.gemeentecode === f.gemeentecode)
        && (!f?.berichtstroom || r.berichtstroom === f.berichtstroom) && (!f?.richting || r.richting === f.richting));
    },
    async deleteRoute(k) { return del.run(k).changes > 0; },
    async upsertKetenpartner(k) { upsertKeten.run(k); },
    async getKetenpartner(stroom) { const r = getKeten.get(stroom) as KetenRow | undefined; return r ? toKeten(r) : null; },
    async listKetenpartners() { return (allKeten.all() as KetenRow[]).map(toKeten); },
    async reserveReferentie(ref, at) { return reserve(ref, at); },
    async releaseReferentie(ref) { release.run(ref.zenderOrganisatie, ref.zenderApplicatie, ref.referentienummer); },
    async purgeLog(before) { return purgeLog.run(before).changes; },
    async referentieUsed(ref) { return used.get(ref.zenderOrganisatie, ref.zenderApplicatie, ref.referentienummer) !== undefined; },
    async insertLog(e) { insertLog(e); },
    complete,
    async listLog(f = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      const eq = (col: string, v: unknown) => { if (v !== undefined) { where.push(`${col} = ?`); args.push(v); } };
      eq('gemeentecode', f.gemeentecode); eq('forwarded_message_id', f.forwardedMessageId); eq('referentienummer', f.referentienummer); eq('outcome', f.outcome);
      if (f.from) { where.push('at >= ?'); args.push(f.from); }
      if (f.to) { where.push('at < ?'); args.push(f.to); }
      const sql = `${LOG_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return db.prepare(sql).all(...args, f.limit ?? 100, f.offset ?? 0) as RoutingLogEntry[];
    },
  };
}

interface MailboxRow {
  id: string; organisation_id: string; berichttype: string; bestandsnaam: string; content_type: string; size: number;
  referentienummer: string | null; ebms_message_id: string | null; created_at: string; read_at: string | null; deleted_at: string | null;
}

const toItem = (r: MailboxRow): MailboxItem => ({
  id: r.id, organisationId: r.organisation_id, berichttype: r.berichttype, bestandsnaam: r.bestandsnaam, contentType: r.content_type,
  size: r.size, referentienummer: r.referentienummer, ebmsMessageId: r.ebms_message_id, createdAt: r.created_at, readAt: r.read_at,
  deletedAt: r.deleted_at,
});

const ITEM_COLUMNS = 'id, organisation_id, berichttype, bestandsnaam, content_type, size, referentienummer, ebms_message_id, created_at, read_at, deleted_at';

/** A mailbox item insert, synchronous (for the hub's one-transaction completion). */
export function mailboxWriter(db: Db): (item: MailboxItem, content: Buffer) => void {
  const ins = db.prepare(`INSERT INTO mailbox_items (${ITEM_COLUMNS}, content) VALUES (@id, @organisationId, @berichttype, @bestandsnaam,
    @contentType, @size, @referentienummer, @ebmsMessageId, @createdAt, @readAt, @deletedAt, @content)`);
  return (item, content) => { ins.run({ ...item, content }); };
}

export function sqliteMailbox(db: Db): MailboxRepository {
  const insert = mailboxWriter(db);
  const countItems = db.prepare('SELECT COUNT(*) AS n FROM mailbox_items WHERE deleted_at IS NULL');
  const get = db.prepare(`SELECT ${ITEM_COLUMNS} FROM mailbox_items WHERE id = ?`);
  const content = db.prepare('SELECT content FROM mailbox_items WHERE id = ?');
  const setRead = db.prepare('UPDATE mailbox_items SET read_at = ? WHERE id = ? AND deleted_at IS NULL');
  const softDelete = db.prepare('UPDATE mailbox_items SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL');
  const expire = db.prepare(`UPDATE mailbox_items SET deleted_at = @at WHERE deleted_at IS NULL
    AND ((read_at IS NOT NULL AND read_at < @readBefore) OR created_at < @createdBefore)`);
  const purge = db.prepare('DELETE FROM mailbox_items WHERE created_at < ?');
  return {
    async insert(item, data) { insert(item, data); },
    async count() { return (countItems.get() as { n: number }).n; },
    async get(id) { const r = get.get(id) as MailboxRow | undefined; return r ? toItem(r) : null; },
    async content(id) { const r = content.get(id) as { content: Buffer } | undefined; return r ? r.content : null; },
    async list(f = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (f.organisationId !== undefined) { where.push('organisation_id = ?'); args.push(f.organisationId); }
      if (f.berichttype !== undefined) { where.push('berichttype = ?'); args.push(f.berichttype); }
      if (f.read !== undefined) where.push(f.read ? 'read_at IS NOT NULL' : 'read_at IS NULL');
      if (!f.includeDeleted) where.push('deleted_at IS NULL');
      if (f.from) { where.push('created_at >= ?'); args.push(f.from); }
      if (f.to) { where.push('created_at < ?'); args.push(f.to); }
      if (f.after) { where.push('(created_at < ? OR (created_at = ? AND id < ?))'); args.push(f.after.createdAt, f.after.createdAt, f.after.id); }
      const sql = `SELECT ${ITEM_COLUMNS} FROM mailbox_items ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`;
      return (db.prepare(sql).all(...args, f.limit ?? 100, f.offset ?? 0) as MailboxRow[]).map(toItem);
    },
    async setRead(id, at) { return setRead.run(at, id).changes > 0; },
    async softDelete(id, at) { return softDelete.run(at, id).changes > 0; },
    async expire(readBefore, createdBefore, at) { return expire.run({ readBefore, createdBefore, at }).changes; },
    async purge(createdBefore) { return purge.run(createdBefore).changes; },
  };
}
