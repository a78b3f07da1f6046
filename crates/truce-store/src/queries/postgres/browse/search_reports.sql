SELECT r.seq, r.id, r.name, r.source, r.url, r.media_type, r.received_at, r.published_at, r.size,
       ts_headline('english', r.content, websearch_to_tsquery('english', $1),
                   'StartSel=[, StopSel=], MaxWords=16, MinWords=6') AS snippet
FROM reports r
WHERE to_tsvector('english', r.name || ' ' || r.content) @@ websearch_to_tsquery('english', $1)
ORDER BY ts_rank(to_tsvector('english', r.name || ' ' || r.content), websearch_to_tsquery('english', $1)) DESC
LIMIT $2
