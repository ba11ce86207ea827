-- Portal accounts (issue 16 §1): local users per organisation with roles and product rights (seed 001 §1.2),
-- and the portal's sessions (kept in the store so that several instances can share them later).
CREATE TABLE portal_users (
  id                  TEXT PRIMARY KEY,
  organisation_id     TEXT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name                TEXT NOT NULL,
  password_hash       TEXT NOT NULL,            -- scrypt$N$r$p$salt$hash (base64)
  roles               TEXT NOT NULL,            -- comma-separated
  products            TEXT NOT NULL,            -- comma-separated
  failed_logins       INTEGER NOT NULL DEFAULT 0,
  locked_until        TEXT,
  disabled_at         TEXT,
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL,
  updated_by          TEXT
);
CREATE INDEX portal_users_org ON portal_users(organisation_id);

CREATE TABLE portal_sessions (
  sid         TEXT PRIMARY KEY,
  user_id     TEXT,
  data        TEXT NOT NULL,                    -- JSON, opaque to the store
  expires_at  TEXT NOT NULL
);
CREATE INDEX portal_sessions_expires ON portal_sessions(expires_at);
CREATE INDEX portal_sessions_user ON portal_sessions(user_id);
