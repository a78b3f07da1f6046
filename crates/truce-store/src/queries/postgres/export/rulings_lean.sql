SELECT incident_id, agreement_key, verdict, ex_guarantors, CASE WHEN ex_guarantors IS NULL THEN body END AS body
FROM rulings
WHERE incident_id >= $1 AND incident_id <= $2 AND ($3::TEXT IS NULL OR agreement_key = $3)
ORDER BY incident_id, agreement_key
