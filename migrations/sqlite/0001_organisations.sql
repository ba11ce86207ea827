-- Organisation registry (issue "The house" §8) and API tokens (§11).
CREATE TABLE organisations (
  id          TEXT PRIMARY KEY,              -- '<kind>:<code>', e.g. 'gemeente:0363'
  kind        TEXT NOT NULL CHECK (kind IN ('gemeente', 'zorgaanbieder', 'ketenpartner', 'knooppunt')),
  code        TEXT NOT NULL,                 -- CBS gemeentecode, AGB code, or OIN
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  UNIQUE (kind, code)
);

-- OINs authorised to act for an organisation (a samenwerkingsverband may act for several gemeenten).
CREATE TABLE organisation_oins (
  organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  oin             TEXT NOT NULL,
  PRIMARY KEY (organisation_id, oin)
);
CREATE INDEX organisation_oins_oin ON organisation_oins(oin);

CREATE TABLE api_tokens (
  id              TEXT PRIMARY KEY,
  organisation_id TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  name            TEXT NOT NULL,
  token_hash      TEXT NOT NULL UNIQUE,      -- sha256 of the token; the token itself is shown once
  created_at      TEXT NOT NULL,
  last_used_at    TEXT,
  revoked_at      TEXT
);
