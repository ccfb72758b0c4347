-- +goose Up
-- The settlement of an insured person's death (身后事, docs/domain.md
-- 12.1): the funeral grant and survivors' benefit, the inheritable account
-- balance and the overpayments after death recovered from them, proposed
-- by a caseworker and decided by a second user. One live settlement per
-- deceased person: a rejected one may be proposed again.
CREATE TABLE death_settlements (
    id                  INTEGER PRIMARY KEY,
    person_id           INTEGER NOT NULL REFERENCES persons (id),
    region_code         TEXT NOT NULL,
    death_date          TEXT NOT NULL,
    scheme              TEXT NOT NULL CHECK (scheme IN ('employee_pension', 'resident_pension')),
    survivor_id         INTEGER NOT NULL REFERENCES persons (id),
    status              TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    funeral_grant       INTEGER NOT NULL CHECK (funeral_grant >= 0),
    survivors_benefit   INTEGER NOT NULL CHECK (survivors_benefit >= 0),
    inheritable         INTEGER NOT NULL CHECK (inheritable >= 0),
    overpayment         INTEGER NOT NULL CHECK (overpayment >= 0),
    recovered           INTEGER NOT NULL CHECK (recovered >= 0),
    net                 INTEGER NOT NULL CHECK (net >= 0),
    -- the computation (amounts, steps in words, the programme's decision), JSON
    detail              TEXT NOT NULL,
    policy_version      TEXT NOT NULL,
    created_by          INTEGER NOT NULL,
    created_at          TEXT NOT NULL,
    decided_by          INTEGER NOT NULL DEFAULT 0,
    decided_at          TEXT,
    note                TEXT NOT NULL DEFAULT '',
    instruction_id      INTEGER NOT NULL DEFAULT 0,
    version             INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX death_settlements_person ON death_settlements (person_id) WHERE status <> 'rejected';
CREATE INDEX death_settlements_region ON death_settlements (region_code, id);

-- An employer's closing (单位注销, docs/domain.md 12.5).
ALTER TABLE organisations ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'closed'));
ALTER TABLE organisations ADD COLUMN closed_on TEXT;
ALTER TABLE organisations ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
-- the closing decision: the arrears listed, the enrolments terminated, JSON
ALTER TABLE organisations ADD COLUMN closing TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE organisations DROP COLUMN closing;
ALTER TABLE organisations DROP COLUMN close_reason;
ALTER TABLE organisations DROP COLUMN closed_on;
ALTER TABLE organisations DROP COLUMN status;
DROP TABLE death_settlements;
