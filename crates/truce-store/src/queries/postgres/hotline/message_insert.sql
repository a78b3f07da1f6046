INSERT INTO referral_messages (incident_id, agreement_key, author, author_role, body, at) VALUES ($1, $2, $3, $4, $5, $6)
