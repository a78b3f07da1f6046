SELECT name, role, password_hash, created_at FROM users ORDER BY name
