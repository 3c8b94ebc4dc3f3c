-- Referrals (issue: Medical Needs referrals). The form as entered is kept whole as JSON (the
-- domain's Referral type, the same schema as the API's); the columns beside it are what the
-- coordinator's queue sorts and filters on, kept in step by the application.

CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    pupil_id TEXT REFERENCES pupils (id),
    school_urn TEXT REFERENCES schools (urn),
    status TEXT NOT NULL,
    form_json TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    referral_date TEXT,
    waiting_for_evidence_since TEXT,
    decided_at TEXT,
    policy_version TEXT
);
-- The queue walks referrals in date order (filtering status as it goes) or, for one status,
-- jumps to it.
CREATE INDEX referrals_by_date ON referrals (referral_date, id);
CREATE INDEX referrals_queue ON referrals (status, referral_date, id);
CREATE INDEX referrals_school ON referrals (school_urn, status);

-- Every decision (MN-DEC-1): who, when, under which policy version, with the checks shown.
CREATE TABLE referral_decisions (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals (id),
    decision TEXT NOT NULL,
    reasons_json TEXT NOT NULL,
    note TEXT NOT NULL,
    decided_by TEXT NOT NULL REFERENCES users (id),
    decided_at TEXT NOT NULL,
    policy_version TEXT NOT NULL,
    checks_json TEXT NOT NULL,
    days_from_referral BIGINT NOT NULL
);
CREATE INDEX referral_decisions_referral ON referral_decisions (referral_id, decided_at);

-- Parent and carer enquiries (MN-ENQ-1), as the domain's Enquiry in JSON; deliberately no
-- field for a threshold opinion (MN-ENQ-2).
CREATE TABLE enquiries (
    id TEXT PRIMARY KEY,
    logged_by TEXT NOT NULL REFERENCES users (id),
    logged_at TEXT NOT NULL,
    enquiry_json TEXT NOT NULL
);
CREATE INDEX enquiries_logged ON enquiries (logged_at);
