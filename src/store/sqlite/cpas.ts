import type { CpaEvent, CpaRecord, CpaRepository } from '../store.js';
import type { Db } from './database.js';

interface Row {
  cpa_id: string; status: CpaRecord['status']; source: CpaRecord['source']; xml: string; profielnaam: string | null;
  party_oin: string; party_name: string | null; organisation_id: string | null; berichtstroom: string | null;
  profile: string | null; connectietype: string | null; start_at: string; end_at: string; created_at: string;
  updated_at: string; activated_at: string | null;
}

const toRecord = (r: Row): CpaRecord => ({
  cpaId: r.cpa_id, status: r.status, source: r.source, xml: r.xml, profielnaam: r.profielnaam, partyOin: r.party_oin,
  partyName: r.party_name, organisationId: r.organisation_id, berichtstroom: r.berichtstroom, profile: r.profile,
  connectietype: r.connectietype, startAt: r.start_at, endAt: r.end_at, createdAt: r.created_at, updatedAt: r.updated_at,
  activatedAt: r.activated_at,
});

const COLUMNS = 'cpa_id, status, source, xml, profielnaam, party_oin, party_name, organisation_id, berichtstroom, profile, connectietype, start_at, end_at, created_at, updated_at, activated_at';
const VALUES = '@cpaId, @status, @source, @xml, @profielnaam, @partyOin, @partyName, @organisationId, @berichtstroom, @profile, @connectietype, @startAt, @endAt, @createdAt, @updatedAt, @activatedAt';

export function sqliteCpas(db: Db): CpaRepository {
  const ins = db.prepare(`INSERT INTO cpas (${COLUMNS}) VALUES (${VALUES})`);
  // ON CONFLICT … DO UPDATE, not INSERT OR REPLACE: a REPLACE deletes the row and its cpa_events cascade away.
  const rep = db.prepare(`INSERT INTO cpas (${COLUMNS}) VALUES (${VALUES}) ON CONFLICT(cpa_id) DO UPDATE SET
    status = excluded.status, source = excluded.source, xml = excluded.xml, profielnaam = excluded.profielnaam,
    party_oin = excluded.party_oin, party_name = excluded.party_name, organisation_id = excluded.organisation_id,
    berichtstroom = excluded.berichtstroom, profile = excluded.profile, connectietype = excluded.connectietype,
    start_at = excluded.start_at, end_at = excluded.end_at, updated_at = excluded.updated_at, activated_at = excluded.activated_at`);
  const ev = db.prepare('INSERT INTO cpa_events (cpa_id, at, event, detail) VALUES (?, ?, ?, ?)');
  const get = db.prepare('SELECT * FROM cpas WHERE cpa_id = ?');
  // Read cache for get(): the MSH asks for the CPA of every message it receives, and a row carries the whole CPA
  // XML (~30 KB). Entries are dropped on every write through this repository, and all of them as soon as another
  // connection (a second process, the CLI) committed anything: PRAGMA data_version changes only then.
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const cache = new Map<string, CpaRecord>();
  let seenVersion: unknown = null;
  const cached = (id: string): CpaRecord | null => {
    const v = dataVersion.get();
    if (v !== seenVersion) { cache.clear(); seenVersion = v; }
    let rec = cache.get(id);
    if (!rec) {
      const r = get.get(id) as Row | undefined;
      if (!r) return null;
      rec = toRecord(r);
      cache.set(id, rec);
    }
    return { ...rec };
  };
  const write = (id: string, fn: () => void) => { try { fn(); } finally { cache.delete(id); } };
  const all = db.prepare('SELECT * FROM cpas ORDER BY created_at, cpa_id');
  const status = db.prepare("UPDATE cpas SET status = ?, updated_at = ?, activated_at = CASE WHEN ? = 'geactiveerd' THEN ? ELSE activated_at END WHERE cpa_id = ?");
  const events = db.prepare('SELECT at, event, detail FROM cpa_events WHERE cpa_id = ? ORDER BY id');
  const insertTx = db.transaction((rec: CpaRecord, e: CpaEvent, replace: boolean) => {
    (replace ? rep : ins).run(rec);
    ev.run(rec.cpaId, e.at, e.event, e.detail);
  });
  const statusTx = db.transaction((cpaId: string, s: CpaRecord['status'], e: CpaEvent) => {
    status.run(s, e.at, s, e.at, cpaId);
    ev.run(cpaId, e.at, e.event, e.detail);
  });
  return {
    async insert(rec, e) { write(rec.cpaId, () => insertTx(rec, e, false)); },
    async replace(rec, e) { write(rec.cpaId, () => insertTx(rec, e, true)); },
    async get(id) { return cached(id); },
    async list(filter) {
      return (all.all() as Row[]).map(toRecord)
        .filter((c) => (!filter?.status || c.status === filter.status) && (!filter?.partyOins || filter.partyOins.includes(c.partyOin)));
    },
    async setStatus(id, s, e) { write(id, () => statusTx(id, s, e)); },
    async events(id) { return events.all(id) as CpaEvent[]; },
  };
}
