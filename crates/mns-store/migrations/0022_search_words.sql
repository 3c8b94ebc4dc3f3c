-- Keyword search ranks by where a word appears (issue 18). Each service keeps its weighted
-- words ("stem:count ...") in one column, which an instance reads in one pass when it loads its
-- search index, and the version of the text analysis that made them, so start-up can remake
-- words made by an older version.
ALTER TABLE directory_services ADD COLUMN search_words TEXT NOT NULL DEFAULT '';
ALTER TABLE directory_services ADD COLUMN search_version BIGINT NOT NULL DEFAULT 0;
