package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

var _ insurance.ClosingStore = (*DB)(nil)

// CloseOrganisation implements insurance.ClosingStore in one transaction:
// the organisation's row is changed first (on PostgreSQL that locks it
// until the end), then its enrolments are read, terminated and stored
// one by one with their audit events, its open employment spells ended
// and the closing decision stored. Nothing is visible half-closed.
func (db *DB) CloseOrganisation(ctx context.Context, id registry.OrgID, version int64, c *insurance.Closing, terminate func(e *insurance.Enrolment) error) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, db.q(`UPDATE organisations SET status = 'closed', closed_on = ?, close_reason = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ? AND status = 'active'`), c.On, c.Reason, db.ts(db.now()), int64(id), version)
		if err != nil {
			return fmt.Errorf("close organisation %d: %w", id, mapErr(err))
		}
		if err := db.checkUpdated(ctx, tx, res, "organisations", int64(id), version); err != nil {
			return err
		}
		ens, err := queryAll(ctx, db, tx, "enrolments of a closing employer", func(rows scanner) (*insurance.Enrolment, error) {
			e := &insurance.Enrolment{}
			return e, scanEnrolment(rows, e)
		}, "SELECT "+enrolmentColumns+" FROM enrolments e WHERE e.org_id = ? AND e.status <> 'terminated' ORDER BY e.id", int64(id))
		if err != nil {
			return err
		}
		c.Terminated = make([]insurance.EnrolmentID, 0, len(ens))
		for _, e := range ens {
			if err := terminate(e); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, db.q(`UPDATE enrolments SET end_month = ?, status = ?, reason = ?, version = version + 1 WHERE id = ? AND version = ?`),
				e.End, e.Status, e.Reason, int64(e.ID), e.Version)
			if err != nil {
				return fmt.Errorf("terminate enrolment %d: %w", e.ID, mapErr(err))
			}
			if err := db.checkUpdated(ctx, tx, res, "enrolments", int64(e.ID), e.Version); err != nil {
				return err
			}
			e.Version++
			if err := db.audited(ctx, tx, "enrolment.terminate", "enrolment", e.ID, string(e.RegionCode), e,
				[]string{"status=" + string(e.Status), "end=" + e.End.String(), "reason=" + e.Reason}); err != nil {
				return err
			}
			c.Terminated = append(c.Terminated, e.ID)
		}
		res, err = tx.ExecContext(ctx, db.q(`UPDATE employment SET end_date = ?, separation = 'involuntary', version = version + 1
			WHERE org_id = ? AND end_date IS NULL AND start_date <= ?`), c.On, int64(id), c.On)
		if err != nil {
			return fmt.Errorf("end the employment spells of organisation %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		c.Separated = int(n)
		raw, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("closing of organisation %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE organisations SET closing = ? WHERE id = ?`), string(raw), int64(id)); err != nil {
			return fmt.Errorf("closing of organisation %d: %w", id, err)
		}
		return db.audited(ctx, tx, "organisation.close", "organisation", id, string(c.RegionCode), c,
			[]string{"closed_on=" + c.On.String(), "terminated=" + strconv.Itoa(len(c.Terminated)), "arrears=" + strconv.FormatInt(int64(c.ArrearsTotal), 10)})
	})
}

// OrganisationClosing implements insurance.ClosingStore.
func (db *DB) OrganisationClosing(ctx context.Context, id registry.OrgID) (*insurance.Closing, error) {
	var raw string
	err := db.r.QueryRowContext(ctx, db.q(`SELECT closing FROM organisations WHERE id = ? AND status = 'closed'`), int64(id)).Scan(&raw)
	if err != nil {
		return nil, notFound(err, "closing of organisation", id)
	}
	c := &insurance.Closing{}
	if err := json.Unmarshal([]byte(raw), c); err != nil {
		return nil, fault.Wrap(fault.Internal, err, "closing of organisation %d", id)
	}
	return c, nil
}
