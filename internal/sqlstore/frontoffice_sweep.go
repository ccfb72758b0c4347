package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"safetynet/internal/frontoffice"
	"safetynet/internal/region"
)

// ClaimCompleting implements frontoffice.SweepStore: the completing
// applications (on the index applications_due, whose first column is the
// status) that nobody holds or whose holder's lease ended, each claimed
// by an UPDATE that rechecks the claim, so that of two sweepers only one
// gets each (PostgreSQL rechecks the row after the other's commit;
// SQLite has one writer).
func (db *DB) ClaimCompleting(ctx context.Context, owner string, now, until time.Time, limit int) ([]*frontoffice.Application, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	var claimed []*frontoffice.Application
	err := db.tx(ctx, func(tx *sql.Tx) error {
		ids, err := queryAll(ctx, db, tx, "completing applications", func(sc scanner) (int64, error) {
			var id int64
			return id, sc.Scan(&id)
		}, `SELECT id FROM applications WHERE status = 'completing' AND (claim_owner = '' OR claim_until < ?) ORDER BY id LIMIT `+
			strconv.Itoa(limit), now.UnixMilli())
		if err != nil {
			return err
		}
		for _, id := range ids {
			res, err := tx.ExecContext(ctx, db.q(`UPDATE applications SET claim_owner = ?, claim_until = ?
				WHERE id = ? AND status = 'completing' AND (claim_owner = '' OR claim_until < ?)`), owner, until.UnixMilli(), id, now.UnixMilli())
			if err != nil {
				return fmt.Errorf("claim application %d: %w", id, mapErr(err))
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n != 1 {
				continue
			}
			a, err := queryOne(ctx, db, tx, "application", id, scanApp, `SELECT `+appCols+` FROM applications WHERE id = ?`, id)
			if err != nil {
				return err
			}
			claimed = append(claimed, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return claimed, nil
}

// ReleaseApplication implements frontoffice.SweepStore.
func (db *DB) ReleaseApplication(ctx context.Context, id int64, owner string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`UPDATE applications SET claim_owner = '', claim_until = 0 WHERE id = ? AND claim_owner = ?`), id, owner)
		return mapErr(err)
	})
}

// DeferredApplications implements frontoffice.SweepStore: a range on
// region_code of the running applications whose document records a
// deferred material, after the key, at most limit.
func (db *DB) DeferredApplications(ctx context.Context, code region.Code, after int64, limit int) ([]*frontoffice.Application, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var w where
	w.region("region_code", code)
	w.add("status IN ('received', 'reviewing', 'approving', 'completing', 'held', 'correction')")
	w.add("doc LIKE ?", `%"how":"deferred"%`)
	if after > 0 {
		w.add("id > ?", after)
	}
	return orEmpty(queryAll(ctx, db, db.r, "applications with deferred materials", scanApp,
		`SELECT `+appCols+` FROM applications`+w.sql()+` ORDER BY id LIMIT `+strconv.Itoa(limit), w.args...))
}

// RemindMaterial implements frontoffice.SweepStore: the notice's
// reference names the application and the material, so it is queued once;
// the event row and the audit event go with it in one transaction.
func (db *DB) RemindMaterial(ctx context.Context, a *frontoffice.Application, material string, n frontoffice.Notice) (bool, error) {
	kind, id := "person", int64(a.PersonID)
	if a.PersonID == 0 {
		kind, id = "organisation", int64(a.OrganisationID)
	}
	if id <= 0 {
		return false, nil
	}
	queued := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`INSERT INTO notices (recipient_kind, recipient_id, region_code, kind, ref, message, status, created_at)
			VALUES (?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (ref) DO NOTHING`), kind, id, string(a.RegionCode), string(n.Kind),
			fmt.Sprintf("application/%s/%s/%s", a.No, n.Kind, material), n.Message, db.ts(db.now()))
		if err != nil {
			return fmt.Errorf("queue the reminder of application %s: %w", a.No, mapErr(err))
		}
		if k, err := res.RowsAffected(); err != nil || k != 1 {
			return err
		}
		queued = true
		actor := actorName(ctx)
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO application_events (application_id, action, from_status, to_status, actor_id, actor_name, at, note)
			VALUES (?, 'remind', ?, ?, 0, ?, ?, ?)`), a.ID, string(a.Status), string(a.Status), actor, db.ts(db.now()), n.Message); err != nil {
			return fmt.Errorf("record the reminder of application %s: %w", a.No, mapErr(err))
		}
		return db.audited(ctx, tx, "application.remind", "application", a.No, string(a.RegionCode),
			map[string]any{"no": a.No, "material": material}, []string{"no=" + a.No, "material=" + material})
	})
	return queued, err
}
