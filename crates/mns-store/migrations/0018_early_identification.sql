-- Early identification from the county's attendance (issue 16): each school's figures per pupil
-- and school year as last imported, and the alerts the rules raise on them with their history.
-- Portable DDL, as every migration. Figures never hold names: a name is kept only on an alert,
-- when the county's pupil file gave it.

-- One import of a school's attendance for a school year: the file it came from (by hash) and
-- what it held. Kept while figures from it remain.
CREATE TABLE attendance_imports (
    id TEXT PRIMARY KEY,
    urn TEXT NOT NULL REFERENCES schools (urn),
    school_year TEXT NOT NULL,
    source TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    rows BIGINT NOT NULL,
    pupils BIGINT NOT NULL,
    imported_by TEXT,
    imported_at TEXT NOT NULL
);
CREATE INDEX attendance_imports_school ON attendance_imports (urn, imported_at);

-- A pupil's figures at one school for one school year, in sessions; replaced whole by each
-- import of that school and year. Flags are 0/1; ehcp and looked_after are NULL when the pupil
-- file did not say. Dates are YYYY-MM-DD.
CREATE TABLE attendance_figures (
    school_year TEXT NOT NULL,
    urn TEXT NOT NULL,
    upn TEXT NOT NULL,
    sessions_possible BIGINT NOT NULL,
    present BIGINT NOT NULL,
    authorised BIGINT NOT NULL,
    unauthorised BIGINT NOT NULL,
    illness_sessions BIGINT NOT NULL,
    longest_run_sessions BIGINT NOT NULL,
    longest_run_first TEXT,
    longest_run_last TEXT,
    run_ongoing BIGINT NOT NULL,
    m_sessions BIGINT NOT NULL,
    k_sessions BIGINT NOT NULL,
    c2_sessions BIGINT NOT NULL,
    c2_weeks BIGINT NOT NULL,
    persistent BIGINT NOT NULL,
    severe BIGINT NOT NULL,
    ehcp BIGINT,
    looked_after BIGINT,
    leaving_date TEXT,
    last_session TEXT,
    import_id TEXT NOT NULL REFERENCES attendance_imports (id),
    delete_after TEXT NOT NULL,
    PRIMARY KEY (school_year, urn, upn)
);
CREATE INDEX attendance_figures_upn ON attendance_figures (upn);
CREATE INDEX attendance_figures_delete ON attendance_figures (delete_after);
CREATE INDEX attendance_figures_import ON attendance_figures (import_id);

-- One rule firing for one pupil at one school in one school year: updated as new figures
-- arrive, never duplicated. status: open | decided. priority: routine | soon | urgent, with
-- priority_rank 0 | 1 | 2 written beside it for sorting. An alert linked to a pupil's record
-- (pupil_id) follows the child's record; any other goes after delete_after.
CREATE TABLE attendance_alerts (
    id TEXT PRIMARY KEY,
    rule_id TEXT NOT NULL,
    school_year TEXT NOT NULL,
    urn TEXT NOT NULL,
    upn TEXT NOT NULL,
    pupil_id TEXT REFERENCES pupils (id),
    status TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_rank BIGINT NOT NULL,
    opened_at TEXT NOT NULL,
    first_opened_at TEXT NOT NULL,
    figures_json TEXT NOT NULL,
    why TEXT NOT NULL,
    measure BIGINT NOT NULL,
    decided_measure BIGINT,
    still_met BIGINT NOT NULL,
    policy_version TEXT NOT NULL,
    pupil_name TEXT,
    delete_after TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (rule_id, school_year, urn, upn)
);
CREATE INDEX attendance_alerts_triage ON attendance_alerts (status, priority_rank, opened_at);
CREATE INDEX attendance_alerts_school ON attendance_alerts (urn, status);
CREATE INDEX attendance_alerts_upn ON attendance_alerts (upn);
CREATE INDEX attendance_alerts_delete ON attendance_alerts (delete_after);

-- An alert's history. kind: opened | worsened | reopened | no_longer_met | met_again | action;
-- action (for kind = action) is what was done, reason why.
CREATE TABLE attendance_alert_events (
    id TEXT PRIMARY KEY,
    alert_id TEXT NOT NULL REFERENCES attendance_alerts (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    action TEXT,
    reason TEXT,
    actor_id TEXT REFERENCES users (id),
    figures_json TEXT
);
CREATE INDEX attendance_alert_events_alert ON attendance_alert_events (alert_id, at);
