SELECT id, name, source, url, media_type, received_at, published_at, content
FROM reports WHERE id = $1
