INSERT INTO jobs (kind, key, payload, state, attempts, max_attempts, created_at, updated_at)
VALUES ($1, $2, $3, 'queued', 0, $4, $5, $5)
ON CONFLICT DO NOTHING
RETURNING id
