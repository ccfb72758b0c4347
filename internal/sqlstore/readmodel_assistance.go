// The case list read model of the staff console: assistance cases of a
// region subtree with the name of the household's head joined in one
// query, filtered as the console's work lists need (a status, the virtual
// "to approve" of the home queue, objections pending, a public notice
// running in a period), paged by key. It does no permission check: the
// caller narrows the region to the principal's scope.

package sqlstore

import (
	"context"

	"safetynet/internal/assistance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// CaseStatusToApprove is the virtual status of the cases waiting for an
// approver: proposed, or on notice with the notice ended (as
// QueueCasesToApprove counts them).
const CaseStatusToApprove = "to_approve"

// CaseRowFilter selects the rows of the case list.
type CaseRowFilter struct {
	// Region is the subtree, already narrowed to the caller's scope.
	Region    region.Code
	Programme string
	// Status is a case status or CaseStatusToApprove; empty for any.
	Status string
	// AsOf is the date a notice must have ended by for CaseStatusToApprove.
	AsOf period.Date
	// ObjectionsPending keeps only cases with an objection not resolved.
	ObjectionsPending bool
	// NoticeFrom and NoticeTo, when set, keep the cases whose public
	// notice ran on some day of that period.
	NoticeFrom, NoticeTo period.Date
	registry.Page
}

// CaseRow is one case of the list, with its household head's name.
type CaseRow struct {
	ID          assistance.CaseID
	Programme   string
	HouseholdID registry.HouseholdID
	PersonID    registry.PersonID
	RegionCode  region.Code
	Status      assistance.CaseStatus
	AppliedOn   period.Date
	Amount      money.Fen
	Eligible    bool
	FastTrack   bool
	NoticeFrom  period.Date
	NoticeTo    period.Date
	// HeadName is the name of the household's head (户主), empty if the
	// household has none.
	HeadName string
	// PersonName is the name of the person the case is for, if it names one.
	PersonName string
}

// CaseRows lists the cases of f by key, with the names of their heads.
func (db *DB) CaseRows(ctx context.Context, f CaseRowFilter) ([]CaseRow, error) {
	var w where
	w.region("c.region_code", f.Region)
	w.add("c.id > ?", f.After)
	w.text("c.programme", f.Programme)
	switch f.Status {
	case "":
	case CaseStatusToApprove:
		w.add("(c.status = 'proposed' OR (c.status = 'notice' AND c.notice_to < ?))", f.AsOf)
	default:
		w.text("c.status", f.Status)
	}
	if f.ObjectionsPending {
		w.add("EXISTS (SELECT 1 FROM case_objections o WHERE o.case_id = c.id AND o.outcome = 'pending')")
	}
	if !f.NoticeFrom.IsZero() && !f.NoticeTo.IsZero() {
		w.add("c.notice_from IS NOT NULL AND c.notice_from <= ? AND c.notice_to >= ?", f.NoticeTo, f.NoticeFrom)
	}
	limit := f.Limit
	if limit <= 0 || limit > registry.PageMax {
		limit = registry.PageMax
	}
	return queryAll(ctx, db, db.r, "list case rows", func(row scanner) (CaseRow, error) {
		var r CaseRow
		err := row.Scan(&r.ID, &r.Programme, &r.HouseholdID, &r.PersonID, &r.RegionCode, &r.Status, &r.AppliedOn, &r.Amount,
			&r.Eligible, &r.FastTrack, &r.NoticeFrom, &r.NoticeTo, &r.HeadName, &r.PersonName)
		return r, err
	}, `SELECT c.id, c.programme, c.household_id, c.person_id, c.region_code, c.status, c.applied_on, c.amount,
		c.eligible, c.fast_track, c.notice_from, c.notice_to, COALESCE(hp.name, ''), COALESCE(pp.name, '')
		FROM assistance_cases c
		LEFT JOIN household_members hm ON hm.household_id = c.household_id AND hm.relation = 'head'
		LEFT JOIN persons hp ON hp.id = hm.person_id
		LEFT JOIN persons pp ON pp.id = c.person_id`+w.sql()+` ORDER BY c.id LIMIT ?`, append(w.args, limit)...)
}
