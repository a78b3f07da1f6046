SELECT id, body, time_from, ix_verdict AS verdict FROM incidents
WHERE ($1 IS NULL OR time_from >= $1)
  AND ($2 IS NULL OR time_from < $2)
  AND ix_admin1 = $3
  AND ($4 IS NULL OR ix_event_type = $4 OR ix_sub_event_type = $4)
  AND ($5 IS NULL OR ix_status = $5)
  AND ($6 IS NULL OR ix_verdict = $6)
  AND ($7 IS NULL OR EXISTS (SELECT 1 FROM json_each(incidents.body, '$.actors') a WHERE json_extract(a.value, '$.name') = $7))
  AND ($8 IS NULL OR time_from < $8 OR (time_from = $8 AND id < $9))
ORDER BY time_from DESC, id DESC
LIMIT $10
