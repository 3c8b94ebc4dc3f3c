-- Health notifications (issue 14): a health professional tells the service that a child cannot
-- attend school because of their health, and the service makes a referral the school completes.
-- Portable DDL, as every migration.

-- Where a referral came from: 'school' (every referral before this) or 'health_notification'.
ALTER TABLE referrals ADD COLUMN origin TEXT NOT NULL DEFAULT 'school';

-- A child's NHS number, when the service was given one: a health notification finds the child
-- by it (never merging on it alone: the name and date of birth must agree too).
ALTER TABLE pupils ADD COLUMN nhs_number TEXT;
CREATE INDEX pupils_nhs_number ON pupils (nhs_number);

-- The notification as sent (the domain's HealthNotification in JSON), with the referral it
-- became: who sent it (a user's id; NULL for one sent through the public form) and when.
CREATE TABLE health_notifications (
    referral_id TEXT PRIMARY KEY REFERENCES referrals (id),
    notified_by TEXT REFERENCES users (id),
    notified_at TEXT NOT NULL,
    notification_json TEXT NOT NULL
);

-- Health notifications sent through the public form (no sign-in): an enquiry the coordinator
-- triages. Open until handled: made into a referral (referral_id) or closed with a reason.
CREATE TABLE health_notification_enquiries (
    id TEXT PRIMARY KEY,
    received_at TEXT NOT NULL,
    notification_json TEXT NOT NULL,
    referral_id TEXT REFERENCES referrals (id),
    closed_reason TEXT NOT NULL DEFAULT '',
    handled_by TEXT REFERENCES users (id),
    handled_at TEXT
);
CREATE INDEX health_notification_enquiries_received ON health_notification_enquiries (received_at);
