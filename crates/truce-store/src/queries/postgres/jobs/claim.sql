-- Rows another claimer has locked are skipped, not waited for, so claimers
-- never block each other. A judge job is taken only when it is the oldest
-- open judge, no other judge holds a live lease, and every ingest job queued
-- before it has finished.
WITH picked AS (
    SELECT j.id FROM jobs j
    WHERE (j.state = 'queued' OR (j.state = 'running' AND j.lease_until < $3))
      AND j.attempts < j.max_attempts
      AND (j.kind <> 'judge' OR (
            j.id = (SELECT min(o.id) FROM jobs o WHERE o.kind = 'judge' AND o.state IN ('queued', 'running'))
        AND NOT EXISTS (SELECT 1 FROM jobs r
                        WHERE r.kind = 'judge' AND r.state = 'running' AND r.lease_until >= $3 AND r.id <> j.id)
        AND NOT EXISTS (SELECT 1 FROM jobs e
                        WHERE e.kind = 'ingest' AND e.state IN ('queued', 'running') AND e.id < j.id)))
    ORDER BY j.id
    LIMIT $4
    FOR UPDATE OF j SKIP LOCKED
)
UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, locked_by = $1, lease_until = $2, updated_at = $3
FROM picked
WHERE jobs.id = picked.id
RETURNING jobs.id, jobs.kind, jobs.key, jobs.payload, jobs.state, jobs.attempts, jobs.max_attempts, jobs.locked_by,
    jobs.lease_until, jobs.created_at, jobs.updated_at, jobs.error
