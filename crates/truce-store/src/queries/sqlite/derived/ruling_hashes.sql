-- The recorded hash of every ruling on the incidents named in $1 (a JSON array of ids).
SELECT incident_id, agreement_key, hash FROM rulings WHERE incident_id IN (SELECT value FROM json_each($1))
