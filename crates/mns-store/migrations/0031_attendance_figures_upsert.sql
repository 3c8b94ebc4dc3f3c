-- A school's re-import updates its pupils' figures in place (issue 16's import speed) instead of
-- deleting and inserting them: the import id moves on every row, so it is no longer indexed or
-- a foreign key (each re-import moved 130,000 entries of that index, a third of the county
-- import's database time on SQLite). Which import last wrote a row is still kept; the
-- retention sweep finds imports no row names by each import's school and year (the key).
-- SQLite cannot drop a foreign key, so the table is rebuilt (portable DDL, as every migration).
CREATE TABLE attendance_figures_kept (
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
    import_id TEXT NOT NULL,
    delete_after TEXT NOT NULL,
    PRIMARY KEY (school_year, urn, upn)
);
INSERT INTO attendance_figures_kept
    SELECT school_year, urn, upn, sessions_possible, present, authorised, unauthorised,
           illness_sessions, longest_run_sessions, longest_run_first, longest_run_last,
           run_ongoing, m_sessions, k_sessions, c2_sessions, c2_weeks, persistent, severe, ehcp,
           looked_after, leaving_date, last_session, import_id, delete_after
    FROM attendance_figures;
DROP TABLE attendance_figures;
ALTER TABLE attendance_figures_kept RENAME TO attendance_figures;
CREATE INDEX attendance_figures_upn ON attendance_figures (upn);
CREATE INDEX attendance_figures_delete ON attendance_figures (delete_after);
