-- +goose Up
-- The payment runs (生成支付指令): each run of a month and region, from its
-- start to its end, with what it made, so that a reviewer finds them
-- without the command's output. A run killed half-way stays running; one
-- that failed keeps its error. Running the month again finishes its work.
CREATE TABLE payment_runs (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    made        INTEGER NOT NULL DEFAULT 0,
    held        INTEGER NOT NULL DEFAULT 0,
    amount      INTEGER NOT NULL DEFAULT 0,
    chunks      INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX payment_runs_period ON payment_runs (period, region_code);

-- +goose Down
DROP TABLE payment_runs;
