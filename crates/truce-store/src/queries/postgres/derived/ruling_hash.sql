SELECT hash FROM rulings WHERE incident_id = $1 AND agreement_key = $2
