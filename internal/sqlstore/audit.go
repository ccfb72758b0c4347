package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"safetynet/internal/audit"
	"safetynet/internal/fault"
)

// appendAudit seals ev onto the chain and inserts it, in tx. The head row's
// update serialises concurrent writers on PostgreSQL; SQLite has one writer.
func (db *DB) appendAudit(ctx context.Context, tx *sql.Tx, ev audit.Event) error {
	var seq int64
	var prev string
	// Lock the head first: UPDATE takes the row lock on PostgreSQL.
	if _, err := tx.ExecContext(ctx, "UPDATE audit_head SET seq = seq WHERE id = 1"); err != nil {
		return fmt.Errorf("lock audit head: %w", err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&seq, &prev); err != nil {
		return fmt.Errorf("read audit head: %w", err)
	}
	ev.At = db.now()
	ev.Seal(seq+1, prev)
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO audit_events
		(seq, at, actor_user_id, actor_name, actor_role, action, entity_kind, entity_id, region_code, digest, fields, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		ev.Seq, db.ts(ev.At), ev.Actor.UserID, ev.Actor.Name, ev.Actor.Role, ev.Action, ev.EntityKind, ev.EntityID,
		ev.RegionCode, ev.Digest, strings.Join(ev.Fields, ","), ev.PrevHash, ev.Hash); err != nil {
		return fmt.Errorf("insert audit event: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.q("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1"), ev.Seq, ev.Hash); err != nil {
		return fmt.Errorf("advance audit head: %w", err)
	}
	return nil
}

// audited builds the event for a change and appends it in tx.
func (db *DB) audited(ctx context.Context, tx *sql.Tx, action, kind string, id any, regionCode string, change any, fields []string) error {
	ev, err := audit.NewEvent(ctx, action, kind, fmt.Sprint(id), regionCode, change)
	if err != nil {
		return fault.Wrap(fault.Unauthenticated, err, "no actor for %s", action)
	}
	ev.Fields = fields
	return db.appendAudit(ctx, tx, ev)
}

const auditColumns = `seq, at, actor_user_id, actor_name, actor_role, action, entity_kind, entity_id, region_code, digest, fields, prev_hash, hash`

func scanAudit(rows *sql.Rows) (audit.Event, error) {
	var e audit.Event
	var fields string
	err := rows.Scan(&e.Seq, timeCol{&e.At}, &e.Actor.UserID, &e.Actor.Name, &e.Actor.Role, &e.Action, &e.EntityKind,
		&e.EntityID, &e.RegionCode, &e.Digest, &fields, &e.PrevHash, &e.Hash)
	if fields != "" {
		e.Fields = strings.Split(fields, ",")
	}
	return e, err
}

// AuditEvents returns up to limit events with seq > afterSeq, in order.
func (db *DB) AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]audit.Event, error) {
	rows, err := db.r.QueryContext(ctx, db.q("SELECT "+auditColumns+" FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?"), afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("list audit events: %w", err)
	}
	defer rows.Close()
	var out []audit.Event
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, fmt.Errorf("scan audit event: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditReport is the result of verifying the audit chain.
type AuditReport struct {
	Events  int64        `json:"events"`
	HeadSeq int64        `json:"head_seq"`
	Head    string       `json:"head_hash"`
	Break   *audit.Break `json:"break,omitempty"`
}

// VerifyAudit walks the whole chain in order, in constant memory, and
// reports the first broken link.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	var rep AuditReport
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&rep.HeadSeq, &rep.Head); err != nil {
		return rep, fmt.Errorf("verify audit: read head: %w", err)
	}
	rows, err := tx.QueryContext(ctx, "SELECT "+auditColumns+" FROM audit_events ORDER BY seq")
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	var v audit.Verifier
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return rep, fmt.Errorf("verify audit: scan: %w", err)
		}
		if !v.Add(&e) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	rep.Events, rep.Break = v.Finish(rep.HeadSeq, rep.Head)
	return rep, nil
}
