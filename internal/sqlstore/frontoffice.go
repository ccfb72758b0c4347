package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/frontoffice"
)

// appCols are the columns scanApp reads: the whole application is in doc,
// the others are its keys for the lists.
const appCols = `id, doc, version`

// scanApp scans a row of appCols.
func scanApp(sc scanner) (*frontoffice.Application, error) {
	var id, version int64
	var doc string
	if err := sc.Scan(&id, &doc, &version); err != nil {
		return nil, err
	}
	a := &frontoffice.Application{}
	if err := json.Unmarshal([]byte(doc), a); err != nil {
		return nil, fmt.Errorf("application %d: %w", id, err)
	}
	a.ID, a.Version = id, version
	return a, nil
}

// appFields are the audit fields of an application's state.
func appFields(a *frontoffice.Application) []string {
	f := []string{"no=" + a.No, "matter=" + a.Matter, "status=" + string(a.Status), "channel=" + string(a.Channel)}
	if a.Point != "" {
		f = append(f, "point="+a.Point)
	}
	if a.ResultRef != "" {
		f = append(f, "result="+a.ResultRef)
	}
	return f
}

// appKeys are the values of an application's list columns.
func appKeys(a *frontoffice.Application) (person, org, due any) {
	if a.PersonID > 0 {
		person = int64(a.PersonID)
	}
	if a.OrganisationID > 0 {
		org = int64(a.OrganisationID)
	}
	return person, org, nullDate(a.DueDate)
}

// appDone are the values of the report's columns of a finished
// application: the day of 办结 and the working days it took (NULL when
// not completed or not known).
func appDone(a *frontoffice.Application) (completed, days any) {
	if a.Status != frontoffice.Completed {
		return nil, nil
	}
	if a.WorkingDays != nil {
		days = int64(*a.WorkingDays)
	}
	return nullDate(a.CompletedOn), days
}

// CreateApplication implements frontoffice.Store. The sequence of the
// prefix is a counter row, incremented in the transaction: the row's lock
// (PostgreSQL) or the single writer (SQLite) keeps two receipts from
// taking one number.
func (db *DB) CreateApplication(ctx context.Context, a *frontoffice.Application, prefix string, ev frontoffice.Event, n *frontoffice.Notice) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO application_counters (prefix, seq) VALUES (?, 1)
			ON CONFLICT (prefix) DO UPDATE SET seq = application_counters.seq + 1 RETURNING seq`), prefix).Scan(&seq); err != nil {
			return fmt.Errorf("number the application: %w", mapErr(err))
		}
		a.No = fmt.Sprintf("%s%04d", prefix, seq)
		a.Version = 1
		doc, err := json.Marshal(a)
		if err != nil {
			return err
		}
		person, org, due := appKeys(a)
		completed, days := appDone(a)
		err = tx.QueryRowContext(ctx, db.q(`INSERT INTO applications (no, matter_id, department, channel, point_id, person_id, org_id,
			region_code, status, due_date, assignee_id, received_by, received_at, doc, version, received_on, completed_on, working_days)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?) RETURNING id`),
			a.No, a.Matter, a.Department, string(a.Channel), a.Point, person, org, string(a.RegionCode), string(a.Status), due,
			a.AssigneeID, a.ReceivedBy, db.ts(a.ReceivedAt), string(doc), nullDate(a.AcceptedOn), completed, days).Scan(&a.ID)
		if err != nil {
			return fmt.Errorf("save application %s: %w", a.No, mapErr(err))
		}
		return db.appChanged(ctx, tx, a, ev, n, "application.receive")
	})
}

// UpdateApplication implements frontoffice.Store.
func (db *DB) UpdateApplication(ctx context.Context, a *frontoffice.Application, ev frontoffice.Event, n *frontoffice.Notice) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		doc, err := json.Marshal(a)
		if err != nil {
			return err
		}
		person, org, due := appKeys(a)
		completed, days := appDone(a)
		res, err := tx.ExecContext(ctx, db.q(`UPDATE applications SET person_id = ?, org_id = ?, status = ?, due_date = ?, assignee_id = ?,
			completed_on = ?, working_days = ?, doc = ?, version = version + 1 WHERE id = ? AND version = ?`),
			person, org, string(a.Status), due, a.AssigneeID, completed, days, string(doc), a.ID, a.Version)
		if err != nil {
			return fmt.Errorf("update application %s: %w", a.No, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "applications", a.ID, a.Version); err != nil {
			return err
		}
		a.Version++
		return db.appChanged(ctx, tx, a, ev, n, "application."+ev.Action)
	})
}

// appChanged writes the event row, the audit event and the notice of a
// change of a.
func (db *DB) appChanged(ctx context.Context, tx *sql.Tx, a *frontoffice.Application, ev frontoffice.Event, n *frontoffice.Notice, action string) error {
	if ev.At.IsZero() {
		ev.At = db.now()
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO application_events (application_id, action, from_status, to_status, actor_id, actor_name, at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`), a.ID, ev.Action, string(ev.From), string(ev.To), ev.ActorID, ev.ActorName, db.ts(ev.At), ev.Note); err != nil {
		return fmt.Errorf("record the event of application %s: %w", a.No, mapErr(err))
	}
	if n != nil {
		kind, id := "person", int64(a.PersonID)
		if a.PersonID == 0 {
			kind, id = "organisation", int64(a.OrganisationID)
		}
		if id > 0 {
			_, err := tx.ExecContext(ctx, db.q(`INSERT INTO notices (recipient_kind, recipient_id, region_code, kind, ref, message, status, created_at)
				VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (ref) DO NOTHING`), kind, id, string(a.RegionCode), string(n.Kind),
				fmt.Sprintf("application/%s/%s/%d", a.No, n.Kind, a.Version), n.Message, db.ts(db.now()))
			if err != nil {
				return fmt.Errorf("queue the notice of application %s: %w", a.No, mapErr(err))
			}
		}
	}
	return db.audited(ctx, tx, action, "application", a.No, string(a.RegionCode), a, append(appFields(a), "note="+fieldText(ev.Note)))
}

// Application implements frontoffice.Store.
func (db *DB) Application(ctx context.Context, no string) (*frontoffice.Application, error) {
	return queryOne(ctx, db, db.r, "application", no, scanApp, `SELECT `+appCols+` FROM applications WHERE no = ?`, no)
}

// Applications implements frontoffice.Store: a range on region_code, the
// other keys as equalities, after the key, at most f.Limit.
func (db *DB) Applications(ctx context.Context, f frontoffice.Filter) ([]*frontoffice.Application, error) {
	w := applicationsWhere(f)
	if f.After > 0 {
		w.add("id > ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return orEmpty(queryAll(ctx, db, db.r, "applications", scanApp,
		`SELECT `+appCols+` FROM applications`+w.sql()+` ORDER BY id LIMIT `+strconv.Itoa(limit), w.args...))
}

// applicationsWhere selects the applications of f: its Region a range on
// region_code (the caller's scope), its statuses, point, matter,
// department, assignee and due dates; the paging key is the caller's.
func applicationsWhere(f frontoffice.Filter) where {
	var w where
	w.region("region_code", f.Region)
	if len(f.Statuses) > 0 {
		marks := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			marks[i] = "?"
			w.args = append(w.args, string(s))
		}
		w.conds = append(w.conds, "status IN ("+strings.Join(marks, ", ")+")")
	}
	w.text("point_id", f.Point)
	w.text("matter_id", f.Matter)
	w.text("department", f.Department)
	if f.AssigneeID > 0 {
		w.add("assignee_id = ?", f.AssigneeID)
	}
	if !f.DueBefore.IsZero() {
		w.add("due_date <= ?", f.DueBefore)
	}
	if !f.DueFrom.IsZero() {
		w.add("due_date >= ?", f.DueFrom)
	}
	if f.DuePending {
		w.add("due_date IS NULL")
	}
	return w
}

// ApplicationEvents implements frontoffice.Store.
func (db *DB) ApplicationEvents(ctx context.Context, id int64) ([]frontoffice.Event, error) {
	return orEmpty(queryAll(ctx, db, db.r, "application events", func(sc scanner) (frontoffice.Event, error) {
		var e frontoffice.Event
		var at time.Time
		err := sc.Scan(&e.ID, &e.Action, &e.From, &e.To, &e.ActorID, &e.ActorName, timeCol{&at}, &e.Note)
		e.At = at
		return e, err
	}, `SELECT id, action, from_status, to_status, actor_id, actor_name, at, note FROM application_events WHERE application_id = ? ORDER BY id`, id))
}
