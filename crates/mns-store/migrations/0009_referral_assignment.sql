-- Who works on a referral (issue 13): the coordinator assigns it to a caseworker (or to
-- themselves); empty while nobody has it. The queue filters on it ("assigned to me",
-- "unassigned") and the home page counts each user's.
ALTER TABLE referrals ADD COLUMN assigned_to TEXT REFERENCES users (id);

CREATE INDEX referrals_assigned ON referrals (assigned_to, status);
