-- +goose Up
-- A large transfer-in (above limits.transfer_in.review_above) waits for a
-- second user (maker-checker): it is recorded pending, without its ledger
-- entry, and credited when another user with decision.approve approves
-- it. Transfers recorded before this migration were credited at once:
-- done. created_by is the user who recorded it (0 for those before).
ALTER TABLE transfers ADD COLUMN status TEXT NOT NULL DEFAULT 'done' CHECK (status IN ('pending', 'done', 'rejected'));
ALTER TABLE transfers ADD COLUMN created_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN decided_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN decided_at TIMESTAMPTZ;
ALTER TABLE transfers ADD COLUMN decision_note TEXT NOT NULL DEFAULT '';
CREATE INDEX transfers_pending ON transfers (region_code) WHERE status = 'pending';

-- +goose Down
DROP INDEX transfers_pending;
ALTER TABLE transfers DROP COLUMN decision_note;
ALTER TABLE transfers DROP COLUMN decided_at;
ALTER TABLE transfers DROP COLUMN decided_by;
ALTER TABLE transfers DROP COLUMN created_by;
ALTER TABLE transfers DROP COLUMN status;
