SELECT seq, at, kind, entity, payload, prev_hash, hash FROM events WHERE seq > $1 ORDER BY seq LIMIT $2
