-- The case list's order, newest opened first, for paging by cursor (issue 20): a page reads
-- its lines from this index whatever the number of cases. Portable DDL, as every migration.
CREATE INDEX cases_opened ON cases (opened_at, id);
