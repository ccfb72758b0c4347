package httpapi

import (
	"net/http"
)

// assistancePaymentRoutes are the routes of the monthly assistance payments.
func (s *server) assistancePaymentRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/assistance-runs", op: "runAssistancePayments", handler: s.handleAssistancePay, tag: "assistance",
			summary: "The month's assistance payments: one line per award; the month of a death is paid, the next not; a repeated run writes nothing",
			body:    runRequest{}, status: http.StatusOK, resp: paySummaryResponse{}},
	}
}

type paySummaryResponse struct {
	Period      string                      `json:"period"`
	Region      string                      `json:"region"`
	Lines       int                         `json:"lines"`
	NewLines    int                         `json:"new_lines"`
	Amount      int64                       `json:"amount" description:"fen"`
	ByProgramme map[string]programmeSumResp `json:"by_programme" required:"true" nullable:"false"`
	Stopped     int                         `json:"stopped" description:"awards stopped because their person died"`
}

type programmeSumResp struct {
	Lines  int   `json:"lines"`
	Amount int64 `json:"amount"`
}

func (s *server) handleAssistancePay(w http.ResponseWriter, r *http.Request) error {
	m, code, err := decodeRun(r, "invalid payment run")
	if err != nil {
		return err
	}
	sum, err := s.asst.Pay(r.Context(), m, code)
	if err != nil {
		return err
	}
	out := paySummaryResponse{Period: sum.Period.String(), Region: string(sum.Region), Lines: sum.Lines, NewLines: sum.NewLines,
		Amount: int64(sum.Amount), ByProgramme: map[string]programmeSumResp{}, Stopped: sum.Stopped}
	for p, ps := range sum.ByProgramme {
		out.ByProgramme[p] = programmeSumResp{Lines: ps.Lines, Amount: int64(ps.Amount)}
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
