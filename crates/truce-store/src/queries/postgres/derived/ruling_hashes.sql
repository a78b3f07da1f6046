-- The recorded hash of every ruling on the incidents named in $1 (a JSON array of ids).
SELECT incident_id, agreement_key, hash FROM rulings WHERE incident_id IN (SELECT jsonb_array_elements_text($1::jsonb))
