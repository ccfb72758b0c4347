package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/statistics"
)

// RefundsOfMonth implements statistics.Store: the refunds decided in
// month m in the region subtree code, by refund year, batch and county,
// over the refunds' period index.
func (db *DB) RefundsOfMonth(ctx context.Context, m period.Month, code region.Code) ([]insurance.BatchTotal, error) {
	var w where
	w.add("period = ?", m.String())
	w.region("region_code", code)
	return queryAll(ctx, db, db.r, "refunds of "+m.String(), func(rows scanner) (insurance.BatchTotal, error) {
		var t insurance.BatchTotal
		err := rows.Scan(&t.Year, &t.Batch, &t.County, &t.Enterprises, &t.Amount)
		return t, err
	}, `SELECT year, batch, SUBSTR(region_code, 1, 6), COUNT(*), SUM(amount) FROM refunds`+w.sql()+
		` GROUP BY year, batch, SUBSTR(region_code, 1, 6) ORDER BY 1, 2, 3`, w.args...)
}

// StatisticsMonths implements statistics.Store.
func (db *DB) StatisticsMonths(ctx context.Context, from, to period.Month) ([]statistics.Month, error) {
	return queryAll(ctx, db, db.r, "statistics months", func(rows scanner) (statistics.Month, error) {
		var m statistics.Month
		var until int64
		if err := rows.Scan(&m.Period, &m.Version, &m.ClaimOwner, &until, timeCol{&m.SummarisedAt}, &m.SummarisedBy, &m.Rows); err != nil {
			return m, err
		}
		if until > 0 {
			m.ClaimUntil = time.UnixMilli(until).UTC()
		}
		return m, nil
	}, `SELECT period, version, claim_owner, claim_until, summarised_at, summarised_by, figure_rows
		FROM statistics_months WHERE period >= ? AND period <= ? ORDER BY period`, from.String(), to.String())
}

// ClaimStatisticsMonth implements statistics.Store.
func (db *DB) ClaimStatisticsMonth(ctx context.Context, m period.Month, version int64, owner string, now, until time.Time) (bool, error) {
	var claimed bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO statistics_months (period) VALUES (?) ON CONFLICT (period) DO NOTHING`), m.String()); err != nil {
			return fmt.Errorf("record statistics month %s: %w", m, err)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE statistics_months SET claim_owner = ?, claim_until = ?
			WHERE period = ? AND version = ? AND (claim_owner = '' OR claim_until < ?)`),
			owner, until.UnixMilli(), m.String(), version, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("claim statistics month %s: %w", m, err)
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// ReleaseStatisticsMonth implements statistics.Store.
func (db *DB) ReleaseStatisticsMonth(ctx context.Context, m period.Month, owner string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`UPDATE statistics_months SET claim_owner = '', claim_until = 0 WHERE period = ? AND claim_owner = ?`), m.String(), owner)
		return err
	})
}

// SaveStatisticsMonth implements statistics.Store.
func (db *DB) SaveStatisticsMonth(ctx context.Context, m period.Month, owner string, figs []statistics.Figure) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		actor := actorName(ctx)
		res, err := tx.ExecContext(ctx, db.q(`UPDATE statistics_months SET version = version + 1, claim_owner = '', claim_until = 0,
			summarised_at = `+db.tsParam()+`, summarised_by = ?, figure_rows = ? WHERE period = ? AND claim_owner = ?`),
			db.ts(db.now()), actor, len(figs), m.String(), owner)
		if err != nil {
			return fmt.Errorf("record the summary of %s: %w", m, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "the summary of %s lost its claim of the month (it ran past its lease): nothing was stored", m)
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM statistics_figures WHERE period = ?`), m.String()); err != nil {
			return fmt.Errorf("clear the figures of %s: %w", m, err)
		}
		ins := db.newInserter(tx, "statistics_figures", "period", "county", "topic", "key1", "key2", "count1", "count2", "fen1", "fen2")
		for _, f := range figs {
			if f.Period != m {
				return fault.Errorf(fault.Invalid, "a figure of %s in the summary of %s", f.Period, m)
			}
			if err := ins.add(ctx, m.String(), string(f.County), string(f.Topic), f.Key1, f.Key2, f.Count1, f.Count2, int64(f.Fen1), int64(f.Fen2)); err != nil {
				return fmt.Errorf("store the figures of %s: %w", m, err)
			}
		}
		if err := ins.flush(ctx); err != nil {
			return fmt.Errorf("store the figures of %s: %w", m, err)
		}
		return db.audited(ctx, tx, "statistics.summarise", "statistics_month", m.String(), string(db.juris.Home),
			map[string]any{"period": m, "rows": len(figs)}, []string{"rows=" + strconv.Itoa(len(figs))})
	})
}

// StatisticsFigures implements statistics.Store: one range over the
// primary key (period, county, ...).
func (db *DB) StatisticsFigures(ctx context.Context, from, to period.Month, code region.Code) ([]statistics.Figure, error) {
	var w where
	w.add("period >= ? AND period <= ?", from.String(), to.String())
	w.region("county", code)
	return queryAll(ctx, db, db.r, "statistics figures", func(rows scanner) (statistics.Figure, error) {
		var f statistics.Figure
		err := rows.Scan(&f.Period, &f.County, &f.Topic, &f.Key1, &f.Key2, &f.Count1, &f.Count2, &f.Fen1, &f.Fen2)
		return f, err
	}, `SELECT period, county, topic, key1, key2, count1, count2, fen1, fen2 FROM statistics_figures`+w.sql()+
		` ORDER BY period, county, topic, key1, key2`, w.args...)
}
