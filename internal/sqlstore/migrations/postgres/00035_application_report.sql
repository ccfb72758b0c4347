-- +goose Up
-- The handling report of the front office (docs/frontoffice.md, Reports):
-- the day an application was received (受理日, also on a receipt not
-- accepted), the day it was finished (办结日) and the working days it took
-- net of the suspensions of the clock, as columns, so that the report
-- counts them in SQL (COUNT/SUM grouped by channel, matter, department,
-- point or clerk) on an index by the day received, the region filtered in
-- the index. Existing rows are filled from their doc.
ALTER TABLE applications ADD COLUMN received_on DATE;
ALTER TABLE applications ADD COLUMN completed_on DATE;
ALTER TABLE applications ADD COLUMN working_days INTEGER;
UPDATE applications SET received_on = CAST(doc::jsonb ->> 'accepted_on' AS DATE),
    completed_on = CAST(doc::jsonb ->> 'completed_on' AS DATE),
    working_days = CAST(doc::jsonb ->> 'working_days' AS INTEGER);
CREATE INDEX applications_received ON applications (received_on, region_code);

-- +goose Down
DROP INDEX applications_received;
ALTER TABLE applications DROP COLUMN working_days;
ALTER TABLE applications DROP COLUMN completed_on;
ALTER TABLE applications DROP COLUMN received_on;
