-- +goose Up
-- A screening of every person and household programme for a month and a
-- region (全量筛查), phase by phase: classify, households, persons, done.
-- One job of a month and region runs at a time; a crashed one is resumed
-- from its phase. Its runs name it, one per programme.
CREATE TABLE screening_jobs (
    id          INTEGER PRIMARY KEY,
    period      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed')),
    phase       TEXT NOT NULL CHECK (phase IN ('classify', 'households', 'persons', 'done')),
    done        INTEGER NOT NULL DEFAULT 0,
    total       INTEGER NOT NULL DEFAULT 0,
    summary     TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 1,
    error       TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE UNIQUE INDEX screening_jobs_running ON screening_jobs (period, region_code) WHERE status = 'running';

ALTER TABLE screening_runs ADD COLUMN job_id INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX screening_runs_job ON screening_runs (job_id, programme) WHERE job_id <> 0;

-- +goose Down
DROP INDEX screening_runs_job;
ALTER TABLE screening_runs DROP COLUMN job_id;
DROP TABLE screening_jobs;
