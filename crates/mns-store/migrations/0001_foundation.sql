-- The platform foundation. Portable DDL: the same file runs on SQLite and PostgreSQL.
-- Conventions (see docs/ARCHITECTURE.md): ids are UUID text; instants are UTC RFC 3339 text
-- with microseconds ('2026-11-22T10:00:00.000000Z'), so they sort as text; dates are
-- 'YYYY-MM-DD'; integers are BIGINT; a yes/no is BIGINT 0/1, or a nullable instant saying
-- when it became true where the time matters.

CREATE TABLE schools (
    urn TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    la_code TEXT,
    la_name TEXT,
    establishment_number TEXT,
    type_of_establishment TEXT,
    type_group TEXT,
    status TEXT,
    phase TEXT,
    statutory_low_age BIGINT,
    statutory_high_age BIGINT,
    street TEXT,
    locality TEXT,
    town TEXT,
    postcode TEXT,
    easting BIGINT,
    northing BIGINT,
    calendar_id TEXT,
    updated_at TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    school_urn TEXT REFERENCES schools (urn),
    disabled_at TEXT,
    created_at TEXT NOT NULL
);

-- Local sign-in. A user signing in through OpenID Connect has a row in user_identities instead.
CREATE TABLE local_credentials (
    user_id TEXT PRIMARY KEY REFERENCES users (id),
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    totp_confirmed_at TEXT,
    updated_at TEXT NOT NULL
);

-- External identities (council Entra ID, DfE Sign-in): issuer + subject name a user.
CREATE TABLE user_identities (
    issuer TEXT NOT NULL,
    subject TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (issuer, subject)
);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- Server-side sessions; the cookie holds a random token, the table only its SHA-256.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    second_factor_at TEXT,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE sign_in_attempts (
    id TEXT PRIMARY KEY,
    email_key TEXT NOT NULL,
    source TEXT NOT NULL,
    at TEXT NOT NULL,
    succeeded_at TEXT
);
CREATE INDEX sign_in_attempts_email ON sign_in_attempts (email_key, at);

CREATE TABLE pupils (
    id TEXT PRIMARY KEY,
    upn TEXT UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    school_urn TEXT REFERENCES schools (urn),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX pupils_school ON pupils (school_urn);

-- A parent's children, a provider's or case viewer's assigned pupils.
CREATE TABLE pupil_links (
    user_id TEXT NOT NULL REFERENCES users (id),
    pupil_id TEXT NOT NULL REFERENCES pupils (id),
    relation TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, pupil_id)
);
CREATE INDEX pupil_links_pupil ON pupil_links (pupil_id);

-- The append-only audit trail (MN-REC-1), hash-chained; audit_head is its one-row head, and
-- claiming it is also how a write transaction serialises itself on both databases.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    source TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_record ON audit_log (record_type, record_id, seq);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY,
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- The transactional outbox: written in the same transaction as the change it announces.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    claimed_until TEXT,
    sent_at TEXT,
    sent_by TEXT,
    failed_at TEXT,
    last_error TEXT
);
CREATE INDEX outbox_due ON outbox (sent_at, failed_at, next_attempt_at);

-- Term calendars (a council's, or a school's own) and bank holidays: data the council edits.
CREATE TABLE calendars (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    school_year BIGINT NOT NULL,
    provisional BIGINT NOT NULL,
    terms_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE bank_holidays (
    day TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
