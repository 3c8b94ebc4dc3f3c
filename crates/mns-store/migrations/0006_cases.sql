-- Cases (issue: Medical Needs provision). A case is an accepted referral's life after the
-- decision: the planning meeting and its record, the 12-school-week period with its review and
-- continuation dates, sessions, reviews, continuation requests and the end. It shares the
-- referral's id. The columns are what the coordinator's dashboard counts and sorts on; the
-- records themselves (Part A, Part B) are kept whole as the domain's JSON.

CREATE TABLE cases (
    id TEXT PRIMARY KEY REFERENCES referrals (id),
    pupil_id TEXT REFERENCES pupils (id),
    school_urn TEXT REFERENCES schools (urn),
    state TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    referral_date TEXT NOT NULL,
    -- The first day of provision (MN-DEC-2), set when provision first starts.
    provision_start TEXT,
    -- The current period (MN-PLAN-5): its number from 1, dates, and when its review was held.
    period_number BIGINT NOT NULL,
    period_start TEXT,
    period_end TEXT,
    review_due TEXT,
    continuation_due TEXT,
    review_held_on TEXT,
    -- Part A of the Planning and Review Record, as drafted and then finalised (MN-PLAN-2).
    plan_json TEXT,
    plan_finalised_at TEXT,
    hours_per_week DOUBLE PRECISION,
    full_time_hours DOUBLE PRECISION,
    -- A life-limiting or terminal illness (MN-LIFE-1): provision continues while parents and
    -- medical staff think it right.
    life_limiting BIGINT NOT NULL,
    end_reason TEXT,
    ended_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX cases_state ON cases (state, period_end);
CREATE INDEX cases_school ON cases (school_urn, state);
CREATE INDEX cases_pupil ON cases (pupil_id);

-- Everything that happened to a case, with who and why: the timeline everybody sees their part
-- of.
CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    at TEXT NOT NULL,
    actor_id TEXT REFERENCES users (id),
    kind TEXT NOT NULL,
    from_state TEXT,
    to_state TEXT,
    note TEXT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id, at);

-- Part B of the record, one per review (MN-REV-1).
CREATE TABLE case_reviews (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    period_number BIGINT NOT NULL,
    record_json TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX case_reviews_case ON case_reviews (case_id, recorded_at);

-- Sessions the provider logs (MN-PROV-2).
CREATE TABLE case_sessions (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    held_on TEXT NOT NULL,
    outcome TEXT NOT NULL,
    hours DOUBLE PRECISION NOT NULL,
    note TEXT NOT NULL,
    logged_by TEXT NOT NULL REFERENCES users (id),
    logged_at TEXT NOT NULL
);
CREATE INDEX case_sessions_case ON case_sessions (case_id, held_on);

-- Continuation requests (MN-CONT-1) and the coordinator's decision on each.
CREATE TABLE case_continuations (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    period_number BIGINT NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    submitted_at TEXT NOT NULL,
    evidence_dated TEXT,
    has_attendance BIGINT NOT NULL,
    has_updated_plan BIGINT NOT NULL,
    note TEXT NOT NULL,
    decision TEXT,
    decided_by TEXT REFERENCES users (id),
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX case_continuations_case ON case_continuations (case_id, submitted_at);

-- Requests to end provision from schools, providers and health professionals (MN-END-2,
-- MN-END-3); only the coordinator ends it.
CREATE TABLE case_end_requests (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    requested_by TEXT NOT NULL REFERENCES users (id),
    requested_at TEXT NOT NULL,
    stops_on TEXT,
    reason TEXT NOT NULL,
    early BIGINT NOT NULL,
    status TEXT NOT NULL
);
CREATE INDEX case_end_requests_case ON case_end_requests (case_id, requested_at);
CREATE INDEX case_end_requests_status ON case_end_requests (status, requested_at);

-- Welfare checks the school logs (MN-PROV-4).
CREATE TABLE case_welfare_checks (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    checked_on TEXT NOT NULL,
    notes TEXT NOT NULL,
    logged_by TEXT NOT NULL REFERENCES users (id),
    logged_at TEXT NOT NULL
);
CREATE INDEX case_welfare_checks_case ON case_welfare_checks (case_id, checked_on);

-- Safeguarding concerns raised by a provider or the coordinator, sent to the school's DSL named
-- on the record (MN-PROV-5). Only the coordinator, that DSL and the person who raised one see it.
CREATE TABLE case_concerns (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    raised_by TEXT NOT NULL REFERENCES users (id),
    raised_by_role TEXT NOT NULL,
    raised_at TEXT NOT NULL,
    concern TEXT NOT NULL,
    sent_to_dsl TEXT NOT NULL,
    dsl_email TEXT NOT NULL
);
CREATE INDEX case_concerns_case ON case_concerns (case_id, raised_at);

-- The limited resources (MN-PROV-1): home learning support assistants with their weekly hours
-- and areas, their allocations to cases, the AV1 robot pool, and who waits for either. A need
-- that cannot be met is still recorded, on the waiting list, never cut (MN-DEC-3).
CREATE TABLE hlsa_workers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    weekly_hours DOUBLE PRECISION NOT NULL,
    areas TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE hlsa_allocations (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    worker_id TEXT NOT NULL REFERENCES hlsa_workers (id),
    hours DOUBLE PRECISION NOT NULL,
    allocated_at TEXT NOT NULL,
    released_at TEXT
);
CREATE INDEX hlsa_allocations_worker ON hlsa_allocations (worker_id, released_at);
CREATE INDEX hlsa_allocations_case ON hlsa_allocations (case_id);

CREATE TABLE robots (
    serial TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    case_id TEXT REFERENCES cases (id),
    updated_at TEXT NOT NULL
);

CREATE TABLE resource_waiting (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    resource TEXT NOT NULL,
    hours_needed DOUBLE PRECISION NOT NULL,
    requested_on TEXT NOT NULL,
    resolved_at TEXT
);
CREATE INDEX resource_waiting_open ON resource_waiting (resolved_at, requested_on);

-- Retention (MN-REC-2): a legal hold keeps a child's records past the retention period; once
-- anonymised, a pupil row says when.
ALTER TABLE pupils ADD COLUMN legal_hold BIGINT NOT NULL DEFAULT 0;
ALTER TABLE pupils ADD COLUMN legal_hold_reason TEXT;
ALTER TABLE pupils ADD COLUMN anonymised_at TEXT;

-- SEND details on the case (MN-SEND-1), as the domain's `SendDetails` JSON.
CREATE TABLE case_send_details (
    case_id TEXT PRIMARY KEY REFERENCES cases (id),
    details_json TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- In-patient episodes (MN-HOSP-1): the authority stays responsible during the admission, and a
-- discharge date opens planning.
CREATE TABLE hospital_episodes (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    hospital TEXT NOT NULL,
    hospital_school TEXT NOT NULL,
    admitted_on TEXT NOT NULL,
    discharge_on TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX hospital_episodes_case ON hospital_episodes (case_id, admitted_on);

-- Invoices from privately funded hospitals (MN-HOSP-2): payable only with evidence of
-- admission, the timetable and attendance records.
CREATE TABLE hospital_invoices (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    hospital TEXT NOT NULL,
    reference TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    has_admission_evidence BIGINT NOT NULL,
    has_timetable BIGINT NOT NULL,
    has_attendance BIGINT NOT NULL,
    status TEXT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    paid_at TEXT
);
CREATE INDEX hospital_invoices_status ON hospital_invoices (status, recorded_at);

-- A school's own term calendar (MN-PLAN-5): a calendar listed here belongs to that school and
-- replaces the council's for its school year when counting that school's pupils' weeks.
CREATE TABLE school_calendars (
    calendar_id TEXT PRIMARY KEY REFERENCES calendars (id),
    school_urn TEXT NOT NULL REFERENCES schools (urn)
);

-- Commissioned online-learning providers and their places (MN-PROV-1): a full provider puts the
-- child on the waiting list rather than going without.
CREATE TABLE online_providers (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    places BIGINT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE online_allocations (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    provider_id TEXT NOT NULL REFERENCES online_providers (id),
    allocated_at TEXT NOT NULL,
    released_at TEXT
);
CREATE INDEX online_allocations_provider ON online_allocations (provider_id, released_at);
