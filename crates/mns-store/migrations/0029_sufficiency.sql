-- Specialist place sufficiency (issue 19): dated returns read from files (kind "capacity": the
-- SCAP-shaped capacity return; kind "ehcp": children with an EHC plan by need, age and
-- district), each kept whole as the domain's JSON lines; the newest of each kind is used. And
-- the SEND team's named projection scenarios (the domain's `Scenario` as JSON).
CREATE TABLE sufficiency_returns (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    as_at TEXT NOT NULL,
    file_name TEXT NOT NULL,
    lines TEXT NOT NULL,
    line_count BIGINT NOT NULL,
    imported_by TEXT NOT NULL REFERENCES users (id),
    imported_at TEXT NOT NULL
);
CREATE INDEX sufficiency_returns_kind ON sufficiency_returns (kind, as_at, imported_at);
CREATE TABLE sufficiency_scenarios (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    scenario TEXT NOT NULL,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL
);
