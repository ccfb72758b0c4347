package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// taskCols are the columns scanTask reads.
const taskCols = `id, message_id, kind, person_id, region_code, person_name, counterpart_province, counterpart_prefecture,
	counterpart_agency, detail, status, reason, on_date, method, record_ref, reply_id, claimed_by, claimed_until,
	handled_by, handled_by_name, received_at, updated_at, version`

// scanTask scans a row of taskCols.
func scanTask(sc scanner) (*crossprov.Task, error) {
	t := &crossprov.Task{}
	var until int64
	err := sc.Scan(&t.ID, &t.MessageID, &t.Kind, &t.PersonID, &t.RegionCode, &t.PersonName, &t.Counterpart.Province,
		&t.Counterpart.Prefecture, &t.Counterpart.Agency, &t.Detail, &t.Status, &t.Reason, &t.On, &t.Method, &t.RecordRef,
		&t.ReplyID, &t.ClaimedBy, &until, &t.HandledBy, &t.HandledByName, timeCol{&t.ReceivedAt}, timeCol{&t.UpdatedAt}, &t.Version)
	if err != nil {
		return nil, err
	}
	if until > 0 {
		t.ClaimedUntil = time.UnixMilli(until).UTC()
	}
	return t, nil
}

// taskFields are the audit fields of a task's state.
func taskFields(t *crossprov.Task) []string {
	f := []string{"kind=" + string(t.Kind), "status=" + string(t.Status), "person_id=" + strconv.FormatInt(int64(t.PersonID), 10),
		"counterpart=" + t.Counterpart.Province + "/" + t.Counterpart.Agency, "message_id=" + t.MessageID}
	if t.Reason != "" {
		f = append(f, "reason="+t.Reason)
	}
	if t.RecordRef != "" {
		f = append(f, "record="+t.RecordRef)
	}
	return f
}

// insertCrossTask records a task of an incoming request with its audit
// event, in the transaction that processes the message.
func (db *DB) insertCrossTask(ctx context.Context, tx *sql.Tx, t *crossprov.Task, at time.Time) error {
	err := tx.QueryRowContext(ctx, db.q(`INSERT INTO crossprov_incoming (message_id, kind, person_id, region_code, person_name,
		counterpart_province, counterpart_prefecture, counterpart_agency, detail, status, received_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.MessageID, string(t.Kind), int64(t.PersonID), string(t.RegionCode), t.PersonName, t.Counterpart.Province,
		t.Counterpart.Prefecture, t.Counterpart.Agency, t.Detail, string(t.Status), db.ts(at), db.ts(at)).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("save incoming cross-province request: %w", mapErr(err))
	}
	t.ReceivedAt, t.UpdatedAt, t.Version = at, at, 1
	return db.audited(ctx, tx, "crossprov.incoming", "cross_province_incoming", t.ID, string(t.RegionCode), t, taskFields(t))
}

// CrossTask implements crossprov.Store.
func (db *DB) CrossTask(ctx context.Context, id int64) (*crossprov.Task, error) {
	return queryOne(ctx, db, db.r, "incoming cross-province request", id, scanTask, `SELECT `+taskCols+` FROM crossprov_incoming WHERE id = ?`, id)
}

// CrossTasks implements crossprov.Store: a range on region_code (and the
// status), after the key, at most f.Limit.
func (db *DB) CrossTasks(ctx context.Context, f crossprov.TaskFilter) ([]*crossprov.Task, error) {
	var w where
	if f.Status != "" {
		w.add("status = ?", string(f.Status))
	}
	w.region("region_code", f.Region)
	if f.After > 0 {
		w.add("id > ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return orEmpty(queryAll(ctx, db, db.r, "incoming cross-province requests", scanTask,
		`SELECT `+taskCols+` FROM crossprov_incoming`+w.sql()+` ORDER BY id LIMIT `+strconv.Itoa(limit), w.args...))
}

// CountCrossTasks implements crossprov.Store (the index on status and
// region).
func (db *DB) CountCrossTasks(ctx context.Context, code region.Code, status crossprov.TaskStatus) (int, error) {
	var w where
	w.add("status = ?", string(status))
	w.region("region_code", code)
	var n int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM crossprov_incoming`+w.sql()), w.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count incoming cross-province requests: %w", err)
	}
	return n, nil
}

// ClaimCrossTask implements crossprov.Store: one conditional update,
// which only one caller wins. A live claim holds off everybody, its
// holder too: two accepts of one user at the same moment must not both
// run (the second may read the task after the first claimed it); a
// crashed claim is taken over once its lease has run out.
func (db *DB) ClaimCrossTask(ctx context.Context, t *crossprov.Task, user int64, on period.Date, now, until time.Time) (*crossprov.Task, error) {
	var out *crossprov.Task
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_incoming SET claimed_by = ?, claimed_until = ?, on_date = COALESCE(on_date, ?),
			version = version + 1 WHERE id = ? AND version = ? AND status = 'to_handle' AND claimed_until < ?`),
			user, until.UnixMilli(), on, t.ID, t.Version, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("claim incoming cross-province request %d: %w", t.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "incoming cross-province request %d is being handled by another user or was changed; reload", t.ID)
		}
		out, err = queryOne(ctx, db, tx, "incoming cross-province request", t.ID, scanTask, `SELECT `+taskCols+` FROM crossprov_incoming WHERE id = ?`, t.ID)
		return err
	})
	return out, err
}

// FinishCrossTask implements crossprov.Store.
func (db *DB) FinishCrossTask(ctx context.Context, t *crossprov.Task, r *crossprov.Request, out []crossprov.OutMessage) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		if r != nil {
			if err := db.insertCross(ctx, tx, r, at); err != nil {
				return err
			}
			for i := range out {
				out[i].RequestID = r.ID
			}
			if t.RecordRef == "" {
				t.RecordRef = "crossprov_request:" + strconv.FormatInt(r.ID, 10)
			}
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_incoming SET status = ?, reason = ?, on_date = ?, method = ?, record_ref = ?,
			reply_id = ?, handled_by = ?, handled_by_name = ?, claimed_until = 0, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'to_handle'`),
			string(t.Status), t.Reason, t.On, t.Method, t.RecordRef, t.ReplyID, t.HandledBy, t.HandledByName, db.ts(at), t.ID, t.Version)
		if err != nil {
			return fmt.Errorf("finish incoming cross-province request %d: %w", t.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "incoming cross-province request %d was handled or changed meanwhile; reload", t.ID)
		}
		t.Version++
		t.UpdatedAt = at
		t.ClaimedUntil = time.Time{}
		if err := db.insertOutMessages(ctx, tx, at, out); err != nil {
			return err
		}
		return db.audited(ctx, tx, "crossprov.incoming_"+string(t.Status), "cross_province_incoming", t.ID, string(t.RegionCode), t, taskFields(t))
	})
}
