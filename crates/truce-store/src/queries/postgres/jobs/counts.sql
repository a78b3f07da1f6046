SELECT kind, state, count(*) AS n, min(created_at) AS first_created_at, max(updated_at) AS last_updated_at
FROM jobs
GROUP BY kind, state
ORDER BY kind, state
