SELECT u.name, u.role, u.password_hash, u.created_at, s.csrf
FROM sessions s JOIN users u ON u.name = s.user_name
WHERE s.token_hash = $1 AND s.expires_at > $2
