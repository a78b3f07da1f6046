SELECT key, version, body, created_at FROM agreements WHERE key = $1 ORDER BY version
