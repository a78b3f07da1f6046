INSERT INTO jobs (kind, key, payload, state, attempts, max_attempts, created_at, updated_at)
SELECT $1, NULL, $2, 'queued', 0, $3, $4, $4
WHERE NOT EXISTS (SELECT 1 FROM jobs WHERE kind = $1 AND state = 'queued')
RETURNING id
