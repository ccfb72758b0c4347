-- +goose Up
-- Failed sign-ins per username tried (known or not, so that a lock does not
-- tell which usernames exist): the failures since the last lock, how many
-- locks in a row (each doubles the next), the last failure and the time a
-- lock ends. A successful sign-in removes the row.
CREATE TABLE login_failures (
    username     TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locks        INTEGER NOT NULL DEFAULT 0,
    last_failure TEXT NOT NULL,
    locked_until TEXT NOT NULL
);

-- +goose Down
DROP TABLE login_failures;
