SELECT hash FROM incidents WHERE id = $1
