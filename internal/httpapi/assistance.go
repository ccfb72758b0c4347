package httpapi

import (
	"net/http"

	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// assistanceRoutes are the routes of social assistance: means tests,
// classification, cases, awards, reviews, payment runs and reports
// (screening's are screeningRoutes).
func (s *server) assistanceRoutes() []route {
	var rs []route
	rs = append(rs, s.meansTestRoutes()...)
	rs = append(rs, s.classificationRoutes()...)
	rs = append(rs, s.caseRoutes()...)
	rs = append(rs, s.assistanceAwardRoutes()...)
	rs = append(rs, s.assistancePaymentRoutes()...)
	rs = append(rs, s.assistanceReportRoutes()...)
	return rs
}

// runRequest is the body of a monthly run over a region.
type runRequest struct {
	Period string `json:"period" required:"true" example:"2025-06" description:"YYYY-MM"`
	Region string `json:"region,omitempty" example:"652301" description:"default your whole scope"`
}

// decodeRun reads the body of a run: its month and region.
func decodeRun(r *http.Request, message string) (period.Month, region.Code, error) {
	req, err := decode[runRequest](r)
	if err != nil {
		return 0, "", err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	code := regionField(&pr, "region", req.Region)
	return m, code, pr.Err(message)
}

func (s *server) today() period.Date { return s.reg.Today() }
