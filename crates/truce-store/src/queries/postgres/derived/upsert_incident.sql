INSERT INTO incidents (id, body, hash, time_from, updated_at, ex_version, ex_head, ex_tail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
ON CONFLICT (id) DO UPDATE SET body = excluded.body, hash = excluded.hash, time_from = excluded.time_from, updated_at = excluded.updated_at,
    ex_version = excluded.ex_version, ex_head = excluded.ex_head, ex_tail = excluded.ex_tail
