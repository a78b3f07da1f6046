SELECT incident_id, agreement_key, agreement_version, verdict, body, updated_at FROM rulings
WHERE ($1::text IS NULL OR verdict = $1) AND ($2::text IS NULL OR agreement_key = $2)
  AND ($3::text IS NULL OR (incident_id, agreement_key) > ($3, $4::text))
ORDER BY incident_id, agreement_key LIMIT $5
