-- Reports are the ground truth: append-only, one row per content hash.
CREATE TABLE reports (
    seq          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,   -- SHA-256 hex of content
    name         TEXT    NOT NULL,          -- file name or feed/JSONL id
    source       TEXT,
    url          TEXT,
    media_type   TEXT    NOT NULL,
    received_at  INTEGER NOT NULL,          -- Unix milliseconds, UTC
    published_at INTEGER,
    size         INTEGER NOT NULL,
    content      TEXT    NOT NULL
);
CREATE INDEX reports_received_at ON reports (received_at);

CREATE TRIGGER reports_append_only_update BEFORE UPDATE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END;
CREATE TRIGGER reports_append_only_delete BEFORE DELETE ON reports
BEGIN SELECT RAISE(ABORT, 'reports are append-only'); END;

-- The event log: every state change, chained by SHA-256.
CREATE TABLE events (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,             -- Unix milliseconds, UTC
    kind      TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    payload   TEXT    NOT NULL,             -- canonical JSON
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE INDEX events_entity ON events (entity);

CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
