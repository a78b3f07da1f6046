SELECT id, body, updated_at FROM incidents WHERE id = ?1
