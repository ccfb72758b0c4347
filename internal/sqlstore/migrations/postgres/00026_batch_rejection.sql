-- +goose Up
-- An approver may send a payment batch back to its maker (退回) instead of
-- approving it: status rejected, with who rejected it, when and why (the
-- note the maker reads). Its instructions are released as a cancelled
-- batch's are.
ALTER TABLE payment_batches DROP CONSTRAINT payment_batches_status_check;
ALTER TABLE payment_batches ADD CONSTRAINT payment_batches_status_check
    CHECK (status IN ('draft', 'approved', 'exported', 'settled', 'cancelled', 'rejected'));
ALTER TABLE payment_batches ADD COLUMN rejected_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE payment_batches ADD COLUMN rejected_at TIMESTAMPTZ;
ALTER TABLE payment_batches ADD COLUMN reject_note TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE payment_batches DROP COLUMN reject_note;
ALTER TABLE payment_batches DROP COLUMN rejected_at;
ALTER TABLE payment_batches DROP COLUMN rejected_by;
UPDATE payment_batches SET status = 'cancelled' WHERE status = 'rejected';
ALTER TABLE payment_batches DROP CONSTRAINT payment_batches_status_check;
ALTER TABLE payment_batches ADD CONSTRAINT payment_batches_status_check
    CHECK (status IN ('draft', 'approved', 'exported', 'settled', 'cancelled'));
