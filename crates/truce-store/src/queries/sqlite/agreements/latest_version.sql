SELECT version, body FROM agreements WHERE key = $1 ORDER BY version DESC LIMIT 1
