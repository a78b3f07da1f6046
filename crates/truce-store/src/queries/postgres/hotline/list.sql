SELECT id, incident_id, agreement_key, guarantor, summary, created_at, deadline_at, acked_at, acked_by, escalated_at
FROM referrals WHERE ($1::text IS NULL OR guarantor = $1) ORDER BY created_at DESC, id LIMIT $2
