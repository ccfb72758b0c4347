package sqlstore

import (
	"context"
	"time"

	"safetynet/internal/audit"
	"safetynet/internal/region"
)

// AuditFilter selects a page of the audit trail for the console's audit
// page, newest first.
type AuditFilter struct {
	// Scope is the auditor's region subtree: events of regions in it are
	// listed, and events tied to no region only when Unregioned is set
	// (for those who oversee a whole prefecture or province).
	Scope      region.Code
	Unregioned bool
	// Actor is a username; EntityKind, EntityID and Action match exactly;
	// each is ignored when empty.
	Actor      string
	EntityKind string
	EntityID   string
	Action     string
	// Actions, when not empty, selects events of any of these actions.
	Actions []string
	// From and To bound the events' time: From <= at < To; zero is open.
	From, To time.Time
	// Before is the seq of the last event of the previous page (0: from
	// the newest); Limit the page's size.
	Before int64
	Limit  int
}

// AuditTrail returns a page of the audit trail matching f, newest first,
// paged by seq. It does no permission check: the caller checks audit.read
// and sets the scope.
func (db *DB) AuditTrail(ctx context.Context, f AuditFilter) ([]audit.Event, error) {
	var w where
	lo, hi := f.Scope.Range()
	if f.Unregioned {
		w.add("((region_code >= ? AND region_code < ?) OR region_code = '')", lo, hi)
	} else {
		w.add("region_code >= ? AND region_code < ?", lo, hi)
	}
	w.text("actor_name", f.Actor)
	w.text("entity_kind", f.EntityKind)
	w.text("entity_id", f.EntityID)
	w.text("action", f.Action)
	if len(f.Actions) > 0 {
		cond, arg, err := inKeys(db, "action", f.Actions)
		if err != nil {
			return nil, err
		}
		w.add(cond, arg)
	}
	if !f.From.IsZero() {
		w.add("at >= ?", db.ts(f.From))
	}
	if !f.To.IsZero() {
		w.add("at < ?", db.ts(f.To))
	}
	if f.Before > 0 {
		w.add("seq < ?", f.Before)
	}
	return queryAll(ctx, db, db.r, "audit trail", scanAudit,
		"SELECT "+auditColumns+" FROM audit_events"+w.sql()+" ORDER BY seq DESC LIMIT ?", append(w.args, f.Limit)...)
}
