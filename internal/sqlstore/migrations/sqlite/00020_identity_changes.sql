-- +goose Up
-- Who a person is (name and resident ID number, from which the birth date
-- and the sex derive) changes only with two people: a user's change is a
-- request (pending) with its reason, applied when a second user with the
-- approval permission confirms it, or left undone when they reject it. A
-- person has at most one request open.
CREATE TABLE identity_changes (
    id             INTEGER PRIMARY KEY,
    person_id      INTEGER NOT NULL REFERENCES persons (id),
    region_code    TEXT NOT NULL,
    old_name       TEXT NOT NULL,
    old_id_number  TEXT NOT NULL,
    new_name       TEXT NOT NULL,
    new_id_number  TEXT NOT NULL,
    reason         TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'rejected')),
    requested_by   INTEGER NOT NULL,
    requested_name TEXT NOT NULL,
    requested_at   TEXT NOT NULL,
    decided_by     INTEGER NOT NULL DEFAULT 0,
    decided_name   TEXT NOT NULL DEFAULT '',
    decided_at     TEXT,
    decision_note  TEXT NOT NULL DEFAULT '',
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX identity_changes_open ON identity_changes (person_id) WHERE status = 'pending';
CREATE INDEX identity_changes_person ON identity_changes (person_id, id);
CREATE INDEX identity_changes_status ON identity_changes (status, region_code, id);

-- +goose Down
DROP TABLE identity_changes;
