SELECT seq, id, name, source, url, media_type, received_at, published_at, size FROM reports
WHERE seq < $1 ORDER BY seq DESC LIMIT $2
