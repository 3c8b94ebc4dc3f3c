-- Core Consultations (issue 19): a school's request, the SEND team's booking, the record of the
-- meeting and the school's evaluation, each the domain's JSON (`consultations::Request`,
-- `Booking`, `Record`, `Evaluation`) beside the columns lists and figures read. strand is the
-- domain's `Strand`; status is "requested", "scheduled", "held" or "cancelled"; scheduled_on is
-- the day it is booked for; cancel_reason says why one was cancelled (by the school or the
-- SEND team).
CREATE TABLE consultations (
    id TEXT PRIMARY KEY,
    school_urn TEXT NOT NULL REFERENCES schools (urn),
    strand TEXT NOT NULL,
    status TEXT NOT NULL,
    request TEXT NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at TEXT NOT NULL,
    booking TEXT,
    scheduled_on TEXT,
    record TEXT,
    recorded_at TEXT,
    evaluation TEXT,
    evaluated_at TEXT,
    cancel_reason TEXT
);
CREATE INDEX consultations_status ON consultations (status, requested_at);
CREATE INDEX consultations_school ON consultations (school_urn, requested_at);
