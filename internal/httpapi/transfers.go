package httpapi

import (
	"net/http"

	"safetynet/internal/insurance"
	"safetynet/internal/region"
)

// transferRoutes are the routes of a pending transfer-in's second user
// (maker-checker).
func (s *server) transferRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/transfers/pending", op: "listPendingTransfers", handler: s.handlePendingTransfers, tag: "accounts",
			summary: "Transfers-in waiting for a second user (above limits.transfer_in.review_above), oldest first, for a user with decision.approve",
			params:  pendingTransferParams{}, status: http.StatusOK, resp: listResponse[transferResponse]{}},
		{method: "POST", path: "/api/v1/transfers/{id}/decision", op: "decideTransfer", handler: decide(s.acc.DecideTransfer, transferOf), tag: "accounts",
			summary: "Approve or reject a pending transfer-in, by a user with decision.approve who did not record it; an approval credits the account",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: transferResponse{}},
	}
}

// pendingTransferParams are the filters of GET /api/v1/transfers/pending.
type pendingTransferParams struct {
	Region region.Code `query:"region" description:"region subtree; default your whole scope"`
	pageParams
}

func (s *server) handlePendingTransfers(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[pendingTransferParams](r)
	if err != nil {
		return err
	}
	code := p.Region
	page := p.page()
	ts, err := s.acc.PendingTransfers(r.Context(), code)
	if err != nil {
		return err
	}
	// The pending transfers are few: read whole, paged by position.
	ptrs := make([]*insurance.Transfer, len(ts))
	for i := range ts {
		ptrs[i] = &ts[i]
	}
	reply(w, r, http.StatusOK, wholePage(ptrs, page, transferOf))
	return nil
}
