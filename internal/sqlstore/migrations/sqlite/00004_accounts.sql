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

-- Hardship identities (困难群体身份) tagged by civil affairs for a
-- contribution year: 低保 (dibao), 特困 (tekun) and the monitored
-- low-income group (low_income), imported from their file. A person may be
-- in several groups; each (person, year, group) is held once.
CREATE TABLE hardship_identities (
    person_id      INTEGER NOT NULL REFERENCES persons (id),
    year           INTEGER NOT NULL,
    hardship_group TEXT NOT NULL CHECK (hardship_group IN ('dibao', 'tekun', 'low_income')),
    region_code    TEXT NOT NULL,
    source         TEXT NOT NULL,
    imported_at    TEXT NOT NULL,
    PRIMARY KEY (person_id, year, hardship_group)
);
CREATE INDEX hardship_identities_year ON hardship_identities (year, region_code);

-- Government-paid resident-pension premiums (代缴): one batch per run, its
-- items one per person and year (the primary key: nobody is paid for twice
-- in a year, whatever the batch), each with the groups that qualified.
CREATE TABLE hardship_batches (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    persons     INTEGER NOT NULL,
    total       INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);
CREATE TABLE hardship_items (
    batch_id    INTEGER NOT NULL REFERENCES hardship_batches (id),
    person_id   INTEGER NOT NULL REFERENCES persons (id),
    year        INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    -- reasons lists the qualifying groups, comma-separated:
    -- severe_disability, dibao, tekun, low_income.
    reasons     TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    PRIMARY KEY (person_id, year)
);
CREATE INDEX hardship_items_batch ON hardship_items (batch_id);

-- Transfers of the employee pension relationship across regions (转移接续):
-- out, the whole personal-account balance and the pooled-fund portion
-- (12% of each year's contribution bases since 1998, per year in
-- transfer_years); in, an account received from another region. The same
-- transfer (person, direction, other region, day) is recorded once.
CREATE TABLE transfers (
    id           INTEGER PRIMARY KEY,
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    direction    TEXT NOT NULL CHECK (direction IN ('out', 'in')),
    region_code  TEXT NOT NULL,
    other_region TEXT NOT NULL,
    on_date      TEXT NOT NULL,
    balance      INTEGER NOT NULL,
    pooled       INTEGER NOT NULL,
    months       INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    UNIQUE (person_id, direction, other_region, on_date)
);
CREATE INDEX transfers_region ON transfers (region_code, on_date);
CREATE TABLE transfer_years (
    transfer_id INTEGER NOT NULL REFERENCES transfers (id),
    year        INTEGER NOT NULL,
    base        INTEGER NOT NULL,
    pooled      INTEGER NOT NULL,
    months      INTEGER NOT NULL,
    PRIMARY KEY (transfer_id, year)
);

-- +goose Down
DROP TABLE transfer_years;
DROP TABLE transfers;
DROP TABLE hardship_items;
DROP TABLE hardship_batches;
DROP TABLE hardship_identities;
DROP TABLE account_entries;
