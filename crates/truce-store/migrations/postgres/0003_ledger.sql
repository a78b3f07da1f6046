-- The coordination centre's ledger: settlement-level truces and aid deliveries.
CREATE TABLE local_agreements (
    id           BIGSERIAL PRIMARY KEY,
    settlement   TEXT    NOT NULL,
    pcode        TEXT,
    admin1_pcode TEXT,
    day          TEXT    NOT NULL,          -- YYYY-MM-DD
    parties      TEXT    NOT NULL,          -- comma-separated actor keys
    status       TEXT    NOT NULL,          -- negotiating | in_force | collapsed
    source       TEXT    NOT NULL,
    recorded_at  BIGINT  NOT NULL
);
CREATE INDEX local_agreements_day ON local_agreements (day);
CREATE TABLE aid_deliveries (
    id           BIGSERIAL PRIMARY KEY,
    destination  TEXT    NOT NULL,
    pcode        TEXT,
    admin1_pcode TEXT,
    day          TEXT    NOT NULL,
    items        TEXT    NOT NULL,
    status       TEXT    NOT NULL,          -- planned | delivered | blocked
    source       TEXT    NOT NULL,
    recorded_at  BIGINT  NOT NULL
);
CREATE INDEX aid_deliveries_day ON aid_deliveries (day);
