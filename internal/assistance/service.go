package assistance

import (
	"context"
	"errors"
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

// TestFilter selects means tests.
type TestFilter struct {
	Region      region.Code
	HouseholdID registry.HouseholdID
	registry.Page
}

// ClassificationFilter selects classifications of a month.
type ClassificationFilter struct {
	Period period.Month
	Region region.Code
	Layer  Layer
	registry.Page
}

// LayerCount is one row of the layer count of a month: the households and
// members of a layer in a county.
type LayerCount struct {
	County     region.Code `json:"county"`
	Layer      Layer       `json:"layer"`
	Households int         `json:"households"`
	Persons    int         `json:"persons"`
	// DibaoAmount sums the monthly 低保 the tests give.
	DibaoAmount money.Fen `json:"dibao_amount"`
}

// Store keeps means tests, classifications, cases, awards, lines and
// reviews. Methods that change state write their audit event in the same
// transaction. Lookups return fault.NotFound; stale versions
// fault.Conflict.
type Store interface {
	// CreateMeansTest inserts t with its members and lines, setting ID and
	// CreatedAt, and stores its classification c (given the test's ID) in
	// the same transaction.
	CreateMeansTest(ctx context.Context, t *MeansTest, c *Classification) error
	// MeansTest returns a test with its members and lines.
	MeansTest(ctx context.Context, id TestID) (*MeansTest, error)
	// LatestMeansTest returns the household's latest test for a month up
	// to m (the latest month, then the latest test); NotFound if none.
	LatestMeansTest(ctx context.Context, household registry.HouseholdID, m period.Month) (*MeansTest, error)
	// MeansTests lists tests matching f without their lines, by key.
	MeansTests(ctx context.Context, f TestFilter) ([]*MeansTest, error)
	// SaveClassification stores c, replacing the household's row of its
	// month. The store keeps the low-income population (低收入人口库): a
	// household in none has no row.
	SaveClassification(ctx context.Context, c *Classification) error
	// ClassifyMonth replaces the classifications of month m in the region
	// subtree, in one transaction with one audit event: it hands classify
	// the latest test up to m of every household of the region, chunk by
	// chunk (totals and members, no lines), and saves what it returns (the
	// households in a layer). It returns the number of households
	// classified.
	ClassifyMonth(ctx context.Context, m period.Month, code region.Code, classify func([]MeansTest) ([]Classification, error)) (int, error)
	// Classification returns the household's classification of month m;
	// NotFound if the household is in no layer then.
	Classification(ctx context.Context, household registry.HouseholdID, m period.Month) (*Classification, error)
	// Classifications lists the classifications matching f, by household.
	Classifications(ctx context.Context, f ClassificationFilter) ([]Classification, error)
	// LayerCounts counts the classifications of month m per county and
	// layer in the region subtree.
	LayerCounts(ctx context.Context, m period.Month, code region.Code) ([]LayerCount, error)

	CaseStore
}

// Registry is what the service reads of the registry.
type Registry interface {
	// Household returns a household with its members; NotFound if none.
	Household(ctx context.Context, id registry.HouseholdID) (*registry.Household, error)
	// Person returns a person; NotFound if none.
	Person(ctx context.Context, id registry.PersonID) (*registry.Person, error)
	// Disabilities lists a person's disability records.
	Disabilities(ctx context.Context, person registry.PersonID) ([]*registry.Disability, error)
}

// InsuranceIncome is what a person drew from social insurance over a
// period: pensions or benefits, as paid by the insurance side.
type InsuranceIncome struct {
	PersonID registry.PersonID
	Kind     LineKind // IncomePension or IncomeBenefit
	Amount   money.Fen
	// Months counts the months paid; Source names the award or claim.
	Months int
	Source string
}

// Insurance is what the service reads of the insurance side (数据共享).
type Insurance interface {
	// InsuranceIncomes returns the pensions and benefits paid to the
	// persons for the months from through to, one row per person, kind
	// and award or claim.
	InsuranceIncomes(ctx context.Context, persons []registry.PersonID, from, to period.Month) ([]InsuranceIncome, error)
}

// Service runs means tests, classification, cases, allowances and reviews.
type Service struct {
	store     Store
	registry  Registry
	insurance Insurance
	policy    *policy.Package
	juris     region.Jurisdiction
	clock     clock.Clock
	// Workers bounds the cores a batch uses; 0 means all.
	Workers int
}

// NewService returns a Service in jurisdiction j (whose home region is
// hukou-local), telling the time by clk.
func NewService(store Store, reg Registry, ins Insurance, pk *policy.Package, j region.Jurisdiction, clk clock.Clock) *Service {
	return &Service{store: store, registry: scopedRegistry{reg}, insurance: ins, policy: pk, juris: j, clock: clk}
}

func (s *Service) today() period.Date { return s.clock.Today() }

// Today is the service's current date in the jurisdiction.
func (s *Service) Today() period.Date { return s.today() }

// Registry returns the registry the service reads.
func (s *Service) Registry() Registry { return s.registry }

// Policy returns the policy package the service decides with.
func (s *Service) Policy() *policy.Package { return s.policy }

// CreateMeansTest records a household's means test (家庭经济状况核对). The
// members must be alive persons of the registry; their birth date,
// disability grade and registration are copied from it. Pensions and
// benefits paid to members over the 12 months before the test's month are
// added from the insurance side (数据共享比对) unless the test already has
// a line of that kind for the member. The household is classified for the
// test's month at once.
func (s *Service) CreateMeansTest(ctx context.Context, t *MeansTest) (*Explanation, error) {
	ex, err := s.prepareMeansTest(ctx, t)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateMeansTest(ctx, t, &ex.Classification); err != nil {
		return nil, err
	}
	return ex, nil
}

// prepareMeansTest validates t, completes it from the registry and the
// insurance side, computes its totals and classifies it for its month.
func (s *Service) prepareMeansTest(ctx context.Context, t *MeansTest) (*Explanation, error) {
	pr := t.validate()
	var h *registry.Household
	if t.HouseholdID > 0 {
		var err error
		if h, err = s.registry.Household(ctx, t.HouseholdID); err != nil {
			if fault.CodeOf(err) == fault.NotFound {
				pr.Add("household_id", "household %d not found", t.HouseholdID)
			} else {
				return nil, err
			}
		}
	}
	if h != nil {
		if _, err := auth.RequireIn(ctx, auth.PermAssistance, h.RegionCode); err != nil {
			return nil, err
		}
		t.RegionCode, t.HukouType = h.RegionCode, h.HukouType
	}
	for i := range t.Members {
		m := &t.Members[i]
		if m.PersonID <= 0 {
			continue
		}
		f := fmt.Sprintf("members[%d].person_id", i)
		p, err := s.registry.Person(ctx, m.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add(f, "person %d not found", m.PersonID)
			continue
		case err != nil:
			return nil, err
		case !p.Alive():
			pr.Add(f, "person %d died on %s and is not counted", m.PersonID, p.DeathDate)
			continue
		}
		m.BirthDate = p.BirthDate()
		m.HukouLocal = s.juris.Contains(p.HukouRegion)
		m.HukouType = p.HukouType
		if m.Relation == "" {
			m.Relation = relationIn(h, p.ID)
		}
		ds, err := s.registry.Disabilities(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		m.DisabilityGrade = severestGrade(ds, t.Period)
	}
	if err := legalSupporters(s.policy, h, t, &pr); err != nil {
		return nil, err
	}
	if err := t.checkCeilings(s.policy, &pr); err != nil {
		return nil, err
	}
	// The household counts as locally registered when its first member,
	// the applicant, is (户籍所在地申请).
	if len(t.Members) > 0 {
		t.HukouLocal = t.Members[0].HukouLocal
	}
	if err := pr.Err("invalid means test"); err != nil {
		return nil, err
	}
	if err := s.addInsuranceIncomes(ctx, t); err != nil {
		return nil, err
	}
	if err := t.Compute(); err != nil {
		return nil, err
	}
	return explain(s.policy, t, t.Period)
}

// relationIn is the person's relation in the household, other if not a
// member.
func relationIn(h *registry.Household, id registry.PersonID) registry.Relation {
	if h != nil {
		for _, m := range h.Members {
			if m.PersonID == id {
				return m.Relation
			}
		}
	}
	return registry.RelOther
}

// severestGrade is the most severe grade of a certificate valid in m, 0 if
// none.
func severestGrade(ds []*registry.Disability, m period.Month) int {
	g := 0
	for _, d := range ds {
		if d.Issued > m.Last() || !d.Revoked.IsZero() && d.Revoked < m.First() {
			continue
		}
		if g == 0 || d.Grade < g {
			g = d.Grade
		}
	}
	return g
}

// addInsuranceIncomes adds the pensions and benefits of the 12 months
// before the test's month.
func (s *Service) addInsuranceIncomes(ctx context.Context, t *MeansTest) error {
	if s.insurance == nil {
		return nil
	}
	persons := make([]registry.PersonID, len(t.Members))
	for i, m := range t.Members {
		persons[i] = m.PersonID
	}
	incs, err := s.insurance.InsuranceIncomes(ctx, persons, t.Period.Add(-12), t.Period.Add(-1))
	if err != nil {
		return err
	}
	have := map[registry.PersonID]map[LineKind]bool{}
	for _, l := range t.Lines {
		if have[l.PersonID] == nil {
			have[l.PersonID] = map[LineKind]bool{}
		}
		have[l.PersonID][l.Kind] = true
	}
	for _, in := range incs {
		if have[in.PersonID][in.Kind] || in.Amount == 0 {
			continue
		}
		t.Lines = append(t.Lines, Line{PersonID: in.PersonID, Kind: in.Kind, Amount: in.Amount,
			Note: fmt.Sprintf("社保数据 insurance data: %s, %d months", in.Source, in.Months)})
	}
	return nil
}

// MeansTest returns a test, if the caller may read its region.
func (s *Service) MeansTest(ctx context.Context, id TestID) (*MeansTest, error) {
	t, err := s.store.MeansTest(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, t.RegionCode, "means test", id); err != nil {
		return nil, err
	}
	return t, nil
}

// MeansTests lists tests in the caller's scope.
func (s *Service) MeansTests(ctx context.Context, f TestFilter) ([]*MeansTest, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	return s.store.MeansTests(ctx, f)
}

// noMeansTest is the NotFound error of a household with no means test up
// to month m, or of a household outside the caller's scope.
func noMeansTest(household registry.HouseholdID, m period.Month) error {
	return fault.Errorf(fault.NotFound, "household %d has no means test up to %s", household, m)
}

// Explain classifies a household for month m from its latest test then,
// with every decision and reason. It changes nothing.
func (s *Service) Explain(ctx context.Context, household registry.HouseholdID, m period.Month) (*Explanation, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid classification", Fields: map[string]string{"period": "is required"}}
	}
	t, err := s.store.LatestMeansTest(ctx, household, m)
	if err != nil {
		if fault.CodeOf(err) == fault.NotFound {
			return nil, noMeansTest(household, m)
		}
		return nil, err
	}
	if _, err := auth.RequireOr(ctx, auth.PermRegistryRead, t.RegionCode, noMeansTest(household, m)); err != nil {
		return nil, err
	}
	return explain(s.policy, t, m)
}

// ClassifySummary says what a classification run did.
type ClassifySummary struct {
	Period     period.Month  `json:"period"`
	Region     region.Code   `json:"region"`
	Households int           `json:"households"`
	ByLayer    map[Layer]int `json:"by_layer"`
	// DibaoAmount sums the monthly 低保 of the households classified 低保.
	DibaoAmount   money.Fen `json:"dibao_amount"`
	PolicyVersion string    `json:"policy_version"`
}

// ClassifyAll classifies every tested household of the region subtree for
// month m from its latest test up to m, with the columnar engine, and
// replaces the month's classifications there.
func (s *Service) ClassifyAll(ctx context.Context, m period.Month, code region.Code) (*ClassifySummary, error) {
	return s.ClassifyAllProgress(ctx, m, code, nil)
}

// ClassifyAllProgress is ClassifyAll telling progress how many tests it
// has read: the first phase of a screening job.
func (s *Service) ClassifyAllProgress(ctx context.Context, m period.Month, code region.Code, progress func(done int)) (*ClassifySummary, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid classification", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermAssistance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	ids, err := newBatchIDs(s.policy)
	if err != nil {
		return nil, err
	}
	sum := &ClassifySummary{Period: m, Region: code, ByLayer: map[Layer]int{}, PolicyVersion: s.policy.Version}
	read := 0
	var dibao money.Total // checked: an overflow fails the run
	n, err := s.store.ClassifyMonth(ctx, m, code, func(tests []MeansTest) ([]Classification, error) {
		cs, err := classifyBatch(s.policy, ids, m, tests, s.Workers)
		if err != nil {
			var fe *fault.Error
			if errors.As(err, &fe) && fe.Code == fault.Invalid {
				return nil, err
			}
			return nil, fmt.Errorf("classify %s: %w", m, err)
		}
		for i := range cs {
			sum.ByLayer[cs[i].Layer]++
			dibao.Add(cs[i].DibaoAmount)
		}
		read += len(tests)
		if progress != nil {
			progress(read)
		}
		return cs, nil
	})
	if err != nil {
		return nil, err
	}
	if sum.DibaoAmount, err = dibao.Result(); err != nil {
		return nil, fmt.Errorf("classify %s: 低保 total: %w", m, err)
	}
	sum.Households = n
	return sum, nil
}

// Classification returns a household's stored classification of month m:
// its layer in the low-income population, or none (from its latest test
// up to m) when it is not in it. NotFound when the household has no test.
func (s *Service) Classification(ctx context.Context, household registry.HouseholdID, m period.Month) (*Classification, error) {
	c, err := s.store.Classification(ctx, household, m)
	if fault.CodeOf(err) == fault.NotFound {
		t, terr := s.store.LatestMeansTest(ctx, household, m)
		if terr != nil {
			if fault.CodeOf(terr) == fault.NotFound {
				return nil, noMeansTest(household, m)
			}
			return nil, terr
		}
		c, err = &Classification{Period: m, HouseholdID: household, RegionCode: t.RegionCode, TestID: t.ID, Layer: LayerNone,
			Members: t.MemberCount, PerCapitaIncome: t.PerCapitaIncome()}, nil
	}
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireOr(ctx, auth.PermRegistryRead, c.RegionCode, noMeansTest(household, m)); err != nil {
		return nil, err
	}
	return c, nil
}

// Classifications lists the low-income population of a month in the
// caller's scope: the households in a layer.
func (s *Service) Classifications(ctx context.Context, f ClassificationFilter) ([]Classification, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Period.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"period": "is required"}}
	}
	if f.Layer != "" && !f.Layer.Valid() || f.Layer == LayerNone {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"layer": fmt.Sprintf("%q is not a layer of the low-income population", f.Layer)}}
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	return s.store.Classifications(ctx, f)
}

// LayerCounts counts the households and persons of the low-income
// population of month m per county and layer.
func (s *Service) LayerCounts(ctx context.Context, m period.Month, code region.Code) ([]LayerCount, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	return s.store.LayerCounts(ctx, m, code)
}
