-- ZIP intake through the Portaal (seed 002 §3.1 "Bestand aanleveren via het portaal", §5 "Foutomschrijvingen";
-- seed 001 §4.1): one row per uploaded file with its status, and the verwerkingsverslag (one row per ZIP entry),
-- kept as long as the upload row ("Het verwerkingsverslag van de aanlevering blijft altijd beschikbaar").
CREATE TABLE uploads (
  id               TEXT PRIMARY KEY,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  berichtstroom    TEXT NOT NULL CHECK (berichtstroom IN ('iwmo', 'ijw')),  -- the product tab it was sent on
  bestandsnaam     TEXT NOT NULL,
  size             INTEGER NOT NULL,
  sha256           TEXT,
  uploaded_by      TEXT,
  status           TEXT NOT NULL CHECK (status IN ('ontvangen', 'bezig', 'afgeleverd', 'afgekeurd')),
  foutmelding      TEXT,                        -- whole-file refusal (seed 002 §5 category 1): no verslag
  entry_count      INTEGER,
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  expected_done_at TEXT,                        -- "Bezig, verwachte aflevertijd HH:MM"
  finished_at      TEXT
);
CREATE INDEX uploads_org ON uploads(organisation_id, created_at);
CREATE INDEX uploads_open ON uploads(status) WHERE status IN ('ontvangen', 'bezig');

-- The verwerkingsverslag: per entry its name, berichttype, result and the GGk/StUF code and reason.
CREATE TABLE upload_entries (
  upload_id        TEXT NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
  idx              INTEGER NOT NULL,            -- position in the ZIP's central directory
  bestandsnaam     TEXT NOT NULL,
  berichttype      TEXT,
  referentienummer TEXT,
  sha256           TEXT,                        -- of the entry's bytes: a re-upload is not delivered twice (seed 002 §5)
  resultaat        TEXT NOT NULL CHECK (resultaat IN ('doorgestuurd', 'postbus', 'dubbel', 'geweigerd')),
  foutcode         TEXT,
  reden            TEXT,
  log_id           TEXT,                        -- the Berichtenlog row
  PRIMARY KEY (upload_id, idx)
);
CREATE INDEX upload_entries_delivered ON upload_entries(sha256) WHERE resultaat IN ('doorgestuurd', 'postbus');

-- Berichtenlog rows of messages that came in through the Portaal name their upload (cpa_id is then '').
ALTER TABLE routing_log ADD COLUMN upload_id TEXT;
