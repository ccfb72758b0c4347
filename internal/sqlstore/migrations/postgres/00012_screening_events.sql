-- +goose Up
-- How far the targeted re-screening has read the audit trail: the events
-- after this sequence number (a new disability record, a death, a 低保
-- award) name the persons to screen again.
CREATE TABLE screening_cursor (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);

-- +goose Down
DROP TABLE screening_cursor;
