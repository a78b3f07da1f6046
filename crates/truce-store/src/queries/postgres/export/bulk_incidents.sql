INSERT INTO incidents (id, body, hash, time_from, updated_at, ex_version, ex_head, ex_tail)
SELECT x.id, x.body, x.hash, x.time_from, $2, x.ex_version, x.ex_head, x.ex_tail
FROM jsonb_to_recordset($1::jsonb)
    AS x(id TEXT, body TEXT, hash TEXT, time_from BIGINT, ex_version BIGINT, ex_head TEXT, ex_tail TEXT)
ON CONFLICT (id) DO NOTHING
