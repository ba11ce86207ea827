-- Retention (seed 001 §4.2): the job deletes by arrival time; these indexes keep it from scanning whole tables.
CREATE INDEX messages_created ON messages(created_at);
CREATE INDEX mailbox_items_created ON mailbox_items(created_at);
