-- Notes on referrals and cases: the Medical Needs team's working notes, dated and signed
-- (issue 13). Append-only: a note is never edited; a correction is a new note.
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    record_type TEXT NOT NULL,
    record_id TEXT NOT NULL,
    author_id TEXT NOT NULL,
    written_at TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE INDEX notes_by_record ON notes (record_type, record_id, written_at);
