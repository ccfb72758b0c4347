-- +goose Up
-- The citizen's sign-in (docs/citizen.md): one-time codes sent to the
-- phone on record, kept only hashed (number_key is a hash of the ID
-- number, code_hash a hash of the code), single-use (used_at); the wrong
-- codes per number and their lock; the demo's SMS gateway, an outbox;
-- and the citizens' sessions, separate from the staff's sessions table
-- so that a token of one kind never opens the other's routes; the
-- states of identity-provider sign-ins.
CREATE TABLE citizen_codes (
    id         INTEGER PRIMARY KEY,
    number_key TEXT NOT NULL,
    code_hash  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX citizen_codes_number ON citizen_codes (number_key, created_at);

CREATE TABLE citizen_code_failures (
    number_key   TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    locked_until TEXT NOT NULL
);

CREATE TABLE sms_outbox (
    id      INTEGER PRIMARY KEY,
    phone   TEXT NOT NULL,
    message TEXT NOT NULL,
    sent_at TEXT NOT NULL
);

CREATE TABLE citizen_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    person_id  INTEGER NOT NULL REFERENCES persons (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX citizen_sessions_user ON citizen_sessions (user_id);

-- The states of sign-ins through an identity provider (电子社保卡),
-- hashed, single-use (used_at) and short-lived.
CREATE TABLE citizen_idp_states (
    state_hash TEXT PRIMARY KEY,
    provider   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);

-- The results of face certification (刷脸认证) a third party reports,
-- passed or failed, once per provider and reference; certified is set
-- once the pension certification of a passed one is recorded.
CREATE TABLE citizen_face_results (
    id          INTEGER PRIMARY KEY,
    provider    TEXT NOT NULL,
    reference   TEXT NOT NULL,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    checked_at  TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('passed', 'failed')),
    certified   INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT NOT NULL,
    UNIQUE (provider, reference)
);

-- +goose Down
DROP TABLE citizen_face_results;
DROP TABLE citizen_idp_states;
DROP TABLE citizen_sessions;
DROP TABLE sms_outbox;
DROP TABLE citizen_code_failures;
DROP TABLE citizen_codes;
