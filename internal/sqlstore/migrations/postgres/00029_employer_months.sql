-- +goose Up
-- What each employer was assessed and paid per month and scheme (欠费,
-- docs/console.md, Speed): the arrears page read every assessment and
-- payment of a county over its months, hundreds of thousands of rows a
-- page. The store keeps this table current in the transaction of every
-- write of assessments and payments. due is the employer and individual
-- parts assessed, paid what was paid with the employer named; region_code
-- is the employer's (organisations.region_code), so a county lists the
-- employers registered in it whatever the region of their employees.
CREATE TABLE employer_months (
    org_id      BIGINT NOT NULL,
    period      TEXT NOT NULL,
    scheme      TEXT NOT NULL,
    region_code TEXT NOT NULL,
    due         BIGINT NOT NULL DEFAULT 0,
    paid        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, period, scheme)
);
-- The months in arrears of a region: a range on the region and the month.
CREATE INDEX employer_months_arrears ON employer_months (region_code, period, org_id) WHERE due > paid;

INSERT INTO employer_months (org_id, period, scheme, region_code, due, paid)
SELECT a.org_id, a.period, a.scheme, o.region_code, CAST(SUM(a.employer + a.individual) AS BIGINT), 0
FROM assessments a JOIN organisations o ON o.id = a.org_id
WHERE a.org_id IS NOT NULL
GROUP BY a.org_id, a.period, a.scheme, o.region_code;

INSERT INTO employer_months (org_id, period, scheme, region_code, due, paid)
SELECT p.org_id, p.period, p.scheme, o.region_code, 0, CAST(SUM(p.employer + p.individual) AS BIGINT)
FROM payments p JOIN organisations o ON o.id = p.org_id
WHERE p.org_id IS NOT NULL
GROUP BY p.org_id, p.period, p.scheme, o.region_code
ON CONFLICT (org_id, period, scheme) DO UPDATE SET paid = excluded.paid;

-- +goose Down
DROP TABLE employer_months;
