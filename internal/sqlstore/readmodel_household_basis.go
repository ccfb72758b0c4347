// The household basis read model: the facts the household allowances
// (heating assistance, the festival subsidy) read of every household of a
// region subtree, in one pass in key order. It serves the household-status
// rule (assistance.HouseholdStatus: 特困, 低保, 低保边缘, 刚性支出困难 or
// none, docs/domain.md sections 6.1 to 6.4) and the heating-type and
// registration conditions; the store only gathers the facts, the rule decides.

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"safetynet/internal/assistance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/screening"
)

// HouseholdBasis implements screening.Store. It reads the status facts
// (the households with an active 特困 or 低保 award, those whose latest
// classification is 低保边缘 or 刚性支出困难) as sets, each in one pass, and
// leaves the precedence to assistance.HouseholdStatus; the heating type and
// the members counted come from the latest means test when there is one.
func (db *DB) HouseholdBasis(ctx context.Context, m period.Month, code region.Code, fn func([]screening.HouseholdBasis) error) error {
	dibao, err := db.awardedHouseholds(ctx, assistance.ProgDibao)
	if err != nil {
		return fmt.Errorf("household basis: %w", err)
	}
	tekun, err := db.awardedHouseholds(ctx, assistance.ProgTekun)
	if err != nil {
		return fmt.Errorf("household basis: %w", err)
	}
	edge, err := db.layerHouseholds(ctx, m, assistance.LayerDibaoEdge)
	if err != nil {
		return fmt.Errorf("household basis: %w", err)
	}
	rigid, err := db.layerHouseholds(ctx, m, assistance.LayerRigidExpense)
	if err != nil {
		return fmt.Errorf("household basis: %w", err)
	}
	// The latest test of each household up to m, from one pass over the
	// tests.
	type tested struct {
		period  string
		id      int64
		heating string
		members int
	}
	tests := map[int64]tested{}
	if err := eachRow(ctx, db, db.r, "household basis", func(rows *sql.Rows) error {
		var hh int64
		var t tested
		if err := rows.Scan(&hh, &t.period, &t.id, &t.heating, &t.members); err != nil {
			return fmt.Errorf("scan household basis: %w", err)
		}
		if cur, ok := tests[hh]; !ok || t.period > cur.period || t.period == cur.period && t.id > cur.id {
			tests[hh] = t
		}
		return nil
	}, `SELECT household_id, period, id, heating_type, members FROM means_tests WHERE period <= ?`, m.String()); err != nil {
		return err
	}
	// The persons registered outside the prefecture, from one pass over
	// the table in key order (a lookup of every head would read it in
	// random order, three times slower).
	lo, hi := db.juris.Home.Range()
	away, err := db.idSet(ctx, `SELECT id FROM persons WHERE NOT (hukou_region >= ? AND hukou_region < ?)`, lo, hi)
	if err != nil {
		return fmt.Errorf("household basis: %w", err)
	}
	var w where
	w.region(db.keyOrderRegion("h.region_code", code), code) // the whole table in key order, not through the region index
	out := make([]screening.HouseholdBasis, 0, screenChunk)
	if err := eachRow(ctx, db, db.r, "household basis", func(rows *sql.Rows) error {
		var b screening.HouseholdBasis
		var head int64
		if err := rows.Scan(&b.HouseholdID, &b.RegionCode, &b.Members, &head); err != nil {
			return fmt.Errorf("scan household basis: %w", err)
		}
		if b.Members == 0 {
			return nil // no one lives in it any more
		}
		b.HukouLocal = head != 0 && !away[head]
		id := int64(b.HouseholdID)
		b.Status = string(assistance.HouseholdStatus(assistance.HouseholdStatusFacts{
			Tekun: tekun[id], Dibao: dibao[id], DibaoEdge: edge[id], RigidExpense: rigid[id],
		}))
		// With no means test the heating type is not known: it decides
		// heating assistance, so it is never defaulted.
		b.HeatingType = screening.HeatingUnknown
		if t, ok := tests[id]; ok {
			b.HeatingType, b.Members = t.heating, t.members
		}
		out = append(out, b)
		if len(out) == screenChunk {
			if err := fn(out); err != nil {
				return err
			}
			out = make([]screening.HouseholdBasis, 0, screenChunk)
		}
		return nil
	}, `SELECT h.id, h.region_code,
		(SELECT COUNT(*) FROM household_members hm WHERE hm.household_id = h.id),
		COALESCE((SELECT hm.person_id FROM household_members hm WHERE hm.household_id = h.id AND hm.relation = 'head'), 0)
		FROM households h`+w.sql()+` ORDER BY h.id`, w.args...); err != nil {
		return err
	}
	if len(out) > 0 {
		return fn(out)
	}
	return nil
}
