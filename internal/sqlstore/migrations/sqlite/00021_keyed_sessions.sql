-- +goose Up
-- Sessions are now stored under the HMAC-SHA-256 of their token with a
-- server key held outside the database (docs/audit.md, "Sessions"); a row stored before
-- holds a plain SHA-256 that no token matches any more. Remove them: their
-- users sign in again.
DELETE FROM sessions;

-- +goose Down
-- The sessions removed are not restored; a downgraded server's users sign
-- in again.
SELECT 1;
