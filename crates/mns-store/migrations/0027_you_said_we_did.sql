-- "You said, we did" (issue 19): what families say about the Local Offer, from a service's
-- page, the Local Offer's own form, events, Core Consultations and elsewhere, themed and
-- moderated by the Local Offer officer, answered and published. Replaces directory_feedback
-- (every row is kept): a comment need not be about one service, so service_id may be empty.
-- source, theme, withheld_reason and action_status are the domain's stored forms
-- (`directory::feedback`); status is "new" until the officer has read it; moderation is
-- "pending", "published" or "withheld".
CREATE TABLE local_offer_feedback (
    id TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    service_id TEXT REFERENCES directory_services (id),
    event_id TEXT REFERENCES local_offer_events (id),
    created_at TEXT NOT NULL,
    comment TEXT NOT NULL,
    email TEXT,
    status TEXT NOT NULL,
    recorded_by TEXT REFERENCES users (id),
    moderation TEXT NOT NULL,
    theme TEXT,
    withheld_reason TEXT,
    you_said TEXT,
    we_did TEXT,
    action_status TEXT,
    moderated_by TEXT REFERENCES users (id),
    moderated_at TEXT
);
INSERT INTO local_offer_feedback (id, source, service_id, created_at, comment, email, status,
    moderation)
SELECT id, 'service', service_id, created_at, comment, email, status, 'pending'
FROM directory_feedback;
DROP TABLE directory_feedback;
CREATE INDEX local_offer_feedback_status ON local_offer_feedback (status, created_at);
CREATE INDEX local_offer_feedback_moderation ON local_offer_feedback (moderation, created_at);
