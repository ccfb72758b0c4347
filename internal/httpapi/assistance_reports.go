package httpapi

import (
	"net/http"

	"safetynet/internal/assistance"
)

// assistanceReportRoutes are the routes of the assistance reports.
func (s *server) assistanceReportRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/reports/assistance", op: "getAssistanceReport", handler: s.handleAssistanceReport, tag: "assistance",
			summary: "Beneficiaries and amounts by programme, county, layer and month, with totals over the range as published", params: reportParams{},
			status: http.StatusOK, resp: assistanceReport{}},
	}
}

type reportRowResponse struct {
	Period        string `json:"period,omitempty"`
	Programme     string `json:"programme"`
	County        string `json:"county,omitempty"`
	Layer         string `json:"layer,omitempty"`
	Beneficiaries int    `json:"beneficiaries" description:"distinct persons (person programmes) or households"`
	LastMonth     int    `json:"last_month,omitempty" description:"in totals: beneficiaries paid in the range's last month (the year-end count)"`
	Lines         int    `json:"lines"`
	Amount        int64  `json:"amount" description:"fen"`
}

// assistanceReport is the body of GET /api/v1/reports/assistance: its
// totals are over the whole range, as published.
type assistanceReport = reportResponse[reportRowResponse, []reportRowResponse]

func reportRowOf(rr assistance.ReportRow) reportRowResponse {
	return reportRowResponse{Period: monthString(rr.Period), Programme: rr.Programme, County: string(rr.County), Layer: string(rr.Layer),
		Beneficiaries: rr.Beneficiaries, LastMonth: rr.LastMonth, Lines: rr.Lines, Amount: int64(rr.Amount)}
}

func (s *server) handleAssistanceReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readReportPeriod(r)
	if err != nil {
		return err
	}
	rep, err := s.asst.Report(r.Context(), p.From, p.To, p.Region)
	if err != nil {
		return err
	}
	out := newReport[reportRowResponse, []reportRowResponse]("assistance", p)
	out.Totals = []reportRowResponse{}
	for _, rr := range rep.Rows {
		out.Rows = append(out.Rows, reportRowOf(rr))
	}
	for _, rr := range rep.Totals {
		out.Totals = append(out.Totals, reportRowOf(rr))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
