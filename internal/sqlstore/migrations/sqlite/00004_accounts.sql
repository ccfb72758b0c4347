-- +goose Up
-- Personal accounts (个人账户) of the employee and the resident pension, as
-- a ledger: one row per credit or debit, never updated. The balance is the
-- sum. ref names what the entry comes from ("payment:123",
-- "interest:2024", "hardship:2024", ...) and makes every posting
-- idempotent: the same (person, scheme, kind, ref) cannot be posted twice.
CREATE TABLE account_entries (
    id          INTEGER PRIMARY KEY,
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    scheme      TEXT NOT NULL CHECK (scheme IN ('employee_pension', 'resident_pension')),
    region_code TEXT NOT NULL,
    -- period is the month the entry belongs to ("2024-10"); yearly interest
    -- belongs to December of its year.
    period      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    -- amount in fen, negative for debits (transfer out, refund).
    amount      INTEGER NOT NULL,
    -- base is the contribution base the entry was computed from, 0 if none.
    base        INTEGER NOT NULL DEFAULT 0,
    -- government marks public money (subsidies, 代缴): not refunded when
    -- the relationship ends and not inherited.
    government  INTEGER NOT NULL DEFAULT 0,
    ref         TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (person_id, scheme, kind, ref)
);
CREATE INDEX account_entries_person ON account_entries (person_id, scheme, period);
CREATE INDEX account_entries_region ON account_entries (region_code, period);

-- +goose Down
DROP TABLE account_entries;
