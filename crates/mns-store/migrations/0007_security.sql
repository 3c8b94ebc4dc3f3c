-- Closing the holes a security review found (issue 11). Portable DDL, as every migration.

-- A referral whose UPN matches a pupil the submitting school cannot already see is never
-- merged on its own: the referral gets a record of its own (the new school sees only that),
-- and the coordinator decides whether the two are the same child. kind: 'school_move' (name
-- and date of birth agree) or 'possible_match' (they do not); resolution: 'same_child' or
-- 'different_children'.
CREATE TABLE pupil_matches (
    referral_id TEXT PRIMARY KEY REFERENCES referrals (id),
    -- Not a foreign key: the record made for the referral goes when it is joined to the
    -- existing one, and this row keeps saying which record it was.
    new_pupil_id TEXT NOT NULL,
    existing_pupil_id TEXT NOT NULL REFERENCES pupils (id),
    kind TEXT NOT NULL,
    created_at TEXT NOT NULL,
    resolution TEXT,
    resolved_by TEXT REFERENCES users (id),
    resolved_at TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pupil_matches_open ON pupil_matches (resolved_at, created_at);

-- Which audit key sealed an entry (HMAC-SHA-256); '' for the unkeyed entries written before
-- this migration, which `serve` and `migrate` seal with the key once, at the upgrade.
ALTER TABLE audit_log ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- The last one-time-code time step accepted for a user: the same code is never accepted twice.
ALTER TABLE local_credentials ADD COLUMN totp_last_step BIGINT;

-- Failed sign-ins are also counted per address.
CREATE INDEX sign_in_attempts_source ON sign_in_attempts (source, at);

-- API tokens have a name, an expiry and are revoked one by one.
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT;
ALTER TABLE api_tokens ADD COLUMN revoked_by TEXT;
CREATE INDEX api_tokens_user ON api_tokens (user_id, created_at);

-- Events counted for rate limits that are not sign-ins (anonymous shortlist emails): what
-- (kind), whose (key: an address, or a recipient's SHA-256), when.
CREATE TABLE rate_events (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX rate_events_key ON rate_events (kind, key, at);
