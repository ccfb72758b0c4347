-- +goose Up
-- The death bundle (身后一件事, docs/bundles.md) reads a person's latest
-- death settlement, rejected ones included, to tell a settlement still
-- waiting from one refused: the partial unique index on person_id covers
-- only those not rejected.
CREATE INDEX death_settlements_person_latest ON death_settlements (person_id, id);

-- +goose Down
DROP INDEX death_settlements_person_latest;
