-- The referral queue's counts by status (issue 20), kept up to date in the same transaction as
-- every change of a referral's status or school, so the queue does not count every referral
-- on every page. One row per school (the empty string for a referral with no school yet) and
-- status. Portable DDL, as every migration.
CREATE TABLE referral_counts (
    school_urn TEXT NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (school_urn, status)
);

INSERT INTO referral_counts (school_urn, status, n)
SELECT COALESCE(school_urn, ''), status, COUNT(*) FROM referrals
GROUP BY COALESCE(school_urn, ''), status;
