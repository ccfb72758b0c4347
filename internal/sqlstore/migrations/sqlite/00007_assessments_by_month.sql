-- +goose Up
-- Assessments keyed by month first: a run writes one month's rows, which
-- then append to the key instead of landing between other months' rows of
-- the same enrolments, and the run's delete is a key range. This and
-- dropping the (period, region_code) index, which the key now serves, took
-- a run of 1.2 million rows from 13.7 s to 10.7 s on SQLite.
CREATE TABLE assessments_new (
    enrolment_id INTEGER NOT NULL,
    period       TEXT NOT NULL,
    person_id    INTEGER NOT NULL,
    org_id       INTEGER,
    scheme       TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    wage         INTEGER NOT NULL,
    base         INTEGER NOT NULL,
    employer     INTEGER NOT NULL,
    individual   INTEGER NOT NULL,
    account      INTEGER NOT NULL,
    PRIMARY KEY (period, enrolment_id)
) WITHOUT ROWID;
INSERT INTO assessments_new SELECT enrolment_id, period, person_id, org_id, scheme, region_code, wage, base, employer, individual, account
    FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_new RENAME TO assessments;
CREATE INDEX assessments_org ON assessments (org_id, period);

-- +goose Down
CREATE TABLE assessments_old (
    enrolment_id INTEGER NOT NULL,
    period       TEXT NOT NULL,
    person_id    INTEGER NOT NULL,
    org_id       INTEGER,
    scheme       TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    wage         INTEGER NOT NULL,
    base         INTEGER NOT NULL,
    employer     INTEGER NOT NULL,
    individual   INTEGER NOT NULL,
    account      INTEGER NOT NULL,
    PRIMARY KEY (enrolment_id, period)
) WITHOUT ROWID;
INSERT INTO assessments_old SELECT enrolment_id, period, person_id, org_id, scheme, region_code, wage, base, employer, individual, account
    FROM assessments;
DROP TABLE assessments;
ALTER TABLE assessments_old RENAME TO assessments;
CREATE INDEX assessments_org ON assessments (org_id, period);
CREATE INDEX assessments_region ON assessments (period, region_code);
