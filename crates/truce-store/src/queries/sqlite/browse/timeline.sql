SELECT i.time_from / 86400000 AS day, COALESCE(i.ix_admin1, '') AS admin1, COUNT(*) AS n
FROM rulings r JOIN incidents i ON i.id = r.incident_id
WHERE r.verdict = 'violation' AND ($1 IS NULL OR r.agreement_key = $1)
  AND i.time_from >= $2 AND i.time_from < $3
GROUP BY 1, 2 ORDER BY 1, 2
