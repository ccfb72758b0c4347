package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
)

// crossCols are the columns scanCross reads.
const crossCols = `id, direction, kind, person_id, region_code, counterpart_province, counterpart_prefecture, counterpart_agency,
	status, reason, retries, message_id, on_date, detail, balance, pooled, months, record_ref, answer,
	created_by, created_by_name, acting_role, acting_scope, created_at, updated_at, version, application_no`

// scanCross scans a row of crossCols.
func scanCross(sc scanner) (*crossprov.Request, error) {
	r := &crossprov.Request{}
	var answer string
	var app sql.NullString
	err := sc.Scan(&r.ID, &r.Direction, &r.Kind, &r.PersonID, &r.RegionCode, &r.Counterpart.Province, &r.Counterpart.Prefecture,
		&r.Counterpart.Agency, &r.Status, &r.Reason, &r.Retries, &r.MessageID, &r.On, &r.Detail, &r.Balance, &r.Pooled, &r.Months,
		&r.RecordRef, &answer, &r.CreatedBy, &r.CreatedByName, &r.ActingRole, &r.ActingScope, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt}, &r.Version, &app)
	if err != nil {
		return nil, err
	}
	r.ApplicationNo = app.String
	if answer != "" {
		r.Answer = []byte(answer)
	}
	return r, nil
}

// crossFields are the audit fields of a request's state.
func crossFields(r *crossprov.Request) []string {
	return []string{"kind=" + string(r.Kind), "status=" + string(r.Status), "person_id=" + strconv.FormatInt(int64(r.PersonID), 10),
		"counterpart=" + r.Counterpart.Province + "/" + r.Counterpart.Agency, "message_id=" + r.MessageID}
}

// CreateCrossRequest implements crossprov.Store.
func (db *DB) CreateCrossRequest(ctx context.Context, r *crossprov.Request, m crossprov.OutMessage) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		if err := db.insertCross(ctx, tx, r, at); err != nil {
			return err
		}
		m.RequestID = r.ID
		return db.insertOutMessages(ctx, tx, at, []crossprov.OutMessage{m})
	})
}

// insertCross records a new request with its audit event.
func (db *DB) insertCross(ctx context.Context, tx *sql.Tx, r *crossprov.Request, at time.Time) error {
	var app any
	if r.ApplicationNo != "" {
		app = r.ApplicationNo
	}
	var answer string
	if len(r.Answer) > 0 {
		answer = string(r.Answer)
	}
	err := tx.QueryRowContext(ctx, db.q(`INSERT INTO crossprov_requests (direction, kind, person_id, region_code, counterpart_province,
		counterpart_prefecture, counterpart_agency, status, reason, message_id, on_date, detail, balance, pooled, months, record_ref, answer,
		created_by, created_by_name, acting_role, acting_scope, created_at, updated_at, application_no)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		string(r.Direction), string(r.Kind), int64(r.PersonID), string(r.RegionCode), r.Counterpart.Province, r.Counterpart.Prefecture,
		r.Counterpart.Agency, string(r.Status), r.Reason, r.MessageID, r.On, r.Detail, int64(r.Balance), int64(r.Pooled), r.Months, r.RecordRef, answer,
		r.CreatedBy, r.CreatedByName, string(r.ActingRole), string(r.ActingScope), db.ts(at), db.ts(at), app).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("save cross-province request: %w", mapErr(err))
	}
	r.CreatedAt, r.UpdatedAt, r.Version = at, at, 1
	fields := append(crossFields(r), "direction="+string(r.Direction))
	if r.ApplicationNo != "" {
		fields = append(fields, "application_no="+r.ApplicationNo)
	}
	return db.audited(ctx, tx, "crossprov.request", "cross_province_request", r.ID, string(r.RegionCode), r, fields)
}

// insertOutMessages queues messages to send.
func (db *DB) insertOutMessages(ctx context.Context, tx *sql.Tx, at time.Time, ms []crossprov.OutMessage) error {
	for _, m := range ms {
		var req any
		if m.RequestID > 0 {
			req = m.RequestID
		}
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO crossprov_messages (message_id, direction, request_id, kind, doc, status, created_at)
			VALUES (?, 'outbound', ?, ?, ?, 'pending', ?)`), m.ID, req, string(m.Kind), string(m.Doc), db.ts(at))
		if err != nil {
			return fmt.Errorf("queue message %s: %w", m.ID, mapErr(err))
		}
	}
	return nil
}

// CrossRequest implements crossprov.Store.
func (db *DB) CrossRequest(ctx context.Context, id int64) (*crossprov.Request, error) {
	return queryOne(ctx, db, db.r, "cross-province request", id, scanCross, `SELECT `+crossCols+` FROM crossprov_requests WHERE id = ?`, id)
}

// CrossRequestByMessage implements crossprov.Store.
func (db *DB) CrossRequestByMessage(ctx context.Context, id string) (*crossprov.Request, error) {
	return queryOne(ctx, db, db.r, "cross-province request of message", id, scanCross, `SELECT `+crossCols+` FROM crossprov_requests WHERE message_id = ?`, id)
}

// CrossRequests implements crossprov.Store: by person (its index), by
// application (its index) or by region (a range on region_code), after
// the key, at most f.Limit.
func (db *DB) CrossRequests(ctx context.Context, f crossprov.Filter) ([]*crossprov.Request, error) {
	var w where
	if f.PersonID > 0 {
		w.add("person_id = ?", int64(f.PersonID))
	}
	if f.ApplicationNo != "" {
		w.add("application_no = ?", f.ApplicationNo)
	}
	w.region("region_code", f.Region)
	if f.After > 0 {
		w.add("id > ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return orEmpty(queryAll(ctx, db, db.r, "cross-province requests", scanCross,
		`SELECT `+crossCols+` FROM crossprov_requests`+w.sql()+` ORDER BY id LIMIT `+strconv.Itoa(limit), w.args...))
}

// PendingOutMessages implements crossprov.Store.
func (db *DB) PendingOutMessages(ctx context.Context, limit int) ([]crossprov.OutMessage, error) {
	return queryAll(ctx, db, db.r, "messages to send", func(rows scanner) (crossprov.OutMessage, error) {
		var m crossprov.OutMessage
		var req sql.NullInt64
		var doc string
		err := rows.Scan(&m.ID, &req, &m.Kind, &doc, &m.Attempts)
		m.RequestID, m.Doc = req.Int64, []byte(doc)
		return m, err
	}, `SELECT message_id, request_id, kind, doc, attempts FROM crossprov_messages WHERE status = 'pending'
		ORDER BY created_at, message_id LIMIT `+strconv.Itoa(max(limit, 1)))
}

// MarkSent implements crossprov.Store.
func (db *DB) MarkSent(ctx context.Context, m crossprov.OutMessage) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		res, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_messages SET status = 'sent', attempts = attempts + 1, done_at = ?
			WHERE message_id = ? AND status = 'pending'`), db.ts(at), m.ID)
		if err != nil {
			return fmt.Errorf("mark message %s sent: %w", m.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			// Sent by another dispatcher meanwhile: the receiver
			// processes it once either way.
			return err
		}
		if m.RequestID == 0 {
			return db.audited(ctx, tx, "crossprov.message_sent", "cross_province_message", m.ID, "", nil, []string{"kind=" + string(m.Kind)})
		}
		return db.changeCross(ctx, tx, m.RequestID, at, "crossprov.sent", func(r *crossprov.Request) bool {
			if r.Status != crossprov.StatusDrafted {
				return false
			}
			r.Status, r.Reason = crossprov.StatusSent, ""
			return true
		})
	})
}

// MarkSendFailed implements crossprov.Store.
func (db *DB) MarkSendFailed(ctx context.Context, m crossprov.OutMessage, reason string, giveUp bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		status := "pending"
		if giveUp {
			status = "failed"
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_messages SET status = ?, attempts = attempts + 1, outcome = ?
			WHERE message_id = ? AND status = 'pending'`), status, reason, m.ID); err != nil {
			return fmt.Errorf("mark message %s failed: %w", m.ID, mapErr(err))
		}
		if m.RequestID == 0 {
			return nil
		}
		return db.changeCross(ctx, tx, m.RequestID, at, "crossprov.send_failed", func(r *crossprov.Request) bool {
			r.Retries++
			r.Reason = "发送失败：" + reason
			if giveUp && !r.Status.Final() {
				r.Status = crossprov.StatusFailed
			}
			return true
		})
	})
}

// changeCross reads request id in tx, lets change alter it, and writes
// it back with its audit event (nothing if change returns false).
func (db *DB) changeCross(ctx context.Context, tx *sql.Tx, id int64, at time.Time, action string, change func(*crossprov.Request) bool) error {
	r, err := queryOne(ctx, db, tx, "cross-province request", id, scanCross, `SELECT `+crossCols+` FROM crossprov_requests WHERE id = ?`, id)
	if err != nil {
		return err
	}
	if !change(r) {
		return nil
	}
	return db.updateCross(ctx, tx, r, at, action)
}

// updateCross writes r's state, if its version is the stored one, with
// its audit event.
func (db *DB) updateCross(ctx context.Context, tx *sql.Tx, r *crossprov.Request, at time.Time, action string) error {
	var answer string
	if len(r.Answer) > 0 {
		answer = string(r.Answer)
	}
	res, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_requests SET status = ?, reason = ?, retries = ?, on_date = ?, balance = ?, pooled = ?,
		months = ?, record_ref = ?, answer = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`),
		string(r.Status), r.Reason, r.Retries, r.On, int64(r.Balance), int64(r.Pooled), r.Months, r.RecordRef, answer, db.ts(at), r.ID, r.Version)
	if err != nil {
		return fmt.Errorf("update cross-province request %d: %w", r.ID, mapErr(err))
	}
	if err := db.checkUpdated(ctx, tx, res, "crossprov_requests", r.ID, r.Version); err != nil {
		return err
	}
	r.Version++
	r.UpdatedAt = at
	fields := append(crossFields(r), "reason="+r.Reason)
	if r.RecordRef != "" {
		fields = append(fields, "record="+r.RecordRef)
	}
	return db.audited(ctx, tx, action, "cross_province_request", r.ID, string(r.RegionCode), r, fields)
}

// ClaimInbound implements crossprov.Store: the insert is ignored for a
// message ID recorded before, and the claim is an update that only one
// receiver wins.
func (db *DB) ClaimInbound(ctx context.Context, m crossprov.InMessage, now, until time.Time) (crossprov.Claim, error) {
	var claim crossprov.Claim
	err := db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO crossprov_messages (message_id, direction, kind, correlation_id, doc, status, created_at)
			VALUES (?, 'inbound', ?, ?, ?, 'received', ?) ON CONFLICT (message_id) DO NOTHING`),
			m.ID, string(m.Kind), m.CorrelationID, string(m.Doc), db.ts(at)); err != nil {
			return fmt.Errorf("record message %s: %w", m.ID, mapErr(err))
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_messages SET claimed_until = ?, attempts = attempts + 1
			WHERE message_id = ? AND direction = 'inbound' AND status = 'received' AND claimed_until < ?`), until.UnixMilli(), m.ID, now.UnixMilli())
		if err != nil {
			return fmt.Errorf("claim message %s: %w", m.ID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 1 {
			claim = crossprov.Claimed
			return nil
		}
		var status, dir string
		if err := tx.QueryRowContext(ctx, db.q(`SELECT status, direction FROM crossprov_messages WHERE message_id = ?`), m.ID).Scan(&status, &dir); err != nil {
			return fmt.Errorf("claim message %s: %w", m.ID, err)
		}
		switch {
		case dir != "inbound":
			return fault.Errorf(fault.Invalid, "message %s is one this agency sent", m.ID)
		case status == "processed":
			claim = crossprov.Processed
		default:
			claim = crossprov.Busy
		}
		return nil
	})
	return claim, err
}

// FinishInbound implements crossprov.Store.
func (db *DB) FinishInbound(ctx context.Context, messageID, outcome string, r *crossprov.Request, task *crossprov.Task, out []crossprov.OutMessage) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		at := db.now()
		var req any
		if r != nil && r.ID > 0 {
			req = r.ID
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_messages SET status = 'processed', outcome = ?, request_id = COALESCE(CAST(? AS BIGINT), request_id), done_at = ?
			WHERE message_id = ? AND direction = 'inbound' AND status = 'received'`), outcome, req, db.ts(at), messageID)
		if err != nil {
			return fmt.Errorf("finish message %s: %w", messageID, mapErr(err))
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return fault.Errorf(fault.Conflict, "message %s was processed meanwhile", messageID)
		}
		if task != nil {
			if err := db.insertCrossTask(ctx, tx, task, at); err != nil {
				return err
			}
		}
		if r != nil && r.ID == 0 {
			// A request from another province, recorded as it is
			// answered.
			if err := db.insertCross(ctx, tx, r, at); err != nil {
				return err
			}
			for i := range out {
				out[i].RequestID = r.ID
			}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE crossprov_messages SET request_id = ? WHERE message_id = ?`), r.ID, messageID); err != nil {
				return fmt.Errorf("finish message %s: %w", messageID, mapErr(err))
			}
			return db.insertOutMessages(ctx, tx, at, out)
		}
		if err := db.insertOutMessages(ctx, tx, at, out); err != nil {
			return err
		}
		if r != nil {
			return db.updateCross(ctx, tx, r, at, "crossprov."+string(r.Status))
		}
		return db.audited(ctx, tx, "crossprov.message_received", "cross_province_message", messageID, "", nil, []string{"outcome=" + outcome})
	})
}
