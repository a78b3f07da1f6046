-- Users, sessions and API tokens of the server (issue 5). Secrets are never
-- stored: passwords as argon2 PHC strings, tokens as the SHA-256 of their value.
CREATE TABLE users (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL,       -- admin | analyst | guarantor:<actor-key> | observer
    password_hash TEXT    NOT NULL,
    created_at    BIGINT  NOT NULL,       -- Unix milliseconds, UTC
    updated_at    BIGINT  NOT NULL
);
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    csrf       TEXT    NOT NULL,          -- double-submit token for the UI's POSTs
    created_at BIGINT  NOT NULL,
    expires_at BIGINT  NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_name);
CREATE TABLE api_tokens (
    token_hash TEXT    PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    label      TEXT    NOT NULL,
    created_at BIGINT  NOT NULL
);
