SELECT floor((ix_lon + 180.0) / $11)::bigint AS gx, floor((ix_lat + 90.0) / $11)::bigint AS gy,
       COUNT(*) AS n,
       COUNT(*) FILTER (WHERE ix_verdict = 'violation') AS violation,
       COUNT(*) FILTER (WHERE ix_verdict = 'excluded_party') AS excluded_party,
       COUNT(*) FILTER (WHERE ix_verdict = 'undetermined') AS undetermined,
       COUNT(*) FILTER (WHERE ix_verdict = 'not_covered') AS not_covered,
       AVG(ix_lon) AS lon, AVG(ix_lat) AS lat, MIN(id) AS sample
FROM incidents
WHERE ix_lon IS NOT NULL AND ix_lat IS NOT NULL
  AND ($1::bigint IS NULL OR time_from >= $1)
  AND ($2::bigint IS NULL OR time_from < $2)
  AND ($3::text IS NULL OR ix_admin1 = $3)
  AND ($4::text IS NULL OR ix_event_type = $4 OR ix_sub_event_type = $4)
  AND ($5::text IS NULL OR ix_status = $5)
  AND ($6::text IS NULL OR ix_verdict = $6)
  AND ($7::text IS NULL OR (body::jsonb) -> 'actors' @> jsonb_build_array(jsonb_build_object('name', $7::text)))
  AND ix_lon BETWEEN $8::float8 AND $9::float8 AND ix_lat BETWEEN $10::float8 AND $12::float8
GROUP BY 1, 2
