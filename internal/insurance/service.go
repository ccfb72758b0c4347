package insurance

import (
	"context"
	"fmt"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Basis is what the assessment of one enrolment reads: the enrolment (its
// ID, person, scheme, kind, employer, region, chosen base and risk class;
// the store may leave the other fields empty) and the monthly wage declared
// for the person by the employer (the open employment spell's wage), 0 when
// none is declared.
type Basis struct {
	Enrolment Enrolment
	Wage      money.Fen
}

// EnrolmentFilter selects enrolments.
type EnrolmentFilter struct {
	Region   region.Code
	PersonID registry.PersonID
	OrgID    registry.OrgID
	Scheme   Scheme
	Status   Status
	registry.Page
}

// Store keeps enrolments, assessments, payments and accounts. Methods that
// change state write their audit event in the same transaction. Lookups
// return fault.NotFound; stale versions fault.Conflict.
type Store interface {
	// CreateEnrolment inserts e after check accepts the person's existing
	// enrolments, read in the same transaction; Conflict when check
	// refuses or the person has an open enrolment in the scheme already.
	CreateEnrolment(ctx context.Context, e *Enrolment, check func(existing []*Enrolment) error) error
	// UpdateEnrolment stores e if its version is current.
	UpdateEnrolment(ctx context.Context, e *Enrolment, action string) error
	// ResumeEnrolment stores old (closed, if its version is current) and
	// inserts next after check accepts the person's other enrolments, read
	// in the same transaction, all or nothing.
	ResumeEnrolment(ctx context.Context, old, next *Enrolment, check func(existing []*Enrolment) error) error
	// Enrolment returns an enrolment.
	Enrolment(ctx context.Context, id EnrolmentID) (*Enrolment, error)
	// Enrolments lists enrolments matching f, by key.
	Enrolments(ctx context.Context, f EnrolmentFilter) ([]*Enrolment, error)
	// AssessMonth replaces the assessments of month m in the region
	// subtree, in one transaction with one audit event: it hands assess
	// the basis of m (every employer and flexible enrolment of the region
	// open in m, with the declared wage, in key order) and saves every
	// assessment assess returns with true. An error from assess, or an
	// assessment outside m or the region (Invalid), saves nothing.
	AssessMonth(ctx context.Context, m period.Month, code region.Code, assess func(b *Basis) (Assessment, bool, error)) error
	// PostPayments records collected contributions, all or none; Conflict
	// when a receipt number was posted before.
	PostPayments(ctx context.Context, ps []Payment) error
	// Arrears lists what was due and what was paid per employer, month and
	// scheme for the months with less paid than due, ordered by employer,
	// month and scheme; with f.Limit, those of f.Limit employers after
	// f.After only.
	Arrears(ctx context.Context, f ArrearsFilter) ([]ArrearsRow, error)
	// Payments lists collected contributions matching f, by key.
	Payments(ctx context.Context, f ContributionFilter) ([]Payment, error)
	// Assessments lists the assessments matching f, by enrolment key.
	Assessments(ctx context.Context, f AssessmentFilter) ([]Assessment, error)
	// CoverageCounts returns the counts of the coverage report of month m
	// per county of the region subtree, in no particular order.
	CoverageCounts(ctx context.Context, m period.Month, code region.Code) ([]CoverageCounts, error)
}

// Registry is what the service reads of the registry.
type Registry interface {
	// Person returns a person; NotFound if there is none.
	Person(ctx context.Context, id registry.PersonID) (*registry.Person, error)
	// Organisation returns an organisation; NotFound if there is none.
	Organisation(ctx context.Context, id registry.OrgID) (*registry.Organisation, error)
}

// Service runs enrolment, assessment and collection.
type Service struct {
	store    Store
	registry Registry
	policy   *policy.Package
	juris    region.Jurisdiction
	clock    clock.Clock
}

// NewService returns a Service in jurisdiction j (whose home region is
// local for restricted enrolments), telling the time by clk.
func NewService(store Store, reg Registry, pk *policy.Package, j region.Jurisdiction, clk clock.Clock) *Service {
	return &Service{store: store, registry: scopedRegistry{reg}, policy: pk, juris: j, clock: clk}
}

func (s *Service) today() period.Date { return s.clock.Today() }

// Enrol opens an enrolment (参保登记). Through an employer, the enrolment
// belongs to the employer's region; flexible workers and residents enrol
// where they live. Where the hukou restriction parameter is off (Changji
// since 2021-10), flexible workers enrol wherever they work.
func (s *Service) Enrol(ctx context.Context, e *Enrolment) error {
	pr := e.validate()
	var p *registry.Person
	if e.PersonID > 0 {
		var err error
		p, err = s.registry.Person(ctx, e.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", e.PersonID)
		case err != nil:
			return err
		case !p.Alive() && p.DeathDate.Period() < e.Start:
			pr.Add("start", "the person died on %s", p.DeathDate)
		case !e.Start.IsZero() && period.AgeAt(p.BirthDate(), e.Start.Last()) < 16:
			pr.Add("start", "the person is under 16 in %s", e.Start)
		}
	}
	if e.Kind == ThroughEmployer && e.OrgID > 0 {
		o, err := s.registry.Organisation(ctx, e.OrgID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("org_id", "organisation %d does not exist", e.OrgID)
		case err != nil:
			return err
		case o.Closed():
			pr.Add("org_id", "organisation %d was closed on %s: a closed employer enrols nobody", e.OrgID, o.ClosedOn)
		default:
			e.RegionCode = o.RegionCode
		}
	} else if p != nil {
		e.RegionCode = p.RegionCode
	}
	if e.Kind == Flexible && p != nil && !e.Start.IsZero() {
		restricted, _, err := s.policy.Value("social_insurance.flexible_worker_hukou_restriction", e.Start.First(), e.RegionCode)
		if err != nil {
			return fmt.Errorf("enrol: %w", err)
		}
		if restricted != 0 && !s.juris.Contains(p.HukouRegion) {
			pr.Add("kind", "flexible workers without local hukou cannot enrol in %s (hukou restriction in force)", e.Start)
		}
	}
	// The amounts typed in are checked against their plausibility ceiling
	// here, whoever calls (the API, an import, a command).
	if s.policy != nil {
		for _, a := range []struct {
			field string
			v     money.Fen
		}{{"base", e.Base}, {"tier", e.Tier}} {
			if err := s.policy.Ceiling(&pr, a.field, int64(a.v), "limits.amount", s.today(), ""); err != nil {
				return fmt.Errorf("enrol: %w", err)
			}
		}
	}
	if err := pr.Err("invalid enrolment"); err != nil {
		return err
	}
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, e.RegionCode); err != nil {
		return err
	}
	e.ID, e.Version, e.Status, e.End = 0, 0, Active, 0
	return s.store.CreateEnrolment(ctx, e, noConflict(e, 0))
}

// noConflict returns the store's check of a new enrolment e against the
// person's others, leaving out the enrolment except (one being replaced).
func noConflict(e *Enrolment, except EnrolmentID) func(existing []*Enrolment) error {
	return func(existing []*Enrolment) error {
		for _, o := range existing {
			if o.ID == except {
				continue
			}
			if msg := conflict(e, o); msg != "" {
				return fault.Errorf(fault.Conflict, "%s", msg)
			}
		}
		return nil
	}
}

// readScope checks that the caller may read records and resolves a list's
// region filter to the caller's scope.
func readScope(ctx context.Context, filter region.Code) (region.Code, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return "", err
	}
	return auth.ScopeFilter(p, filter)
}

// pageLimit bounds a list's page size: 50 by default, at most
// registry.PageMax.
func pageLimit(n int) int {
	if n <= 0 || n > registry.PageMax {
		return 50
	}
	return n
}

// Enrolments lists enrolments in the caller's scope.
func (s *Service) Enrolments(ctx context.Context, f EnrolmentFilter) ([]*Enrolment, error) {
	var err error
	if f.Region, err = readScope(ctx, f.Region); err != nil {
		return nil, err
	}
	f.Limit = pageLimit(f.Limit)
	return s.store.Enrolments(ctx, f)
}

// Enrolment returns an enrolment in the caller's scope.
func (s *Service) Enrolment(ctx context.Context, id EnrolmentID) (*Enrolment, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	e, err := s.store.Enrolment(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, e.RegionCode, "enrolment", id); err != nil {
		return nil, err
	}
	return e, nil
}

// Transition moves an enrolment to another status from month m on:
// suspend (暂停, last month covered m-1) or terminate (终止, last month
// covered m-1). Resume (恢复, covered again from m) closes the suspended
// enrolment for good and opens a new one from m with the same terms, so
// the suspended months stay uncovered; the new enrolment is checked against
// the person's other enrolments like any new one. Transition returns the
// enrolment now in force: the new one after a resume.
func (s *Service) Transition(ctx context.Context, id EnrolmentID, version int64, to Status, m period.Month, reason string) (*Enrolment, error) {
	e, err := s.store.Enrolment(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermInsurance, e.RegionCode, "enrolment", id); err != nil {
		return nil, err
	}
	var pr fault.Problems
	switch {
	case m.IsZero():
		pr.Add("from", "is required")
	case to != Active && m <= e.Start:
		pr.Add("from", "must be after the start %s", e.Start)
	case to == Active && e.Status == Suspended && m <= e.End:
		pr.Add("from", "must be after the last month covered, %s", e.End)
	}
	if reason == "" && to != Active {
		pr.Add("reason", "say why")
	}
	switch {
	case e.Status == Terminated:
		return nil, fault.Errorf(fault.Conflict, "enrolment %d is terminated", id)
	case to == e.Status:
		return nil, fault.Errorf(fault.Conflict, "enrolment %d is %s already", id, to)
	case to == Active && e.Status != Suspended:
		pr.Add("status", "only a suspended enrolment resumes")
	}
	if err := pr.Err("invalid change of enrolment"); err != nil {
		return nil, err
	}
	e.Version = version
	if to == Active {
		next := *e
		next.ID, next.Version, next.Start, next.End, next.Status, next.Reason = 0, 0, m, 0, Active, ""
		e.Status = Terminated
		e.Reason = fmt.Sprintf("%s; resumed from %s", e.Reason, m)
		if err := s.store.ResumeEnrolment(ctx, e, &next, noConflict(&next, e.ID)); err != nil {
			return nil, err
		}
		return &next, nil
	}
	action := "enrolment." + map[Status]string{Suspended: "suspend", Terminated: "terminate"}[to]
	if e.Status == Suspended && to == Terminated {
		// Terminating a suspended enrolment keeps the last month covered.
		e.Reason = e.Reason + "; " + reason
	} else {
		e.End, e.Reason = m.Add(-1), reason
	}
	e.Status = to
	if err := s.store.UpdateEnrolment(ctx, e, action); err != nil {
		return nil, err
	}
	return e, nil
}

// Summary totals an assessment run.
type Summary struct {
	Period      period.Month       `json:"period"`
	Region      region.Code        `json:"region"`
	Assessments int                `json:"assessments"`
	Employer    money.Fen          `json:"employer"`
	Individual  money.Fen          `json:"individual"`
	ByScheme    map[Scheme]int     `json:"by_scheme"`
	Parameters  []policy.ParamRead `json:"parameters"`
	// AtFloor counts employer enrolments whose declared wage is below the
	// floor (or missing), assessed at the floor.
	AtFloor int `json:"at_floor"`
}

// Assess runs the monthly contribution assessment (月度核定) of month m for
// the region subtree: every open employer and flexible enrolment, the base
// clamped to the band, each party's rate. Running it again for the same
// month replaces the month's assessments.
func (s *Service) Assess(ctx context.Context, m period.Month, code region.Code) (*Summary, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid assessment", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	// The region's own rates first: a month whose parameters are not in
	// force clears nothing.
	own, err := LoadRates(s.policy, m, code)
	if err != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: "assessment parameters not in force", Err: err, Fields: map[string]string{"period": err.Error()}}
	}
	sum := &Summary{Period: m, Region: code, ByScheme: map[Scheme]int{}}
	rates := map[region.Code]*Rates{}
	err = s.store.AssessMonth(ctx, m, code, func(b *Basis) (Assessment, bool, error) {
		county := b.Enrolment.RegionCode.County()
		r, ok := rates[county]
		if !ok {
			var err error
			if r, err = LoadRates(s.policy, m, county); err != nil {
				return Assessment{}, false, &fault.Error{Code: fault.Invalid, Message: "assessment parameters not in force", Err: err, Fields: map[string]string{"period": err.Error()}}
			}
			rates[county] = r
			if len(sum.Parameters) == 0 {
				sum.Parameters = r.Reads
			}
		}
		a, ok := r.Assess(&b.Enrolment, b.Wage)
		if !ok {
			return a, false, nil
		}
		if b.Enrolment.Kind == ThroughEmployer && b.Wage < r.Floor {
			sum.AtFloor++
		}
		sum.Assessments++
		var err error
		if sum.Employer, err = money.Add(sum.Employer, a.Employer); err != nil {
			return a, false, fmt.Errorf("employer total of %s: %w", m, err)
		}
		if sum.Individual, err = money.Add(sum.Individual, a.Individual); err != nil {
			return a, false, fmt.Errorf("individual total of %s: %w", m, err)
		}
		sum.ByScheme[a.Scheme]++
		return a, true, nil
	})
	if err != nil {
		return nil, err
	}
	if len(sum.Parameters) == 0 {
		// Nobody to assess: still say which rates were in force.
		sum.Parameters = own.Reads
	}
	return sum, nil
}
