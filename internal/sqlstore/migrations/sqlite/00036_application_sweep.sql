-- +goose NO TRANSACTION
-- +goose Up
-- The front office's sweeper (docs/frontoffice.md): an application left
-- completing is settled under a lease (claim_owner, claim_until in Unix
-- milliseconds), so that two servers, or two runs, settle it once; and
-- the applicant whose deferred material (容缺) is past its promised date
-- is reminded once through the notices outbox (kind
-- application_material_reminder).
BEGIN;
ALTER TABLE applications ADD COLUMN claim_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN claim_until INTEGER NOT NULL DEFAULT 0;
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
        'application_received', 'application_not_accepted', 'application_correction', 'application_completed', 'application_refused',
        'application_material_reminder')),
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
BEGIN;
DELETE FROM notices WHERE kind = 'application_material_reminder';
ALTER TABLE applications DROP COLUMN claim_until;
ALTER TABLE applications DROP COLUMN claim_owner;
COMMIT;
