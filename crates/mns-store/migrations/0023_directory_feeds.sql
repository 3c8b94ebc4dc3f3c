-- Another directory's Open Referral UK feed that the service reads once a day (issue 18,
-- MNS_DIRECTORY_FEED): the day an instance took the sync, so that several instances do not
-- each run it, and when the last complete sync started, which the next one asks for as
-- `modified_after`.
CREATE TABLE directory_feeds (
    url TEXT PRIMARY KEY,
    claimed_on TEXT NOT NULL,
    synced_from TEXT
);

-- A provider's list of the changes it has sent, new services' included (which no service id
-- in the directory leads to yet).
CREATE INDEX directory_changes_submitter ON directory_changes (submitted_by, submitted_at);
