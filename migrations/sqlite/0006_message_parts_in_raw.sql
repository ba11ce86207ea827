-- A received part that is a byte range of the raw message (binary/8bit/7bit transfer encoding, not encrypted) is
-- stored as that range instead of a second copy: raw_offset/raw_length into messages.raw, content left empty.
ALTER TABLE message_parts ADD COLUMN raw_offset INTEGER;
ALTER TABLE message_parts ADD COLUMN raw_length INTEGER;
