-- +goose Up
-- Low-income dynamic monitoring (低收入人口动态监测, DOMAIN.md 6.1): the
-- signals departments send about persons (a large hospital bill, a new
-- disability, the death of an earner, an unemployment registration, a
-- disaster loss, a sudden income drop), the alerts they raise for the
-- township caseworker of the household, the visits (入户核实) and the
-- disposition that closes an alert. Dates TEXT, money INTEGER fen;
-- decision is the compact explanation of the programme low_income_risk as
-- JSON text (the full one is evaluated again on demand from its inputs).

-- One row per signal received, kept whatever it shows. region_code is the
-- household's region when the signal was recorded.
CREATE TABLE signals (
    id           INTEGER PRIMARY KEY,
    region_code  TEXT NOT NULL,
    source       TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('hospital_bill', 'new_disability', 'earner_death', 'unemployment', 'disaster', 'income_drop')),
    person_id    INTEGER NOT NULL REFERENCES persons (id),
    household_id INTEGER NOT NULL REFERENCES households (id),
    occurred_on  TEXT NOT NULL,
    amount       INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),
    grade        INTEGER NOT NULL DEFAULT 0 CHECK (grade BETWEEN 0 AND 4),
    detail       TEXT NOT NULL DEFAULT '',
    batch        TEXT NOT NULL DEFAULT '',
    line         INTEGER NOT NULL DEFAULT 0,
    received_at  TEXT NOT NULL
);
CREATE INDEX signals_region ON signals (region_code, id);
CREATE INDEX signals_household ON signals (household_id, id);

-- The signals waiting for processing (待研判), with what a run reads of
-- them: a run deletes the rows it processes, so a signal is processed
-- when it is no longer here.
CREATE TABLE signal_queue (
    region_code  TEXT NOT NULL,
    signal_id    INTEGER NOT NULL REFERENCES signals (id),
    occurred_on  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    person_id    INTEGER NOT NULL,
    household_id INTEGER NOT NULL,
    amount       INTEGER NOT NULL,
    grade        INTEGER NOT NULL,
    PRIMARY KEY (region_code, signal_id)
) WITHOUT ROWID;

-- An alert for the township caseworker of a household's region (预警):
-- open until a disposition closes it. level 1 yellow (一般), 2 orange
-- (较高), 3 red (高). No foreign keys on this hot path: a processing run
-- opens alerts for the households and persons of signals, whose own keys
-- were checked when they were recorded.
CREATE TABLE alerts (
    id                 INTEGER PRIMARY KEY,
    household_id       INTEGER NOT NULL,
    person_id          INTEGER NOT NULL,
    region_code        TEXT NOT NULL,
    township_code      TEXT NOT NULL,
    level              INTEGER NOT NULL CHECK (level BETWEEN 1 AND 3),
    risk               TEXT NOT NULL,
    opened_on          TEXT NOT NULL,
    due_on             TEXT NOT NULL,
    status             TEXT NOT NULL CHECK (status IN ('open', 'visited', 'closed')),
    disposition        TEXT NOT NULL DEFAULT '' CHECK (disposition IN ('', 'referred', 'no_need', 'unreachable')),
    referred_programme TEXT NOT NULL DEFAULT '',
    disposition_note   TEXT NOT NULL DEFAULT '',
    decision           TEXT NOT NULL,
    policy_version     TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    closed_by_id       INTEGER NOT NULL DEFAULT 0,
    closed_by          TEXT NOT NULL DEFAULT '',
    closed_at          TEXT,
    version            INTEGER NOT NULL DEFAULT 1,
    CHECK (risk = CASE level WHEN 1 THEN 'yellow' WHEN 2 THEN 'orange' ELSE 'red' END),
    CHECK ((status = 'closed') = (disposition <> '')),
    CHECK ((disposition = 'referred') = (referred_programme <> ''))
);
-- One open alert per household, whatever the processing checks: a later
-- signal attaches to it.
CREATE UNIQUE INDEX alerts_open ON alerts (household_id) WHERE status <> 'closed';
CREATE INDEX alerts_region ON alerts (region_code, id);
CREATE INDEX alerts_township_due ON alerts (township_code, due_on) WHERE status <> 'closed';

-- The signal's alert, with the level the signal showed and whether it
-- opened or raised the alert: one row per signal processed for a
-- household with an alert, so a signal belongs to one alert at most. An
-- alert's signals are found through its household's. No foreign keys on
-- this hot path: a processing run writes the links with the alerts and
-- signals they join, in one transaction.
CREATE TABLE alert_signals (
    signal_id   INTEGER NOT NULL PRIMARY KEY,
    alert_id    INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    level       INTEGER NOT NULL CHECK (level BETWEEN 0 AND 3),
    raised      INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- The caseworker's visits to the household (入户核实), met or not reached.
CREATE TABLE alert_visits (
    alert_id    INTEGER NOT NULL REFERENCES alerts (id),
    seq         INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    visited_on  TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('met', 'not_reached')),
    note        TEXT NOT NULL DEFAULT '',
    user_id     INTEGER NOT NULL,
    username    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (alert_id, seq)
);

-- +goose Down
DROP TABLE alert_visits;
DROP TABLE alert_signals;
DROP TABLE alerts;
DROP TABLE signal_queue;
DROP TABLE signals;
