package insurance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// LineKind is what a payroll line pays.
type LineKind string

// The payroll line kinds.
const (
	LineRegular LineKind = "regular" // 当月发放 the month's pension
	LineArrears LineKind = "arrears" // 补发 back pay: late adjustments, resumed suspensions, late awards
)

// PayrollLine is one payment of a payroll run (养老金发放): (award, period,
// kind) is unique, so a month is never paid twice.
type PayrollLine struct {
	AwardID    AwardID           `json:"award_id"`
	Period     period.Month      `json:"period"`
	Kind       LineKind          `json:"kind"`
	Amount     money.Fen         `json:"amount"`
	RegionCode region.Code       `json:"region_code"`
	PersonID   registry.PersonID `json:"person_id"`
}

// YearAmount is the monthly increase of one year's adjustment, paid from
// its January.
type YearAmount struct {
	Year   int
	Amount money.Fen
}

// PayrollItem is what the payroll of a month reads for one award.
type PayrollItem struct {
	Award Award
	// DeathDate is the person's, zero while alive.
	DeathDate period.Date
	// LastCertified is the last certification of the person, zero if none.
	LastCertified period.Date
	// FirstPaid is the first month with a line, zero if none.
	FirstPaid period.Month
	// Adjustments are the award's yearly increases, by year.
	Adjustments []YearAmount
	// PaidBefore sums the award's lines of months before the run's.
	PaidBefore money.Fen
	// Regular and Arrears are the lines of the run's month, if any.
	Regular, Arrears       money.Fen
	HasRegular, HasArrears bool
	// PaidLater says a later month has a line: the run of an earlier month
	// again leaves the award alone, since the later runs settled it.
	PaidLater bool
}

// amountAt returns the monthly amount in force in month m: the award's
// amount plus every adjustment of a year up to m's, or an error wrapping
// money.ErrOverflow if that sum does not fit in an int64.
func (it *PayrollItem) amountAt(m period.Month) (money.Fen, error) {
	var amt money.Total
	amt.Add(it.Award.Amount)
	for _, a := range it.Adjustments {
		if a.Year <= m.Year() {
			amt.Add(a.Amount)
		}
	}
	return amt.Result()
}

// AwardChange moves an award to another status; a stop sets StopMonth and
// turns the lines after it into overpayments.
type AwardChange struct {
	AwardID   AwardID      `json:"award_id"`
	Status    AwardStatus  `json:"status"`
	StopMonth period.Month `json:"stop_month,omitzero"`
}

// PayrollRun is the record of one run of a month's payroll.
type PayrollRun struct {
	ID     int64        `json:"id"`
	Period period.Month `json:"period"`
	Region region.Code  `json:"region"`
	// Awards counts the awards considered.
	Awards int `json:"awards"`
	// NewLines counts the lines this run wrote; Lines all the month's.
	NewLines int `json:"new_lines"`
	Lines    int `json:"lines"`
	// Regular and Arrears total the month's lines, earlier runs included.
	Regular money.Fen `json:"regular"`
	Arrears money.Fen `json:"arrears"`
	// Suspended counts the awards withheld for overdue certification,
	// Resumed those paid again, Stopped those stopped by death in this run.
	Suspended int       `json:"suspended"`
	Resumed   int       `json:"resumed"`
	Stopped   int       `json:"stopped"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// OverpaymentStatus is the state of an overpayment.
type OverpaymentStatus string

// The overpayment statuses.
const (
	OverpaymentOutstanding OverpaymentStatus = "outstanding" // 待追回
	OverpaymentRecovered   OverpaymentStatus = "recovered"   // 已追回
)

// Overpayment is a month paid after the person's death (冒领/多发待遇),
// to be recovered.
type Overpayment struct {
	AwardID    AwardID           `json:"award_id"`
	PersonID   registry.PersonID `json:"person_id"`
	RegionCode region.Code       `json:"region_code"`
	Period     period.Month      `json:"period"`
	Amount     money.Fen         `json:"amount"`
	Status     OverpaymentStatus `json:"status"`
}

// PayrollSummary reports a payroll run.
type PayrollSummary struct {
	PayrollRun
	// NothingNew says the month was paid already and nothing changed: no
	// line written, no award changed, no run recorded (ID is 0); the
	// totals are the month's.
	NothingNew bool `json:"nothing_new,omitempty"`
	// Overpayments are the region's outstanding overpayments after the run.
	Overpayments []Overpayment `json:"overpayments"`
}

// certificationInterval returns the certification interval in months.
func (s *Pensions) certificationInterval(m period.Month, code region.Code) (int, error) {
	v, _, err := s.policy.Value("pension.certification_interval_months", m.First(), code)
	if err != nil {
		return 0, fmt.Errorf("payroll: %w", err)
	}
	return int(v), nil
}

// Payroll computes the pension payroll of month m (养老金发放) for the
// region subtree: one regular line per award paid, and one arrears line
// with whatever is owed for earlier months (adjustments announced late,
// back pay after a suspension, an award decided after its start). Awards
// whose certification is overdue are suspended and paid nothing; awards of
// persons who died before m are stopped, and the months paid after the
// death become overpayments. Running a month again writes only what
// changed since: nothing, if nothing did.
func (s *Pensions) Payroll(ctx context.Context, m period.Month, code region.Code) (*PayrollSummary, error) {
	var pr fault.Problems
	if m.IsZero() {
		pr.Add("period", "is required")
	} else if m > s.today().Period().Add(1) {
		pr.Add("period", "%s is more than a month ahead", m)
	}
	if err := pr.Err("invalid payroll run"); err != nil {
		return nil, err
	}
	if code == "" {
		p, err := auth.Require(ctx, auth.PermInsurance)
		if err != nil {
			return nil, err
		}
		code = p.Scope
	}
	p, err := auth.RequireIn(ctx, auth.PermInsurance, code)
	if err != nil {
		return nil, err
	}
	interval, err := s.certificationInterval(m, code)
	if err != nil {
		return nil, err
	}

	items, err := s.store.PayrollBasis(ctx, m, code)
	if err != nil {
		return nil, err
	}
	run := &PayrollRun{Period: m, Region: code, Awards: len(items), CreatedBy: p.Username}
	lines := make([]PayrollLine, 0, len(items))
	var changes []AwardChange
	// The run's sums are checked: an overflow fails the run, never wraps.
	var regular, arrears money.Total
	for i := range items {
		it := &items[i]
		a := &it.Award
		last := m
		if !it.DeathDate.IsZero() {
			dm := it.DeathDate.Period()
			if m > dm {
				changes = append(changes, AwardChange{AwardID: a.ID, Status: AwardStopped, StopMonth: dm})
				run.Stopped++
				continue
			}
			last = dm
		}
		if it.PaidLater {
			regular.Add(it.Regular)
			arrears.Add(it.Arrears)
			run.Lines += btoi(it.HasRegular) + btoi(it.HasArrears)
			continue
		}
		ref := a.Start
		switch {
		case !it.LastCertified.IsZero():
			ref = it.LastCertified.Period()
		case !it.FirstPaid.IsZero():
			ref = it.FirstPaid
		}
		if m.Sub(ref) > interval {
			if a.Status != AwardSuspended {
				changes = append(changes, AwardChange{AwardID: a.ID, Status: AwardSuspended})
			}
			run.Suspended++
			continue
		}
		if a.Status == AwardSuspended {
			changes = append(changes, AwardChange{AwardID: a.ID, Status: AwardActive})
			run.Resumed++
		}
		if it.HasRegular {
			regular.Add(it.Regular)
			run.Lines++
		} else {
			amt, err := it.amountAt(m)
			if err != nil {
				return nil, fmt.Errorf("payroll %s: award %d: %w", m, a.ID, err)
			}
			lines = append(lines, PayrollLine{AwardID: a.ID, Period: m, Kind: LineRegular, Amount: amt, RegionCode: a.RegionCode, PersonID: a.PersonID})
			regular.Add(amt)
			run.Lines++
		}
		if it.HasArrears {
			arrears.Add(it.Arrears)
			run.Lines++
			continue
		}
		var due money.Total
		for q := a.Start; q < m && q <= last; q = q.Add(1) {
			amt, err := it.amountAt(q)
			if err != nil {
				return nil, fmt.Errorf("payroll %s: award %d: %w", m, a.ID, err)
			}
			due.Add(amt)
		}
		due.Sub(it.PaidBefore)
		owed, err := due.Result()
		if err != nil {
			return nil, fmt.Errorf("payroll %s: arrears of award %d: %w", m, a.ID, err)
		}
		if owed > 0 {
			lines = append(lines, PayrollLine{AwardID: a.ID, Period: m, Kind: LineArrears, Amount: owed, RegionCode: a.RegionCode, PersonID: a.PersonID})
			arrears.Add(owed)
			run.Lines++
		}
	}
	if run.Regular, err = regular.Result(); err != nil {
		return nil, fmt.Errorf("payroll %s: regular total: %w", m, err)
	}
	if run.Arrears, err = arrears.Result(); err != nil {
		return nil, fmt.Errorf("payroll %s: arrears total: %w", m, err)
	}
	run.NewLines = len(lines)
	// A run that pays nothing new and changes no award records nothing: it
	// says so (NothingNew, no run ID).
	nothing := len(lines) == 0 && len(changes) == 0
	if !nothing {
		if err := s.store.SavePayroll(ctx, run, lines, changes); err != nil {
			return nil, err
		}
	}
	overs, err := s.store.Overpayments(ctx, code, OverpaymentOutstanding)
	if err != nil {
		return nil, err
	}
	return &PayrollSummary{PayrollRun: *run, NothingNew: nothing, Overpayments: overs}, nil
}

// Overpayments lists the overpayments of a region subtree in the caller's
// scope; status "" lists all.
func (s *Pensions) Overpayments(ctx context.Context, code region.Code, status OverpaymentStatus) ([]Overpayment, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	switch status {
	case "", OverpaymentOutstanding, OverpaymentRecovered:
	default:
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"status": "must be outstanding or recovered"}}
	}
	return s.store.Overpayments(ctx, code, status)
}

// ---- yearly adjustment

// AdjustmentItem is what the yearly adjustment reads for one award.
type AdjustmentItem struct {
	Award     Award
	BirthDate period.Date
	DeathDate period.Date
	// Previous sums the adjustments of earlier years.
	Previous money.Fen
	// Done says the year's adjustment is stored already.
	Done bool
}

// Adjustment is one award's yearly adjustment (基本养老金调整), paid
// monthly from January of its year, with its parts.
type Adjustment struct {
	AwardID    AwardID           `json:"award_id"`
	Year       int               `json:"year"`
	PersonID   registry.PersonID `json:"person_id"`
	RegionCode region.Code       `json:"region_code"`
	// Announced is the month the adjustment was decided and run.
	Announced period.Month `json:"announced"`
	// Own is the pension in force in December of the previous year.
	Own money.Fen `json:"own"`
	// Fixed is 定额调整; PerYear × Years the 长缴多得 part; Linked the
	// 多缴多得 part, Own × the rate; AgeExtra and RemoteExtra the tilted
	// parts (适当倾斜).
	Fixed       money.Fen `json:"fixed"`
	PerYear     money.Fen `json:"per_year"`
	Years       int       `json:"years"`
	Linked      money.Fen `json:"linked"`
	Age         int       `json:"age"`
	AgeExtra    money.Fen `json:"age_extra"`
	RemoteExtra money.Fen `json:"remote_extra"`
	// Amount is the monthly increase, the sum of the parts.
	Amount money.Fen `json:"amount"`
}

// AdjustSummary reports an adjustment run.
type AdjustSummary struct {
	Year      int          `json:"year"`
	Announced period.Month `json:"announced"`
	Region    region.Code  `json:"region"`
	// Awards counts the awards adjusted in this or an earlier run; New
	// those adjusted by this run, whose increases total Increase a month.
	Awards   int       `json:"awards"`
	New      int       `json:"new"`
	Increase money.Fen `json:"increase"`
	// Parameters are the parameter reads, for the region of the run.
	Parameters []policy.ParamRead `json:"parameters"`
}

// adjustmentRates are the adjustment parameters of one year for one region.
type adjustmentRates struct {
	fixed, perYear, remoteExtra money.Fen
	rate                        money.Rate
	remote                      bool
	reads                       []policy.ParamRead
}

func (s *Pensions) adjustmentRates(year int, code region.Code) (*adjustmentRates, error) {
	jan := period.MustDate(year, time.January, 1)
	r := &adjustmentRates{}
	for _, x := range []struct {
		key string
		dst *int64
	}{
		{"employee_pension.adjustment.fixed", (*int64)(&r.fixed)},
		{"employee_pension.adjustment.per_contribution_year", (*int64)(&r.perYear)},
		{"employee_pension.adjustment.own_pension_rate", (*int64)(&r.rate)},
		{"employee_pension.adjustment.remote_area_extra", (*int64)(&r.remoteExtra)},
	} {
		v, read, err := s.policy.Value(x.key, jan, code)
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "no adjustment scheme for the year", Err: err,
				Fields: map[string]string{"year": err.Error()}}
		}
		*x.dst = v
		r.reads = append(r.reads, read)
	}
	// A year's scheme is its own decision: last year's amounts, still in
	// force as parameters, are not this year's adjustment.
	if from := r.reads[0].From; from.Year() != year {
		return nil, &fault.Error{Code: fault.Invalid, Message: "no adjustment scheme for the year",
			Fields: map[string]string{"year": fmt.Sprintf("employee_pension.adjustment.fixed has no value from %d (the latest is from %s)", year, from)}}
	}
	v, read, err := s.policy.Value("employee_pension.adjustment.remote_area", jan, code)
	if err != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: "no remote-area list for the year", Err: err,
			Fields: map[string]string{"year": err.Error()}}
	}
	r.remote = v != 0
	r.reads = append(r.reads, read)
	return r, nil
}

// Adjust runs the yearly adjustment of year (基本养老金调整), announced in
// month announced, for the employee awards of the region subtree that
// started by 31 December of the previous year: fixed amount + amount per
// whole contribution year + rate × own pension + age-band extra (age
// reached in the year) + remote-area extra, all parameters of the year
// (xj employee_pension.adjustment.*). Each award's increase is stored with
// its parts and paid from January; months already paid get it as arrears
// in the next payroll run. Running it again adds nothing.
func (s *Pensions) Adjust(ctx context.Context, year int, announced period.Month, code region.Code) (*AdjustSummary, error) {
	var pr fault.Problems
	if year < 2000 || year > 2100 {
		pr.Add("year", "must be between 2000 and 2100")
	}
	if announced.IsZero() {
		pr.Add("announced", "is required")
	} else if year >= 2000 && year <= 2100 && announced < period.NewMonth(year, time.January) {
		pr.Add("announced", "%s is before the year %d", announced, year)
	}
	if err := pr.Err("invalid adjustment run"); err != nil {
		return nil, err
	}
	if code == "" {
		p, err := auth.Require(ctx, auth.PermInsurance)
		if err != nil {
			return nil, err
		}
		code = p.Scope
	}
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, code); err != nil {
		return nil, err
	}
	head, err := s.adjustmentRates(year, code)
	if err != nil {
		return nil, err
	}
	items, err := s.store.AdjustmentBasis(ctx, year, code)
	if err != nil {
		return nil, err
	}
	jan := period.MustDate(year, time.January, 1)
	sum := &AdjustSummary{Year: year, Announced: announced, Region: code, Parameters: head.reads}
	rates := map[region.Code]*adjustmentRates{}
	var out []Adjustment
	var increase money.Total
	for i := range items {
		it := &items[i]
		if !it.DeathDate.IsZero() && it.DeathDate < jan {
			continue
		}
		sum.Awards++
		if it.Done {
			continue
		}
		a := &it.Award
		r := rates[a.RegionCode]
		if r == nil {
			if r, err = s.adjustmentRates(year, a.RegionCode); err != nil {
				return nil, err
			}
			rates[a.RegionCode] = r
		}
		age := year - it.BirthDate.Year()
		ageExtra, _, err := s.policy.ScaleValue("employee_pension.adjustment.age_extra", jan, a.RegionCode, policy.IntDec(int64(age)))
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "no age-band extra for the year", Err: err,
				Fields: map[string]string{"year": err.Error()}}
		}
		own, err := money.Add(a.Amount, it.Previous)
		if err != nil {
			return nil, fmt.Errorf("adjustment %d of award %d: %w", year, a.ID, err)
		}
		adj := Adjustment{AwardID: a.ID, Year: year, PersonID: a.PersonID, RegionCode: a.RegionCode, Announced: announced,
			Own: own, Fixed: r.fixed, PerYear: r.perYear, Years: a.ContributionMonths / 12,
			Age: age, AgeExtra: money.Fen(ageExtra)}
		adj.Linked = adj.Own.MulRate(r.rate)
		if r.remote {
			adj.RemoteExtra = r.remoteExtra
		}
		perYear, err := money.Mul(adj.PerYear, int64(adj.Years))
		if err != nil {
			return nil, fmt.Errorf("adjustment %d of award %d: %w", year, a.ID, err)
		}
		if adj.Amount, err = money.Sum(adj.Fixed, perYear, adj.Linked, adj.AgeExtra, adj.RemoteExtra); err != nil {
			return nil, fmt.Errorf("adjustment %d of award %d: %w", year, a.ID, err)
		}
		increase.Add(adj.Amount)
		out = append(out, adj)
	}
	if sum.Increase, err = increase.Result(); err != nil {
		return nil, fmt.Errorf("adjustment %d: total increase: %w", year, err)
	}
	sum.New = len(out)
	if err := s.store.SaveAdjustments(ctx, year, code, out); err != nil {
		return nil, err
	}
	return sum, nil
}

// ---- certification

// CertMethod is how a person was certified.
type CertMethod string

// The certification methods (docs/domain.md 7).
const (
	CertDataMatch CertMethod = "data_match" // 数据比对 matched against other agencies' data
	CertFace      CertMethod = "face"       // 人脸识别 face recognition self-service
	CertVisit     CertMethod = "visit"      // 上门认证 community or home visit
)

// Certification is a qualification certification (待遇领取资格认证): the
// person was found alive and entitled on Date.
type Certification struct {
	ID         int64             `json:"id"`
	PersonID   registry.PersonID `json:"person_id"`
	RegionCode region.Code       `json:"region_code"`
	Date       period.Date       `json:"date"`
	Method     CertMethod        `json:"method"`
	Note       string            `json:"note,omitempty"`
	CreatedBy  string            `json:"created_by"`
	CreatedAt  time.Time         `json:"created_at"`
}

// Certify records a certification; the next payroll run resumes a
// suspended award with back pay.
func (s *Pensions) Certify(ctx context.Context, c *Certification) error {
	var pr fault.Problems
	if c.PersonID <= 0 {
		pr.Add("person_id", "is required")
	}
	switch c.Method {
	case CertDataMatch, CertFace, CertVisit:
	default:
		pr.Add("method", "must be data_match, face or visit, not %q", c.Method)
	}
	if c.Date.IsZero() {
		pr.Add("date", "is required")
	} else if c.Date > s.today() {
		pr.Add("date", "%s is in the future", c.Date)
	}
	c.Note = strings.TrimSpace(c.Note)
	if len([]rune(c.Note)) > 500 {
		pr.Add("note", "is at most 500 characters")
	}
	var p *registry.Person
	if c.PersonID > 0 {
		var err error
		p, err = s.registry.Person(ctx, c.PersonID)
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("person_id", "person %d does not exist", c.PersonID)
		case err != nil:
			return err
		case !p.Alive() && !c.Date.IsZero() && c.Date > p.DeathDate:
			pr.Add("date", "is after the person's death on %s", p.DeathDate)
		}
	}
	if err := pr.Err("invalid certification"); err != nil {
		return err
	}
	pp, err := auth.RequireIn(ctx, auth.PermInsurance, p.RegionCode)
	if err != nil {
		return err
	}
	c.ID, c.RegionCode, c.CreatedBy = 0, p.RegionCode, pp.Username
	return s.store.CreateCertification(ctx, c)
}

// ---- duplicates and reports

// The duplicate-receipt rules (docs/domain.md 7).
const (
	// DupBothSchemes: an employee and a resident award together; the
	// resident one must end.
	DupBothSchemes = "employee_and_resident"
	// DupTwoRegions: the same person paid for the same month by awards in
	// two regions.
	DupTwoRegions = "paid_in_two_regions"
)

// Duplicate is a duplicate receipt (重复领取) found by a rule.
type Duplicate struct {
	PersonID registry.PersonID `json:"person_id"`
	Rule     string            `json:"rule"`
	AwardIDs []AwardID         `json:"award_ids"`
	Regions  []region.Code     `json:"regions"`
	// Period is the first month paid twice, for DupTwoRegions.
	Period period.Month `json:"period,omitzero"`
}

// Duplicates lists duplicate receipts in the region subtree: persons with
// both an employee and a resident award that are not stopped, and persons
// paid for one month by awards in two regions. One living person has at
// most one pension (docs/domain.md 7).
func (s *Pensions) Duplicates(ctx context.Context, code region.Code) ([]Duplicate, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	return s.store.Duplicates(ctx, code)
}

// PensionTotal sums the awards of a scheme payable in a month.
type PensionTotal struct {
	Scheme Scheme
	Awards int
	// Before sums the amounts in force before the month's year's
	// adjustment; ThisYear sums that adjustment.
	Before   money.Fen
	ThisYear money.Fen
}

// PensionAverage is the average monthly pension of a scheme.
type PensionAverage struct {
	Scheme Scheme `json:"scheme"`
	Awards int    `json:"awards"`
	// Before and After are the averages before and after the year's
	// adjustment, rounded half up to the fen.
	Before money.Fen `json:"before"`
	After  money.Fen `json:"after"`
}

// PensionReport is the average pension by scheme for a month and region,
// as the published figures are (Changji 2023: 2,830.91 → 2,971.62).
type PensionReport struct {
	Period period.Month     `json:"period"`
	Region region.Code      `json:"region"`
	Rows   []PensionAverage `json:"rows"`
}

// Report returns the average employee and resident pension of month m in
// the region subtree, before and after the year's adjustment.
func (s *Pensions) Report(ctx context.Context, m period.Month, code region.Code) (*PensionReport, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid report", Fields: map[string]string{"period": "is required"}}
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	totals, err := s.store.PensionTotals(ctx, m, code)
	if err != nil {
		return nil, err
	}
	rep := &PensionReport{Period: m, Region: code}
	for _, sc := range []Scheme{EmployeePension, ResidentPension} {
		row := PensionAverage{Scheme: sc}
		for _, t := range totals {
			if t.Scheme == sc && t.Awards > 0 {
				row.Awards = t.Awards
				row.Before = money.Fen(money.DivRound(int64(t.Before), int64(t.Awards)))
				row.After = money.Fen(money.DivRound(int64(t.Before+t.ThisYear), int64(t.Awards)))
			}
		}
		rep.Rows = append(rep.Rows, row)
	}
	return rep, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
