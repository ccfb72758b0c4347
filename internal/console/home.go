package console

import (
	"net/http"
	"strconv"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
)

func init() {
	register(map[string]msg{
		"queue.wider_screening_to_review": {"待本辖区复核的上级筛查批次", "Wider screening runs with items here to review"},
	})
}

// queueItem is one kind of work on the home page (我的待办): how many wait
// in the post's scope and where to work on them.
type queueItem struct {
	Key    sqlstore.QueueKey
	Count  int64
	Href   string
	Urgent bool
}

// queueWork lists the kinds of work, the permission that works on each
// and the page that lists them, in the order the home page shows them.
var queueWork = []struct {
	key    sqlstore.QueueKey
	perm   auth.Permission
	href   string
	urgent bool
}{
	{sqlstore.QueueAlertsOverdue, auth.PermAssistance, "/monitoring/alerts?state=overdue", true},
	{sqlstore.QueueCasesToInvestigate, auth.PermAssistance, "/assistance/cases?status=applied", false},
	{sqlstore.QueueCasesToAssess, auth.PermAssistance, "/assistance/cases?status=investigated", false},
	{sqlstore.QueueObjections, auth.PermAssistance, "/assistance/cases?objections=pending", false},
	{sqlstore.QueueReviewsDue, auth.PermAssistance, "/assistance/reviews", false},
	{sqlstore.QueueScreeningToReview, auth.PermAssistance, "/screening?status=proposed", false},
	{sqlstore.QueueWiderScreeningToReview, auth.PermAssistance, "/screening#to-review", false},
	{sqlstore.QueueAlertsDue, auth.PermAssistance, "/monitoring/alerts?state=due", false},
	{sqlstore.QueueBatchesToExport, auth.PermPayment, "/payments/batches?status=approved", false},
	{sqlstore.QueueCasesToApprove, auth.PermApprove, "/assistance/cases?status=to_approve", false},
	{sqlstore.QueueFastTrackToReview, auth.PermApprove, "/assistance/cases?status=granted", false},
	{sqlstore.QueueReviewProposals, auth.PermApprove, "/assistance/reviews?status=proposed", false},
	{sqlstore.QueueScreeningToDecide, auth.PermApprove, "/screening?status=reviewed", false},
	{sqlstore.QueueBatchesToApprove, auth.PermApprove, "/payments/batches?status=draft", false},
	{sqlstore.QueueAccountsToConfirm, auth.PermApprove, "/persons/accounts?status=pending", false},
	{sqlstore.QueueIdentityChanges, auth.PermApprove, "/persons/identity-changes?status=pending", false},
	{sqlstore.QueueRatingFollowUpsOpen, auth.PermRatingsFollowUp, "/ratings?state=open", false},
}

// queueCrossTasks is the home page's count of the requests of other
// provinces to handle.
const queueCrossTasks sqlstore.QueueKey = "crossprov_incoming_to_handle"

// homePage is the data of the home page.
type homePage struct {
	AsOf  period.Date
	Items []queueItem
}

// handleHome shows what waits for the signed-in post, counted in its scope
// in one query, each kind linked to the page that works on it.
func (c *Console) handleHome(w http.ResponseWriter, r *http.Request) error {
	pr, _ := auth.PrincipalFrom(r.Context())
	today := c.app.Clock.Today()
	var keys []sqlstore.QueueKey
	for _, q := range queueWork {
		if pr.Can(q.perm) {
			keys = append(keys, q.key)
		}
	}
	counts, err := c.app.Store.WorkQueue(r.Context(), pr.Scope, today, keys)
	if err != nil {
		return err
	}
	data := homePage{AsOf: today}
	for _, q := range queueWork {
		if n, ok := counts[q.key]; ok {
			data.Items = append(data.Items, queueItem{Key: q.key, Count: n, Href: q.href, Urgent: q.urgent && n > 0})
		}
	}
	// The requests of other provinces to handle (跨省通办来件) are counted
	// by the exchange's service, in the post's scope.
	if pr.Can(auth.PermInsurance) && c.app.CrossProvince != nil {
		n, err := c.app.CrossProvince.CountTasksToHandle(r.Context())
		if err != nil {
			return err
		}
		data.Items = append(data.Items, queueItem{Key: queueCrossTasks, Count: int64(n), Href: "/exchange/cross-province"})
	}
	if err := c.applicationQueue(r, pr, &data); err != nil {
		return err
	}
	// The one wider run waiting for the scope's review is linked itself:
	// its page shows the scope's items and the review form.
	if counts[sqlstore.QueueWiderScreeningToReview] == 1 {
		ids, err := c.app.Store.ScreeningRunsToReviewIn(r.Context(), pr.Scope, 1)
		if err != nil {
			return err
		}
		for i := range data.Items {
			if data.Items[i].Key == sqlstore.QueueWiderScreeningToReview && len(ids) == 1 {
				data.Items[i].Href = "/screening/runs/" + strconv.FormatInt(int64(ids[0]), 10)
			}
		}
	}
	p := c.newPage(r, "home")
	p.Title, p.Active, p.Data = p.T("home.title"), "home", data
	c.render(w, r, http.StatusOK, p)
	return nil
}
