package assistance

import (
	"context"
	"slices"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// ReportRow is one line of the assistance report: what a programme paid in
// a county to beneficiaries of a layer, in a month (or over the report's
// months when Period is zero).
type ReportRow struct {
	Period    period.Month `json:"period,omitzero"`
	Programme string       `json:"programme"`
	County    region.Code  `json:"county,omitempty"`
	Layer     Layer        `json:"layer,omitempty"`
	// Beneficiaries counts distinct persons for a person programme and
	// households for a household programme.
	Beneficiaries int `json:"beneficiaries"`
	// LastMonth counts, in a total, the beneficiaries paid in the last
	// month of the range: the year-end count (年末享受人数) the published
	// figures give for a year.
	LastMonth int       `json:"last_month,omitempty"`
	Lines     int       `json:"lines"`
	Amount    money.Fen `json:"amount"`
}

// ReportStore computes the report rows.
type ReportStore interface {
	// ReportRows sums the payment lines of months from through to in the
	// region subtree by month, programme, county and layer.
	ReportRows(ctx context.Context, from, to period.Month, code region.Code) ([]ReportRow, error)
	// ReportTotals sums them over the whole range per programme group:
	// each programme, and each group of ReportGroups under its name, with
	// distinct beneficiaries over the range and in its last month.
	ReportTotals(ctx context.Context, from, to period.Month, code region.Code, groups map[string][]string) ([]ReportRow, error)
}

// ReportGroups are the programmes the published figures count together:
// the two disability subsidies (两项补贴) are published as one figure.
var ReportGroups = map[string][]string{
	"disability_subsidies": {ProgDisabilityLiving, ProgDisabilityCare},
}

// Report is the assistance report of a range of months (救助统计): every
// month's beneficiaries and amounts by programme, county and layer, and the
// totals over the range by programme, the shape of the published figures
// (e.g. "33,700 people aged 80+ received 25.73 million yuan").
type Report struct {
	From   period.Month `json:"from"`
	To     period.Month `json:"to"`
	Region region.Code  `json:"region"`
	Rows   []ReportRow  `json:"rows"`
	Totals []ReportRow  `json:"totals"`
}

// Report reports what was paid for months from through to in the region
// subtree.
func (s *Service) Report(ctx context.Context, from, to period.Month, code region.Code) (*Report, error) {
	var pr fault.Problems
	if from.IsZero() {
		pr.Add("from", "is required")
	}
	if to.IsZero() {
		pr.Add("to", "is required")
	} else if to < from {
		pr.Add("to", "is before from")
	} else if to.Sub(from) >= 120 {
		pr.Add("to", "report at most 120 months at a time")
	}
	if err := pr.Err("invalid report"); err != nil {
		return nil, err
	}
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	rep := &Report{From: from, To: to, Region: code}
	if rep.Rows, err = s.store.ReportRows(ctx, from, to, code); err != nil {
		return nil, err
	}
	if rep.Totals, err = s.store.ReportTotals(ctx, from, to, code, ReportGroups); err != nil {
		return nil, err
	}
	slices.SortFunc(rep.Rows, func(a, b ReportRow) int {
		switch {
		case a.Period != b.Period:
			return a.Period.Sub(b.Period)
		case a.Programme != b.Programme:
			return cmpStr(a.Programme, b.Programme)
		case a.County != b.County:
			return cmpStr(string(a.County), string(b.County))
		}
		return cmpStr(string(a.Layer), string(b.Layer))
	})
	slices.SortFunc(rep.Totals, func(a, b ReportRow) int { return cmpStr(a.Programme, b.Programme) })
	return rep, nil
}

func cmpStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
