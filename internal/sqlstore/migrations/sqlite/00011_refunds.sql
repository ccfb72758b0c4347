-- +goose Up
-- The job-stabilisation refund (稳岗返还, DOMAIN.md 4.1), paid with no
-- application: a run screens every employer on the previous year's
-- unemployment-insurance data and proposes a batch (第一批, 第二批, ...) of
-- refunds, approved by a second user; each employer is refunded once a
-- year (the key), paid to its account through payment instructions.

CREATE TABLE refund_runs (
    id             INTEGER PRIMARY KEY,
    year           INTEGER NOT NULL,
    batch          INTEGER NOT NULL,
    region_code    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected')),
    evaluated      INTEGER NOT NULL,
    enterprises    INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    policy_version TEXT NOT NULL,
    created_by     INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    decided_by     INTEGER NOT NULL DEFAULT 0,
    decided_at     TEXT,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX refund_runs_year ON refund_runs (year, batch);

CREATE TABLE refund_items (
    run_id        INTEGER NOT NULL REFERENCES refund_runs (id),
    org_id        INTEGER NOT NULL REFERENCES organisations (id),
    region_code   TEXT NOT NULL,
    size          TEXT NOT NULL,
    amount        INTEGER NOT NULL CHECK (amount > 0),
    insured_avg   INTEGER NOT NULL,
    new_claimants INTEGER NOT NULL,
    months_paid   INTEGER NOT NULL,
    premiums      INTEGER NOT NULL,
    PRIMARY KEY (run_id, org_id)
);

-- One refund per employer and year, whatever the runs do.
CREATE TABLE refunds (
    id          INTEGER PRIMARY KEY,
    year        INTEGER NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES organisations (id),
    run_id      INTEGER NOT NULL REFERENCES refund_runs (id),
    batch       INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount > 0),
    period      TEXT NOT NULL,
    decision    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (year, org_id)
);
CREATE INDEX refunds_period ON refunds (period);

-- +goose Down
DROP TABLE refunds;
DROP TABLE refund_items;
DROP TABLE refund_runs;
