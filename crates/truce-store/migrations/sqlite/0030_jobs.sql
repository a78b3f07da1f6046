-- The job queue (issue 7): work for `truce worker` processes. Operational
-- state, not in the event log; the effects of a job (reports, rulings,
-- referrals) are, each in its own transaction. A job is `queued`, then
-- `running` under a lease held by one worker (`locked_by`, `lease_until`),
-- then `done` or, after `max_attempts` claims, `failed` with its error. A
-- running job whose lease has passed is taken again (its worker died).
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY,
    kind          TEXT    NOT NULL,           -- ingest | judge
    key           TEXT,                       -- natural key (ingest: SHA-256 of the content), NULL when none
    payload       TEXT    NOT NULL,           -- JSON, read by the engine
    state         TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,   -- claims so far
    max_attempts  INTEGER NOT NULL CHECK (max_attempts > 0),
    locked_by     TEXT,                       -- worker id while running
    lease_until   INTEGER,                      -- Unix milliseconds; the lease ends then
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    error         TEXT                        -- the last attempt's error
);
-- The same content is queued once (again only after a job for it failed).
CREATE UNIQUE INDEX jobs_key ON jobs (kind, key) WHERE key IS NOT NULL AND state <> 'failed';
-- What a claim scans: open jobs in order.
CREATE INDEX jobs_open ON jobs (id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state ON jobs (state, kind);
