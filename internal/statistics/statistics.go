// Package statistics summarises the published figures of a month once
// (coverage, contributions, pensions, assistance, low-income layers and
// refunds, per county) into stored rows, which the dashboards read
// instead of running the month-end reports over the whole population
// (docs/statistics.md).
//
// Only counts and sums in fen are stored, so that counties and months add
// up and averages and rates are recomputed exactly from them.
package statistics

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Topic names what a stored figure counts; the keys and the meaning of
// the counts and sums of a Figure depend on it.
type Topic string

// The topics of the stored figures.
const (
	// Coverage: Count1 adults, Count2 employed.
	Coverage Topic = "coverage"
	// Insured (Key1 scheme): Count1 insured persons, Count2 contributions,
	// Fen1 collected.
	Insured Topic = "insured"
	// Pension (Key1 scheme): Count1 awards, Fen1 the amounts before the
	// year's adjustment, Fen2 that adjustment.
	Pension Topic = "pension"
	// Assistance (Key1 programme, Key2 layer): Count1 beneficiaries of the
	// month, Count2 payment lines, Fen1 amount.
	Assistance Topic = "assistance"
	// AssistanceTotal (Key1 programme or group of assistance.ReportGroups):
	// Count1 distinct beneficiaries of the month, Count2 payment lines,
	// Fen1 amount.
	AssistanceTotal Topic = "assistance_total"
	// Layer (Key1 layer): Count1 households, Count2 persons, Fen1 the
	// monthly 低保.
	Layer Topic = "layer"
	// Refund (Key1 refund year, Key2 batch): Count1 enterprises, Fen1
	// amount, of the refunds decided in the month.
	Refund Topic = "refund"
)

// Figure is one stored row of a month's figures for one county.
type Figure struct {
	Period period.Month
	// County is the county the figure counts (the township itself, for
	// the figures Figures computes live for a township).
	County         region.Code
	Topic          Topic
	Key1, Key2     string
	Count1, Count2 int64
	Fen1, Fen2     money.Fen
}

// Month is the record of a summarised month.
type Month struct {
	Period period.Month
	// Version counts the summaries of the month.
	Version int64
	// SummarisedAt and SummarisedBy say when and by whom the stored
	// figures were summarised (zero when never); Rows counts them.
	SummarisedAt time.Time
	SummarisedBy string
	Rows         int
	// ClaimOwner names the summary running now, if any, until ClaimUntil.
	ClaimOwner string
	ClaimUntil time.Time
}

// Summarised reports whether the month has stored figures.
func (m Month) Summarised() bool { return m.Version > 0 }

// Store reads the report queries and keeps the stored figures.
type Store interface {
	// CoverageCounts, PensionTotals, ReportRows, ReportTotals and
	// LayerCounts are the queries of the month-end reports (see
	// insurance and assistance).
	CoverageCounts(ctx context.Context, m period.Month, code region.Code) ([]insurance.CoverageCounts, error)
	PensionTotals(ctx context.Context, m period.Month, code region.Code) ([]insurance.PensionTotal, error)
	ReportRows(ctx context.Context, from, to period.Month, code region.Code) ([]assistance.ReportRow, error)
	ReportTotals(ctx context.Context, from, to period.Month, code region.Code, groups map[string][]string) ([]assistance.ReportRow, error)
	LayerCounts(ctx context.Context, m period.Month, code region.Code) ([]assistance.LayerCount, error)
	// RefundsOfMonth sums the refunds decided in month m in the region
	// subtree by refund year, batch and county.
	RefundsOfMonth(ctx context.Context, m period.Month, code region.Code) ([]insurance.BatchTotal, error)

	// StatisticsMonths returns the records of the months from through to
	// that have one, in order.
	StatisticsMonths(ctx context.Context, from, to period.Month) ([]Month, error)
	// ClaimStatisticsMonth claims month m for owner until the given time
	// if the month is at version and no live claim holds it (creating
	// its record at version 0 first); false when it could not.
	ClaimStatisticsMonth(ctx context.Context, m period.Month, version int64, owner string, now, until time.Time) (bool, error)
	// ReleaseStatisticsMonth drops owner's claim of m.
	ReleaseStatisticsMonth(ctx context.Context, m period.Month, owner string) error
	// SaveStatisticsMonth replaces the figures of m with figs, advances
	// its version, records who summarised it and drops owner's claim, in
	// one transaction with its audit event; Conflict if owner no longer
	// holds the claim.
	SaveStatisticsMonth(ctx context.Context, m period.Month, owner string, figs []Figure) error
	// StatisticsFigures returns the stored figures of the months from
	// through to of the counties in the region subtree code.
	StatisticsFigures(ctx context.Context, from, to period.Month, code region.Code) ([]Figure, error)
}

// DefaultClaimTTL is how long a summary's claim of a month lasts unless
// Service.ClaimTTL says otherwise: a summary that has not finished by
// then is taken to have died, and the month may be summarised again.
const DefaultClaimTTL = 30 * time.Minute

// Service summarises months and reads the stored figures.
type Service struct {
	store Store
	juris region.Jurisdiction
	clock clock.Clock
	// Worker names this process in the claims (host:pid by default).
	Worker string
	// ClaimTTL is how long a claim lasts (DefaultClaimTTL when 0).
	ClaimTTL time.Duration
	seq      atomic.Int64
	// hook, set by the package's tests only, is called at each stage of a
	// summary ("read": the month's version read; "claimed").
	hook func(ctx context.Context, stage string)
}

// at calls the test hook, if any, at stage.
func (s *Service) at(ctx context.Context, stage string) {
	if s.hook != nil {
		s.hook(ctx, stage)
	}
}

// NewService returns the statistics service over store in jurisdiction j.
func NewService(store Store, j region.Jurisdiction, clk clock.Clock) *Service {
	host, _ := os.Hostname()
	return &Service{store: store, juris: j, clock: clk, Worker: host + ":" + strconv.Itoa(os.Getpid())}
}

// Result is what a summary of a month did.
type Result struct {
	Period period.Month
	// Rows counts the figures stored for the month.
	Rows int
	// Skipped says another summary, started at the same time, did the
	// work: this one wrote nothing.
	Skipped bool
	Elapsed time.Duration
}

// requireSummarise returns the principal if it may summarise: the
// statistics.summarise permission over the whole jurisdiction.
func (s *Service) requireSummarise(ctx context.Context) (auth.Principal, error) {
	p, err := auth.Require(ctx, auth.PermStatistics)
	if err != nil {
		return p, err
	}
	if !p.Scope.Contains(s.juris.Home) {
		return p, fault.Errorf(fault.Forbidden, "summarising the statistics needs a post over the whole %s", s.juris.Home)
	}
	return p, nil
}

// CanSummarise reports whether the principal in ctx may summarise.
func (s *Service) CanSummarise(ctx context.Context) bool {
	_, err := s.requireSummarise(ctx)
	return err == nil
}

// Summarise computes the published figures of month m for the whole
// jurisdiction through the report queries and replaces the month's stored
// figures with them in one transaction with its audit event. Two summaries
// of a month started at the same time do the work once: the second finds
// the month claimed (Conflict) or already summarised since it started
// (Skipped). A summary that fails leaves the old figures.
func (s *Service) Summarise(ctx context.Context, m period.Month) (Result, error) {
	start := time.Now()
	res := Result{Period: m}
	if m.IsZero() {
		return res, &fault.Error{Code: fault.Invalid, Message: "invalid summary", Fields: map[string]string{"month": "is required"}}
	}
	if _, err := s.requireSummarise(ctx); err != nil {
		return res, err
	}
	before, err := s.month(ctx, m)
	if err != nil {
		return res, err
	}
	s.at(ctx, "read")
	owner := fmt.Sprintf("%s#%d", s.Worker, s.seq.Add(1))
	ttl := s.ClaimTTL
	if ttl <= 0 {
		ttl = DefaultClaimTTL
	}
	now := s.clock.Now()
	ok, err := s.store.ClaimStatisticsMonth(ctx, m, before.Version, owner, now, now.Add(ttl))
	if err != nil {
		return res, err
	}
	if !ok {
		cur, err := s.month(ctx, m)
		if err != nil {
			return res, err
		}
		if cur.Version > before.Version {
			res.Skipped, res.Rows, res.Elapsed = true, cur.Rows, time.Since(start)
			return res, nil
		}
		return res, fault.Errorf(fault.Conflict, "the statistics of %s are being summarised by %s", m, cur.ClaimOwner)
	}
	s.at(ctx, "claimed")
	figs, err := s.Compute(ctx, m, s.juris.Home)
	if err == nil {
		err = s.store.SaveStatisticsMonth(ctx, m, owner, figs)
	}
	if err != nil {
		if rerr := s.store.ReleaseStatisticsMonth(context.WithoutCancel(ctx), m, owner); rerr != nil {
			err = fmt.Errorf("%w (and release the claim: %v)", err, rerr)
		}
		return res, fmt.Errorf("summarise %s: %w", m, err)
	}
	res.Rows, res.Elapsed = len(figs), time.Since(start)
	return res, nil
}

// month returns the record of m, the zero record at version 0 if none.
func (s *Service) month(ctx context.Context, m period.Month) (Month, error) {
	ms, err := s.store.StatisticsMonths(ctx, m, m)
	if err != nil || len(ms) == 0 {
		return Month{Period: m}, err
	}
	return ms[0], nil
}

// Months returns the record of every month from through to, in order,
// the zero record of a month never summarised.
func (s *Service) Months(ctx context.Context, from, to period.Month) ([]Month, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	ms, err := s.store.StatisticsMonths(ctx, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]Month, 0, to.Sub(from)+1)
	for m := from; m <= to; m = m.Add(1) {
		i := slices.IndexFunc(ms, func(x Month) bool { return x.Period == m })
		if i < 0 {
			out = append(out, Month{Period: m})
			continue
		}
		out = append(out, ms[i])
	}
	return out, nil
}

// Figures returns the figures of months from through to for the region
// code in the caller's scope: the stored ones of its counties for a
// prefecture or a county, and, for a region below a county (a township's
// post), the figures computed live over its small subtree, since the
// stored ones are per county; those figures are given as the region's
// (County is code).
func (s *Service) Figures(ctx context.Context, from, to period.Month, code region.Code) ([]Figure, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	if code.Level() <= region.County {
		return s.store.StatisticsFigures(ctx, from, to, code)
	}
	var out []Figure
	for m := from; m <= to; m = m.Add(1) {
		figs, err := s.Compute(ctx, m, code)
		if err != nil {
			return nil, err
		}
		// Every figure is the region's own, not its county's.
		for i := range figs {
			figs[i].County = code
		}
		out = append(out, figs...)
	}
	return out, nil
}

// Compute computes the figures of month m in the region subtree code
// through the report queries, without storing them. It does no
// permission check: Summarise and Figures do.
func (s *Service) Compute(ctx context.Context, m period.Month, code region.Code) ([]Figure, error) {
	var figs []Figure
	add := func(f Figure) {
		f.Period = m
		figs = append(figs, f)
	}
	// The units read one by one: the counties of a larger region, or the
	// region itself.
	units := []region.Code{code}
	if code.Level() < region.County {
		units = units[:0]
		for _, n := range s.juris.Tree.Descendants(code, region.County) {
			units = append(units, n.Code)
		}
	}
	cov, err := s.store.CoverageCounts(ctx, m, code)
	if err != nil {
		return nil, fmt.Errorf("coverage of %s: %w", m, err)
	}
	for _, c := range cov {
		add(Figure{County: c.County, Topic: Coverage, Count1: int64(c.Adults), Count2: int64(c.Employed)})
		var schemes []insurance.Scheme
		for _, mp := range []map[insurance.Scheme]int{c.Insured, c.Payments} {
			for sc := range mp {
				schemes = append(schemes, sc)
			}
		}
		for sc := range c.Collected {
			schemes = append(schemes, sc)
		}
		slices.Sort(schemes)
		for _, sc := range slices.Compact(schemes) {
			add(Figure{County: c.County, Topic: Insured, Key1: string(sc), Count1: int64(c.Insured[sc]), Count2: int64(c.Payments[sc]), Fen1: c.Collected[sc]})
		}
	}
	for _, u := range units {
		pts, err := s.store.PensionTotals(ctx, m, u)
		if err != nil {
			return nil, fmt.Errorf("pensions of %s in %s: %w", m, u, err)
		}
		for _, t := range pts {
			add(Figure{County: u.County(), Topic: Pension, Key1: string(t.Scheme), Count1: int64(t.Awards), Fen1: t.Before, Fen2: t.ThisYear})
		}
		tots, err := s.store.ReportTotals(ctx, m, m, u, assistance.ReportGroups)
		if err != nil {
			return nil, fmt.Errorf("assistance totals of %s in %s: %w", m, u, err)
		}
		for _, t := range tots {
			add(Figure{County: u.County(), Topic: AssistanceTotal, Key1: t.Programme, Count1: int64(t.Beneficiaries), Count2: int64(t.Lines), Fen1: t.Amount})
		}
	}
	rows, err := s.store.ReportRows(ctx, m, m, code)
	if err != nil {
		return nil, fmt.Errorf("assistance of %s: %w", m, err)
	}
	for _, r := range rows {
		add(Figure{County: r.County, Topic: Assistance, Key1: r.Programme, Key2: string(r.Layer), Count1: int64(r.Beneficiaries), Count2: int64(r.Lines), Fen1: r.Amount})
	}
	lcs, err := s.store.LayerCounts(ctx, m, code)
	if err != nil {
		return nil, fmt.Errorf("layers of %s: %w", m, err)
	}
	for _, l := range lcs {
		add(Figure{County: l.County, Topic: Layer, Key1: string(l.Layer), Count1: int64(l.Households), Count2: int64(l.Persons), Fen1: l.DibaoAmount})
	}
	rfs, err := s.store.RefundsOfMonth(ctx, m, code)
	if err != nil {
		return nil, fmt.Errorf("refunds of %s: %w", m, err)
	}
	for _, b := range rfs {
		add(Figure{County: b.County, Topic: Refund, Key1: strconv.Itoa(b.Year), Key2: strconv.Itoa(b.Batch), Count1: int64(b.Enterprises), Fen1: b.Amount})
	}
	return figs, nil
}
