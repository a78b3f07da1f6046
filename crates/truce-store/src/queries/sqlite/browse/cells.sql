SELECT CAST((ix_lon + 180.0) / $11 AS INTEGER) AS gx, CAST((ix_lat + 90.0) / $11 AS INTEGER) AS gy,
       COUNT(*) AS n,
       SUM(CASE WHEN ix_verdict = 'violation' THEN 1 ELSE 0 END) AS violation,
       SUM(CASE WHEN ix_verdict = 'excluded_party' THEN 1 ELSE 0 END) AS excluded_party,
       SUM(CASE WHEN ix_verdict = 'undetermined' THEN 1 ELSE 0 END) AS undetermined,
       SUM(CASE WHEN ix_verdict = 'not_covered' THEN 1 ELSE 0 END) AS not_covered,
       AVG(ix_lon) AS lon, AVG(ix_lat) AS lat, MIN(id) AS sample
FROM incidents
WHERE ix_lon IS NOT NULL AND ix_lat IS NOT NULL
  AND ($1 IS NULL OR time_from >= $1)
  AND ($2 IS NULL OR time_from < $2)
  AND ($3 IS NULL OR ix_admin1 = $3)
  AND ($4 IS NULL OR ix_event_type = $4 OR ix_sub_event_type = $4)
  AND ($5 IS NULL OR ix_status = $5)
  AND ($6 IS NULL OR ix_verdict = $6)
  AND ($7 IS NULL OR EXISTS (SELECT 1 FROM json_each(incidents.body, '$.actors') a WHERE json_extract(a.value, '$.name') = $7))
  AND ix_lon BETWEEN $8 AND $9 AND ix_lat BETWEEN $10 AND $12
GROUP BY gx, gy
