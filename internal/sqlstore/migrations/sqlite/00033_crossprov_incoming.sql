-- +goose Up
-- Cross-province requests linked to the front office's application (办件)
-- that started them, so the applicant's application shows the request's
-- state; and the requests of other provinces that need a caseworker here
-- (docs/crossprov.md, Incoming tasks): a transfer contact letter (联系函:
-- transfer a person's pension out) or a certification request (certify a
-- pensioner living here), recorded as a task to handle in the person's
-- region in the transaction that processes the incoming message. A task
-- is claimed by one caseworker until claimed_until (unix milliseconds)
-- while its domain action runs, so that two accepts at once answer once.
ALTER TABLE crossprov_requests ADD COLUMN application_no TEXT;
CREATE INDEX crossprov_requests_application ON crossprov_requests (application_no) WHERE application_no IS NOT NULL;

CREATE TABLE crossprov_incoming (
    id INTEGER PRIMARY KEY,
    message_id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('transfer_out', 'certification')),
    person_id INTEGER NOT NULL REFERENCES persons (id),
    region_code TEXT NOT NULL,
    person_name TEXT NOT NULL,
    counterpart_province TEXT NOT NULL,
    counterpart_prefecture TEXT NOT NULL DEFAULT '',
    counterpart_agency TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('to_handle', 'accepted', 'refused')),
    reason TEXT NOT NULL DEFAULT '',
    on_date TEXT,
    method TEXT NOT NULL DEFAULT '',
    record_ref TEXT NOT NULL DEFAULT '',
    reply_id TEXT NOT NULL DEFAULT '',
    claimed_by INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    handled_by INTEGER NOT NULL DEFAULT 0,
    handled_by_name TEXT NOT NULL DEFAULT '',
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX crossprov_incoming_queue ON crossprov_incoming (status, region_code, id);

-- +goose Down
DROP TABLE crossprov_incoming;
DROP INDEX crossprov_requests_application;
ALTER TABLE crossprov_requests DROP COLUMN application_no;
