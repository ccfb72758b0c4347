-- +goose Up
-- Where benefits are paid is a maker-checker change: a bank account is
-- requested by one user (pending) and confirmed or rejected by another
-- with the approval permission. Only a confirmed account is primary, and
-- only a confirmed primary account is paid. The accounts recorded before
-- this migration were registered by the system and are confirmed.
ALTER TABLE bank_accounts ADD COLUMN status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'rejected'));
ALTER TABLE bank_accounts ADD COLUMN wants_primary INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bank_accounts ADD COLUMN agent_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bank_accounts ADD COLUMN requested_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bank_accounts ADD COLUMN requested_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_accounts ADD COLUMN requested_at TEXT;
ALTER TABLE bank_accounts ADD COLUMN decided_by INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bank_accounts ADD COLUMN decided_name TEXT NOT NULL DEFAULT '';
ALTER TABLE bank_accounts ADD COLUMN decided_at TEXT;
ALTER TABLE bank_accounts ADD COLUMN decision_note TEXT NOT NULL DEFAULT '';
UPDATE bank_accounts SET status = 'confirmed', requested_name = 'system:registration', decided_name = 'system:registration';
CREATE INDEX bank_accounts_pending ON bank_accounts (region_code, id) WHERE status = 'pending';

-- A payee agent (代领人) collects a person's benefits into the agent's own
-- account: recorded with name, ID number and relation, and approved by a
-- second user like an account.
CREATE TABLE payee_agents (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES persons (id),
    region_code    TEXT NOT NULL,
    name           TEXT NOT NULL,
    id_number      TEXT NOT NULL,
    relation       TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    requested_by   INTEGER NOT NULL,
    requested_name TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    decided_by     INTEGER NOT NULL DEFAULT 0,
    decided_name   TEXT NOT NULL DEFAULT '',
    decided_at     TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX payee_agents_person ON payee_agents (person_id);
CREATE INDEX payee_agents_pending ON payee_agents (region_code, id) WHERE status = 'pending';

-- +goose Down
DROP TABLE payee_agents;
DROP INDEX bank_accounts_pending;
ALTER TABLE bank_accounts DROP COLUMN decision_note;
ALTER TABLE bank_accounts DROP COLUMN decided_at;
ALTER TABLE bank_accounts DROP COLUMN decided_name;
ALTER TABLE bank_accounts DROP COLUMN decided_by;
ALTER TABLE bank_accounts DROP COLUMN requested_at;
ALTER TABLE bank_accounts DROP COLUMN requested_name;
ALTER TABLE bank_accounts DROP COLUMN requested_by;
ALTER TABLE bank_accounts DROP COLUMN agent_id;
ALTER TABLE bank_accounts DROP COLUMN wants_primary;
ALTER TABLE bank_accounts DROP COLUMN status;
