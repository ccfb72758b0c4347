package httpapi

import (
	"net/http"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Every GET /api/v1/reports/* takes reportParams and answers one
// reportResponse (docs/conventions.md, API: reports).

// reportParams are the period parameters every report takes: a range of
// months, one month being from=to, and the region reported on.
type reportParams struct {
	From   period.Month `query:"from" required:"true" example:"2025-01" description:"the first month reported, YYYY-MM"`
	To     period.Month `query:"to" required:"true" example:"2025-12" description:"the last month reported, YYYY-MM, not before from; one month is from=to"`
	Region region.Code  `query:"region" example:"652301" description:"the division reported on (its whole subtree); default your whole scope"`
}

// reportPeriod is a report's parsed reportParams.
type reportPeriod struct {
	From, To period.Month
	Region   region.Code
}

// months returns the months of the period, in order.
func (p reportPeriod) months() []period.Month {
	ms := make([]period.Month, 0, p.To.Sub(p.From)+1)
	for m := p.From; m <= p.To; m = m.Add(1) {
		ms = append(ms, m)
	}
	return ms
}

// defaultMaxReportMonths is Config.MaxReportMonths when it is not set.
const defaultMaxReportMonths = 120

// readReportPeriod binds the reportParams of a request; a problem names
// the parameter at fault. A period longer than Config.MaxReportMonths is
// refused.
func (s *server) readReportPeriod(r *http.Request) (reportPeriod, error) {
	b, err := bind[reportParams](r)
	if err != nil {
		return reportPeriod{}, err
	}
	return s.reportPeriod(b)
}

// reportPeriod checks bound reportParams: to not before from, and the
// period no longer than Config.MaxReportMonths.
func (s *server) reportPeriod(b reportParams) (reportPeriod, error) {
	p := reportPeriod{From: b.From, To: b.To, Region: b.Region}
	limit := s.cfg.MaxReportMonths
	if limit <= 0 {
		limit = defaultMaxReportMonths
	}
	var pr fault.Problems
	switch {
	case p.To < p.From:
		pr.Add("to", "is before from %s", p.From)
	case p.To.Sub(p.From)+1 > limit:
		pr.Add("to", "is %d months after from: a report covers at most %d months", p.To.Sub(p.From)+1, limit)
	}
	return p, pr.Err("invalid query parameters")
}

// reportResponse is the one envelope of every report: which report, over
// which region and months, when it was made, its rows and its totals.
type reportResponse[R, T any] struct {
	Report      string `json:"report" example:"assistance" description:"the report's name, the last segment of its path"`
	Region      string `json:"region" description:"the division reported on; empty for your whole scope"`
	From        string `json:"from" example:"2025-01" description:"the first month reported, YYYY-MM"`
	To          string `json:"to" example:"2025-12" description:"the last month reported, YYYY-MM"`
	GeneratedAt string `json:"generated_at" format:"date-time" description:"when the report was made, UTC"`
	Rows        []R    `json:"rows" required:"true" nullable:"false" description:"the report's lines, in a stable order"`
	Totals      T      `json:"totals" required:"true" description:"the report's totals over its rows"`
}

// noTotals is the totals of a report whose rows do not add up (averages,
// counts at month ends).
type noTotals struct{}

// newReport starts the envelope of report name over p.
func newReport[R, T any](name string, p reportPeriod) reportResponse[R, T] {
	return reportResponse[R, T]{Report: name, Region: string(p.Region), From: p.From.String(), To: p.To.String(),
		GeneratedAt: time.Now().UTC().Format(time.RFC3339), Rows: []R{}}
}
