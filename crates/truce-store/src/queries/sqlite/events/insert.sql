INSERT INTO events (seq, at, kind, entity, payload, prev_hash, hash)
VALUES ($1, $2, $3, $4, $5, $6, $7)
