SELECT incident_id, agreement_key, agreement_version, verdict, body FROM rulings
WHERE incident_id >= $1 AND incident_id <= $2 AND ($3::TEXT IS NULL OR agreement_key = $3)
ORDER BY incident_id, agreement_key
