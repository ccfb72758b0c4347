-- +goose Up
-- Sessions are now stored under the HMAC-SHA-256 of their token with a
-- server key held outside the database, and sealed to their user and
-- expiry with the same key (docs/audit.md, "Sessions"). A row stored before
-- holds a plain SHA-256 that no token matches any more and no seal: remove
-- them; their users sign in again.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN seal TEXT NOT NULL DEFAULT '';

-- +goose Down
-- The sessions removed are not restored.
ALTER TABLE sessions DROP COLUMN seal;
