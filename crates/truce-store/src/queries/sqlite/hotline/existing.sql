-- Which of the referral ids in $1 (a JSON array) are recorded.
SELECT id FROM referrals WHERE id IN (SELECT value FROM json_each($1))
