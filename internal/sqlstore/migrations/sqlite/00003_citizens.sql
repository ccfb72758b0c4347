-- +goose Up
-- Citizen accounts (参保人网上服务) belong to a registry person; staff
-- accounts have person_id 0.
ALTER TABLE users ADD COLUMN person_id INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN person_id;
