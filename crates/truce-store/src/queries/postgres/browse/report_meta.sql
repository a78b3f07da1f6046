SELECT seq, id, name, source, url, media_type, received_at, published_at, size FROM reports WHERE id = $1
