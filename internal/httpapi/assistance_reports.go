package httpapi

import (
	"net/http"

	"safetynet/internal/assistance"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// assistanceReportRoutes are the routes of the assistance reports.
func (s *server) assistanceReportRoutes() []route {
	return []route{
		{method: "GET", path: "/api/v1/reports/assistance", op: "getAssistanceReport", handler: s.handleAssistanceReport, tag: "assistance",
			summary: "Beneficiaries and amounts by programme, county, layer and month, with totals over the range as published", params: reportRangeParams{},
			status: http.StatusOK, resp: assistanceReportResponse{}},
	}
}

type reportRangeParams struct {
	From   period.Month `query:"from" required:"true" example:"2024-01"`
	To     period.Month `query:"to" required:"true" example:"2024-12"`
	Region region.Code  `query:"region"`
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

type assistanceReportResponse struct {
	From   string              `json:"from"`
	To     string              `json:"to"`
	Region string              `json:"region"`
	Rows   []reportRowResponse `json:"rows" required:"true" nullable:"false"`
	Totals []reportRowResponse `json:"totals" required:"true" nullable:"false"`
}

func reportRowOf(rr assistance.ReportRow) reportRowResponse {
	return reportRowResponse{Period: monthString(rr.Period), Programme: rr.Programme, County: string(rr.County), Layer: string(rr.Layer),
		Beneficiaries: rr.Beneficiaries, LastMonth: rr.LastMonth, Lines: rr.Lines, Amount: int64(rr.Amount)}
}

func (s *server) handleAssistanceReport(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[reportRangeParams](r)
	if err != nil {
		return err
	}
	from, to, code := p.From, p.To, p.Region
	rep, err := s.asst.Report(r.Context(), from, to, code)
	if err != nil {
		return err
	}
	out := assistanceReportResponse{From: rep.From.String(), To: rep.To.String(), Region: string(rep.Region), Rows: []reportRowResponse{}, Totals: []reportRowResponse{}}
	for _, rr := range rep.Rows {
		out.Rows = append(out.Rows, reportRowOf(rr))
	}
	for _, rr := range rep.Totals {
		out.Totals = append(out.Totals, reportRowOf(rr))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
