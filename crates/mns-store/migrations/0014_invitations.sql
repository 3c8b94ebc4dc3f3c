-- Invitations (issue 14): access to a child given to someone with no account yet. The person is
-- emailed a link to create an account; only the token's SHA-256 is kept. The account is tied to
-- the email the invitation was sent to. A link works until expires_at (7 days), once
-- (accepted_at), and not after it was cancelled (cancelled_at). Accepting creates the account and
-- the pupil_links row the invitation describes. invited_by is a user id, or the system actor of a
-- command run on the server (`mns user link`), as pupil_links.granted_by.
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT NOT NULL,
    pupil_id TEXT NOT NULL REFERENCES pupils (id),
    kind TEXT NOT NULL,
    relationship TEXT NOT NULL,
    parental_responsibility TEXT NOT NULL,
    ends_on TEXT,
    reason TEXT NOT NULL,
    invited_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    accepted_at TEXT,
    accepted_by TEXT REFERENCES users (id),
    cancelled_at TEXT
);
CREATE INDEX invitations_pupil ON invitations (pupil_id, created_at);
CREATE INDEX invitations_email ON invitations (email);
