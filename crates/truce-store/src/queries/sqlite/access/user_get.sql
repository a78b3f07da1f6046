SELECT name, role, password_hash, created_at FROM users WHERE name = $1
