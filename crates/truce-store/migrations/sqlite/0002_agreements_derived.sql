-- Agreements are versioned: an edit is a new row, never an update.
CREATE TABLE agreements (
    key        TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT    NOT NULL,          -- the agreement file (TOML), as given
    created_at INTEGER NOT NULL,          -- Unix milliseconds, UTC
    PRIMARY KEY (key, version)
);
CREATE TRIGGER agreements_append_only_update BEFORE UPDATE ON agreements
BEGIN SELECT RAISE(ABORT, 'agreement versions are append-only'); END;
CREATE TRIGGER agreements_append_only_delete BEFORE DELETE ON agreements
BEGIN SELECT RAISE(ABORT, 'agreement versions are append-only'); END;

-- Derived state, recomputable from reports and agreements; every change is in the event log.
CREATE TABLE incidents (
    id         TEXT    PRIMARY KEY,
    body       TEXT    NOT NULL,          -- canonical JSON
    hash       TEXT    NOT NULL,
    time_from  INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE TABLE rulings (
    incident_id       TEXT    NOT NULL,
    agreement_key     TEXT    NOT NULL,
    agreement_version INTEGER NOT NULL,
    verdict           TEXT    NOT NULL,
    body              TEXT    NOT NULL,   -- canonical JSON
    hash              TEXT    NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (incident_id, agreement_key)
);
CREATE INDEX rulings_verdict ON rulings (verdict);
