SELECT incident_id, agreement_key, agreement_version, verdict, body, updated_at FROM rulings
WHERE ($1 IS NULL OR verdict = $1) AND ($2 IS NULL OR agreement_key = $2)
  AND ($3 IS NULL OR incident_id > $3 OR (incident_id = $3 AND agreement_key > $4))
ORDER BY incident_id, agreement_key LIMIT $5
