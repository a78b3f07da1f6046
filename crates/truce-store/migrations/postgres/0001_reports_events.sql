-- Reports are the ground truth: append-only, one row per content hash.
CREATE TABLE reports (
    seq          BIGSERIAL PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,   -- SHA-256 hex of content
    name         TEXT    NOT NULL,          -- file name or feed/JSONL id
    source       TEXT,
    url          TEXT,
    media_type   TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL,          -- Unix milliseconds, UTC
    published_at BIGINT,
    size         BIGINT  NOT NULL,
    content      TEXT    NOT NULL
);
CREATE INDEX reports_received_at ON reports (received_at);

-- The event log: every state change, chained by SHA-256.
CREATE TABLE events (
    seq       BIGINT  PRIMARY KEY,
    at        BIGINT  NOT NULL,             -- Unix milliseconds, UTC
    kind      TEXT    NOT NULL,
    entity    TEXT    NOT NULL,
    payload   TEXT    NOT NULL,             -- canonical JSON
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL
);
CREATE INDEX events_entity ON events (entity);

CREATE FUNCTION truce_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER reports_append_only BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION truce_append_only();
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION truce_append_only();
