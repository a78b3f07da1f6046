SELECT u.name, u.role, u.password_hash, u.created_at
FROM api_tokens t JOIN users u ON u.name = t.user_name
WHERE t.token_hash = $1
