package sqlstore

import (
	"context"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// MonthlyContribution is what was collected for one scheme in one month:
// the figure the coverage report gives month by month (its Collected).
type MonthlyContribution struct {
	Period    period.Month
	Scheme    insurance.Scheme
	Payments  int
	Collected money.Fen
}

// ContributionsByMonth sums the contributions collected in the region
// subtree code for the months from through to, by month and scheme, in
// one query over the payments' (period, region_code) index: the
// console's dashboard reads a range of months at once instead of one
// coverage report per month. It does no permission check: the caller
// narrows code to the principal's scope.
func (db *DB) ContributionsByMonth(ctx context.Context, code region.Code, from, to period.Month) ([]MonthlyContribution, error) {
	var w where
	w.add("period >= ? AND period <= ?", from, to)
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, "contributions by month", func(row scanner) (MonthlyContribution, error) {
		var c MonthlyContribution
		var sum int64
		err := row.Scan(&c.Period, &c.Scheme, &c.Payments, &sum)
		c.Collected = money.Fen(sum)
		return c, err
	}, `SELECT period, scheme, COUNT(*), CAST(SUM(employer + individual) AS BIGINT) FROM payments`+w.sql()+
		` GROUP BY period, scheme ORDER BY period, scheme`, w.args...)
}
