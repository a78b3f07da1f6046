SELECT i.id, i.body, i.time_from, i.ix_verdict AS verdict
FROM incidents_fts f JOIN incidents i ON i.id = f.id
WHERE incidents_fts MATCH $1 ORDER BY f.rank LIMIT $2
