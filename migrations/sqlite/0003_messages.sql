-- ebMS message store (issue "ebMS2 MSH"): every message in or out, its exact MIME bytes, payload parts as the
-- application sees them (decrypted), an event history, and the outbox of deliveries still to do.
CREATE TABLE messages (
  id                TEXT PRIMARY KEY,           -- internal id (uuid)
  message_id        TEXT NOT NULL,              -- eb:MessageId
  direction         TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  kind              TEXT NOT NULL CHECK (kind IN ('business', 'signal')),
  cpa_id            TEXT NOT NULL,
  conversation_id   TEXT NOT NULL,
  ref_to_message_id TEXT,
  from_party        TEXT NOT NULL,
  to_party          TEXT NOT NULL,
  service           TEXT NOT NULL,
  action            TEXT NOT NULL,
  status            TEXT NOT NULL,              -- see src/store/store.ts MessageStatus
  timestamp         TEXT NOT NULL,              -- eb:Timestamp (UTC)
  time_to_live      TEXT,
  content_type      TEXT NOT NULL,              -- of raw
  raw               BLOB NOT NULL,              -- exact bytes as sent or received
  reply_id          TEXT,                       -- in: the Ack/MessageError we answered (resent on duplicates)
  processed_at      TEXT,                       -- in: confirmed by the application
  created_at        TEXT NOT NULL,
  updated_at        TEXT NOT NULL,
  UNIQUE (direction, message_id)
);
CREATE INDEX messages_ref ON messages(ref_to_message_id);
CREATE INDEX messages_cpa_created ON messages(cpa_id, created_at);
CREATE INDEX messages_unprocessed ON messages(direction, kind, processed_at) WHERE processed_at IS NULL;

CREATE TABLE message_parts (
  message_id   TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  idx          INTEGER NOT NULL,
  content_id   TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content      BLOB NOT NULL,
  PRIMARY KEY (message_id, idx)
);

CREATE TABLE message_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  message_id  TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  at          TEXT NOT NULL,
  event       TEXT NOT NULL,                    -- RECEIVED, SENT, DELIVERED, FAILED, EXPIRED, RETRY, PROCESSED, ...
  detail      TEXT
);
CREATE INDEX message_events_message ON message_events(message_id);

-- Outbox (ebMS 2.0 §6.4; DK-07..DK-11): a row per delivery still to do; claimed with a lease so that several
-- instances (PostgreSQL) never send the same message at the same time.
CREATE TABLE deliveries (
  message_id       TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  endpoint         TEXT NOT NULL,
  attempts         INTEGER NOT NULL DEFAULT 0,
  max_attempts     INTEGER NOT NULL,
  retry_interval_ms INTEGER NOT NULL,
  next_attempt_at  TEXT NOT NULL,
  expires_at       TEXT,                        -- TimeToLive: no attempt after this
  awaiting_ack     INTEGER NOT NULL DEFAULT 0,  -- reliable: done only when the Acknowledgment arrives
  lease_owner      TEXT,
  lease_until      TEXT,
  last_error       TEXT
);
CREATE INDEX deliveries_due ON deliveries(next_attempt_at);
