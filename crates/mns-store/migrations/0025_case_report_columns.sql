-- What the reports read of each case's records (issue 17), kept beside the records whenever
-- they are written, so that a report over ten years of cases does not parse every Part A and
-- Part B: Part A's package, medical reason, condition group and baseline measures, and the
-- latest review's measures. plan_package, plan_baseline and latest_measures hold JSON;
-- plan_condition_group the domain's `ConditionGroup` (stored form). report_columns is 1 once
-- they have been filled from the records (the cases written before this migration are filled
-- when the store next migrates, by `Store::migrate`).
ALTER TABLE cases ADD COLUMN plan_package TEXT;
ALTER TABLE cases ADD COLUMN plan_medical_reason TEXT;
ALTER TABLE cases ADD COLUMN plan_condition_group TEXT;
ALTER TABLE cases ADD COLUMN plan_baseline TEXT;
ALTER TABLE cases ADD COLUMN latest_measures TEXT;
ALTER TABLE cases ADD COLUMN report_columns BIGINT NOT NULL DEFAULT 0;
