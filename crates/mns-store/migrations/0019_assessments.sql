-- The assessment phase (issue 16): before a full referral, the coordinator or a caseworker
-- opens an assessment with the school for a pupil (often from an attendance alert): the
-- concern, the advice and strategies agreed, who does what, a review date, and the outcome.
-- A referral made from it carries it across, so both timelines show the link.
CREATE TABLE assessments (
    id TEXT PRIMARY KEY,
    pupil_id TEXT NOT NULL REFERENCES pupils (id),
    urn TEXT REFERENCES schools (urn),
    alert_id TEXT REFERENCES attendance_alerts (id),
    opened_by TEXT NOT NULL REFERENCES users (id),
    opened_at TEXT NOT NULL,
    concern TEXT NOT NULL,
    advice TEXT NOT NULL,
    -- [{"action": "...", "owner": "school|service|family", "by": "2026-01-12"}]
    actions_json TEXT NOT NULL,
    review_date TEXT,
    -- resolved | referral_invited | referral_made, once recorded
    outcome TEXT,
    outcome_note TEXT,
    outcome_at TEXT,
    referral_id TEXT REFERENCES referrals (id),
    updated_at TEXT NOT NULL
);
CREATE INDEX assessments_pupil ON assessments (pupil_id, opened_at);
ALTER TABLE referrals ADD COLUMN assessment_id TEXT REFERENCES assessments (id);
