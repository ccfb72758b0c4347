package httpapi

import "net/http"

// transferRoutes are the routes of a pending transfer-in's second user
// (maker-checker).
func (s *server) transferRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/transfers/{id}/decision", handler: decide(s.acc.DecideTransfer, transferOf), tag: "accounts",
			summary: "Approve or reject a pending transfer-in, by a user with decision.approve who did not record it; an approval credits the account",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: transferResponse{}},
	}
}
