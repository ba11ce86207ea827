/** Portaal uploads and their verwerkingsverslag (migration 0008; seed 002 §3.1, seed 001 §4.1). */
import type { UploadEntry, UploadRecord, UploadRepository } from '../store.js';
import type { Db } from './database.js';

const UPLOAD_COLUMNS: Record<keyof UploadRecord, string> = {
  id: 'id', organisationId: 'organisation_id', berichtstroom: 'berichtstroom', bestandsnaam: 'bestandsnaam', size: 'size',
  sha256: 'sha256', uploadedBy: 'uploaded_by', status: 'status', foutmelding: 'foutmelding', entryCount: 'entry_count',
  createdAt: 'created_at', startedAt: 'started_at', expectedDoneAt: 'expected_done_at', finishedAt: 'finished_at',
};
const UPLOAD_KEYS = Object.keys(UPLOAD_COLUMNS) as (keyof UploadRecord)[];
const UPLOAD_SELECT = `SELECT ${UPLOAD_KEYS.map((k) => `${UPLOAD_COLUMNS[k]} AS ${k}`).join(', ')} FROM uploads`;

const ENTRY_COLUMNS: Record<keyof UploadEntry, string> = {
  uploadId: 'upload_id', idx: 'idx', bestandsnaam: 'bestandsnaam', berichttype: 'berichttype', referentienummer: 'referentienummer',
  sha256: 'sha256', resultaat: 'resultaat', foutcode: 'foutcode', reden: 'reden', logId: 'log_id',
};
const ENTRY_KEYS = Object.keys(ENTRY_COLUMNS) as (keyof UploadEntry)[];
const ENTRY_SELECT = `SELECT ${ENTRY_KEYS.map((k) => `e.${ENTRY_COLUMNS[k]} AS ${k}`).join(', ')} FROM upload_entries e`;

export function sqliteUploads(db: Db): UploadRepository {
  const ins = db.prepare(`INSERT INTO uploads (${UPLOAD_KEYS.map((k) => UPLOAD_COLUMNS[k]).join(', ')})
    VALUES (${UPLOAD_KEYS.map((k) => `@${k}`).join(', ')})`);
  const get = db.prepare(`${UPLOAD_SELECT} WHERE id = ?`);
  // INSERT OR REPLACE: an upload resumed after a restart may record an entry again.
  const insEntry = db.prepare(`INSERT OR REPLACE INTO upload_entries (${ENTRY_KEYS.map((k) => ENTRY_COLUMNS[k]).join(', ')})
    VALUES (${ENTRY_KEYS.map((k) => `@${k}`).join(', ')})`);
  const entries = db.prepare(`${ENTRY_SELECT} WHERE e.upload_id = ? ORDER BY e.idx`);
  const delivered = db.prepare(`${ENTRY_SELECT} JOIN uploads u ON u.id = e.upload_id
    WHERE e.sha256 = ? AND e.resultaat IN ('doorgestuurd', 'postbus') AND u.organisation_id = ? LIMIT 1`);
  const recent = db.prepare(`${UPLOAD_SELECT} WHERE finished_at IS NOT NULL AND started_at IS NOT NULL AND entry_count > 0
    ORDER BY finished_at DESC LIMIT ?`);
  return {
    async insert(u) { ins.run(u); },
    async get(id) { return (get.get(id) as UploadRecord | undefined) ?? null; },
    async list(f = {}) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (f.organisationId !== undefined) { where.push('organisation_id = ?'); args.push(f.organisationId); }
      if (f.berichtstroom !== undefined) { where.push('berichtstroom = ?'); args.push(f.berichtstroom); }
      if (f.statuses?.length) { where.push(`status IN (${f.statuses.map(() => '?').join(', ')})`); args.push(...f.statuses); }
      const sql = `${UPLOAD_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?`;
      return db.prepare(sql).all(...args, f.limit ?? 100, f.offset ?? 0) as UploadRecord[];
    },
    async update(id, change) {
      const keys = Object.keys(change) as (keyof typeof change)[];
      if (keys.length === 0) return;
      db.prepare(`UPDATE uploads SET ${keys.map((k) => `${UPLOAD_COLUMNS[k]} = @${k}`).join(', ')} WHERE id = @id`).run({ ...change, id });
    },
    async addEntry(e) { insEntry.run(e); },
    async entries(uploadId) { return entries.all(uploadId) as UploadEntry[]; },
    async findDelivered(organisationId, sha256) { return (delivered.get(sha256, organisationId) as UploadEntry | undefined) ?? null; },
    async recentFinished(limit) { return recent.all(limit) as UploadRecord[]; },
  };
}
