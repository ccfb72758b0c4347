// The case list read model of the staff console: assistance cases of a
// region subtree with the name of the household's head joined in one
// query, filtered as the console's work lists need (a status, the virtual
// "to approve" of the home queue, objections pending, a public notice
// running in a period), paged by key. It does no permission check: the
// caller narrows the region to the principal's scope.

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

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
	// The page of cases is chosen first and only its rows are joined to
	// the names: over a prefecture's cases, joining every case in scope
	// before the limit took a third of a second (BenchmarkConsolePages).
	return queryAll(ctx, db, db.r, "list case rows", func(row scanner) (CaseRow, error) {
		var r CaseRow
		err := row.Scan(&r.ID, &r.Programme, &r.HouseholdID, &r.PersonID, &r.RegionCode, &r.Status, &r.AppliedOn, &r.Amount,
			&r.Eligible, &r.FastTrack, &r.NoticeFrom, &r.NoticeTo, &r.HeadName, &r.PersonName)
		return r, err
	}, `SELECT c.id, c.programme, c.household_id, c.person_id, c.region_code, c.status, c.applied_on, c.amount,
		c.eligible, c.fast_track, c.notice_from, c.notice_to, COALESCE(hp.name, ''), COALESCE(pp.name, '')
		FROM (SELECT * FROM assistance_cases c`+w.sql()+` ORDER BY c.id LIMIT ?) c
		LEFT JOIN household_members hm ON hm.household_id = c.household_id AND hm.relation = 'head'
		LEFT JOIN persons hp ON hp.id = hm.person_id
		LEFT JOIN persons pp ON pp.id = c.person_id ORDER BY c.id`, append(w.args, limit)...)
}

// awardNameJoin joins an award (alias a) to the name of whom it is for:
// the person of a person's award, the head of a household's.
const awardNameJoin = ` LEFT JOIN persons pp ON pp.id = a.person_id
		LEFT JOIN household_members hm ON hm.household_id = a.household_id AND hm.relation = 'head'
		LEFT JOIN persons hp ON hp.id = hm.person_id`

// AwardNames returns the name of whom each award of ids is for (the person,
// or the household's head), for a page of awards.
func (db *DB) AwardNames(ctx context.Context, ids []assistance.AwardID) (map[assistance.AwardID]string, error) {
	out := make(map[assistance.AwardID]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	if len(ids) > registry.PageMax {
		return nil, fmt.Errorf("award names: %d awards, at most a page of %d", len(ids), registry.PageMax)
	}
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "?", int64(id)
	}
	err := eachRow(ctx, db, db.r, "award names", func(rows *sql.Rows) error {
		var id assistance.AwardID
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		out[id] = name
		return nil
	}, `SELECT a.id, COALESCE(pp.name, hp.name, '') FROM assistance_awards a`+awardNameJoin+
		` WHERE a.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	return out, err
}

// ReviewRow is a review's proposal waiting for a second user, with its
// award and whom it is for.
type ReviewRow struct {
	ID         assistance.ReviewID
	AwardID    assistance.AwardID
	Programme  string
	RegionCode region.Code
	Outcome    assistance.ReviewOutcome
	Amount     money.Fen
	OldAmount  money.Fen
	Reason     string
	ReviewedBy int64
	Name       string
}

// ReviewProposals lists the reviews of the region subtree whose change or
// stop waits for a second user, by key.
func (db *DB) ReviewProposals(ctx context.Context, code region.Code, page registry.Page) ([]ReviewRow, error) {
	var w where
	w.region("r.region_code", code)
	w.add("r.id > ?", page.After)
	w.add("r.outcome IN ('stop_proposed', 'change_proposed')")
	limit := page.Limit
	if limit <= 0 || limit > registry.PageMax {
		limit = registry.PageMax
	}
	return queryAll(ctx, db, db.r, "list review proposals", func(row scanner) (ReviewRow, error) {
		var r ReviewRow
		err := row.Scan(&r.ID, &r.AwardID, &r.Programme, &r.RegionCode, &r.Outcome, &r.Amount, &r.OldAmount, &r.Reason, &r.ReviewedBy, &r.Name)
		return r, err
	}, `SELECT r.id, r.award_id, a.programme, r.region_code, r.outcome, r.amount, r.old_amount, r.reason, r.reviewed_by, COALESCE(pp.name, hp.name, '')
		FROM assistance_reviews r JOIN assistance_awards a ON a.id = r.award_id`+awardNameJoin+w.sql()+` ORDER BY r.id LIMIT ?`, append(w.args, limit)...)
}
