-- +goose Up
-- Assessments keyed by month first, as on SQLite: a run's rows are one key
-- range, which also serves the (period, region_code) lookups.
ALTER TABLE assessments DROP CONSTRAINT assessments_pkey;
ALTER TABLE assessments ADD PRIMARY KEY (period, enrolment_id);
DROP INDEX assessments_region;

-- +goose Down
CREATE INDEX assessments_region ON assessments (period, region_code);
ALTER TABLE assessments DROP CONSTRAINT assessments_pkey;
ALTER TABLE assessments ADD PRIMARY KEY (enrolment_id, period);
