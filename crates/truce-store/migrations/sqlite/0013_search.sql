-- Full-text search with FTS5 (bundled with sqlx's SQLite): reports by name and
-- content, incidents by their canonical JSON (places, actors, evidence sentences).
-- unicode61 with remove_diacritics folds "Ḥalab" to "halab".
CREATE VIRTUAL TABLE reports_fts USING fts5(
    name, content, content = 'reports', content_rowid = 'seq', tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO reports_fts (reports_fts) VALUES ('rebuild');
CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports
BEGIN
    INSERT INTO reports_fts (rowid, name, content) VALUES (NEW.seq, NEW.name, NEW.content);
END;

CREATE VIRTUAL TABLE incidents_fts USING fts5(id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2');
INSERT INTO incidents_fts (id, body) SELECT id, body FROM incidents;
CREATE TRIGGER incidents_fts_insert AFTER INSERT ON incidents
BEGIN
    INSERT INTO incidents_fts (id, body) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER incidents_fts_update AFTER UPDATE OF body ON incidents
BEGIN
    DELETE FROM incidents_fts WHERE id = OLD.id;
    INSERT INTO incidents_fts (id, body) VALUES (NEW.id, NEW.body);
END;
