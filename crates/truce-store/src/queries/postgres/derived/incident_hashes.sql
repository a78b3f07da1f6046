-- The recorded hash of each incident named in $1 (a JSON array of ids).
SELECT id, hash FROM incidents WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb))
