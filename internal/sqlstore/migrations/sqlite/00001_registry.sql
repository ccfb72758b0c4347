-- +goose Up
-- The registry, users and the audit trail. Every large table carries
-- region_code so that a distributed engine can shard on it.

CREATE TABLE regions (
    code            TEXT PRIMARY KEY,
    parent_code     TEXT NOT NULL DEFAULT '',
    level           TEXT NOT NULL,
    name_zh         TEXT NOT NULL,
    name_en         TEXT NOT NULL DEFAULT '',
    kind            TEXT NOT NULL DEFAULT '',
    population_2010 INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX regions_parent ON regions (parent_code, code);

CREATE TABLE persons (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL,
    id_number    TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    gender       TEXT NOT NULL,
    birth_date   TEXT NOT NULL,
    ethnicity    TEXT NOT NULL,
    hukou_type   TEXT NOT NULL,
    hukou_region TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    death_date   TEXT,
    death_source TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX persons_region ON persons (region_code, id);
CREATE INDEX persons_name ON persons (name);

CREATE TABLE households (
    id          INTEGER PRIMARY KEY,
    region_code TEXT NOT NULL,
    hukou_type  TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX households_region ON households (region_code, id);

CREATE TABLE household_members (
    household_id INTEGER NOT NULL REFERENCES households (id) ON DELETE CASCADE,
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    region_code  TEXT NOT NULL,
    relation     TEXT NOT NULL,
    PRIMARY KEY (household_id, person_id)
);
CREATE UNIQUE INDEX household_members_person ON household_members (person_id);
CREATE UNIQUE INDEX household_members_one_head ON household_members (household_id) WHERE relation = 'head';

CREATE TABLE organisations (
    id            INTEGER PRIMARY KEY,
    region_code   TEXT NOT NULL,
    uscc          TEXT NOT NULL UNIQUE,
    uscc_flags    INTEGER NOT NULL DEFAULT 0,
    name          TEXT NOT NULL,
    industry_code TEXT NOT NULL,
    size          TEXT NOT NULL,
    address       TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX organisations_region ON organisations (region_code, id);
CREATE INDEX organisations_name ON organisations (name);

CREATE TABLE employment (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL,
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    org_id       INTEGER NOT NULL REFERENCES organisations (id),
    start_date   TEXT NOT NULL,
    end_date     TEXT,
    separation   TEXT NOT NULL DEFAULT '',
    monthly_wage INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX employment_person ON employment (person_id);
CREATE INDEX employment_org ON employment (org_id);
CREATE INDEX employment_region ON employment (region_code, id);

CREATE TABLE disabilities (
    id             INTEGER PRIMARY KEY,
    region_code    TEXT NOT NULL,
    person_id      INTEGER NOT NULL REFERENCES persons (id),
    kind           TEXT NOT NULL,
    grade          INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
    certificate_no TEXT NOT NULL DEFAULT '',
    issued         TEXT NOT NULL,
    revoked        TEXT,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX disabilities_person ON disabilities (person_id);
CREATE INDEX disabilities_region ON disabilities (region_code, id);

CREATE TABLE bank_accounts (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL,
    owner_kind   TEXT NOT NULL,
    owner_id     INTEGER NOT NULL,
    bank_code    TEXT NOT NULL,
    bank_name    TEXT NOT NULL,
    account_no   TEXT NOT NULL,
    account_name TEXT NOT NULL,
    is_primary   INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX bank_accounts_owner ON bank_accounts (owner_kind, owner_id);
CREATE UNIQUE INDEX bank_accounts_one_primary ON bank_accounts (owner_kind, owner_id) WHERE is_primary = 1;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled      INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE audit_events (
    seq           INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    actor_user_id INTEGER NOT NULL,
    actor_name    TEXT NOT NULL,
    actor_role    TEXT NOT NULL,
    action        TEXT NOT NULL,
    entity_kind   TEXT NOT NULL,
    entity_id     TEXT NOT NULL,
    region_code   TEXT NOT NULL,
    digest        TEXT NOT NULL,
    fields        TEXT NOT NULL DEFAULT '',
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_events_entity ON audit_events (entity_kind, entity_id);

-- The head of the audit chain: one row, updated with every event, so that
-- writers are serialised and a deleted newest event is detected.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

-- +goose Down
DROP TABLE audit_head;
DROP TABLE audit_events;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE bank_accounts;
DROP TABLE disabilities;
DROP TABLE employment;
DROP TABLE organisations;
DROP TABLE household_members;
DROP TABLE households;
DROP TABLE persons;
DROP TABLE regions;
