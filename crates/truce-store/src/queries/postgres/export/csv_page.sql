SELECT i.id, i.updated_at, i.ex_head, i.ex_tail,
       CASE WHEN i.ex_version = $8 AND i.ex_head IS NOT NULL AND i.ex_tail IS NOT NULL THEN NULL ELSE i.body END AS body
FROM incidents i
WHERE i.id > $1
  AND ($2::BIGINT IS NULL OR i.time_from >= $2)
  AND ($3::BIGINT IS NULL OR i.time_from < $3)
  AND ($4::TEXT IS NULL OR lower(i.body::jsonb ->> 'admin1') = lower($4))
  AND (($5::TEXT IS NULL AND $6::TEXT IS NULL) OR EXISTS (
        SELECT 1 FROM rulings r WHERE r.incident_id = i.id
          AND ($5 IS NULL OR r.agreement_key = $5) AND ($6 IS NULL OR r.verdict = $6)))
ORDER BY i.id LIMIT $7
