SELECT a.key, a.version, a.body, a.created_at FROM agreements a
WHERE a.created_at <= $1
  AND a.version = (SELECT MAX(b.version) FROM agreements b WHERE b.key = a.key AND b.created_at <= $1)
ORDER BY a.key
