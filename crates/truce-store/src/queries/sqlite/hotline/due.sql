SELECT id, incident_id, agreement_key, guarantor, summary, created_at, deadline_at, acked_at, acked_by, escalated_at
FROM referrals WHERE acked_at IS NULL AND escalated_at IS NULL AND deadline_at <= $1 ORDER BY deadline_at
