package insurance

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// CoverageCounts is what the store counts for one county and month: the
// basis of the coverage report.
type CoverageCounts struct {
	County region.Code
	// Adults counts the living persons aged 16 or over, who may join a
	// pension scheme; Employed those with an employment spell open in the
	// month.
	Adults, Employed int
	// Insured counts the persons with an enrolment covering the month, by
	// scheme.
	Insured map[Scheme]int
	// Payments counts the contributions collected for the month, and
	// Collected sums them (employer and individual), by scheme.
	Payments  map[Scheme]int
	Collected map[Scheme]money.Fen
}

// CoverageRow is one county's line of the coverage report (参保扩面统计).
type CoverageRow struct {
	County    region.Code          `json:"county"`
	Adults    int                  `json:"adults"`
	Employed  int                  `json:"employed"`
	Insured   map[Scheme]int       `json:"insured"`
	Payments  map[Scheme]int       `json:"payments"`
	Collected map[Scheme]money.Fen `json:"collected"`
	// PensionCoverage is the basic pension coverage rate (基本养老保险参保率):
	// persons in the employee or the resident pension over the adults.
	PensionCoverage money.Rate `json:"pension_coverage"`
	// UnemploymentCoverage and WorkInjuryCoverage are the persons insured
	// over the employed.
	UnemploymentCoverage money.Rate `json:"unemployment_coverage"`
	WorkInjuryCoverage   money.Rate `json:"work_injury_coverage"`
}

// CoverageReport is the insured persons by scheme and county, the coverage
// rates and the contributions collected for a month: the figures the
// prefecture publishes.
type CoverageReport struct {
	Period period.Month  `json:"period"`
	Region region.Code   `json:"region"`
	Rows   []CoverageRow `json:"rows"`
	Total  CoverageRow   `json:"total"`
}

// Coverage reports insured persons, coverage rates and contributions
// collected for month m per county of the region subtree, in the caller's
// scope.
func (s *Service) Coverage(ctx context.Context, m period.Month, code region.Code) (*CoverageReport, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid report", Fields: map[string]string{"period": "is required"}}
	}
	code, err := readScope(ctx, code)
	if err != nil {
		return nil, err
	}
	counts, err := s.store.CoverageCounts(ctx, m, code)
	if err != nil {
		return nil, err
	}
	rep := &CoverageReport{Period: m, Region: code, Rows: make([]CoverageRow, 0, len(counts))}
	total := CoverageCounts{County: code, Insured: map[Scheme]int{}, Payments: map[Scheme]int{}, Collected: map[Scheme]money.Fen{}}
	for _, c := range counts {
		rep.Rows = append(rep.Rows, coverageRow(c))
		total.Adults += c.Adults
		total.Employed += c.Employed
		for s, n := range c.Insured {
			total.Insured[s] += n
		}
		for s, n := range c.Payments {
			total.Payments[s] += n
		}
		for s, f := range c.Collected {
			if total.Collected[s], err = money.Add(total.Collected[s], f); err != nil {
				return nil, fmt.Errorf("coverage %s: %s collected: %w", m, s, err)
			}
		}
	}
	slices.SortFunc(rep.Rows, func(a, b CoverageRow) int { return strings.Compare(string(a.County), string(b.County)) })
	rep.Total = coverageRow(total)
	return rep, nil
}

// coverageRow derives the rates from the counts.
func coverageRow(c CoverageCounts) CoverageRow {
	ratio := func(n, of int) money.Rate { return money.RateOf(int64(n), int64(of)) }
	r := CoverageRow{County: c.County, Adults: c.Adults, Employed: c.Employed, Insured: c.Insured, Payments: c.Payments, Collected: c.Collected}
	for _, m := range []*map[Scheme]int{&r.Insured, &r.Payments} {
		if *m == nil {
			*m = map[Scheme]int{}
		}
	}
	if r.Collected == nil {
		r.Collected = map[Scheme]money.Fen{}
	}
	r.PensionCoverage = ratio(r.Insured[EmployeePension]+r.Insured[ResidentPension], r.Adults)
	r.UnemploymentCoverage = ratio(r.Insured[Unemployment], r.Employed)
	r.WorkInjuryCoverage = ratio(r.Insured[WorkInjury], r.Employed)
	return r
}
