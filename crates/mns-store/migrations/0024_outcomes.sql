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
