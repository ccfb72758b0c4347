package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

var _ monitoring.Store = (*DB)(nil)

// monitoringLock is the PostgreSQL advisory lock key that orders the
// recording and processing of signals and the changes of alerts, so that a
// processing run takes off the queue exactly the signals it read and sees
// the alerts it raises as they are; SQLite has one writer already.
const monitoringLock = 6523000009

func (db *DB) lockMonitoring(ctx context.Context, tx *sql.Tx) error {
	return db.advisoryLock(ctx, tx, monitoringLock, "monitoring")
}

// Subjects implements monitoring.Store.
func (db *DB) Subjects(ctx context.Context, persons []registry.PersonID, idNumbers []ids.ResidentID) ([]monitoring.Subject, error) {
	var out []monitoring.Subject
	seen := map[registry.PersonID]bool{}
	query := func(cond string, arg any) error {
		if err := eachRow(ctx, db, db.r, "find the persons of signals", func(rows *sql.Rows) error {
			var s monitoring.Subject
			if err := rows.Scan(&s.PersonID, &s.IDNumber, &s.Name, &s.PersonRegion, &s.HouseholdID, &s.RegionCode); err != nil {
				return fmt.Errorf("scan the person of a signal: %w", err)
			}
			if !seen[s.PersonID] {
				seen[s.PersonID] = true
				out = append(out, s)
			}
			return nil
		}, `SELECT p.id, p.id_number, p.name, p.region_code, COALESCE(m.household_id, 0), COALESCE(h.region_code, '')
			FROM persons p LEFT JOIN household_members m ON m.person_id = p.id LEFT JOIN households h ON h.id = m.household_id
			WHERE `+cond, arg); err != nil {
			return err
		}
		return nil
	}
	if len(persons) > 0 {
		keys := make([]int64, len(persons))
		for i, p := range persons {
			keys[i] = int64(p)
		}
		cond, arg, err := inKeys(db, "p.id", uniq(keys))
		if err != nil {
			return nil, err
		}
		if err := query(cond, arg); err != nil {
			return nil, err
		}
	}
	if len(idNumbers) > 0 {
		keys := make([]string, len(idNumbers))
		for i, n := range idNumbers {
			keys[i] = string(n)
		}
		cond, arg, err := inKeys(db, "p.id_number", uniq(keys))
		if err != nil {
			return nil, err
		}
		if err := query(cond, arg); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// uniq returns the distinct values of xs, sorted.
func uniq[T ~int64 | ~string](xs []T) []T {
	out := slices.Clone(xs)
	slices.Sort(out)
	return slices.Compact(out)
}

// signalBatch is what the audit event of recorded signals digests: the
// batch, the count, the keys and a SHA-256 over the signals recorded.
type signalBatch struct {
	Batch   string `json:"batch"`
	Signals int    `json:"signals"`
	First   int64  `json:"first"`
	Last    int64  `json:"last"`
	// SignalsSHA256 hashes one line per signal: id, source, kind,
	// person_id, household_id, region_code, occurred_on, amount, grade,
	// line, comma-separated, newline-terminated.
	SignalsSHA256 string `json:"signals_sha256"`
}

// RecordSignals implements monitoring.Store. It gives the signals keys
// following the largest one, under the monitoring lock.
func (db *DB) RecordSignals(ctx context.Context, batch string, ss []monitoring.Signal) error {
	if len(ss) == 0 {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockMonitoring(ctx, tx); err != nil {
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM signals").Scan(&next); err != nil {
			return fmt.Errorf("record signals: %w", err)
		}
		now := db.now()
		ts := db.ts(now)
		ins := db.newInserter(tx, "signals", "id", "region_code", "source", "kind", "person_id", "household_id", "occurred_on", "amount",
			"grade", "detail", "batch", "line", "received_at")
		queue := db.newInserter(tx, "signal_queue", "region_code", "signal_id", "occurred_on", "kind", "person_id", "household_id", "amount", "grade")
		h := sha256.New()
		var line []byte
		codes := map[region.Code]bool{}
		var distinct []region.Code
		for i := range ss {
			s := &ss[i]
			s.ID, s.Batch, s.ReceivedAt = monitoring.SignalID(next+int64(i)), batch, now
			if err := ins.add(ctx, int64(s.ID), string(s.RegionCode), string(s.Source), string(s.Kind), int64(s.PersonID), int64(s.HouseholdID),
				s.OccurredOn, int64(s.Amount), s.Grade, s.Detail, batch, s.Line, ts); err != nil {
				return fmt.Errorf("record signals: %w", err)
			}

			line = fmt.Appendf(line[:0], "%d,%s,%s,%d,%d,%s,%s,%d,%d,%d\n", s.ID, s.Source, s.Kind, s.PersonID, s.HouseholdID, s.RegionCode,
				s.OccurredOn, s.Amount, s.Grade, s.Line)
			h.Write(line)
			if !codes[s.RegionCode] {
				codes[s.RegionCode] = true
				distinct = append(distinct, s.RegionCode)
			}
		}
		if err := ins.flush(ctx); err != nil {
			return fmt.Errorf("record signals: %w", err)
		}
		// Then the queue, whose rows refer to the signals.
		for i := range ss {
			s := &ss[i]
			if err := queue.add(ctx, string(s.RegionCode), int64(s.ID), s.OccurredOn, string(s.Kind), int64(s.PersonID), int64(s.HouseholdID),
				int64(s.Amount), s.Grade); err != nil {
				return fmt.Errorf("queue signals: %w", err)
			}
		}
		if err := queue.flush(ctx); err != nil {
			return fmt.Errorf("queue signals: %w", err)
		}
		if err := db.advanceKey(ctx, tx, "signals"); err != nil {
			return err
		}
		sum := signalBatch{Batch: batch, Signals: len(ss), First: int64(ss[0].ID), Last: int64(ss[len(ss)-1].ID), SignalsSHA256: hex.EncodeToString(h.Sum(nil))}
		id := fmt.Sprintf("%d-%d", sum.First, sum.Last)
		return db.audited(ctx, tx, "signal.record", "signal_batch", id, string(commonRegion(distinct)), sum, []string{"signals=" + strconv.Itoa(len(ss))})
	})
}

// pendingWhere selects the signals waiting in the subtree of code up to
// asOf, on signal_queue.
func pendingWhere(code region.Code, asOf period.Date) where {
	var w where
	w.region("region_code", code)
	w.add("occurred_on <= ?", asOf)
	return w
}

// monitoringRun is what the audit event of a processing run digests: the
// summary and a SHA-256 over the alerts written.
type monitoringRun struct {
	Summary *monitoring.ProcessSummary `json:"summary"`
	// AlertsSHA256 hashes one line per alert opened or raised: id,
	// household_id, level, due_on, then one per link: alert_id,
	// signal_id, level, raised; comma-separated, newline-terminated.
	AlertsSHA256 string `json:"alerts_sha256"`
}

// ProcessSignals implements monitoring.Store. New alerts get keys
// following the largest one, under the monitoring lock.
func (db *DB) ProcessSignals(ctx context.Context, code region.Code, asOf period.Date, decide func(*monitoring.Basis) (*monitoring.Outcome, error)) error {
	return db.tx(ctx, func(tx *sql.Tx) (err error) {
		if err := db.lockMonitoring(ctx, tx); err != nil {
			return err
		}
		restore, err := db.widenCache(ctx, tx, processCacheKiB)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, restore()) }()
		b, err := db.processBasis(ctx, tx, code, asOf)
		if err != nil {
			return err
		}
		out, err := decide(b)
		if err != nil {
			return err
		}
		now := db.now()
		ts := db.ts(now)
		h := sha256.New()
		var line []byte
		var next int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM alerts").Scan(&next); err != nil {
			return fmt.Errorf("process signals: %w", err)
		}
		ins := db.newInserter(tx, "alerts", "id", "household_id", "person_id", "region_code", "township_code", "level", "risk", "opened_on",
			"due_on", "status", "decision", "policy_version", "created_at", "updated_at", "version").rollbackOnConflict()
		var buf []byte
		for i, a := range out.New {
			buf = a.Explanation.AppendStored(buf[:0])
			a.ID, a.Version, a.CreatedAt, a.UpdatedAt = monitoring.AlertID(next+int64(i)), 1, now, now
			if err := ins.add(ctx, int64(a.ID), int64(a.HouseholdID), int64(a.PersonID), string(a.RegionCode), string(a.TownshipCode), int(a.Level),
				a.Level.String(), a.OpenedOn, a.DueOn, string(a.Status), string(buf), a.PolicyVersion, ts, ts, a.Version); err != nil {
				return processErr(err)
			}
			line = fmt.Appendf(line[:0], "%d,%d,%d,%s\n", a.ID, a.HouseholdID, a.Level, a.DueOn)
			h.Write(line)
		}
		if err := ins.flush(ctx); err != nil {
			return processErr(err)
		}
		if err := db.advanceKey(ctx, tx, "alerts"); err != nil {
			return err
		}
		if len(out.Raised) > 0 {
			stmt, err := tx.PrepareContext(ctx, db.q(`UPDATE alerts SET level = ?, risk = ?, due_on = ?, decision = ?, policy_version = ?,
				updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status <> 'closed'`))
			if err != nil {
				return fmt.Errorf("process signals: %w", err)
			}
			defer stmt.Close()
			for _, a := range out.Raised {
				buf = a.Explanation.AppendStored(buf[:0])
				res, err := stmt.ExecContext(ctx, int(a.Level), a.Level.String(), a.DueOn, string(buf), a.PolicyVersion, ts, int64(a.ID), a.Version)
				if err != nil {
					return processErr(err)
				}
				if n, err := res.RowsAffected(); err != nil {
					return err
				} else if n != 1 {
					return fault.Errorf(fault.Conflict, "alert %d was changed while the signals were processed; process them again", a.ID)
				}
				a.Version++
				a.UpdatedAt = now
				line = fmt.Appendf(line[:0], "%d,%d,%d,%s\n", a.ID, a.HouseholdID, a.Level, a.DueOn)
				h.Write(line)
			}
		}
		links := db.newInserter(tx, "alert_signals", "signal_id", "alert_id", "region_code", "level", "raised").rollbackOnConflict()
		for _, l := range out.Links {
			if l.Alert == nil || l.Alert.ID == 0 {
				return fmt.Errorf("process signals: signal %d links to an alert that is neither open nor opened", l.SignalID)
			}
			if err := links.add(ctx, int64(l.SignalID), int64(l.Alert.ID), string(l.RegionCode), int(l.Level), db.boolv(l.Raised)); err != nil {
				return processErr(err)
			}
			line = fmt.Appendf(line[:0], "%d,%d,%d,%t\n", l.Alert.ID, l.SignalID, l.Level, l.Raised)
			h.Write(line)
		}
		if err := links.flush(ctx); err != nil {
			return processErr(err)
		}
		w := pendingWhere(code, asOf)
		res, err := tx.ExecContext(ctx, db.q(`DELETE FROM signal_queue`+w.sql()), w.args...)
		if err != nil {
			return fmt.Errorf("take the signals processed off the queue: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != int64(len(b.Pending)) {
			return fault.Errorf(fault.Conflict, "%d signals were processed, %d taken off the queue: process them again", len(b.Pending), n)
		}
		run := monitoringRun{Summary: out.Summary, AlertsSHA256: hex.EncodeToString(h.Sum(nil))}
		s := out.Summary
		fields := []string{"signals=" + strconv.Itoa(len(b.Pending))}
		if s != nil {
			fields = append(fields, "opened="+strconv.Itoa(s.Opened), "raised="+strconv.Itoa(s.Raised), "attached="+strconv.Itoa(s.Attached))
		}
		return db.audited(ctx, tx, "alert.process", "monitoring_run", asOf.String()+"/"+string(code), string(code), run, fields)
	})
}

// processCacheKiB is the page cache of the write connection during a
// processing run, which reads and writes more pages than the usual cache
// holds: 512 MiB at most, taken only as pages are used.
const processCacheKiB = 512 << 10

func processErr(err error) error {
	err = mapErr(err)
	if fault.CodeOf(err) == fault.Conflict {
		return fault.Wrap(fault.Conflict, err, "a household has an open alert already (another processing run?): process the signals again")
	}
	return fmt.Errorf("process signals: %w", err)
}

// processBasis reads the signals waiting and their households' context
// in tx.
func (db *DB) processBasis(ctx context.Context, tx *sql.Tx, code region.Code, asOf period.Date) (*monitoring.Basis, error) {
	w := pendingWhere(code, asOf)
	b := &monitoring.Basis{Open: map[registry.HouseholdID]*monitoring.Alert{}}
	rows, err := tx.QueryContext(ctx, db.q(`SELECT signal_id, kind, person_id, household_id, region_code, occurred_on, amount, grade
		FROM signal_queue`+w.sql()), w.args...)
	if err != nil {
		return nil, fmt.Errorf("read the signals waiting: %w", err)
	}
	defer rows.Close()
	codes := map[string]region.Code{}
	var kind, rc sql.RawBytes
	for rows.Next() {
		b.Pending = append(b.Pending, monitoring.Pending{})
		p := &b.Pending[len(b.Pending)-1]
		if err := rows.Scan(&p.ID, &kind, &p.PersonID, &p.HouseholdID, &rc, &p.OccurredOn, &p.Amount, &p.Grade); err != nil {
			return nil, fmt.Errorf("scan a signal waiting: %w", err)
		}
		p.Kind = kindOf(kind)
		c, ok := codes[string(rc)]
		if !ok {
			c = region.Code(rc)
			codes[string(c)] = c
		}
		p.RegionCode = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the signals waiting: %w", err)
	}
	rows.Close()
	if len(b.Pending) == 0 {
		return b, nil
	}
	keys := make([]int64, len(b.Pending))
	for i := range b.Pending {
		keys[i] = int64(b.Pending[i].HouseholdID)
	}
	inHouseholds := func(col string) (string, any) {
		cond, arg, _ := inKeys(db, col, keys)
		return cond, arg
	}
	keys = uniq(keys)

	// The layers: the latest classification up to each signal's month.
	type dated struct {
		period  period.Month
		id      int64
		layer   string
		income  money.Fen
		members int
	}
	layers := map[registry.HouseholdID][]dated{}
	cond, arg := inHouseholds("c.household_id")
	rows, err = tx.QueryContext(ctx, db.q(`SELECT c.household_id, c.period, c.layer FROM classifications c WHERE `+cond), arg)
	if err != nil {
		return nil, fmt.Errorf("read the households' classifications: %w", err)
	}
	defer rows.Close()
	layerNames := map[string]string{}
	var layer sql.RawBytes
	for rows.Next() {
		var hh registry.HouseholdID
		var d dated
		if err := rows.Scan(&hh, &d.period, &layer); err != nil {
			return nil, fmt.Errorf("scan a classification: %w", err)
		}
		name, ok := layerNames[string(layer)]
		if !ok {
			name = string(layer)
			layerNames[name] = name
		}
		d.layer = name
		layers[hh] = append(layers[hh], d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the households' classifications: %w", err)
	}
	rows.Close()

	tests := map[registry.HouseholdID][]dated{}
	cond, arg = inHouseholds("t.household_id")
	rows, err = tx.QueryContext(ctx, db.q(`SELECT t.household_id, t.period, t.id, t.income_12m, t.members FROM means_tests t WHERE `+cond), arg)
	if err != nil {
		return nil, fmt.Errorf("read the households' means tests: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var hh registry.HouseholdID
		var d dated
		if err := rows.Scan(&hh, &d.period, &d.id, &d.income, &d.members); err != nil {
			return nil, fmt.Errorf("scan a means test: %w", err)
		}
		tests[hh] = append(tests[hh], d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the households' means tests: %w", err)
	}
	rows.Close()

	members := map[registry.HouseholdID]int{}
	cond, arg = inHouseholds("m.household_id")
	rows, err = tx.QueryContext(ctx, db.q(`SELECT m.household_id, COUNT(*) FROM household_members m WHERE `+cond+` GROUP BY m.household_id`), arg)
	if err != nil {
		return nil, fmt.Errorf("read the households' members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var hh registry.HouseholdID
		var n int
		if err := rows.Scan(&hh, &n); err != nil {
			return nil, fmt.Errorf("scan a household's members: %w", err)
		}
		members[hh] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read the households' members: %w", err)
	}
	rows.Close()

	// latest returns the last entry up to month m, in (period, id) order.
	latest := func(ds []dated, m period.Month) *dated {
		var best *dated
		for i := range ds {
			d := &ds[i]
			if d.period <= m && (best == nil || d.period > best.period || d.period == best.period && d.id > best.id) {
				best = d
			}
		}
		return best
	}
	for i := range b.Pending {
		p := &b.Pending[i]
		m := p.OccurredOn.Period()
		p.Layer = "none"
		if d := latest(layers[p.HouseholdID], m); d != nil {
			p.Layer = d.layer
		}
		p.Members = max(members[p.HouseholdID], 1)
		if d := latest(tests[p.HouseholdID], m); d != nil {
			p.IncomeKnown, p.Income12m, p.Members = true, d.income, d.members
		}
	}

	cond, arg = inHouseholds("a.household_id")
	open, err := db.listAlerts(ctx, tx, " WHERE a.status <> 'closed' AND "+cond, arg)
	if err != nil {
		return nil, err
	}
	for _, a := range open {
		b.Open[a.HouseholdID] = a
	}
	return b, nil
}

// kindOf returns the Kind constant named by b, without allocating for the
// known kinds.
func kindOf(b []byte) monitoring.Kind {
	for _, k := range monitoring.Kinds {
		if string(k) == string(b) {
			return k
		}
	}
	return monitoring.Kind(b)
}

// alertColumns are read from "alerts a".
const alertColumns = `a.id, a.household_id, a.person_id, a.region_code, a.township_code, a.level, a.opened_on, a.due_on, a.status,
	a.disposition, a.referred_programme, a.disposition_note, a.decision, a.policy_version, a.created_at, a.updated_at,
	a.closed_by_id, a.closed_by, a.closed_at, a.version`

// scanAlert scans the alert columns followed by extra destinations.
func scanAlert(row scanner, extra ...any) (*monitoring.Alert, error) {
	a := &monitoring.Alert{}
	var decision string
	err := row.Scan(append([]any{&a.ID, &a.HouseholdID, &a.PersonID, &a.RegionCode, &a.TownshipCode, &a.Level, &a.OpenedOn, &a.DueOn, &a.Status,
		&a.Disposition, &a.ReferredProgramme, &a.DispositionNote, &decision, &a.PolicyVersion, timeCol{&a.CreatedAt}, timeCol{&a.UpdatedAt},
		&a.ClosedByID, &a.ClosedBy, timeCol{&a.ClosedAt}, &a.Version}, extra...)...)
	if err != nil {
		return nil, err
	}
	if decision != "" {
		a.Explanation = &monitoring.Explanation{}
		if err := json.Unmarshal([]byte(decision), a.Explanation); err != nil {
			return nil, fmt.Errorf("alert %d: read its explanation: %w", a.ID, err)
		}
	}
	return a, nil
}

func (db *DB) listAlerts(ctx context.Context, q queryer, tail string, args ...any) ([]*monitoring.Alert, error) {
	return queryAll(ctx, db, q, "list alerts", func(row scanner) (*monitoring.Alert, error) { return scanAlert(row) }, "SELECT "+alertColumns+" FROM alerts a"+tail, args...)
}

// Alerts implements monitoring.Store.
func (db *DB) Alerts(ctx context.Context, f monitoring.AlertFilter) ([]*monitoring.Alert, error) {
	var w where
	w.region("a.region_code", f.Region)
	if f.Township != "" {
		w.add("a.township_code = ?", f.Township)
	}
	if f.Status != "" {
		w.add("a.status = ?", f.Status)
	}
	if f.Level != monitoring.None {
		w.add("a.level = ?", int(f.Level))
	}
	if !f.OverdueOn.IsZero() {
		w.add("a.status <> 'closed' AND a.due_on < ?", f.OverdueOn)
	}
	w.add("a.id > ?", f.After)
	return db.listAlerts(ctx, db.r, w.sql()+" ORDER BY a.id LIMIT ?", append(w.args, f.Limit)...)
}

// Alert implements monitoring.Store.
func (db *DB) Alert(ctx context.Context, id monitoring.AlertID) (*monitoring.Alert, error) {
	var name, township string
	var idn ids.ResidentID
	a, err := scanAlert(db.r.QueryRowContext(ctx, db.q(`SELECT `+alertColumns+`, p.name, p.id_number, COALESCE(r.name_zh, '')
		FROM alerts a JOIN persons p ON p.id = a.person_id LEFT JOIN regions r ON r.code = a.township_code WHERE a.id = ?`), id), &name, &idn, &township)
	if err != nil {
		return nil, notFound(err, "alert", id)
	}
	a.PersonName, a.PersonIDNumber, a.TownshipName = name, idn, township
	signals, err := queryAll(ctx, db, db.r, fmt.Sprintf("signals of alert %d", id), func(row scanner) (monitoring.Signal, error) {
		var s monitoring.Signal
		err := row.Scan(&s.ID, &s.Source, &s.Kind, &s.PersonID, &s.HouseholdID, &s.RegionCode, &s.OccurredOn, &s.Amount, &s.Grade,
			&s.Detail, &s.Batch, &s.Line, timeCol{&s.ReceivedAt}, &s.Level, &s.Raised)
		s.Processed = true // linked by the run that processed it
		return s, err
	}, `SELECT s.id, s.source, s.kind, s.person_id, s.household_id, s.region_code, s.occurred_on, s.amount,
			s.grade, s.detail, s.batch, s.line, s.received_at, l.level, l.raised
		FROM signals s JOIN alert_signals l ON l.signal_id = s.id WHERE s.household_id = ? AND l.alert_id = ? ORDER BY s.occurred_on, s.id`, int64(a.HouseholdID), id)
	if err != nil {
		return nil, err
	}
	a.Signals = append(a.Signals, signals...)
	visits, err := queryAll(ctx, db, db.r, fmt.Sprintf("visits of alert %d", id), func(row scanner) (monitoring.Visit, error) {
		var v monitoring.Visit
		err := row.Scan(&v.AlertID, &v.Seq, &v.RegionCode, &v.VisitedOn, &v.Outcome, &v.Note, &v.UserID, &v.Username, timeCol{&v.CreatedAt})
		return v, err
	}, `SELECT alert_id, seq, region_code, visited_on, outcome, note, user_id, username, created_at
		FROM alert_visits WHERE alert_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	a.Visits = append(a.Visits, visits...)
	return a, nil
}

// AddVisit implements monitoring.Store.
func (db *DB) AddVisit(ctx context.Context, a *monitoring.Alert, v *monitoring.Visit) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockMonitoring(ctx, tx); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE alerts SET status = 'visited', updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status <> 'closed'`), db.ts(now), int64(a.ID), a.Version)
		if err != nil {
			return fmt.Errorf("visit alert %d: %w", a.ID, mapErr(err))
		}
		if err := db.checkAlertUpdated(ctx, tx, res, a); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, db.q("SELECT COALESCE(MAX(seq), 0) + 1 FROM alert_visits WHERE alert_id = ?"), int64(a.ID)).Scan(&v.Seq); err != nil {
			return fmt.Errorf("visit alert %d: %w", a.ID, err)
		}
		v.CreatedAt = now
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO alert_visits (alert_id, seq, region_code, visited_on, outcome, note, user_id, username, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), int64(a.ID), v.Seq, string(v.RegionCode), v.VisitedOn, string(v.Outcome), v.Note, v.UserID,
			v.Username, db.ts(now)); err != nil {
			return fmt.Errorf("visit alert %d: %w", a.ID, mapErr(err))
		}
		a.Version++
		a.Status, a.UpdatedAt = monitoring.Visited, now
		return db.audited(ctx, tx, "alert.visit", "alert", a.ID, string(a.RegionCode), v, []string{"status", "visits"})
	})
}

// checkAlertUpdated turns an UPDATE of an alert that touched no row into
// NotFound, a Conflict for a closed alert, or a version Conflict.
func (db *DB) checkAlertUpdated(ctx context.Context, tx *sql.Tx, res sql.Result, a *monitoring.Alert) error {
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 1 {
		return nil
	}
	var status string
	if err := tx.QueryRowContext(ctx, db.q("SELECT status FROM alerts WHERE id = ?"), int64(a.ID)).Scan(&status); err == nil && status == string(monitoring.Closed) {
		return fault.Errorf(fault.Conflict, "alert %d is closed", a.ID)
	}
	return db.checkUpdated(ctx, tx, res, "alerts", int64(a.ID), a.Version)
}

// CloseAlert implements monitoring.Store.
func (db *DB) CloseAlert(ctx context.Context, a *monitoring.Alert) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.lockMonitoring(ctx, tx); err != nil {
			return err
		}
		now := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE alerts SET status = 'closed', disposition = ?, referred_programme = ?, disposition_note = ?,
			closed_by_id = ?, closed_by = ?, closed_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND status <> 'closed'`),
			string(a.Disposition), a.ReferredProgramme, a.DispositionNote, a.ClosedByID, a.ClosedBy, db.ts(now), db.ts(now), int64(a.ID), a.Version)
		if err != nil {
			return fmt.Errorf("close alert %d: %w", a.ID, mapErr(err))
		}
		if err := db.checkAlertUpdated(ctx, tx, res, a); err != nil {
			return err
		}
		a.Version++
		a.Status, a.ClosedAt, a.UpdatedAt = monitoring.Closed, now, now
		return db.audited(ctx, tx, "alert.dispose", "alert", a.ID, string(a.RegionCode),
			map[string]any{"disposition": a.Disposition, "referred_programme": a.ReferredProgramme, "note": a.DispositionNote},
			[]string{"status", "disposition", "referred_programme", "disposition_note"})
	})
}

// Overdue implements monitoring.Store.
func (db *DB) Overdue(ctx context.Context, asOf period.Date, code region.Code) ([]monitoring.TownshipOverdue, error) {
	var w where
	w.add("a.status <> 'closed'")
	w.region("a.region_code", code)
	var out []monitoring.TownshipOverdue
	var cur *monitoring.TownshipOverdue
	if err := eachRow(ctx, db, db.r, "overdue alerts", func(rows *sql.Rows) error {
		var t region.Code
		var id monitoring.AlertID
		var due period.Date
		if err := rows.Scan(&t, &id, &due); err != nil {
			return fmt.Errorf("scan an overdue alert: %w", err)
		}
		if cur == nil || cur.Township != t {
			if cur != nil && cur.Overdue > 0 {
				out = append(out, *cur)
			}
			cur = &monitoring.TownshipOverdue{Township: t, AlertIDs: []monitoring.AlertID{}}
		}
		cur.Open++
		if due < asOf {
			if cur.Overdue == 0 {
				cur.OldestDue = due
			}
			cur.Overdue++
			cur.AlertIDs = append(cur.AlertIDs, id)
		}
		return nil
	}, `SELECT a.township_code, a.id, a.due_on FROM alerts a`+w.sql()+` ORDER BY a.township_code, a.due_on, a.id`, w.args...); err != nil {
		return nil, err
	}
	if cur != nil && cur.Overdue > 0 {
		out = append(out, *cur)
	}
	codes := make([]string, len(out))
	for i := range out {
		codes[i] = string(out[i].Township)
	}
	names := map[region.Code]string{}
	if len(codes) > 0 {
		cond, arg, err := inKeys(db, "code", codes)
		if err != nil {
			return nil, err
		}
		if err := eachRow(ctx, db, db.r, "township names", func(rows *sql.Rows) error {
			var c region.Code
			var n string
			if err := rows.Scan(&c, &n); err != nil {
				return fmt.Errorf("scan a township name: %w", err)
			}
			names[c] = n
			return nil
		}, "SELECT code, name_zh FROM regions WHERE "+cond, arg); err != nil {
			return nil, err
		}
	}
	for i := range out {
		out[i].Name = names[out[i].Township]
	}
	return out, nil
}
