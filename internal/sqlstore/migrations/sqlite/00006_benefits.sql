-- +goose Up
-- Benefits paid from the insurance funds: unemployment benefit claims
-- (失业保险金), recognised work injuries (工伤) with their one-off grant and
-- monthly disability allowance (伤残津贴), and the lines of the monthly
-- benefit run. Months are TEXT "2024-10", dates TEXT, money INTEGER fen;
-- decisions are the programme's explained decision as JSON text.

CREATE TABLE unemployment_claims (
    id                  INTEGER PRIMARY KEY,
    region_code         TEXT NOT NULL,
    person_id           INTEGER NOT NULL REFERENCES persons (id),
    org_id              INTEGER NOT NULL REFERENCES organisations (id),
    separation_date     TEXT NOT NULL,
    separation          TEXT NOT NULL,
    registered_on       TEXT NOT NULL,
    retirement_group    TEXT NOT NULL,
    start_month         TEXT NOT NULL,
    contribution_months INTEGER NOT NULL CHECK (contribution_months >= 0),
    carried_months      INTEGER NOT NULL CHECK (carried_months >= 0),
    entitlement_months  INTEGER NOT NULL CHECK (entitlement_months > 0),
    monthly_amount      INTEGER NOT NULL CHECK (monthly_amount >= 0),
    status              TEXT NOT NULL CHECK (status IN ('open', 'ended')),
    stop_reason         TEXT NOT NULL DEFAULT '',
    end_month           TEXT,
    decision            TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    created_at          TEXT NOT NULL
);
-- One open claim per person, whatever the application checks.
CREATE UNIQUE INDEX unemployment_claims_open ON unemployment_claims (person_id) WHERE status = 'open';
CREATE INDEX unemployment_claims_person ON unemployment_claims (person_id, id);
CREATE INDEX unemployment_claims_region ON unemployment_claims (region_code, id);

CREATE TABLE work_injuries (
    id                     INTEGER PRIMARY KEY,
    region_code            TEXT NOT NULL,
    person_id              INTEGER NOT NULL REFERENCES persons (id),
    org_id                 INTEGER NOT NULL REFERENCES organisations (id),
    injury_date            TEXT NOT NULL,
    recognised_on          TEXT NOT NULL,
    grade                  INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 10),
    nursing                TEXT NOT NULL DEFAULT '',
    employer_arranges_work INTEGER NOT NULL DEFAULT 0,
    retirement_group       TEXT NOT NULL,
    own_wage               INTEGER NOT NULL,
    wage_months            INTEGER NOT NULL,
    wage_scheme            TEXT NOT NULL DEFAULT '',
    grant_amount           INTEGER NOT NULL,
    grant_decision         TEXT NOT NULL,
    allowance              TEXT NOT NULL CHECK (allowance IN ('none', 'open', 'ended')),
    allowance_from         TEXT,
    allowance_decision     TEXT NOT NULL DEFAULT '',
    stop_reason            TEXT NOT NULL DEFAULT '',
    end_month              TEXT,
    version                INTEGER NOT NULL DEFAULT 1,
    created_at             TEXT NOT NULL,
    -- One record per person and injury.
    UNIQUE (person_id, injury_date)
);
CREATE INDEX work_injuries_region ON work_injuries (region_code, id);
CREATE INDEX work_injuries_open ON work_injuries (allowance, region_code);
-- At most one monthly allowance in payment per person (DOMAIN.md 7): a
-- later injury is a re-appraisal, not a second allowance.
CREATE UNIQUE INDEX work_injuries_open_allowance ON work_injuries (person_id) WHERE allowance = 'open';

-- One line per claim (or injury) and month, whatever the run checks: a run
-- repeated for a month writes nothing.
CREATE TABLE benefit_lines (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('unemployment_benefit', 'disability_allowance')),
    claim_id    INTEGER REFERENCES unemployment_claims (id),
    injury_id   INTEGER REFERENCES work_injuries (id),
    person_id   INTEGER NOT NULL,
    region_code TEXT NOT NULL,
    period      TEXT NOT NULL,
    seq         INTEGER NOT NULL DEFAULT 0,
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    top_up      INTEGER NOT NULL DEFAULT 0,
    payer       TEXT NOT NULL CHECK (payer IN ('fund', 'employer')),
    created_at  TEXT NOT NULL,
    CHECK ((claim_id IS NULL) <> (injury_id IS NULL)),
    UNIQUE (claim_id, period),
    UNIQUE (injury_id, period)
);
CREATE INDEX benefit_lines_region ON benefit_lines (period, region_code);

-- +goose Down
DROP TABLE benefit_lines;
DROP TABLE work_injuries;
DROP TABLE unemployment_claims;
