-- +goose Up
-- Ratings of the front office's service (好差评, docs/ratings.md): one row
-- per application (办件), given after it was finished or refused, with
-- the facts of the application copied in (matter, department, service
-- point and its region, channel, the clerk who received it), so that the
-- counts per matter, point, clerk and department read this table alone.
-- A poor rating opens one follow-up (差评整改) for the point's head, in
-- the point's region: answered by one user, closed by another. due_on is
-- NULL while the calendar of its year is not published (due_pending_year
-- names that year).
CREATE TABLE ratings (
    id INTEGER PRIMARY KEY,
    application_no TEXT NOT NULL UNIQUE,
    matter_id TEXT NOT NULL,
    department TEXT NOT NULL,
    point_id TEXT NOT NULL,
    point_region TEXT NOT NULL,
    channel TEXT NOT NULL,
    rated_via TEXT NOT NULL CHECK (rated_via IN ('counter', 'online', 'mobile')),
    clerk_user_id INTEGER NOT NULL DEFAULT 0,
    region_code TEXT NOT NULL,
    level INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    person_id INTEGER REFERENCES persons (id),
    organisation_id INTEGER REFERENCES organisations (id),
    rated_on TEXT NOT NULL,
    recorded_by INTEGER NOT NULL,
    recorded_by_name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((person_id IS NULL) <> (organisation_id IS NULL))
);
CREATE INDEX ratings_point_region ON ratings (point_region, rated_on);

CREATE TABLE rating_follow_ups (
    id INTEGER PRIMARY KEY,
    rating_id INTEGER NOT NULL UNIQUE REFERENCES ratings (id),
    application_no TEXT NOT NULL,
    region_code TEXT NOT NULL,
    point_id TEXT NOT NULL,
    matter_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    opened_on TEXT NOT NULL,
    due_on TEXT,
    due_pending_year INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('open', 'answered', 'closed')),
    measures TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    contacted_on TEXT,
    answered_by INTEGER NOT NULL DEFAULT 0,
    answered_by_name TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    closed_by INTEGER NOT NULL DEFAULT 0,
    closed_by_name TEXT NOT NULL DEFAULT '',
    closed_at TEXT,
    close_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX rating_follow_ups_region ON rating_follow_ups (region_code, status, id);

-- +goose Down
DROP TABLE rating_follow_ups;
DROP TABLE ratings;
