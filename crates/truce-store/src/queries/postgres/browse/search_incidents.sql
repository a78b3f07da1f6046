SELECT id, body, time_from, ix_verdict AS verdict FROM incidents
WHERE to_tsvector('english', body) @@ websearch_to_tsquery('english', $1)
ORDER BY time_from DESC LIMIT $2
