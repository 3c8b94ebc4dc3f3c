-- Outcomes and Section 19 compliance (issue 17).
-- Where the child went when provision ended (the domain's `CaseOutcome`, stored form); required
-- from now on, empty for cases ended before it was asked.
ALTER TABLE cases ADD COLUMN outcome TEXT;
-- The school's district (GIAS "DistrictAdministrative (name)"): the area the reports filter by.
ALTER TABLE schools ADD COLUMN district TEXT;
CREATE INDEX schools_district ON schools (district);
-- The day a pupil's illness absence passed the threshold, from the early-identification alert
-- that said so: read by UPN and rule.
CREATE INDEX attendance_alerts_upn_rule ON attendance_alerts (upn, rule_id, first_opened_at);

-- The price list (issue 17): what each kind of provision costs, who pays, and from when. A new
-- price of a kind ends the open-ended one before it (valid_to); rows are never deleted, so the
-- history stays. kind and funding_source are the domain's `CostKind` and `FundingSource`.
CREATE TABLE unit_prices (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    funding_source TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL
);
CREATE INDEX unit_prices_kind ON unit_prices (kind, valid_from);

-- The year's budget for each funding source (financial years, April to March, by their first
-- year). Setting it again replaces the amount; the audit trail keeps what it was.
CREATE TABLE budgets (
    financial_year BIGINT NOT NULL,
    funding_source TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    recorded_by TEXT NOT NULL REFERENCES users (id),
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (financial_year, funding_source)
);

-- The finance report's hours delivered in a period: a range of this index, not every session.
CREATE INDEX case_sessions_held ON case_sessions (held_on, outcome, case_id, hours);
