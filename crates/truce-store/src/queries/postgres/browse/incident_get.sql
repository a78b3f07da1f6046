SELECT id, body, time_from, ix_verdict AS verdict FROM incidents WHERE id = $1
