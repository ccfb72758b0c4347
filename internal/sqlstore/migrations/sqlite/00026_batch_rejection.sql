-- +goose NO TRANSACTION
-- +goose Up
-- An approver may send a payment batch back to its maker (退回) instead of
-- approving it: status rejected, with who rejected it, when and why (the
-- note the maker reads). Its instructions are released as a cancelled
-- batch's are. SQLite cannot change a CHECK constraint in place: the
-- table is rebuilt in one transaction of its own, with the foreign keys
-- (of batch_lines and bank_returns to it) off meanwhile, as SQLite's
-- procedure for a changed table says; its single writer connection keeps
-- the setting from one statement to the next.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE payment_batches_new (
    id           INTEGER PRIMARY KEY,
    fund         TEXT NOT NULL,
    bank_code    TEXT NOT NULL,
    period       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('monthly', 'one_off')),
    region_code  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'exported', 'settled', 'cancelled', 'rejected')),
    lines        INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    created_by   INTEGER NOT NULL,
    created_name TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    approved_by  INTEGER NOT NULL DEFAULT 0,
    approved_at  TEXT,
    exported_at  TEXT,
    file_sha256  TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1,
    rejected_by  INTEGER NOT NULL DEFAULT 0,
    rejected_at  TEXT,
    reject_note  TEXT NOT NULL DEFAULT ''
);
INSERT INTO payment_batches_new (id, fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at,
        approved_by, approved_at, exported_at, file_sha256, version)
    SELECT id, fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at,
        approved_by, approved_at, exported_at, file_sha256, version FROM payment_batches;
DROP TABLE payment_batches;
ALTER TABLE payment_batches_new RENAME TO payment_batches;
CREATE INDEX payment_batches_period ON payment_batches (period, fund);
COMMIT;
PRAGMA foreign_keys = ON;

-- +goose Down
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE payment_batches_old (
    id           INTEGER PRIMARY KEY,
    fund         TEXT NOT NULL,
    bank_code    TEXT NOT NULL,
    period       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('monthly', 'one_off')),
    region_code  TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'approved', 'exported', 'settled', 'cancelled')),
    lines        INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    created_by   INTEGER NOT NULL,
    created_name TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    approved_by  INTEGER NOT NULL DEFAULT 0,
    approved_at  TEXT,
    exported_at  TEXT,
    file_sha256  TEXT NOT NULL DEFAULT '',
    version      INTEGER NOT NULL DEFAULT 1
);
INSERT INTO payment_batches_old (id, fund, bank_code, period, kind, region_code, status, lines, total, created_by, created_name, created_at,
        approved_by, approved_at, exported_at, file_sha256, version)
    SELECT id, fund, bank_code, period, kind, region_code, CASE status WHEN 'rejected' THEN 'cancelled' ELSE status END, lines, total,
        created_by, created_name, created_at, approved_by, approved_at, exported_at, file_sha256, version FROM payment_batches;
DROP TABLE payment_batches;
ALTER TABLE payment_batches_old RENAME TO payment_batches;
CREATE INDEX payment_batches_period ON payment_batches (period, fund);
COMMIT;
PRAGMA foreign_keys = ON;
