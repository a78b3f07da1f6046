-- The hotline: one referral per (incident, agreement, guarantor), so re-judging
-- never duplicates one; replies form one thread per case (incident, agreement)
-- shared by the guarantors referred for it. Every change is also in the event log.
CREATE TABLE referrals (
    id            TEXT    PRIMARY KEY,    -- SHA-256 prefix of incident, agreement, guarantor
    incident_id   TEXT    NOT NULL,
    agreement_key TEXT    NOT NULL,
    guarantor     TEXT    NOT NULL,       -- actor key
    summary       TEXT    NOT NULL,       -- canonical JSON for the inbox
    created_at    BIGINT  NOT NULL,
    deadline_at   BIGINT  NOT NULL,
    acked_at      BIGINT,
    acked_by      TEXT,
    escalated_at  BIGINT,
    UNIQUE (incident_id, agreement_key, guarantor)
);
CREATE INDEX referrals_guarantor ON referrals (guarantor, created_at);
CREATE INDEX referrals_open ON referrals (deadline_at) WHERE acked_at IS NULL AND escalated_at IS NULL;
CREATE TABLE referral_messages (
    seq           BIGSERIAL PRIMARY KEY,
    incident_id   TEXT    NOT NULL,
    agreement_key TEXT    NOT NULL,
    author        TEXT    NOT NULL,
    author_role   TEXT    NOT NULL,
    body          TEXT    NOT NULL,
    at            BIGINT  NOT NULL
);
CREATE INDEX referral_messages_case ON referral_messages (incident_id, agreement_key, seq);
