-- +goose Up
-- The front office's sweeper (docs/frontoffice.md): an application left
-- completing is settled under a lease (claim_owner, claim_until in Unix
-- milliseconds), so that two servers, or two runs, settle it once; and
-- the applicant whose deferred material (容缺) is past its promised date
-- is reminded once through the notices outbox (kind
-- application_material_reminder).
ALTER TABLE applications ADD COLUMN claim_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN claim_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN ('granted', 'paid', 'failed', 'stopped',
    'application_received', 'application_not_accepted', 'application_correction', 'application_completed', 'application_refused',
    'application_material_reminder'));

-- +goose Down
DELETE FROM notices WHERE kind = 'application_material_reminder';
ALTER TABLE notices DROP CONSTRAINT notices_kind_check;
ALTER TABLE notices ADD CONSTRAINT notices_kind_check CHECK (kind IN ('granted', 'paid', 'failed', 'stopped',
    'application_received', 'application_not_accepted', 'application_correction', 'application_completed', 'application_refused'));
ALTER TABLE applications DROP COLUMN claim_until;
ALTER TABLE applications DROP COLUMN claim_owner;
