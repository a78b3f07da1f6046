INSERT INTO referrals (id, incident_id, agreement_key, guarantor, summary, created_at, deadline_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (incident_id, agreement_key, guarantor) DO NOTHING
