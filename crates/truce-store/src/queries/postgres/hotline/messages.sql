SELECT seq, incident_id, agreement_key, author, author_role, body, at
FROM referral_messages WHERE incident_id = $1 AND agreement_key = $2 ORDER BY seq
