-- Documents attached to a record (issue: referrals, "Documents"). The content is encrypted at
-- rest with a key of its own (envelope encryption): `ciphertext` and `nonce` are under the
-- document's data key, which is kept only wrapped (`wrapped_key`: the wrapping nonce followed
-- by the sealed key) by the key-encryption key named in `key_id`. Rotating the key-encryption
-- key rewrites `key_id` and `wrapped_key` only.
-- BYTEA is PostgreSQL's binary type; SQLite stores a blob as given whatever the declared type,
-- so the same DDL serves both.

CREATE TABLE documents (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    kind TEXT NOT NULL,
    size BIGINT NOT NULL,
    key_id TEXT NOT NULL,
    wrapped_key BYTEA NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL
);
CREATE INDEX documents_record ON documents (record_type, record_id, uploaded_at);
