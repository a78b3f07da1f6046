SELECT incident_id, agreement_key, agreement_version, verdict, body, updated_at FROM rulings
WHERE incident_id = $1 ORDER BY agreement_key
