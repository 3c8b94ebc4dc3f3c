-- Access to a child, given and taken (issue 14): a link now says how the person is related to
-- the child, whether a parent holds parental responsibility (`yes`, `no` or `unknown`), whether
-- the coordinator has restricted it (for example by a court order) and why, the last day it
-- gives access (empty: no end), and who gave it and why. A restricted or ended link gives no
-- access. Removing access deletes the link; the audit trail keeps the grant and the removal.
ALTER TABLE pupil_links ADD COLUMN relationship TEXT NOT NULL DEFAULT '';
ALTER TABLE pupil_links ADD COLUMN parental_responsibility TEXT NOT NULL DEFAULT 'unknown';
ALTER TABLE pupil_links ADD COLUMN restricted BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pupil_links ADD COLUMN restricted_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE pupil_links ADD COLUMN ends_on TEXT;
ALTER TABLE pupil_links ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE pupil_links ADD COLUMN granted_by TEXT NOT NULL DEFAULT '';
