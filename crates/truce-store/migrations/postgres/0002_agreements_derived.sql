-- Agreements are versioned: an edit is a new row, never an update.
CREATE TABLE agreements (
    key        TEXT    NOT NULL,
    version    BIGINT  NOT NULL,
    body       TEXT    NOT NULL,          -- the agreement file (TOML), as given
    created_at BIGINT  NOT NULL,          -- Unix milliseconds, UTC
    PRIMARY KEY (key, version)
);
CREATE TRIGGER agreements_append_only BEFORE UPDATE OR DELETE ON agreements
    FOR EACH ROW EXECUTE FUNCTION truce_append_only();

-- Derived state, recomputable from reports and agreements; every change is in the event log.
CREATE TABLE incidents (
    id         TEXT    PRIMARY KEY,
    body       TEXT    NOT NULL,          -- canonical JSON
    hash       TEXT    NOT NULL,
    time_from  BIGINT  NOT NULL,
    updated_at BIGINT  NOT NULL
);
CREATE TABLE rulings (
    incident_id       TEXT    NOT NULL,
    agreement_key     TEXT    NOT NULL,
    agreement_version BIGINT  NOT NULL,
    verdict           TEXT    NOT NULL,
    body              TEXT    NOT NULL,   -- canonical JSON
    hash              TEXT    NOT NULL,
    updated_at        BIGINT  NOT NULL,
    PRIMARY KEY (incident_id, agreement_key)
);
CREATE INDEX rulings_verdict ON rulings (verdict);
