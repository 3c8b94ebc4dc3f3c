-- The last day of provision (issue 14): when the coordinator ends provision they give the last
-- day, today or later. The case is ended when that is recorded (`ended_at`); `ends_on` is the
-- day the End of Provision letter names as the last day, after which the school is responsible
-- again. Empty for cases ended before the column existed: their last day is `ended_at`'s date.
ALTER TABLE cases ADD COLUMN ends_on TEXT;
