UPDATE referrals SET acked_at = $2, acked_by = $3 WHERE id = $1 AND acked_at IS NULL
