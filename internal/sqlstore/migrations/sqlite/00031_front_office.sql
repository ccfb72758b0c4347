-- +goose NO TRANSACTION
-- +goose Up
-- The front office (docs/frontoffice.md): one row per matter application
-- (办件) with the columns its lists select and sort on, and the whole
-- application (applicant, agent, form, materials, suspensions, result) in
-- doc; its timeline in application_events; the per-point, per-day
-- sequence of receipt numbers in application_counters, taken in the
-- transaction that records the application so that two counters never
-- hand out one number. The notices outbox gains the kinds the front
-- office sends.
BEGIN;
CREATE TABLE applications (
    id INTEGER PRIMARY KEY,
    no TEXT NOT NULL UNIQUE,
    matter_id TEXT NOT NULL,
    department TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('window', 'online', 'mobile', 'cross_province', 'bank', 'township', 'village')),
    point_id TEXT NOT NULL DEFAULT '',
    person_id INTEGER,
    org_id INTEGER,
    region_code TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('received', 'reviewing', 'correction', 'approving', 'completing', 'held',
        'completed', 'refused', 'not_accepted', 'withdrawn')),
    due_date TEXT,
    assignee_id INTEGER NOT NULL DEFAULT 0,
    received_by INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    doc TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX applications_region ON applications (region_code, id);
CREATE INDEX applications_due ON applications (status, due_date, id);
CREATE INDEX applications_point ON applications (point_id, id);
CREATE INDEX applications_assignee ON applications (assignee_id, id);

CREATE TABLE application_events (
    id INTEGER PRIMARY KEY,
    application_id INTEGER NOT NULL REFERENCES applications (id),
    action TEXT NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    actor_id INTEGER NOT NULL,
    actor_name TEXT NOT NULL,
    at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX application_events_app ON application_events (application_id, id);

CREATE TABLE application_counters (
    prefix TEXT PRIMARY KEY,
    seq INTEGER NOT NULL
);
COMMIT;
-- SQLite cannot change a CHECK constraint in place: the notices table is
-- rebuilt in a transaction of its own (nothing refers to it).
BEGIN;
CREATE TABLE notices_new (
    id             INTEGER PRIMARY KEY,
    recipient_kind TEXT NOT NULL CHECK (recipient_kind IN ('person', 'organisation')),
    recipient_id   INTEGER NOT NULL,
    region_code    TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('granted', 'paid', 'failed', 'stopped',
        'application_received', 'application_not_accepted', 'application_correction', 'application_completed', 'application_refused')),
    ref            TEXT NOT NULL UNIQUE,
    message        TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts       INTEGER NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    sent_at        TEXT
);
INSERT INTO notices_new SELECT id, recipient_kind, recipient_id, region_code, kind, ref, message, status, attempts, created_at, sent_at FROM notices;
DROP TABLE notices;
ALTER TABLE notices_new RENAME TO notices;
CREATE INDEX notices_status ON notices (status, id);
COMMIT;

-- +goose Down
DROP TABLE application_counters;
DROP TABLE application_events;
DROP TABLE applications;
