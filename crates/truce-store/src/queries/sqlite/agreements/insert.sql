INSERT INTO agreements (key, version, body, created_at) VALUES ($1, $2, $3, $4)
