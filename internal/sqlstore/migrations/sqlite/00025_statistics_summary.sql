-- +goose Up
-- The published figures of a month, summarised once (docs/statistics.md):
-- the dashboards read these rows instead of running the month-end reports
-- over the whole population. One row per month, county, topic and keys;
-- only counts and sums in fen, so that counties and months add up and
-- averages and rates are recomputed exactly from them. The topics and
-- what their columns hold:
--   coverage          (key1 '', key2 '')        count1 adults, count2 employed
--   insured           (key1 scheme)             count1 insured, count2 contributions, fen1 collected
--   pension           (key1 scheme)             count1 awards, fen1 amounts before the year's adjustment, fen2 that adjustment
--   assistance        (key1 programme, key2 layer) count1 beneficiaries, count2 payment lines, fen1 amount
--   assistance_total  (key1 programme or group) count1 beneficiaries, count2 payment lines, fen1 amount
--   layer             (key1 layer)              count1 households, count2 persons, fen1 monthly 低保
--   refund            (key1 year, key2 batch)   count1 enterprises, fen1 amount
CREATE TABLE statistics_figures (
    period  TEXT NOT NULL,
    county  TEXT NOT NULL,
    topic   TEXT NOT NULL,
    key1    TEXT NOT NULL DEFAULT '',
    key2    TEXT NOT NULL DEFAULT '',
    count1  BIGINT NOT NULL DEFAULT 0,
    count2  BIGINT NOT NULL DEFAULT 0,
    fen1    BIGINT NOT NULL DEFAULT 0,
    fen2    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (period, county, topic, key1, key2)
);

-- One row per month ever summarised: when and by whom, and the claim of
-- the summary running now. A summary claims the month (claim_owner, and
-- claim_until in unix milliseconds, UTC) with an UPDATE that matches only
-- when the month is free or its claim expired and still at the version
-- the summary read when it started; it replaces the month's figures and
-- advances version in one transaction. A second summary started at the
-- same moment finds the version advanced and does no work.
CREATE TABLE statistics_months (
    period        TEXT PRIMARY KEY,
    version       BIGINT NOT NULL DEFAULT 0,
    claim_owner   TEXT NOT NULL DEFAULT '',
    claim_until   BIGINT NOT NULL DEFAULT 0,
    summarised_at TEXT,
    summarised_by TEXT NOT NULL DEFAULT '',
    figure_rows   BIGINT NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE statistics_months;
DROP TABLE statistics_figures;
