INSERT INTO reports (id, name, source, url, media_type, received_at, published_at, size, content)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO NOTHING
