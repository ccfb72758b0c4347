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
	QueueAlertsDue          QueueKey = "alerts_due"           // alerts not yet disposed of, before their due date
	QueueAlertsOverdue      QueueKey = "alerts_overdue"       // alerts not disposed of by their due date
	QueueCasesToApprove     QueueKey = "cases_to_approve"     // cases proposed, or whose public notice has ended
	QueueFastTrackToReview  QueueKey = "fast_track_to_review" // emergency grants waiting for the review after the fact
	QueueScreeningToDecide  QueueKey = "screening_to_decide"  // reviewed screening runs waiting for a second user
	QueueReviewProposals    QueueKey = "review_proposals"     // review proposals (change or stop) waiting for a second user
	QueueBatchesToApprove   QueueKey = "batches_to_approve"   // payment batches made, waiting for approval
	QueueBatchesToExport    QueueKey = "batches_to_export"    // approved batches whose bank file is not made yet
	QueueAccountsToConfirm  QueueKey = "accounts_to_confirm"  // bank accounts requested, waiting for a second user
	QueueIdentityChanges    QueueKey = "identity_changes"     // changes of name or ID number waiting for a second user
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

// QueueKeys returns every kind of work, in a stable order.
func QueueKeys() []QueueKey {
	ks := make([]QueueKey, 0, len(queueCounts))
	for k := range queueCounts {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}
