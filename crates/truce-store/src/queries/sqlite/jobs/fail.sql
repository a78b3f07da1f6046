UPDATE jobs SET
    state = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
    locked_by = CASE WHEN attempts >= max_attempts THEN locked_by ELSE NULL END,
    lease_until = NULL,
    updated_at = $3,
    error = $4
WHERE id = $1 AND state = 'running' AND locked_by = $2
RETURNING state
