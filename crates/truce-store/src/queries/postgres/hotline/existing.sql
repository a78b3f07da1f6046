-- Which of the referral ids in $1 (a JSON array) are recorded.
SELECT id FROM referrals WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))
