SELECT id, incident_id, agreement_key, guarantor, summary, created_at, deadline_at, acked_at, acked_by, escalated_at
FROM referrals WHERE agreement_key = $1 ORDER BY incident_id, guarantor
