-- The name a message is sent under, when it is not the service's own: the SEND Local Offer's
-- emails say the Local Offer's name, not the Medical Needs Service's. NULL: the name in the
-- configured From address (every message written before this column).
ALTER TABLE outbox ADD COLUMN sender_name TEXT;
