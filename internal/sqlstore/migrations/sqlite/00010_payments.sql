-- +goose Up
-- Payments (DESIGN.md 1.6): one payment instruction per award, month and
-- line, never two, whatever the code does (the key); batches per fund and
-- bank approved by a second user; the bank file's lines, each traceable to
-- its instruction; the bank's return files; the double-entry fund ledger
-- (基金会计); and the outbox of notices to citizens and enterprises.

CREATE TABLE payment_instructions (
    id              INTEGER PRIMARY KEY,
    source          TEXT NOT NULL CHECK (source IN ('pension', 'benefit', 'assistance', 'refund')),
    source_ref      INTEGER NOT NULL,
    period          TEXT NOT NULL,
    line            TEXT NOT NULL DEFAULT '',
    fund            TEXT NOT NULL,
    programme       TEXT NOT NULL,
    payee_kind      TEXT NOT NULL CHECK (payee_kind IN ('person', 'organisation')),
    payee_id        INTEGER NOT NULL,
    region_code     TEXT NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    bank_account_id INTEGER NOT NULL DEFAULT 0,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'held', 'batched', 'paid', 'failed', 'cancelled')),
    hold_reason     TEXT NOT NULL DEFAULT '',
    batch_id        INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    fail_reason     TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    -- One instruction per award (claim, injury, refund), month and line;
    -- the month first, so that a month's instructions append to the key.
    UNIQUE (period, source, source_ref, line)
);
CREATE INDEX payment_instructions_status ON payment_instructions (status, fund, period);
CREATE INDEX payment_instructions_batch ON payment_instructions (batch_id);
CREATE INDEX payment_instructions_payee ON payment_instructions (payee_kind, payee_id);

CREATE TABLE payment_batches (
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
CREATE INDEX payment_batches_period ON payment_batches (period, fund);

-- The lines of a batch's bank file, in file order: what was sent for which
-- instruction at which attempt.
CREATE TABLE batch_lines (
    batch_id       INTEGER NOT NULL REFERENCES payment_batches (id),
    line           INTEGER NOT NULL,
    instruction_id INTEGER NOT NULL REFERENCES payment_instructions (id),
    attempt        INTEGER NOT NULL,
    reference      TEXT NOT NULL UNIQUE,
    amount         INTEGER NOT NULL,
    outcome        TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'paid', 'failed')),
    reason         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (batch_id, line),
    UNIQUE (instruction_id, attempt)
);

CREATE TABLE bank_returns (
    id          INTEGER PRIMARY KEY,
    batch_id    INTEGER NOT NULL REFERENCES payment_batches (id),
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL UNIQUE,
    lines       INTEGER NOT NULL,
    paid        INTEGER NOT NULL,
    failed      INTEGER NOT NULL,
    imported_at TEXT NOT NULL
);

-- The fund ledger: every posting is a journal of two or more entries that
-- sum to zero (debits positive); a journal is posted once (its key).
CREATE TABLE ledger_entries (
    journal     TEXT NOT NULL,
    account     TEXT NOT NULL,
    fund        TEXT NOT NULL,
    period      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    posted_at   TEXT NOT NULL,
    PRIMARY KEY (journal, account, fund, period, region_code)
);
CREATE INDEX ledger_entries_account ON ledger_entries (fund, account, period);

CREATE TABLE notices (
    id             INTEGER PRIMARY KEY,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('person', 'organisation')),
    recipient_id   INTEGER NOT NULL,
    region_code    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('granted', 'paid', 'failed', 'stopped')),
    ref            TEXT NOT NULL UNIQUE,
    message        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);
CREATE INDEX notices_status ON notices (status, id);

-- +goose Down
DROP TABLE notices;
DROP TABLE ledger_entries;
DROP TABLE bank_returns;
DROP TABLE batch_lines;
DROP TABLE payment_batches;
DROP TABLE payment_instructions;
