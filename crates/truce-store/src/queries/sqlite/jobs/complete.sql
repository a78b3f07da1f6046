UPDATE jobs SET state = 'done', lease_until = NULL, updated_at = $3, error = $4
WHERE id = $1 AND state = 'running' AND locked_by = $2
