UPDATE jobs SET
    state = 'failed',
    lease_until = NULL,
    updated_at = $1,
    error = 'the lease of ' || COALESCE(locked_by, '?') || ' ran out on attempt ' || attempts::text || ' of '
        || max_attempts::text || ' (the worker stopped before finishing)' || COALESCE('; before that: ' || error, '')
WHERE state = 'running' AND lease_until < $1 AND attempts >= max_attempts
