-- StUF-GGk routing (issue 6 §3/§4; GGk manual "Routeren", "Bestanden ophalen", "Berichtenlog").

-- Routing table per berichtuitwisseling of a gemeente: for sending and for receiving, via Digikoppeling (a CPA)
-- or the Portaal (the gemeente's mailbox), plus the StUF version set for that exchange.
CREATE TABLE routes (
  gemeentecode  TEXT NOT NULL,                 -- CBS gemeentecode (4 digits), a registered gemeente
  berichtstroom TEXT NOT NULL CHECK (berichtstroom IN ('iwmo', 'ijw')),
  berichttype   TEXT NOT NULL,                 -- e.g. JW301, WMO302 (iWmo/iJw catalogue)
  richting      TEXT NOT NULL CHECK (richting IN ('verzenden', 'ontvangen')),
  kanaal        TEXT NOT NULL CHECK (kanaal IN ('digikoppeling', 'portaal')),
  cpa_id        TEXT,                          -- required for digikoppeling
  stuf_versie   TEXT NOT NULL,                 -- e.g. 0210
  updated_at    TEXT NOT NULL,
  updated_by    TEXT,
  PRIMARY KEY (gemeentecode, berichtstroom, berichttype, richting),
  CHECK (kanaal = 'portaal' OR cpa_id IS NOT NULL)
);

-- The chain partner that takes every message for zorgaanbieders (AGB) of a berichtstroom (e.g. the VECOZO
-- knooppunt), with the CPA the hub uses towards it.
CREATE TABLE ketenpartner_routes (
  berichtstroom   TEXT PRIMARY KEY CHECK (berichtstroom IN ('iwmo', 'ijw')),
  organisation_id TEXT NOT NULL REFERENCES organisations(id),
  cpa_id          TEXT NOT NULL,
  stuf_versie     TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  updated_by      TEXT
);

-- IB216: zender (organisatie + applicatie) and referentienummer are unique.
CREATE TABLE stuf_referenties (
  zender_organisatie TEXT NOT NULL,
  zender_applicatie  TEXT NOT NULL,
  referentienummer   TEXT NOT NULL,
  created_at         TEXT NOT NULL,
  PRIMARY KEY (zender_organisatie, zender_applicatie, referentienummer)
);

-- Portaal mailbox ("Bestanden ophalen"): one StUF envelope per item.
CREATE TABLE mailbox_items (
  id               TEXT PRIMARY KEY,
  organisation_id  TEXT NOT NULL REFERENCES organisations(id),
  berichttype      TEXT NOT NULL,
  bestandsnaam     TEXT NOT NULL,
  content_type     TEXT NOT NULL,
  content          BLOB NOT NULL,
  size             INTEGER NOT NULL,
  referentienummer TEXT,                       -- StUF referentienummer of the message
  ebms_message_id  TEXT,                       -- the inbound ebMS MessageId it came with
  created_at       TEXT NOT NULL,
  read_at          TEXT,
  deleted_at       TEXT
);
CREATE INDEX mailbox_items_org ON mailbox_items(organisation_id, created_at);

-- Berichtenlog: every StUF message the hub handled and what became of it.
CREATE TABLE routing_log (
  id                     TEXT PRIMARY KEY,
  at                     TEXT NOT NULL,
  ebms_message_id        TEXT NOT NULL,
  cpa_id                 TEXT NOT NULL,        -- the CPA it came in over
  sender_oin             TEXT NOT NULL,
  stuf_element           TEXT,
  berichtstroom          TEXT,
  berichttype            TEXT,                 -- StUF functie
  gemeentecode           TEXT,
  zender_organisatie     TEXT,
  ontvanger_organisatie  TEXT,
  referentienummer       TEXT,
  cross_refnummer        TEXT,
  outcome                TEXT NOT NULL CHECK (outcome IN ('doorgestuurd', 'postbus', 'geweigerd')),
  foutcode               TEXT,
  detail                 TEXT,
  target_organisation_id TEXT,
  target_cpa_id          TEXT,
  forwarded_message_id   TEXT,                 -- ebMS MessageId of the forwarded message or of the Fo01 sent back
  mailbox_item_id        TEXT
);
CREATE INDEX routing_log_at ON routing_log(at);
CREATE INDEX routing_log_ref ON routing_log(referentienummer);
CREATE INDEX routing_log_gemeente ON routing_log(gemeentecode, at);
