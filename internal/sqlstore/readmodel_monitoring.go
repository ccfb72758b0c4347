package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TownshipAlertCount is one township's alerts not yet closed, as the
// console's monitoring page shows them: still before their due date (Due)
// and past it (Overdue).
type TownshipAlertCount struct {
	Township region.Code
	Open     int
	Due      int
	Overdue  int
}

// TownshipAlertCounts counts, per township of the region subtree code,
// the alerts not closed on asOf and how many of them are overdue (due
// before asOf). It counts in the database, township by township; it does
// no permission check: the caller narrows code to the principal's scope.
func (db *DB) TownshipAlertCounts(ctx context.Context, code region.Code, asOf period.Date) ([]TownshipAlertCount, error) {
	var w where
	w.region("region_code", code)
	w.add("status <> 'closed'")
	args := append([]any{asOf}, w.args...)
	return queryAll(ctx, db, db.r, "alerts per township", func(row scanner) (TownshipAlertCount, error) {
		var t TownshipAlertCount
		err := row.Scan(&t.Township, &t.Open, &t.Overdue)
		t.Due = t.Open - t.Overdue
		return t, err
	}, `SELECT township_code, COUNT(*), SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END) FROM alerts`+w.sql()+
		` GROUP BY township_code ORDER BY township_code`, args...)
}

// AlertState selects alerts of the console's lists by where they stand on
// a day.
type AlertState string

// The states of AlertListFilter.
const (
	AlertsAll     AlertState = ""        // every alert
	AlertsOpen    AlertState = "open"    // not closed
	AlertsDue     AlertState = "due"     // not closed, not yet past the due date
	AlertsOverdue AlertState = "overdue" // not closed and past the due date
	AlertsClosed  AlertState = "closed"  // disposed of
)

// AlertListFilter selects a page of the console's alert list.
type AlertListFilter struct {
	// Region is the region subtree, already narrowed to the caller's scope.
	Region   region.Code
	Township region.Code
	State    AlertState
	// AsOf is the day due and overdue are judged on.
	AsOf period.Date
	// After is the last alert id of the previous page; Limit the page's
	// size.
	After int64
	Limit int
}

// AlertListRow is one alert of the console's list, with the name of the
// person whose signal opened it and the kinds of its signals.
type AlertListRow struct {
	ID           monitoring.AlertID
	HouseholdID  registry.HouseholdID
	PersonID     registry.PersonID
	PersonName   string
	RegionCode   region.Code
	TownshipCode region.Code
	Level        monitoring.Level
	OpenedOn     period.Date
	DueOn        period.Date
	Status       monitoring.Status
	Kinds        []monitoring.Kind
}

// AlertList returns a page of alerts by key, each with its person's name
// and its signals' kinds (two queries over the page's keys). It does no
// permission check: the caller narrows the filter's region to the
// principal's scope.
func (db *DB) AlertList(ctx context.Context, f AlertListFilter) ([]AlertListRow, error) {
	var w where
	w.region("a.region_code", f.Region)
	w.text("a.township_code", string(f.Township))
	switch f.State {
	case AlertsOpen:
		w.add("a.status <> 'closed'")
	case AlertsDue:
		w.add("a.status <> 'closed' AND a.due_on >= ?", f.AsOf)
	case AlertsOverdue:
		w.add("a.status <> 'closed' AND a.due_on < ?", f.AsOf)
	case AlertsClosed:
		w.add("a.status = 'closed'")
	case AlertsAll:
	default:
		return nil, fmt.Errorf("no such alert state %q", f.State)
	}
	w.add("a.id > ?", f.After)
	rows, err := queryAll(ctx, db, db.r, "alert list", func(row scanner) (AlertListRow, error) {
		var a AlertListRow
		err := row.Scan(&a.ID, &a.HouseholdID, &a.PersonID, &a.PersonName, &a.RegionCode, &a.TownshipCode, &a.Level, &a.OpenedOn, &a.DueOn, &a.Status)
		return a, err
	}, `SELECT a.id, a.household_id, a.person_id, p.name, a.region_code, a.township_code, a.level, a.opened_on, a.due_on, a.status
		FROM alerts a JOIN persons p ON p.id = a.person_id`+w.sql()+` ORDER BY a.id LIMIT ?`, append(w.args, f.Limit)...)
	if err != nil || len(rows) == 0 {
		return rows, err
	}
	households := make([]int64, 0, len(rows))
	at := make(map[monitoring.AlertID]int, len(rows))
	for i, a := range rows {
		households = append(households, int64(a.HouseholdID))
		at[a.ID] = i
	}
	cond, arg, err := inKeys(db, "s.household_id", households)
	if err != nil {
		return nil, err
	}
	if err := eachRow(ctx, db, db.r, "alert signal kinds", func(r *sql.Rows) error {
		var id monitoring.AlertID
		var k monitoring.Kind
		if err := r.Scan(&id, &k); err != nil {
			return fmt.Errorf("scan an alert's signal kind: %w", err)
		}
		if i, ok := at[id]; ok && !slices.Contains(rows[i].Kinds, k) {
			rows[i].Kinds = append(rows[i].Kinds, k)
		}
		return nil
	}, `SELECT l.alert_id, s.kind FROM signals s JOIN alert_signals l ON l.signal_id = s.id WHERE `+cond+` ORDER BY s.id`, arg); err != nil {
		return nil, err
	}
	return rows, nil
}
