-- +goose Up
-- Jobs and runs happen once.
--
-- A screening job is run by the one worker holding its lease: the owner
-- (a process and a claim of it), the lease's end and the last heartbeat,
-- both in unix milliseconds (UTC) so that both engines compare them as
-- numbers. A worker claims the job with an UPDATE that matches only when
-- the lease is free, expired or its holder gone; its progress writes
-- renew the lease; the other workers only observe.
ALTER TABLE screening_jobs ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE screening_jobs ADD COLUMN lease_until BIGINT NOT NULL DEFAULT 0;
ALTER TABLE screening_jobs ADD COLUMN heartbeat_at BIGINT NOT NULL DEFAULT 0;

-- One undecided screening run per programme, month and region: a new one
-- supersedes it (superseded_by names the new run) or is refused. The runs
-- proposed twice before this migration keep their newest one open.
ALTER TABLE screening_runs ADD COLUMN superseded_by BIGINT NOT NULL DEFAULT 0;
UPDATE screening_runs SET superseded_by = (
        SELECT MAX(n.id) FROM screening_runs n
        WHERE n.programme = screening_runs.programme AND n.period = screening_runs.period
          AND n.region_code = screening_runs.region_code AND n.status IN ('proposed', 'reviewed'))
    WHERE status IN ('proposed', 'reviewed') AND id < (
        SELECT MAX(n.id) FROM screening_runs n
        WHERE n.programme = screening_runs.programme AND n.period = screening_runs.period
          AND n.region_code = screening_runs.region_code AND n.status IN ('proposed', 'reviewed'));
CREATE UNIQUE INDEX screening_runs_open ON screening_runs (programme, period, region_code)
    WHERE status IN ('proposed', 'reviewed') AND superseded_by = 0;

-- Each item of a run is reviewed once, by a caseworker of its county or
-- of the whole run's region: reviewed_by. A prefecture-wide run is
-- reviewed county by county and is reviewed when every item is. The items
-- of the runs reviewed before were reviewed by the run's reviewer.
ALTER TABLE screening_items ADD COLUMN reviewed_by BIGINT NOT NULL DEFAULT 0;
UPDATE screening_items SET reviewed_by = (SELECT r.reviewed_by FROM screening_runs r WHERE r.id = screening_items.run_id)
    WHERE run_id IN (SELECT id FROM screening_runs WHERE reviewed_by <> 0);

-- One refund batch waiting for approval per year and region: a second is
-- refused while it waits. Those proposed twice before keep their newest.
ALTER TABLE refund_runs ADD COLUMN superseded_by BIGINT NOT NULL DEFAULT 0;
UPDATE refund_runs SET superseded_by = (
        SELECT MAX(n.id) FROM refund_runs n
        WHERE n.year = refund_runs.year AND n.region_code = refund_runs.region_code AND n.status = 'proposed')
    WHERE status = 'proposed' AND id < (
        SELECT MAX(n.id) FROM refund_runs n
        WHERE n.year = refund_runs.year AND n.region_code = refund_runs.region_code AND n.status = 'proposed');
CREATE UNIQUE INDEX refund_runs_open ON refund_runs (year, region_code) WHERE status = 'proposed' AND superseded_by = 0;

-- +goose Down
DROP INDEX refund_runs_open;
ALTER TABLE refund_runs DROP COLUMN superseded_by;
ALTER TABLE screening_items DROP COLUMN reviewed_by;
DROP INDEX screening_runs_open;
ALTER TABLE screening_runs DROP COLUMN superseded_by;
ALTER TABLE screening_jobs DROP COLUMN heartbeat_at;
ALTER TABLE screening_jobs DROP COLUMN lease_until;
ALTER TABLE screening_jobs DROP COLUMN lease_owner;
