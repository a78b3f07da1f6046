SELECT seq, id, name, source, url, media_type, received_at, published_at, content
FROM reports WHERE received_at <= $1 AND seq > $2 ORDER BY seq LIMIT $3
