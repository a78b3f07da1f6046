INSERT INTO rulings (incident_id, agreement_key, agreement_version, verdict, body, hash, updated_at, ex_guarantors, ex_segment)
SELECT json_extract(value, '$.incident_id'), json_extract(value, '$.agreement_key'),
       json_extract(value, '$.agreement_version'), json_extract(value, '$.verdict'), json_extract(value, '$.body'),
       json_extract(value, '$.hash'), $2, json_extract(value, '$.ex_guarantors'),
       json_extract(value, '$.ex_segment')
FROM json_each($1) WHERE true
ON CONFLICT (incident_id, agreement_key) DO NOTHING
