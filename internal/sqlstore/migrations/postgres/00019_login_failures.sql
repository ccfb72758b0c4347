-- +goose Up
-- Failed sign-ins per username tried (known or not, so that a lock does not
-- tell which usernames exist): the failures since the last lock, how many
-- locks in a row (each doubles the next), the last failure and the time a
-- lock ends. A successful sign-in removes the row; a failure removes the
-- rows whose last failure and lock are both long past.
CREATE TABLE login_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locks        INTEGER NOT NULL DEFAULT 0,
    last_failure TIMESTAMPTZ NOT NULL,
    locked_until TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_last ON login_failures (last_failure);

-- +goose Down
DROP TABLE login_failures;
