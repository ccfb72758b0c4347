package sqlstore

import (
	"context"
	"crypto/ed25519"
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

func scanAudit(rows scanner) (audit.Event, error) {
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
	return queryAll(ctx, db, db.r, "list audit events", scanAudit, "SELECT "+auditColumns+" FROM audit_events WHERE seq > ? ORDER BY seq LIMIT ?", afterSeq, limit)
}

// AuditReport is the result of verifying the audit chain.
type AuditReport struct {
	Events  int64        `json:"events"`
	HeadSeq int64        `json:"head_seq"`
	Head    string       `json:"head_hash"`
	Break   *audit.Break `json:"break,omitempty"`
	// Anchors is the check of the chain against the signed checkpoints
	// kept outside the database, when they were given.
	Anchors *audit.AnchorReport `json:"anchors,omitempty"`
	// Users lists the user accounts whose current row the trail does not
	// explain: inserted, changed or deleted other than through the
	// audited paths.
	Users []UserFinding `json:"users,omitempty"`
	// Sessions lists the session rows that no sign-in in the trail
	// opened: planted in the database, or moved there from another user.
	Sessions []SessionFinding `json:"sessions,omitempty"`
}

// Intact reports whether the chain holds, passes through every
// checkpoint, and explains every user account and session.
func (r AuditReport) Intact() bool {
	return r.Break == nil && (r.Anchors == nil || len(r.Anchors.Problems) == 0) && len(r.Users) == 0 && len(r.Sessions) == 0
}

// UserFinding is a user account that the audit trail does not explain.
type UserFinding struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Reason   string `json:"reason"`
}

// AuditAnchors are the checkpoints to check the chain against, and the
// public key they must be signed with.
type AuditAnchors struct {
	Lines []audit.CheckpointLine
	Key   ed25519.PublicKey
}

// VerifyAudit walks the whole chain in order, in constant memory, reports
// the first broken link, and cross-checks the user accounts against the
// trail.
func (db *DB) VerifyAudit(ctx context.Context) (AuditReport, error) {
	return db.VerifyAuditAnchored(ctx, nil)
}

// VerifyAuditAnchored is VerifyAudit that also checks the chain against
// signed checkpoints: the chain recomputed from the database must pass
// through every checkpoint's head, or events were deleted (the head moved
// back) or rewritten (and the rest rehashed).
func (db *DB) VerifyAuditAnchored(ctx context.Context, anchors *AuditAnchors) (AuditReport, error) {
	var rep AuditReport
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, fmt.Errorf("verify audit: %w", err)
	}
	defer tx.Rollback()
	if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&rep.HeadSeq, &rep.Head); err != nil {
		return rep, fmt.Errorf("verify audit: read head: %w", err)
	}
	var v audit.Verifier
	if anchors != nil {
		for _, l := range anchors.Lines {
			v.Keep(l.Checkpoint.Seq)
		}
	}
	if err := db.walkAudit(ctx, tx, &v, 0); err != nil {
		return rep, err
	}
	rep.Events, rep.Break = v.Finish(rep.HeadSeq, rep.Head)
	if anchors != nil {
		a := audit.CheckAnchors(anchors.Lines, anchors.Key, v.Hashes(), v.Last(), rep.HeadSeq, rep.Break)
		rep.Anchors = &a
	}
	if rep.Users, err = db.unexplainedUsers(ctx, tx); err != nil {
		return rep, err
	}
	if rep.Sessions, err = db.unexplainedSessions(ctx, tx); err != nil {
		return rep, err
	}
	return rep, nil
}

// walkAudit feeds the events after seq to v, in order, until the chain
// breaks.
func (db *DB) walkAudit(ctx context.Context, tx *sql.Tx, v *audit.Verifier, after int64) error {
	rows, err := tx.QueryContext(ctx, db.q("SELECT "+auditColumns+" FROM audit_events WHERE seq > ? ORDER BY seq"), after)
	if err != nil {
		return fmt.Errorf("verify audit: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return fmt.Errorf("verify audit: scan: %w", err)
		}
		if !v.Add(&e) {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("verify audit: %w", err)
	}
	return nil
}

// AuditHeadSince returns the head of the chain, once the events after the
// trusted head (seq, hash), that of the last checkpoint, are verified to
// chain from it up to the head: a checkpoint never signs a head that does
// not descend from the one before. With seq 0 the whole chain is verified.
// A chain that does not hold is a Conflict naming the break.
func (db *DB) AuditHeadSince(ctx context.Context, seq int64, hash string) (int64, string, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	defer tx.Rollback()
	var headSeq int64
	var head string
	if err := tx.QueryRowContext(ctx, "SELECT seq, hash FROM audit_head WHERE id = 1").Scan(&headSeq, &head); err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	var v audit.Verifier
	v.Resume(seq, hash)
	if err := db.walkAudit(ctx, tx, &v, seq); err != nil {
		return 0, "", err
	}
	if _, brk := v.Finish(headSeq, head); brk != nil {
		return 0, "", fault.Errorf(fault.Conflict, "the audit chain does not hold since event %d: %s", seq, brk.Reason)
	}
	return headSeq, head, nil
}
