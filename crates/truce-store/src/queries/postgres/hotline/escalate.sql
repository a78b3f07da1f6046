UPDATE referrals SET escalated_at = $2 WHERE id = $1 AND acked_at IS NULL AND escalated_at IS NULL
