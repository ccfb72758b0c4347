-- +goose Up
-- Cross-province requests (跨省通办) exchanged with the national platform
-- (docs/crossprov.md): one row per request, its state, the counterpart
-- and the domain record it produced; and every message sent or received,
-- whose ID is unique, so that a message received twice is processed
-- once. An incoming message is claimed by one receiver until
-- claimed_until (unix milliseconds); a receiver that crashed leaves the
-- claim to run out, and another takes the message over.
CREATE TABLE crossprov_requests (
    id INTEGER PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('outgoing', 'incoming')),
    kind TEXT NOT NULL CHECK (kind IN ('transfer_out', 'transfer_in', 'certification', 'record')),
    person_id INTEGER NOT NULL REFERENCES persons (id),
    region_code TEXT NOT NULL,
    counterpart_province TEXT NOT NULL,
    counterpart_prefecture TEXT NOT NULL DEFAULT '',
    counterpart_agency TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('drafted', 'sent', 'acknowledged', 'answered', 'completed', 'refused', 'failed')),
    reason TEXT NOT NULL DEFAULT '',
    retries INTEGER NOT NULL DEFAULT 0,
    message_id TEXT NOT NULL UNIQUE,
    on_date TEXT,
    detail TEXT NOT NULL DEFAULT '',
    balance INTEGER NOT NULL DEFAULT 0,
    pooled INTEGER NOT NULL DEFAULT 0,
    months INTEGER NOT NULL DEFAULT 0,
    record_ref TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    created_by INTEGER NOT NULL,
    created_by_name TEXT NOT NULL,
    acting_role TEXT NOT NULL,
    acting_scope TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX crossprov_requests_person ON crossprov_requests (person_id, id);
CREATE INDEX crossprov_requests_region ON crossprov_requests (region_code, id);

CREATE TABLE crossprov_messages (
    message_id TEXT PRIMARY KEY,
    direction TEXT NOT NULL CHECK (direction IN ('outbound', 'inbound')),
    request_id INTEGER REFERENCES crossprov_requests (id),
    kind TEXT NOT NULL,
    correlation_id TEXT NOT NULL DEFAULT '',
    doc TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed', 'received', 'processed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_until INTEGER NOT NULL DEFAULT 0,
    outcome TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX crossprov_messages_pending ON crossprov_messages (created_at) WHERE status = 'pending';
CREATE INDEX crossprov_messages_request ON crossprov_messages (request_id);

-- +goose Down
DROP TABLE crossprov_messages;
DROP TABLE crossprov_requests;
