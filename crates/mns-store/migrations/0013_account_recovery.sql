-- Accounts people can get back into (issue 14). Portable DDL, as every migration.

-- Single-use links to choose a new password: only the token's SHA-256 is kept. A link works
-- until expires_at (an hour after it was sent) and once: used_at is set when it is used.
CREATE TABLE password_resets (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX password_resets_user ON password_resets (user_id, created_at);

-- When the coordinator said the user must choose a new password before anything else (NULL:
-- they need not).
ALTER TABLE local_credentials ADD COLUMN must_change_password_at TEXT;

-- When the coordinator allowed a member of staff with a one-time code to reset their own
-- forgotten password by email (NULL: not allowed; a link by email alone would bypass the code).
ALTER TABLE local_credentials ADD COLUMN self_reset_allowed_at TEXT;
