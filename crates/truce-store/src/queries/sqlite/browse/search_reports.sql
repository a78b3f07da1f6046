SELECT r.seq, r.id, r.name, r.source, r.url, r.media_type, r.received_at, r.published_at, r.size,
       snippet(reports_fts, 1, '[', ']', '…', 16) AS snippet
FROM reports_fts JOIN reports r ON r.seq = reports_fts.rowid
WHERE reports_fts MATCH $1 ORDER BY rank LIMIT $2
