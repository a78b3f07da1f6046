SELECT id, body, time_from, ix_verdict AS verdict FROM incidents
WHERE ($1::bigint IS NULL OR time_from >= $1)
  AND ($2::bigint IS NULL OR time_from < $2)
  AND ix_admin1 = $3::text
  AND ($4::text IS NULL OR ix_event_type = $4 OR ix_sub_event_type = $4)
  AND ($5::text IS NULL OR ix_status = $5)
  AND ($6::text IS NULL OR ix_verdict = $6)
  AND ($7::text IS NULL OR (body::jsonb) -> 'actors' @> jsonb_build_array(jsonb_build_object('name', $7::text)))
  AND ($8::bigint IS NULL OR (time_from, id) < ($8, $9::text))
ORDER BY time_from DESC, id DESC
LIMIT $10
