-- +goose Up
-- Social assistance run by civil affairs (DOMAIN.md 6): household means
-- tests (家庭经济状况核对) with their income, asset and expense lines, the
-- layered classification (分层分类) of each tested household per month,
-- assistance cases (低保, 特困, 临时救助) through investigation, assessment,
-- public notice (公示) with objections and approval, the awards they and
-- the allowances make, the monthly payment lines, and periodic reviews
-- (动态管理). Months are TEXT "2024-10", dates TEXT, money INTEGER fen;
-- decisions are the programme's explained decision as JSON text.

CREATE TABLE means_tests (
    id                 INTEGER PRIMARY KEY,
    household_id       INTEGER NOT NULL REFERENCES households (id),
    region_code        TEXT NOT NULL,
    period             TEXT NOT NULL,
    hukou_type         TEXT NOT NULL CHECK (hukou_type IN ('urban', 'rural')),
    hukou_local        INTEGER NOT NULL,
    members            INTEGER NOT NULL CHECK (members > 0),
    total_income       INTEGER NOT NULL CHECK (total_income >= 0),
    income_12m         INTEGER NOT NULL CHECK (income_12m >= 0),
    financial_assets   INTEGER NOT NULL CHECK (financial_assets >= 0),
    vehicles           INTEGER NOT NULL CHECK (vehicles >= 0),
    houses             INTEGER NOT NULL CHECK (houses >= 0),
    business_entities  INTEGER NOT NULL CHECK (business_entities >= 0),
    rigid_expenses_12m INTEGER NOT NULL CHECK (rigid_expenses_12m >= 0),
    heating_type       TEXT NOT NULL DEFAULT 'central' CHECK (heating_type IN ('central', 'self_heating', 'provided')),
    -- The members as the classification reads them, packed (see
    -- sqlstore.packMembers): a run of the whole prefecture reads one row
    -- per household instead of joining three member rows.
    member_data        BLOB NOT NULL DEFAULT x'',
    source             TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    created_by         TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX means_tests_household ON means_tests (household_id, period, id);
CREATE INDEX means_tests_region ON means_tests (region_code, id);

-- The members a test counts (共同生活的家庭成员) and what the investigation
-- found about each.
CREATE TABLE means_test_members (
    test_id           INTEGER NOT NULL REFERENCES means_tests (id),
    person_id         INTEGER NOT NULL REFERENCES persons (id),
    relation          TEXT NOT NULL,
    -- The member as the registry had them at the test: what the programmes
    -- of the person read (特困 by age, disability and registration).
    birth_date        TEXT NOT NULL,
    disability_grade  INTEGER NOT NULL CHECK (disability_grade BETWEEN 0 AND 4),
    hukou_local       INTEGER NOT NULL,
    hukou_type        TEXT NOT NULL CHECK (hukou_type IN ('urban', 'rural')),
    own_income        INTEGER NOT NULL CHECK (own_income >= 0),
    unable_to_work    INTEGER NOT NULL,
    self_care         TEXT NOT NULL CHECK (self_care IN ('able', 'partly_unable', 'unable')),
    has_supporter     INTEGER NOT NULL,
    monitored         INTEGER NOT NULL,
    PRIMARY KEY (test_id, person_id)
) WITHOUT ROWID;

-- Every line of a test: incomes (monthly), assets (balances and counts),
-- rigid expenses (12 months). Exempt lines are recorded and not counted.
CREATE TABLE means_test_lines (
    test_id   INTEGER NOT NULL REFERENCES means_tests (id),
    line      INTEGER NOT NULL,
    person_id INTEGER NOT NULL DEFAULT 0,
    kind      TEXT NOT NULL,
    amount    INTEGER NOT NULL CHECK (amount >= 0),
    quantity  INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    exempt    INTEGER NOT NULL DEFAULT 0,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (test_id, line)
) WITHOUT ROWID;

-- The low-income population of each month (低收入人口库): the layer of
-- every tested household that has one, from its latest test then: 特困 >
-- 低保 > 低保边缘 > 刚性支出困难 > 其他低收入. A tested household with no
-- row in a month is in none. The full explanation is evaluated again on
-- demand from the test and the policy version recorded here.
CREATE TABLE classifications (
    period            TEXT NOT NULL,
    household_id      INTEGER NOT NULL,
    region_code       TEXT NOT NULL,
    test_id           INTEGER NOT NULL,
    layer             TEXT NOT NULL CHECK (layer IN ('tekun', 'dibao', 'dibao_edge', 'rigid_expense', 'low_income')),
    members           INTEGER NOT NULL,
    per_capita_income INTEGER NOT NULL,
    dibao_amount      INTEGER NOT NULL,
    tekun_members     INTEGER NOT NULL,
    policy_version    TEXT NOT NULL,
    PRIMARY KEY (period, household_id)
) WITHOUT ROWID;
CREATE INDEX classifications_household ON classifications (household_id, period);
CREATE INDEX classifications_layer ON classifications (layer, period);

CREATE TABLE assistance_cases (
    id             INTEGER PRIMARY KEY,
    programme      TEXT NOT NULL CHECK (programme IN ('dibao', 'tekun', 'temporary_assistance')),
    household_id   INTEGER NOT NULL REFERENCES households (id),
    person_id      INTEGER NOT NULL DEFAULT 0,
    region_code    TEXT NOT NULL,
    channel        TEXT NOT NULL,
    status         TEXT NOT NULL,
    applied_on     TEXT NOT NULL,
    applicant_note TEXT NOT NULL DEFAULT '',
    hardship_type  TEXT NOT NULL DEFAULT '',
    expense        INTEGER NOT NULL DEFAULT 0,
    fast_track     INTEGER NOT NULL DEFAULT 0,
    test_id        INTEGER REFERENCES means_tests (id),
    eligible       INTEGER NOT NULL DEFAULT 0,
    amount         INTEGER NOT NULL DEFAULT 0,
    decision       TEXT NOT NULL DEFAULT '',
    policy_version TEXT NOT NULL DEFAULT '',
    assessed_by    INTEGER NOT NULL DEFAULT 0,
    assessed_at    TEXT,
    notice_from    TEXT,
    notice_to      TEXT,
    decided_by     INTEGER NOT NULL DEFAULT 0,
    decided_at     TEXT,
    reason         TEXT NOT NULL DEFAULT '',
    award_id       INTEGER NOT NULL DEFAULT 0,
    created_by     INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX assistance_cases_region ON assistance_cases (region_code, id);
CREATE INDEX assistance_cases_household ON assistance_cases (household_id, id);
CREATE INDEX assistance_cases_status ON assistance_cases (status, region_code);

-- What happened to a case, step by step, for the caseworker, the
-- applicant and the auditor.
CREATE TABLE case_events (
    case_id   INTEGER NOT NULL REFERENCES assistance_cases (id),
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    username  TEXT NOT NULL,
    action    TEXT NOT NULL,
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, seq)
);

-- Objections received during the public notice (公示异议).
CREATE TABLE case_objections (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES assistance_cases (id),
    received_on TEXT NOT NULL,
    objector    TEXT NOT NULL DEFAULT '',
    content     TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'upheld', 'dismissed')),
    finding     TEXT NOT NULL DEFAULT '',
    resolved_by INTEGER NOT NULL DEFAULT 0,
    resolved_at TEXT
);
CREATE INDEX case_objections_case ON case_objections (case_id, id);

-- Awards of assistance and allowances: monthly ones stay active until
-- stopped; one-offs (temporary assistance, heating, festival) are granted
-- for their month. person_id is 0 for a household award.
CREATE TABLE assistance_awards (
    id             INTEGER PRIMARY KEY,
    programme      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('monthly', 'once')),
    case_id        INTEGER NOT NULL DEFAULT 0,
    household_id   INTEGER NOT NULL DEFAULT 0,
    person_id      INTEGER NOT NULL DEFAULT 0,
    region_code    TEXT NOT NULL,
    amount         INTEGER NOT NULL CHECK (amount >= 0),
    start_month    TEXT NOT NULL,
    end_month      TEXT,
    status         TEXT NOT NULL CHECK (status IN ('active', 'stopped', 'granted')),
    category       TEXT NOT NULL DEFAULT '',
    review_due     TEXT,
    stop_reason    TEXT NOT NULL DEFAULT '',
    decision       TEXT NOT NULL DEFAULT '',
    policy_version TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    version        INTEGER NOT NULL DEFAULT 1,
    CHECK (household_id <> 0 OR person_id <> 0)
);
-- One living person (or household) → at most one active award per
-- programme (DOMAIN.md 7); one one-off of a screened programme (heating,
-- festival) per beneficiary and month; one award per case.
CREATE UNIQUE INDEX assistance_awards_active ON assistance_awards (programme, household_id, person_id) WHERE status = 'active';
CREATE UNIQUE INDEX assistance_awards_once ON assistance_awards (programme, household_id, person_id, start_month) WHERE kind = 'once' AND case_id = 0;
CREATE UNIQUE INDEX assistance_awards_case ON assistance_awards (case_id) WHERE case_id <> 0;
CREATE INDEX assistance_awards_region ON assistance_awards (region_code, id);
CREATE INDEX assistance_awards_person ON assistance_awards (person_id, programme);
CREATE INDEX assistance_awards_household ON assistance_awards (household_id, programme);

-- One line per award and month, whatever the run checks.
CREATE TABLE assistance_lines (
    period       TEXT NOT NULL,
    award_id     INTEGER NOT NULL REFERENCES assistance_awards (id),
    programme    TEXT NOT NULL,
    region_code  TEXT NOT NULL,
    household_id INTEGER NOT NULL,
    person_id    INTEGER NOT NULL,
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    -- the beneficiary's household layer when paid, for the reports
    layer        TEXT NOT NULL DEFAULT 'none',
    created_at   TEXT NOT NULL,
    PRIMARY KEY (period, award_id)
);
CREATE INDEX assistance_lines_award ON assistance_lines (award_id, period);
CREATE INDEX assistance_lines_programme ON assistance_lines (programme, period);

-- Periodic reviews of awards (定期核查): due on the schedule of the award's
-- category; one that finds the household no longer eligible proposes the
-- stop, which another user confirms.
CREATE TABLE assistance_reviews (
    id              INTEGER PRIMARY KEY,
    award_id        INTEGER NOT NULL REFERENCES assistance_awards (id),
    region_code     TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    test_id         INTEGER REFERENCES means_tests (id),
    outcome         TEXT NOT NULL CHECK (outcome IN ('continue', 'change_proposed', 'changed', 'change_rejected', 'stop_proposed', 'stopped', 'stop_rejected')),
    eligible        INTEGER NOT NULL,
    amount          INTEGER NOT NULL,
    old_amount      INTEGER NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    decision        TEXT NOT NULL DEFAULT '',
    reviewed_by     INTEGER NOT NULL,
    reviewed_at     TEXT NOT NULL,
    decided_by      INTEGER NOT NULL DEFAULT 0,
    decided_at      TEXT
);
CREATE INDEX assistance_reviews_award ON assistance_reviews (award_id, id);
-- At most one proposal waiting per award.
CREATE UNIQUE INDEX assistance_reviews_open ON assistance_reviews (award_id) WHERE outcome IN ('stop_proposed', 'change_proposed');

-- Screening runs (主动发现): a programme evaluated over the registry for a
-- period with no application; what changes (new awards, changed amounts,
-- stops) is proposed by one user and approved by another before it takes
-- effect.
CREATE TABLE screening_runs (
    id             INTEGER PRIMARY KEY,
    programme      TEXT NOT NULL,
    period         TEXT NOT NULL,
    region_code    TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('proposed', 'reviewed', 'approved', 'rejected')),
    evaluated      INTEGER NOT NULL,
    eligible       INTEGER NOT NULL,
    new_awards     INTEGER NOT NULL,
    changed        INTEGER NOT NULL,
    stopped        INTEGER NOT NULL,
    amount         INTEGER NOT NULL,
    policy_version TEXT NOT NULL,
    created_by     INTEGER NOT NULL,
    created_at     TEXT NOT NULL,
    reviewed_by    INTEGER NOT NULL DEFAULT 0,
    reviewed_at    TEXT,
    decided_by     INTEGER NOT NULL DEFAULT 0,
    decided_at     TEXT,
    reason         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX screening_runs_programme ON screening_runs (programme, period, id);

CREATE TABLE screening_items (
    run_id       INTEGER NOT NULL REFERENCES screening_runs (id),
    seq          INTEGER NOT NULL,
    change       TEXT NOT NULL CHECK (change IN ('new', 'changed', 'stopped')),
    household_id INTEGER NOT NULL,
    person_id    INTEGER NOT NULL,
    region_code  TEXT NOT NULL,
    amount       INTEGER NOT NULL,
    old_amount   INTEGER NOT NULL,
    award_id     INTEGER NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    -- a reviewer's choice: accepted items become awards, changes and stops
    accepted     INTEGER NOT NULL DEFAULT 1,
    note         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, seq)
);

-- +goose Down
DROP TABLE screening_items;
DROP TABLE screening_runs;
DROP TABLE assistance_reviews;
DROP TABLE assistance_lines;
DROP TABLE assistance_awards;
DROP TABLE case_objections;
DROP TABLE case_events;
DROP TABLE assistance_cases;
DROP TABLE classifications;
DROP TABLE means_test_lines;
DROP TABLE means_test_members;
DROP TABLE means_tests;
