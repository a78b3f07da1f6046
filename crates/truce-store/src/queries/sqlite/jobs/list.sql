SELECT id, kind, key, payload, state, attempts, max_attempts, locked_by, lease_until, created_at, updated_at, error
FROM jobs WHERE state = $1
ORDER BY id DESC
LIMIT $2
