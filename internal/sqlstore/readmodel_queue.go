package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/period"
	"safetynet/internal/region"
)

// QueueKey names one kind of work that waits for somebody: the console's
// home page (我的待办) counts each kind a post works on.
type QueueKey string

// The kinds of work waiting.
const (
	QueueCasesToInvestigate QueueKey = "cases_to_investigate" // 低保/特困 applications waiting for the household investigation
	QueueCasesToAssess      QueueKey = "cases_to_assess"      // investigated, waiting for the assessment
	QueueObjections         QueueKey = "objections"           // objections to a public notice not yet resolved
	QueueReviewsDue         QueueKey = "reviews_due"          // active 低保/特困 awards due for review
	QueueScreeningToReview  QueueKey = "screening_to_review"  // screening runs waiting for a caseworker's review
	// QueueWiderScreeningToReview counts the runs of a wider region (the
	// prefecture's, seen from a county) with items of the scope that wait
	// for its review: the county reviews its part of them, once.
	QueueWiderScreeningToReview QueueKey = "wider_screening_to_review"
	QueueAlertsDue              QueueKey = "alerts_due"           // alerts not yet disposed of, before their due date
	QueueAlertsOverdue          QueueKey = "alerts_overdue"       // alerts not disposed of by their due date
	QueueCasesToApprove         QueueKey = "cases_to_approve"     // cases proposed, or whose public notice has ended
	QueueFastTrackToReview      QueueKey = "fast_track_to_review" // emergency grants waiting for the review after the fact
	QueueScreeningToDecide      QueueKey = "screening_to_decide"  // reviewed screening runs waiting for a second user
	QueueReviewProposals        QueueKey = "review_proposals"     // review proposals (change or stop) waiting for a second user
	QueueBatchesToApprove       QueueKey = "batches_to_approve"   // payment batches made, waiting for approval
	QueueBatchesToExport        QueueKey = "batches_to_export"    // approved batches whose bank file is not made yet
	QueueAccountsToConfirm      QueueKey = "accounts_to_confirm"  // bank accounts requested, waiting for a second user
	QueueIdentityChanges        QueueKey = "identity_changes"     // changes of name or ID number waiting for a second user
)

// queueCounts are the count of each kind of work: the table, its region
// column and the condition (with ? for the as-of date where it has one).
var queueCounts = map[QueueKey]struct {
	from, region, cond string
	asOf               int // how many times the condition reads the as-of date
}{
	QueueCasesToInvestigate: {"assistance_cases", "region_code", "status = 'applied'", 0},
	QueueCasesToAssess:      {"assistance_cases", "region_code", "status = 'investigated'", 0},
	QueueObjections: {"case_objections o JOIN assistance_cases c ON c.id = o.case_id", "c.region_code",
		"o.outcome = 'pending'", 0},
	QueueReviewsDue:        {"assistance_awards", "region_code", "status = 'active' AND review_due <= ?", 1},
	QueueScreeningToReview: {"screening_runs", "region_code", "status = 'proposed'", 0},
	QueueAlertsDue:         {"alerts", "region_code", "status <> 'closed' AND due_on >= ?", 1},
	QueueAlertsOverdue:     {"alerts", "region_code", "status <> 'closed' AND due_on < ?", 1},
	QueueCasesToApprove: {"assistance_cases", "region_code",
		"(status = 'proposed' OR (status = 'notice' AND notice_to < ?))", 1},
	QueueFastTrackToReview: {"assistance_cases", "region_code", "status = 'granted'", 0},
	QueueScreeningToDecide: {"screening_runs", "region_code", "status = 'reviewed'", 0},
	QueueReviewProposals: {"assistance_reviews", "region_code",
		"outcome IN ('stop_proposed', 'change_proposed')", 0},
	QueueBatchesToApprove:  {"payment_batches", "region_code", "status = 'draft'", 0},
	QueueBatchesToExport:   {"payment_batches", "region_code", "status = 'approved'", 0},
	QueueAccountsToConfirm: {"bank_accounts", "region_code", "status = 'pending'", 0},
	QueueIdentityChanges:   {"identity_changes", "region_code", "status = 'pending'", 0},
}

// WorkQueue counts each kind of work of keys waiting in the region subtree
// code as of the date asOf, in one query. It does no permission check: the
// caller shows a post only the work its role may do.
func (db *DB) WorkQueue(ctx context.Context, code region.Code, asOf period.Date, keys []QueueKey) (map[QueueKey]int64, error) {
	if len(keys) == 0 {
		return map[QueueKey]int64{}, nil
	}
	lo, hi := code.Range()
	var cols []string
	var args []any
	for _, k := range keys {
		if k == QueueWiderScreeningToReview {
			col, a := widerRunsToReview(code)
			cols, args = append(cols, col), append(args, a...)
			continue
		}
		q, ok := queueCounts[k]
		if !ok {
			return nil, fmt.Errorf("no such kind of work %q", k)
		}
		cols = append(cols, "(SELECT COUNT(*) FROM "+q.from+" WHERE "+q.region+" >= ? AND "+q.region+" < ? AND "+q.cond+")")
		args = append(args, lo, hi)
		for range q.asOf {
			args = append(args, asOf)
		}
	}
	counts := make([]int64, len(keys))
	dest := make([]any, len(keys))
	for i := range counts {
		dest[i] = &counts[i]
	}
	if err := db.r.QueryRowContext(ctx, db.q("SELECT "+strings.Join(cols, ", ")), args...).Scan(dest...); err != nil {
		return nil, fmt.Errorf("count the work waiting: %w", err)
	}
	out := make(map[QueueKey]int64, len(keys))
	for i, k := range keys {
		out[k] = counts[i]
	}
	return out, nil
}

// widerRunsToReview is the count of QueueWiderScreeningToReview in the
// scope code, as a column of WorkQueue's query, and its arguments: the
// proposed runs of the regions above code (at most three: a township's
// county, prefecture and province) with an item in code's subtree not yet
// reviewed. The runs are found among the open ones of those regions, and
// only their own items are read, by the items' primary key (run_id, seq)
// until the first one unreviewed in the scope: a run's items, never the
// whole table. ScreeningRunsToReviewIn lists the same runs.
func widerRunsToReview(code region.Code) (string, []any) {
	var args []any
	for c := code.Parent(); c != ""; c = c.Parent() {
		args = append(args, string(c))
	}
	if len(args) == 0 {
		return "0", nil
	}
	lo, hi := code.Range()
	args = append(args, lo, hi)
	return `(SELECT COUNT(*) FROM screening_runs r
		WHERE r.region_code IN (?` + strings.Repeat(", ?", len(args)-3) + `) AND r.status = 'proposed' AND r.superseded_by = 0
			AND EXISTS (SELECT 1 FROM screening_items i WHERE i.run_id = r.id AND i.region_code >= ? AND i.region_code < ? AND i.reviewed_by = 0))`, args
}

// QueueKeys returns every kind of work, in a stable order.
func QueueKeys() []QueueKey {
	ks := make([]QueueKey, 0, len(queueCounts)+1)
	ks = append(ks, QueueWiderScreeningToReview)
	for k := range queueCounts {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
