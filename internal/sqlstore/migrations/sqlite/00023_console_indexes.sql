-- +goose Up
-- The staff console reads a person's whole file on one page and filters
-- the audit trail by actor and action (docs/console.md, Speed). The person
-- indexes of awards and work injuries are partial (one live award, one
-- open allowance), which a lookup of every award of a person cannot use;
-- these full ones can. The audit filters page backwards by seq.
CREATE INDEX awards_person ON awards (person_id, id);
CREATE INDEX work_injuries_person ON work_injuries (person_id, id);
CREATE INDEX audit_events_actor ON audit_events (actor_name, seq);
CREATE INDEX audit_events_action ON audit_events (action, seq);
-- The home page counts the 低保/特困 awards due for review.
CREATE INDEX assistance_awards_review_due ON assistance_awards (region_code, review_due) WHERE status = 'active';

-- +goose Down
DROP INDEX assistance_awards_review_due;
DROP INDEX audit_events_action;
DROP INDEX audit_events_actor;
DROP INDEX work_injuries_person;
DROP INDEX awards_person;
