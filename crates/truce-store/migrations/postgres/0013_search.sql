-- Full-text search with tsvector expression indexes: reports by name and
-- content, incidents by their canonical JSON. Queries repeat these expressions.
CREATE INDEX reports_fts ON reports USING gin (to_tsvector('english', name || ' ' || content));
CREATE INDEX incidents_fts ON incidents USING gin (to_tsvector('english', body));
