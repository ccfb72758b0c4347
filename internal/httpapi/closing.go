package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
)

// closingRoutes are the routes of an employer's closing (单位注销).
func (s *server) closingRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/organisations/{id}/closing", op: "closeOrganisation", handler: s.handleCloseOrganisation, tag: "insurance",
			summary: "Close an employer (单位注销), all or nothing: its arrears listed, every enrolment of its staff terminated from the closing month, " +
				"its open employment spells ended; a closed employer enrols nobody (409 when closed already or at another version)",
			params: organisationParams{}, body: closingRequest{}, status: http.StatusCreated, resp: closingResponse{}},
		{method: "GET", path: "/api/v1/organisations/{id}/closing", op: "getOrganisationClosing", handler: s.handleGetClosing, tag: "insurance",
			summary: "Read the closing decision of a closed employer", params: organisationParams{}, status: http.StatusOK, resp: closingResponse{}},
	}
}

// closingRequest is the body of POST /api/v1/organisations/{id}/closing.
type closingRequest struct {
	On      string `json:"on" required:"true" format:"date" description:"the closing date (not after today); enrolments are covered to the month before"`
	Reason  string `json:"reason" required:"true" description:"why the employer is closed, e.g. 市场监管部门注销登记" example:"市场监管部门注销登记"`
	Version int64  `json:"version" required:"true" minimum:"1" description:"the organisation's version"`
}

// closingArrearsResponse is a month the employer left unpaid.
type closingArrearsResponse struct {
	Period  string `json:"period" example:"2026-05"`
	Scheme  string `json:"scheme"`
	Due     int64  `json:"due" description:"fen"`
	Paid    int64  `json:"paid" description:"fen"`
	Arrears int64  `json:"arrears" description:"fen"`
}

// closingResponse is an employer's closing decision.
type closingResponse struct {
	OrgID        int64                    `json:"org_id"`
	RegionCode   string                   `json:"region_code"`
	On           string                   `json:"on" format:"date" description:"the closing date"`
	Month        string                   `json:"month" description:"the first month no enrolment of the employer covers" example:"2026-06"`
	Reason       string                   `json:"reason"`
	Arrears      []closingArrearsResponse `json:"arrears" required:"true" nullable:"false" description:"the months with less paid than due, listed for recovery from the liquidation"`
	ArrearsTotal int64                    `json:"arrears_total" description:"fen"`
	Terminated   []int64                  `json:"terminated" required:"true" nullable:"false" description:"the enrolments terminated"`
	Separated    int                      `json:"separated" description:"open employment spells ended on the closing date"`
	ClosedBy     int64                    `json:"closed_by"`
}

func closingOf(c *insurance.Closing) closingResponse {
	out := closingResponse{OrgID: int64(c.OrgID), RegionCode: string(c.RegionCode), On: dateString(c.On), Month: c.Month.String(), Reason: c.Reason,
		Arrears: []closingArrearsResponse{}, ArrearsTotal: int64(c.ArrearsTotal), Terminated: []int64{}, Separated: c.Separated, ClosedBy: c.ClosedBy}
	for _, r := range c.Arrears {
		out.Arrears = append(out.Arrears, closingArrearsResponse{Period: r.Period.String(), Scheme: string(r.Scheme), Due: int64(r.Due),
			Paid: int64(r.Paid), Arrears: int64(r.Arrears)})
	}
	for _, id := range c.Terminated {
		out.Terminated = append(out.Terminated, int64(id))
	}
	return out
}

func (s *server) handleCloseOrganisation(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[organisationParams, closingRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	on := dateField(&pr, "on", req.On)
	if err := pr.Err("invalid closing"); err != nil {
		return err
	}
	c, err := s.closing.Close(r.Context(), p.ID, req.Version, on, req.Reason)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/organisations/"+strconv.FormatInt(int64(p.ID), 10)+"/closing")
	reply(w, r, http.StatusCreated, closingOf(c))
	return nil
}

func (s *server) handleGetClosing(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[organisationParams](r)
	if err != nil {
		return err
	}
	c, err := s.closing.FindClosing(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, closingOf(c))
	return nil
}
