SELECT id, kind, key, payload, state, attempts, max_attempts, locked_by, lease_until, created_at, updated_at, error FROM jobs WHERE id = $1
