-- OpenID Connect sign-in (issue 15).
--
-- A sign-in in progress: kept between sending the browser to the provider and its return, at
-- most 10 minutes, and used once (the callback deletes the row it uses). Only hashes of the
-- `state` and of the browser-binding cookie are kept; the nonce and PKCE verifier are needed in
-- the clear to finish the flow, and are worthless once the row is gone.
CREATE TABLE oidc_requests (
    state_hash TEXT PRIMARY KEY,
    binding_hash TEXT NOT NULL,
    provider TEXT NOT NULL,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    link_token_hash TEXT,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX oidc_requests_expiry ON oidc_requests (expires_at);

-- A coordinator's link to connect a provider's account to an existing user: emailed, single use,
-- 7 days. Signing in through the link links the identity to that user and no other.
CREATE TABLE identity_link_requests (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users (id),
    provider TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT,
    cancelled_at TEXT
);
CREATE INDEX identity_link_requests_user ON identity_link_requests (user_id, created_at);

-- Which provider a session came from, and its raw ID token: GOV.UK One Login needs it as the
-- id_token_hint when signing out. Deleted with the session.
ALTER TABLE sessions ADD COLUMN oidc_provider TEXT;
ALTER TABLE sessions ADD COLUMN oidc_id_token TEXT;

-- Which provider an identity was linked through (for the coordinator's list).
ALTER TABLE user_identities ADD COLUMN provider TEXT;
