INSERT INTO incidents (id, body, hash, time_from, updated_at, ex_version, ex_head, ex_tail)
SELECT json_extract(value, '$.id'), json_extract(value, '$.body'), json_extract(value, '$.hash'),
       json_extract(value, '$.time_from'), $2, json_extract(value, '$.ex_version'),
       json_extract(value, '$.ex_head'), json_extract(value, '$.ex_tail')
FROM json_each($1) WHERE true
ON CONFLICT (id) DO NOTHING
