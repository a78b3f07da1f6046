-- The recorded hash of each incident named in $1 (a JSON array of ids).
SELECT id, hash FROM incidents WHERE id IN (SELECT value FROM json_each($1))
