INSERT INTO incidents (id, body, hash, time_from, updated_at) VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (id) DO UPDATE SET body = excluded.body, hash = excluded.hash, time_from = excluded.time_from, updated_at = excluded.updated_at
