UPDATE jobs SET lease_until = $3, updated_at = $4
WHERE id = $1 AND state = 'running' AND locked_by = $2
