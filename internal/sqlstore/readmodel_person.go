// The person file's read model: what the console's page of one person
// shows beside the records the services return, each a bounded,
// index-friendly query about one person or household.

package sqlstore

import (
	"context"
	"fmt"
	"strconv"

	"safetynet/internal/audit"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// PersonReads returns who read the file of person id: the person.read
// events of the audit trail (a page opened, or the person listed), newest
// first, at most limit. It does no permission check: the caller shows it
// only to roles that may read the audit trail.
func (db *DB) PersonReads(ctx context.Context, id registry.PersonID, limit int) ([]audit.Event, error) {
	if limit <= 0 {
		limit = 50
	}
	return queryAll(ctx, db, db.r, fmt.Sprintf("reads of person %d", id), scanAudit,
		"SELECT "+auditColumns+" FROM audit_events WHERE entity_kind = 'person' AND entity_id = ? AND action = 'person.read' ORDER BY seq DESC LIMIT ?",
		strconv.FormatInt(int64(id), 10), limit)
}

// HouseholdAlerts returns the monitoring alerts of household h, newest
// first, at most limit. code is the household's region: the query ranges
// over it on the alerts' region index rather than reading every alert. It
// does no permission check: the caller keeps those in its scope.
func (db *DB) HouseholdAlerts(ctx context.Context, h registry.HouseholdID, code region.Code, limit int) ([]*monitoring.Alert, error) {
	if limit <= 0 {
		limit = 50
	}
	var w where
	w.region("a.region_code", code)
	w.add("a.household_id = ?", int64(h))
	return db.listAlerts(ctx, db.r, w.sql()+" ORDER BY a.id DESC LIMIT ?", append(w.args, limit)...)
}

// PersonPayments returns the payment instructions to person id, newest
// first, at most limit, on the index of payees. It does no permission
// check: the caller shows them on the file of a person it has read in its
// scope.
func (db *DB) PersonPayments(ctx context.Context, id registry.PersonID, limit int) ([]*payment.Instruction, error) {
	if limit <= 0 {
		limit = 50
	}
	return queryAll(ctx, db, db.r, fmt.Sprintf("payments to person %d", id), scanInstruction,
		"SELECT "+instructionColumns+" FROM payment_instructions WHERE payee_kind = 'person' AND payee_id = ? ORDER BY id DESC LIMIT ?",
		int64(id), limit)
}
