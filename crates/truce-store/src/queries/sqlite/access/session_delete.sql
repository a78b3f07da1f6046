DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2
