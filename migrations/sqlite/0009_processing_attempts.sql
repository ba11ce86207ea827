-- Poison messages (issue 9): how often the application (the hub) started processing an inbound message. Counted
-- before each attempt, so an attempt that froze or crashed the process counts too; past the configured maximum the
-- message is QUARANTINED (processed_at set, so catch-up never picks it up again) until an operator releases it.
ALTER TABLE messages ADD COLUMN processing_attempts INTEGER NOT NULL DEFAULT 0;
