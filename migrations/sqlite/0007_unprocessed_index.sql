-- Only inbound business messages wait for the application; the partial index need not cover every other row.
DROP INDEX messages_unprocessed;
CREATE INDEX messages_unprocessed ON messages(created_at) WHERE direction = 'in' AND kind = 'business' AND processed_at IS NULL;
