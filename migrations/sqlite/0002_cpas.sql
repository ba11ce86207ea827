-- CPA Beheer (issue "CPA Beheer" §4): every CPA, generated here or imported, with its lifecycle.
CREATE TABLE cpas (
  cpa_id          TEXT PRIMARY KEY,
  status          TEXT NOT NULL CHECK (status IN ('aangevraagd', 'gegenereerd', 'geactiveerd', 'verlopen', 'ingetrokken')),
  source          TEXT NOT NULL CHECK (source IN ('generated', 'imported')),
  xml             TEXT NOT NULL,
  profielnaam     TEXT,
  party_oin       TEXT NOT NULL,             -- the other party (the adapter side) PartyId
  party_name      TEXT,
  organisation_id TEXT,                      -- registry organisation of the other party, when known
  berichtstroom   TEXT,
  profile         TEXT,
  connectietype   TEXT,
  start_at        TEXT NOT NULL,
  end_at          TEXT NOT NULL,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  activated_at    TEXT
);
CREATE INDEX cpas_party ON cpas(party_oin);

CREATE TABLE cpa_events (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  cpa_id  TEXT NOT NULL REFERENCES cpas(cpa_id) ON DELETE CASCADE,
  at      TEXT NOT NULL,
  event   TEXT NOT NULL,
  detail  TEXT
);
CREATE INDEX cpa_events_cpa ON cpa_events(cpa_id);
