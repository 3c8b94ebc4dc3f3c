-- The case list's order, newest opened first, for paging by cursor (issue 20): a page reads
-- its lines from this index whatever the number of cases. Portable DDL, as every migration.
CREATE INDEX cases_opened ON cases (opened_at, id);
-- The home page's count of overdue reviews (issue 20): a range of this index, not every case.
CREATE INDEX cases_review ON cases (state, review_held_on, review_due);
