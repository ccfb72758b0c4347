package screening

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Allowances lists the programmes a screening run decides.
var Allowances = []string{assistance.ProgHighAge, assistance.ProgDisabilityLiving, assistance.ProgDisabilityCare, assistance.ProgHeating, assistance.ProgFestival}

// PersonBasis is what the person allowances read of one person of the
// registry.
type PersonBasis struct {
	PersonID    registry.PersonID
	HouseholdID registry.HouseholdID
	RegionCode  region.Code
	BirthDate   period.Date
	Death       period.Date
	HukouLocal  bool
	// DisabilityGrade is the most severe valid certificate's (0 none) and
	// DisabilityKind its kind.
	DisabilityGrade int
	DisabilityKind  registry.DisabilityKind
	// InDibao: a member of a household with an active 低保 award; InEdge:
	// of a household classified 低保边缘; Tekun: with an active 特困 award.
	InDibao, InEdge, Tekun bool
	// InjuryNursing: receives the work-injury nursing allowance.
	InjuryNursing bool
}

// HouseholdBasis is what the household allowances read of one household.
type HouseholdBasis struct {
	HouseholdID registry.HouseholdID
	RegionCode  region.Code
	Members     int
	HukouLocal  bool
	// Status is the household's recognised category: tekun, dibao,
	// dibao_edge, rigid_expense or none (from its awards and its latest
	// classification).
	Status string
	// HeatingType is the latest means test's (central, self_heating or
	// provided), or HeatingUnknown for a household with no means test.
	HeatingType string
}

// HeatingUnknown is the heating type of a household no means test has
// recorded: heating assistance is not granted to it by screening (its
// heating_type_known condition fails).
const HeatingUnknown = "unknown"

// Change is what a screening finds for one beneficiary.
type Change string

// The screening changes.
const (
	ChangeNew     Change = "new"     // eligible and not yet awarded
	ChangeChanged Change = "changed" // awarded at another amount
	ChangeStopped Change = "stopped" // awarded and no longer eligible
)

// Item is one change a run proposes.
type Item struct {
	Seq         int                  `json:"seq"`
	Change      Change               `json:"change"`
	HouseholdID registry.HouseholdID `json:"household_id,omitempty"`
	PersonID    registry.PersonID    `json:"person_id,omitempty"`
	RegionCode  region.Code          `json:"region_code"`
	Amount      money.Fen            `json:"amount"`
	OldAmount   money.Fen            `json:"old_amount,omitempty"`
	AwardID     assistance.AwardID   `json:"award_id,omitempty"`
	// Reason says why: the amount's rule for a new or changed award, the
	// failed conditions of a stop.
	Reason string `json:"reason,omitempty"`
	// Accepted is the reviewer's choice (true until a review says
	// otherwise); Note says why an item was not accepted.
	Accepted bool   `json:"accepted"`
	Note     string `json:"note,omitempty"`
	// ReviewedBy is the caseworker who reviewed the item (0: not yet): of
	// its county, or of the whole run's region.
	ReviewedBy int64 `json:"reviewed_by,omitempty"`
}

// CountyReview is how far the review of a run's items of one county is:
// a prefecture-wide run is reviewed county by county.
type CountyReview struct {
	County   region.Code `json:"county"`
	Items    int         `json:"items"`
	Reviewed int         `json:"reviewed"`
}

// Counties returns, county by county in code order, the run's items and
// how many are reviewed.
func (r *Run) Counties() []CountyReview {
	by := map[region.Code]*CountyReview{}
	var out []CountyReview
	for _, it := range r.Items {
		c := it.RegionCode.County()
		cr := by[c]
		if cr == nil {
			cr = &CountyReview{County: c}
			by[c] = cr
		}
		cr.Items++
		if it.ReviewedBy != 0 {
			cr.Reviewed++
		}
	}
	for _, cr := range by {
		out = append(out, *cr)
	}
	slices.SortFunc(out, func(a, b CountyReview) int { return strings.Compare(string(a.County), string(b.County)) })
	return out
}

// reviewStarted reports whether any item of the run is reviewed.
func (r *Run) reviewStarted() bool {
	return slices.ContainsFunc(r.Items, func(it Item) bool { return it.ReviewedBy != 0 })
}

// RunID is a screening run's surrogate key.
type RunID int64

// RunStatus is where a screening run (筛查批次) stands: proposed (待审核),
// reviewed (every county reviewed its items: waiting for approval),
// approved, rejected, or superseded (undecided, replaced by a newer run;
// derived when reading, never stored).
type RunStatus string

// The screening run statuses.
const (
	RunProposed   RunStatus = "proposed"   // waiting for review (by county when several)
	RunReviewed   RunStatus = "reviewed"   // reviewed: waiting for a second user's decision
	RunApproved   RunStatus = "approved"   // approved: the awards are made or stopped
	RunRejected   RunStatus = "rejected"   // refused by a second user
	RunSuperseded RunStatus = "superseded" // undecided, replaced by a newer run
)

// Run is a programme screened over the registry for a period (主动
// 发现): the changes it finds wait for approval by another user.
type Run struct {
	ID        RunID        `json:"id"`
	JobID     JobID        `json:"job_id,omitempty"`
	Programme string       `json:"programme"`
	Period    period.Month `json:"period"`
	Region    region.Code  `json:"region"`
	Status    RunStatus    `json:"status"`
	// SupersededBy is the run that replaced this one, proposed before it
	// was decided (its status is then superseded); Supersedes is the run
	// this one replaced.
	SupersededBy RunID `json:"superseded_by,omitempty"`
	Supersedes   RunID `json:"supersedes,omitempty"`
	// Partial marks a run being made of some persons only (an event
	// screening): it never supersedes another.
	Partial   bool `json:"-"`
	Evaluated int  `json:"evaluated"`
	Eligible  int  `json:"eligible"`
	NewAwards int  `json:"new_awards"`
	Changed   int  `json:"changed"`
	Stopped   int  `json:"stopped"`
	// Amount sums the eligible amounts of the period.
	Amount        money.Fen `json:"amount"`
	PolicyVersion string    `json:"policy_version"`
	CreatedBy     int64     `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	ReviewedBy    int64     `json:"reviewed_by,omitempty"`
	ReviewedAt    time.Time `json:"reviewed_at,omitzero"`
	DecidedBy     int64     `json:"decided_by,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	Reason        string    `json:"reason,omitempty"`
	Items         []Item    `json:"items,omitempty"`
}

// Store keeps what screening reads and writes; the methods that change
// state write their audit event in the same transaction.
type Store interface {
	Lister
	// PersonBasis hands fn the persons of the region subtree alive on the
	// first day of m (or dying in m), chunk by chunk, in key order.
	PersonBasis(ctx context.Context, m period.Month, code region.Code, fn func([]PersonBasis) error) error
	// HouseholdBasis hands fn the households of the region subtree, chunk
	// by chunk, in key order.
	HouseholdBasis(ctx context.Context, m period.Month, code region.Code, fn func([]HouseholdBasis) error) error
	// PersonBasisOf is PersonBasis for the given persons (in key order)
	// only.
	PersonBasisOf(ctx context.Context, m period.Month, code region.Code, ids []registry.PersonID, fn func([]PersonBasis) error) error
	// ChangedPersons returns the persons that the audit trail's events
	// after seq concern for screening (a new disability record, a death,
	// a 低保 award of their household), and the last sequence number read.
	ChangedPersons(ctx context.Context, after int64) ([]registry.PersonID, int64, error)
	// TurningPersons returns the persons of the region subtree whose
	// birthday of age years falls in month m, alive then.
	TurningPersons(ctx context.Context, age int, m period.Month, code region.Code) ([]registry.PersonID, error)
	// ScreeningCursor returns how far the event screening read the trail
	// (0 at first); SetScreeningCursor stores it.
	ScreeningCursor(ctx context.Context) (int64, error)
	SetScreeningCursor(ctx context.Context, seq int64) error
	// ScreenedAwards returns the awards of programme in the region subtree
	// that a screening of m compares with: the active ones, or, once, the
	// one-offs granted for m; only their key, kind, beneficiary, region,
	// amount, start and status are read.
	ScreenedAwards(ctx context.Context, programme string, once bool, m period.Month, code region.Code) ([]*assistance.Award, error)
	// ScreenableCount counts the persons (or households) a screening of
	// the region subtree for month m reads, for its progress.
	ScreenableCount(ctx context.Context, entity string, m period.Month, code region.Code) (int, error)
	// CreateScreeningRuns inserts the runs with their items in one
	// transaction; when job is set, the runs are the job's (one per
	// programme and job: Conflict for a second) and the job's phase and
	// progress are stored with them. A programme, month and region has
	// one undecided run: a new whole run supersedes an open one nobody has
	// reviewed (r.Supersedes names it); otherwise, and for a Partial run,
	// the new one is Conflict naming the open run.
	CreateScreeningRuns(ctx context.Context, runs []*Run, job *Job) error
	// StartScreeningJob inserts j as running, or, when a job of j's period
	// and region is running already (one crashed, or another worker's),
	// loads that one into j: resumed is then true.
	StartScreeningJob(ctx context.Context, j *Job) (resumed bool, err error)
	// ClaimScreeningJob gives running job j to owner until until, counting
	// the attempt, when its lease is free, expired at now or held by gone;
	// false when another worker holds it. Of claims at once, one wins.
	ClaimScreeningJob(ctx context.Context, j *Job, owner, gone string, now, until time.Time) (bool, error)
	// ReleaseScreeningJob lets go of job id's lease if owner holds it.
	ReleaseScreeningJob(ctx context.Context, id JobID, owner string) error
	// RunningScreeningJobs returns the jobs running, with their leases.
	RunningScreeningJobs(ctx context.Context) ([]*Job, error)
	// UpdateScreeningJob stores j's phase, progress, summary, status and
	// error as the holder of its lease (j.LeaseOwner), renewing the lease
	// to j.LeaseUntil, or letting it go when j is done or failed; Conflict
	// wrapping ErrLeaseLost when another worker holds it.
	UpdateScreeningJob(ctx context.Context, j *Job) error
	// Job returns a job with the ids of its runs.
	ScreeningJob(ctx context.Context, id JobID) (*Job, error)
	// UnservedHouseholds counts, per layer, the households classified 特困
	// or 低保 for m with neither an active award nor an open case of the
	// programme: the candidates a caseworker calls on (主动发现).
	UnservedHouseholds(ctx context.Context, m period.Month, code region.Code) (map[assistance.Layer]int, error)
	// Run returns a run with its items.
	ScreeningRun(ctx context.Context, id RunID) (*Run, error)
	// ReviewScreeningItems stores the review of items of run r by user by
	// (each item's choice, note and reviewer) and, once every item of the
	// run is reviewed, the run's move to reviewed; it returns the run's
	// status then. Reviews of one run at once are taken one after the
	// other. Conflict when the run is no longer proposed or an item was
	// reviewed already.
	ReviewScreeningItems(ctx context.Context, r *Run, items []Item, by int64, at time.Time) (RunStatus, error)
	// DecideScreeningRun stores the run's decision and, when approved,
	// inserts the new awards and stores the changed and stopped ones, all
	// in one transaction; Conflict when the run was decided already or an
	// award would be a second active one.
	DecideScreeningRun(ctx context.Context, r *Run, create, update []*assistance.Award) error
	// AssistanceAward returns an award: the one a changed or stopped item
	// names.
	AssistanceAward(ctx context.Context, id assistance.AwardID) (*assistance.Award, error)
}

// Screen screens programme over the registry of the region subtree for
// month m (免申即享): it proposes the new awards, the changed amounts and
// the stops, with their reasons, as a run that another user approves.
func (s *Service) Screen(ctx context.Context, programme string, m period.Month, code region.Code) (*Run, error) {
	runs, err := s.screenAndStore(ctx, []string{programme}, m, code, nil)
	if err != nil {
		return nil, err
	}
	return runs[0], nil
}

// MonthlyAllowances are the person programmes paid monthly with no
// application: what ScreenAll screens.
var MonthlyAllowances = []string{assistance.ProgHighAge, assistance.ProgDisabilityLiving, assistance.ProgDisabilityCare}

// ScreenAll screens every monthly allowance over the registry of the
// region subtree for month m in one pass over the persons, and proposes a
// run per programme.
func (s *Service) ScreenAll(ctx context.Context, m period.Month, code region.Code) ([]*Run, error) {
	return s.screenAndStore(ctx, MonthlyAllowances, m, code, nil)
}

// EventSummary says what a targeted re-screening read and proposed.
type EventSummary struct {
	// Changed counts the persons named by events of the audit trail since
	// the last run (new disability records, deaths, 低保 awards), Turning
	// those whose 80th birthday falls in the month.
	Changed int    `json:"changed"`
	Turning int    `json:"turning"`
	Runs    []*Run `json:"runs"`
	// Cursor is the last audit event read.
	Cursor int64 `json:"cursor"`
}

// ScreenEvents screens again, for month m, only the persons whom something
// concerns since the last event screening (事件触发): a new disability
// record, a death, a 低保 award of their household (read from the audit
// trail), and the persons turning 80 in m (the high-age allowance from the
// month of the birthday, with no application). It proposes a run per
// monthly allowance, for approval as any run, and moves the cursor on.
func (s *Service) ScreenEvents(ctx context.Context, m period.Month, code region.Code) (*EventSummary, error) {
	if _, err := auth.Require(ctx, auth.PermAssistance); err != nil {
		return nil, err
	}
	cursor, err := s.store.ScreeningCursor(ctx)
	if err != nil {
		return nil, err
	}
	changed, last, err := s.store.ChangedPersons(ctx, cursor)
	if err != nil {
		return nil, err
	}
	age, _, err := s.policy.Value("high_age_allowance.min_age", m.First(), s.juris.Home)
	if err != nil {
		return nil, fmt.Errorf("high-age allowance age: %w", err)
	}
	turning, err := s.store.TurningPersons(ctx, int(age), m, code)
	if err != nil {
		return nil, err
	}
	sum := &EventSummary{Changed: len(changed), Turning: len(turning), Cursor: last}
	only := map[registry.PersonID]bool{}
	for _, id := range append(changed, turning...) {
		only[id] = true
	}
	if len(only) > 0 {
		if sum.Runs, err = s.screenAndStore(ctx, MonthlyAllowances, m, code, only); err != nil {
			return nil, err
		}
	}
	if last > cursor {
		if err := s.store.SetScreeningCursor(ctx, last); err != nil {
			return nil, err
		}
	}
	return sum, nil
}

// screener decides one programme's rows of a screening run.
type screener struct {
	s      *Service
	prog   *policy.Programme
	run    *Run
	awards map[int64]*assistance.Award
	seen   map[int64]bool
	// only, when set, limits the run to these beneficiaries: the awards
	// of others are not looked at.
	only map[int64]bool
	// amount sums the eligible amounts, checked: finish sets run.Amount.
	amount money.Total
}

func (sc *screener) decide(key int64, hh registry.HouseholdID, person registry.PersonID, rc region.Code, eligible bool, amount money.Fen, rowCase func() policy.Case) error {
	run := sc.run
	run.Evaluated++
	sc.seen[key] = true
	a := sc.awards[key]
	if eligible {
		run.Eligible++
		sc.amount.Add(amount)
	}
	switch {
	case eligible && a == nil:
		run.Items = append(run.Items, Item{Change: ChangeNew, HouseholdID: hh, PersonID: person, RegionCode: rc, Amount: amount})
	case eligible && a.Kind == assistance.Monthly && a.Amount != amount:
		run.Items = append(run.Items, Item{Change: ChangeChanged, HouseholdID: hh, PersonID: person, RegionCode: rc,
			Amount: amount, OldAmount: a.Amount, AwardID: a.ID})
	case !eligible && a != nil && a.Kind == assistance.Monthly:
		d, err := sc.s.policy.Evaluate(run.Programme, run.Period, rowCase())
		if err != nil {
			return err
		}
		run.Items = append(run.Items, Item{Change: ChangeStopped, HouseholdID: hh, PersonID: person, RegionCode: rc,
			OldAmount: a.Amount, AwardID: a.ID, Reason: assistance.FailedConditions(d)})
	}
	return nil
}

// finish stops the awards of beneficiaries not screened at all (moved out
// of the region's registry, or dead before the month), numbers the items
// and sets the run's total, or fails if that overflows.
func (sc *screener) finish() error {
	run := sc.run
	amount, err := sc.amount.Result()
	if err != nil {
		return fmt.Errorf("screen %s %s: total: %w", run.Programme, run.Period, err)
	}
	run.Amount = amount
	for key, a := range sc.awards {
		if sc.only != nil && !sc.only[key] {
			continue
		}
		if !sc.seen[key] && a.Kind == assistance.Monthly {
			run.Items = append(run.Items, Item{Change: ChangeStopped, HouseholdID: a.HouseholdID, PersonID: a.PersonID,
				RegionCode: a.RegionCode, OldAmount: a.Amount, AwardID: a.ID, Reason: "not in the registry of the region alive in " + run.Period.String()})
		}
	}
	slices.SortFunc(run.Items, func(a, b Item) int {
		if c := strings.Compare(string(a.Change), string(b.Change)); c != 0 {
			return c
		}
		return int(a.PersonID-b.PersonID) + int(a.HouseholdID-b.HouseholdID)
	})
	for i := range run.Items {
		run.Items[i].Seq, run.Items[i].Accepted = i+1, true
		switch run.Items[i].Change {
		case ChangeNew:
			run.NewAwards++
		case ChangeChanged:
			run.Changed++
		case ChangeStopped:
			run.Stopped++
		}
	}
	return nil
}

// screenAndStore screens the programmes (of the persons of only, when
// set) and stores their runs, telling ProgressFunc how far it is.
func (s *Service) screenAndStore(ctx context.Context, programmes []string, m period.Month, code region.Code, only map[registry.PersonID]bool) ([]*Run, error) {
	var progress func(done int) error
	if s.ProgressFunc != nil && only == nil {
		prog, ok := s.policy.Programme(programmes[0])
		if !ok {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid screening", Fields: map[string]string{"programme": fmt.Sprintf("%q is not one of %s", programmes[0], strings.Join(Allowances, ", "))}}
		}
		total, err := s.store.ScreenableCount(ctx, prog.Entity, m, code)
		if err != nil {
			return nil, err
		}
		progress = func(done int) error { s.ProgressFunc(done, max(total, done)); return nil }
	}
	runs, err := s.screen(ctx, programmes, m, code, only, progress)
	if err != nil {
		return nil, err
	}
	if err := s.store.CreateScreeningRuns(ctx, runs, nil); err != nil {
		return nil, err
	}
	return runs, nil
}

// screen screens the programmes, all of one entity, in one pass over the
// registry, and returns a run per programme, not stored, telling progress
// the rows read so far.
func (s *Service) screen(ctx context.Context, programmes []string, m period.Month, code region.Code, only map[registry.PersonID]bool,
	progress func(done int) error) ([]*Run, error) {
	var pr fault.Problems
	entity := ""
	for _, programme := range programmes {
		if !slices.Contains(Allowances, programme) {
			pr.Add("programme", "%q is not one of %s", programme, strings.Join(Allowances, ", "))
			continue
		}
		prog, _ := s.policy.Programme(programme)
		if entity != "" && prog.Entity != entity {
			pr.Add("programme", "the programmes of one pass are of one entity")
		}
		entity = prog.Entity
	}
	if m.IsZero() {
		pr.Add("period", "is required")
	}
	if err := pr.Err("invalid screening"); err != nil {
		return nil, err
	}
	p, err := auth.Require(ctx, auth.PermAssistance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	scs := make([]*screener, len(programmes))
	for i, programme := range programmes {
		prog, _ := s.policy.Programme(programme)
		sc := &screener{s: s, prog: prog, seen: map[int64]bool{},
			run: &Run{Programme: programme, Period: m, Region: code, Status: RunProposed, Partial: only != nil, PolicyVersion: s.policy.Version,
				CreatedBy: p.UserID, CreatedAt: s.now().UTC()}}
		if sc.awards, err = s.activeByBeneficiary(ctx, programme, m, code, entity == "person"); err != nil {
			return nil, err
		}
		if only != nil {
			sc.only = map[int64]bool{}
			for id := range only {
				sc.only[int64(id)] = true
			}
		}
		scs[i] = sc
	}
	done := 0
	if only != nil && entity != "person" {
		return nil, fmt.Errorf("a targeted screening is of persons")
	}
	if entity == "person" {
		cols, err := newPersonColumns(s.policy)
		if err != nil {
			return nil, err
		}
		each := func(fn func([]PersonBasis) error) error { return s.store.PersonBasis(ctx, m, code, fn) }
		if only != nil {
			ids := make([]registry.PersonID, 0, len(only))
			for id := range only {
				ids = append(ids, id)
			}
			slices.Sort(ids)
			each = func(fn func([]PersonBasis) error) error { return s.store.PersonBasisOf(ctx, m, code, ids, fn) }
		}
		err = each(func(chunk []PersonBasis) error {
			pop := cols.population(chunk, m)
			for _, sc := range scs {
				res, err := s.policy.EvaluateBatch(sc.run.Programme, m, pop, s.asst.Workers)
				if err != nil {
					return fmt.Errorf("screen %s: %w", sc.run.Programme, err)
				}
				for i := range chunk {
					b := &chunk[i]
					if err := sc.decide(int64(b.PersonID), 0, b.PersonID, b.RegionCode, res.Eligible[i], money.Fen(res.Amount[i]),
						func() policy.Case { return s.policy.Case(pop, i) }); err != nil {
						return err
					}
				}
			}
			done += len(chunk)
			if progress != nil {
				return progress(done)
			}
			return nil
		})
	} else {
		var cols *householdColumns
		if cols, err = newHouseholdColumns(s.policy); err != nil {
			return nil, err
		}
		err = s.store.HouseholdBasis(ctx, m, code, func(chunk []HouseholdBasis) error {
			pop := cols.population(chunk)
			for _, sc := range scs {
				res, err := s.policy.EvaluateBatch(sc.run.Programme, m, pop, s.asst.Workers)
				if err != nil {
					return fmt.Errorf("screen %s: %w", sc.run.Programme, err)
				}
				for i := range chunk {
					b := &chunk[i]
					if err := sc.decide(int64(b.HouseholdID), b.HouseholdID, 0, b.RegionCode, res.Eligible[i], money.Fen(res.Amount[i]),
						func() policy.Case { return s.policy.Case(pop, i) }); err != nil {
						return err
					}
				}
			}
			done += len(chunk)
			if progress != nil {
				return progress(done)
			}
			return nil
		})
	}
	if err != nil {
		return nil, err
	}
	runs := make([]*Run, len(scs))
	for i, sc := range scs {
		if err := sc.finish(); err != nil {
			return nil, err
		}
		runs[i] = sc.run
	}
	return runs, nil
}

// activeByBeneficiary maps the person (or household) to its award of the
// programme that matters for m: the active monthly one, or the one-off of
// m.
func (s *Service) activeByBeneficiary(ctx context.Context, programme string, m period.Month, code region.Code, person bool) (map[int64]*assistance.Award, error) {
	once := false
	if prog, ok := s.policy.Programme(programme); ok && prog.Period == policy.PeriodOnce {
		once = true
	}
	as, err := s.store.ScreenedAwards(ctx, programme, once, m, code)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*assistance.Award, len(as))
	for _, a := range as {
		key := int64(a.HouseholdID)
		if person {
			key = int64(a.PersonID)
		}
		out[key] = a
	}
	return out, nil
}

// FindRun returns a run with its items. A caseworker of a county
// reads a run of a wider region (the prefecture's) with the items of the
// county only: those they review.
func (s *Service) FindRun(ctx context.Context, id RunID) (*Run, error) {
	r, err := s.store.ScreeningRun(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if p.InScope(r.Region) {
		return r, nil
	}
	// A county reads its own items of a wider run; any other run outside
	// the scope is answered as missing.
	if p.Scope == "" || !r.Region.Contains(p.Scope) {
		return nil, auth.NotFound("screening run", id)
	}
	r.Items = slices.DeleteFunc(r.Items, func(it Item) bool { return !p.Scope.Contains(it.RegionCode) })
	return r, nil
}

// Review is a caseworker's review of a proposed run (审核): every
// item accepted, or only those of accept (by sequence number), the others
// noted with their own reason in notes (by sequence number) or, for those
// without one, with reason. A caseworker whose scope covers the run's region
// reviews all its items at once; a caseworker of a county inside it (a
// prefecture-wide run) reviews the items of their county, once: the run is
// reviewed when every county's items are. The review is the maker's step:
// an approver who neither made nor reviewed any of the run then decides
// it.
func (s *Service) Review(ctx context.Context, id RunID, all bool, accept []int, reason string, notes map[int]string) (*Run, error) {
	r, err := s.store.ScreeningRun(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.Require(ctx, auth.PermAssistance)
	if err != nil {
		return nil, err
	}
	whole := p.InScope(r.Region)
	if !whole && (p.Scope == "" || !r.Region.Contains(p.Scope)) {
		return nil, auth.NotFound("screening run", id)
	}
	if r.SupersededBy != 0 {
		return nil, fault.Keyed(fault.Conflict, "screening_superseded", "screening run %d was superseded by run %d: review that one", id, r.SupersededBy)
	}
	if r.Status != RunProposed || (whole && r.reviewStarted()) {
		return nil, fault.Keyed(fault.Conflict, "screening_not_proposed", "screening run %d is %s: only a proposed run is reviewed, each item once", id, r.statusWithCounties())
	}
	// The items this review covers: all, or the reviewer's county's.
	var mine []int
	for i, it := range r.Items {
		if whole || p.Scope.Contains(it.RegionCode) {
			mine = append(mine, i)
		}
	}
	if !whole && len(mine) == 0 {
		return nil, fault.Keyed(fault.Conflict, "screening_no_items", "screening run %d has no items in %s to review", id, p.Scope)
	}
	for _, i := range mine {
		if it := r.Items[i]; it.ReviewedBy != 0 {
			return nil, fault.Keyed(fault.Conflict, "screening_reviewed", "the items of %s in screening run %d were reviewed already (by user %d)", p.Scope, id, it.ReviewedBy)
		}
	}
	keep := map[int]bool{}
	for _, seq := range accept {
		if seq < 1 || seq > len(r.Items) {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid review", Fields: map[string]string{"accept": fmt.Sprintf("run %d has items 1 to %d, not %d", id, len(r.Items), seq)}}
		}
		if !whole && !p.Scope.Contains(r.Items[seq-1].RegionCode) {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid review", Fields: map[string]string{"accept": fmt.Sprintf("item %d is in %s, outside %s: its county reviews it", seq, r.Items[seq-1].RegionCode.County(), p.Scope)}}
		}
		keep[seq] = true
	}
	var pr fault.Problems
	var missing []int // items left out with no reason
	for _, seq := range slices.Sorted(maps.Keys(notes)) {
		switch {
		case seq < 1 || seq > len(r.Items):
			pr.Add("notes."+strconv.Itoa(seq), "run %d has items 1 to %d, not %d", id, len(r.Items), seq)
		case !whole && !p.Scope.Contains(r.Items[seq-1].RegionCode):
			pr.Add("notes."+strconv.Itoa(seq), "item %d is in %s, outside %s: its county reviews it", seq, r.Items[seq-1].RegionCode.County(), p.Scope)
		}
	}
	items := make([]Item, 0, len(mine))
	for _, i := range mine {
		it := &r.Items[i]
		it.Accepted, it.Note, it.ReviewedBy = all || keep[it.Seq], "", p.UserID
		if !it.Accepted {
			// The item's own reason, or the review's for the others.
			if it.Note = strings.TrimSpace(notes[it.Seq]); it.Note == "" {
				it.Note = strings.TrimSpace(reason)
			}
			if it.Note == "" {
				missing = append(missing, it.Seq)
			}
		}
		items = append(items, *it)
	}
	if len(missing) > 0 {
		e, ok := pr.Err("invalid review").(*fault.Error)
		if !ok {
			e = fault.Errorf(fault.Invalid, "invalid review")
		}
		return nil, e.WithField("reason", "screening_reason_required", "say why the items left out are not accepted (items %s have no reason of their own)", seqList(missing))
	}
	if err := pr.Err("invalid review"); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	status, err := s.store.ReviewScreeningItems(ctx, r, items, p.UserID, now)
	if err != nil {
		return nil, err
	}
	if r.Status = status; status == RunReviewed {
		r.ReviewedBy, r.ReviewedAt = p.UserID, now
	}
	if !whole {
		r.Items = slices.DeleteFunc(r.Items, func(it Item) bool { return !p.Scope.Contains(it.RegionCode) })
	}
	return r, nil
}

// seqList lists sequence numbers for a message: "2, 5".
func seqList(seqs []int) string {
	parts := make([]string, len(seqs))
	for i, s := range seqs {
		parts[i] = strconv.Itoa(s)
	}
	return strings.Join(parts, ", ")
}

// statusWithCounties is the run's status, with the counties whose items
// wait for review when a county review has begun.
func (r *Run) statusWithCounties() string {
	if r.Status != RunProposed || !r.reviewStarted() {
		return string(r.Status)
	}
	var waiting []string
	for _, c := range r.Counties() {
		if c.Reviewed < c.Items {
			waiting = append(waiting, string(c.County))
		}
	}
	return "under review by county (" + strings.Join(waiting, ", ") + " to review)"
}

// makers are the users who made or reviewed the run: none of them may
// decide it (maker-checker, auth.SecondUser).
func (r *Run) makers() []int64 {
	out := []int64{r.CreatedBy}
	if r.ReviewedBy != 0 {
		out = append(out, r.ReviewedBy)
	}
	for _, it := range r.Items {
		if it.ReviewedBy != 0 {
			out = append(out, it.ReviewedBy)
		}
	}
	return out
}

// Decide approves or rejects a proposed or reviewed run; by an
// approver who neither made nor reviewed it. Only accepted items take
// effect. Approved, its new items become awards from the run's
// month (the decision of each, explained, stored with it), its changed
// items pay the new amount, and its stopped awards end with the month
// before the run's.
//
// A rejection needs the reason, which the API sends as the decision's note:
// without it the error names the field note.
func (s *Service) Decide(ctx context.Context, id RunID, approve bool, reason string) (*Run, error) {
	r, err := s.store.ScreeningRun(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermApprove, r.Region, "screening run", id)
	if err != nil {
		return nil, err
	}
	if r.SupersededBy != 0 {
		return nil, fault.Keyed(fault.Conflict, "screening_superseded", "screening run %d was superseded by run %d: decide that one", id, r.SupersededBy)
	}
	if r.Status != RunProposed && r.Status != RunReviewed {
		return nil, fault.Keyed(fault.Conflict, "screening_decided", "screening run %d was %s already", id, r.Status)
	}
	if err := auth.SecondUser(p, r.makers(), "screening run %d was made or reviewed by you: another user decides it", id); err != nil {
		return nil, err
	}
	// A run whose review by county has begun is approved once every
	// county has reviewed its items; it may be rejected before.
	if approve && r.Status == RunProposed && r.reviewStarted() {
		return nil, fault.Keyed(fault.Conflict, "screening_not_reviewed", "screening run %d is %s: it is approved once every item is reviewed", id, r.statusWithCounties())
	}
	r.DecidedBy, r.DecidedAt, r.Reason = p.UserID, s.now().UTC(), reason
	if !approve {
		if strings.TrimSpace(reason) == "" {
			return nil, fault.Errorf(fault.Invalid, "invalid decision").WithField("note", "screening_note_required", "give the reason the run is rejected")
		}
		r.Status = RunRejected
		return r, s.store.DecideScreeningRun(ctx, r, nil, nil)
	}
	r.Status = RunApproved
	prog, _ := s.policy.Programme(r.Programme)
	kind := assistance.Monthly
	if prog.Period == policy.PeriodOnce {
		kind = assistance.Once
	}
	var create, update []*assistance.Award
	var pcols *personColumns
	var hcols *householdColumns
	for _, it := range r.Items {
		if !it.Accepted {
			continue
		}
		switch it.Change {
		case ChangeNew:
			a := &assistance.Award{Programme: r.Programme, Kind: kind, HouseholdID: it.HouseholdID, PersonID: it.PersonID, RegionCode: it.RegionCode,
				Amount: it.Amount, Start: r.Period, Status: assistance.AwardActive, PolicyVersion: r.PolicyVersion, CreatedBy: p.Username, Version: 1}
			if kind == assistance.Once {
				a.Status = assistance.AwardGranted
			}
			a.Notice = s.asst.GrantNotice(a)
			create = append(create, a)
		case ChangeChanged, ChangeStopped:
			a, err := s.store.AssistanceAward(ctx, it.AwardID)
			if err != nil {
				return nil, err
			}
			if it.Change == ChangeChanged {
				a.Amount = it.Amount
				a.Notice = s.asst.GrantNotice(a)
			} else {
				a.Status, a.End, a.StopReason = assistance.AwardStopped, r.Period.Add(-1), it.Reason
				a.Notice = s.asst.StopNotice(a)
			}
			update = append(update, a)
		}
	}
	// Each new award keeps its explained decision.
	if err := s.explainAwards(ctx, r, create, &pcols, &hcols); err != nil {
		return nil, err
	}
	if err := s.store.DecideScreeningRun(ctx, r, create, update); err != nil {
		return nil, err
	}
	return r, nil
}

// explainAwards stores the row-wise decision of each new award, read again
// from the registry for the run's month.
func (s *Service) explainAwards(ctx context.Context, r *Run, create []*assistance.Award, pcols **personColumns, hcols **householdColumns) error {
	if len(create) == 0 {
		return nil
	}
	byKey := map[int64]*assistance.Award{}
	person := create[0].PersonID != 0
	for _, a := range create {
		if person {
			byKey[int64(a.PersonID)] = a
		} else {
			byKey[int64(a.HouseholdID)] = a
		}
	}
	explainRow := func(key int64, c policy.Case) error {
		a := byKey[key]
		if a == nil {
			return nil
		}
		d, err := s.policy.Evaluate(r.Programme, r.Period, c)
		if err != nil {
			return err
		}
		if a.Decision, err = json.Marshal(d); err != nil {
			return fmt.Errorf("encode decision: %w", err)
		}
		return nil
	}
	var err error
	if person {
		if *pcols == nil {
			if *pcols, err = newPersonColumns(s.policy); err != nil {
				return err
			}
		}
		return s.store.PersonBasis(ctx, r.Period, r.Region, func(chunk []PersonBasis) error {
			pop := (*pcols).population(chunk, r.Period)
			for i := range chunk {
				if byKey[int64(chunk[i].PersonID)] != nil {
					if err := explainRow(int64(chunk[i].PersonID), s.policy.Case(pop, i)); err != nil {
						return err
					}
				}
			}
			return nil
		})
	}
	if *hcols == nil {
		if *hcols, err = newHouseholdColumns(s.policy); err != nil {
			return err
		}
	}
	return s.store.HouseholdBasis(ctx, r.Period, r.Region, func(chunk []HouseholdBasis) error {
		pop := (*hcols).population(chunk)
		for i := range chunk {
			if byKey[int64(chunk[i].HouseholdID)] != nil {
				if err := explainRow(int64(chunk[i].HouseholdID), s.policy.Case(pop, i)); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// personColumns builds the person population of the allowances.
type personColumns struct {
	kinds map[registry.DisabilityKind]int64
	none  int64
}

func newPersonColumns(pk *policy.Package) (*personColumns, error) {
	pc := &personColumns{kinds: map[registry.DisabilityKind]int64{}}
	var err error
	if pc.none, err = pk.StrID("person", "disability_kind", "none"); err != nil {
		return nil, err
	}
	for _, k := range registry.DisabilityKinds {
		if pc.kinds[k], err = pk.StrID("person", "disability_kind", string(k)); err != nil {
			return nil, err
		}
	}
	return pc, nil
}

// population gives the inputs of every person allowance for a chunk.
func (pc *personColumns) population(chunk []PersonBasis, m period.Month) *policy.Population {
	n := len(chunk)
	pop := policy.NewPopulation("person", n, "")
	regionOf := assistance.RegionIndexer(pop)
	names := []string{"birth_date", "alive", "hukou_local", "disability_grade", "disability_kind", "in_dibao_household",
		"in_dibao_edge_household", "tekun", "work_injury_nursing_allowance"}
	cols := make([][]int64, len(names))
	for i := range cols {
		cols[i] = make([]int64, n)
	}
	for i := range chunk {
		b := &chunk[i]
		pop.RegionIdx[i] = regionOf(b.RegionCode)
		cols[0][i] = int64(b.BirthDate)
		cols[1][i] = b2i(b.Death.IsZero() || b.Death >= m.First())
		cols[2][i] = b2i(b.HukouLocal)
		cols[3][i] = int64(b.DisabilityGrade)
		cols[4][i] = pc.none
		if id, ok := pc.kinds[b.DisabilityKind]; ok && b.DisabilityGrade > 0 {
			cols[4][i] = id
		}
		cols[5][i] = b2i(b.InDibao)
		cols[6][i] = b2i(b.InEdge)
		cols[7][i] = b2i(b.Tekun)
		cols[8][i] = b2i(b.InjuryNursing)
	}
	for i, name := range names {
		pop.Set(name, cols[i])
	}
	return pop
}

// householdColumns builds the household population of the allowances.
type householdColumns struct {
	status, heating map[string]int64
}

func newHouseholdColumns(pk *policy.Package) (*householdColumns, error) {
	hc := &householdColumns{status: map[string]int64{}, heating: map[string]int64{}}
	for _, v := range []string{"none", "dibao", "tekun", "dibao_edge", "rigid_expense"} {
		id, err := pk.StrID("household", "assistance_status", v)
		if err != nil {
			return nil, err
		}
		hc.status[v] = id
	}
	for _, v := range []string{"central", "self_heating", "provided", HeatingUnknown} {
		id, err := pk.StrID("household", "heating_type", v)
		if err != nil {
			return nil, err
		}
		hc.heating[v] = id
	}
	return hc, nil
}

func (hc *householdColumns) population(chunk []HouseholdBasis) *policy.Population {
	n := len(chunk)
	pop := policy.NewPopulation("household", n, "")
	regionOf := assistance.RegionIndexer(pop)
	names := []string{"members", "hukou_local", "assistance_status", "heating_type"}
	cols := make([][]int64, len(names))
	for i := range cols {
		cols[i] = make([]int64, n)
	}
	for i := range chunk {
		b := &chunk[i]
		pop.RegionIdx[i] = regionOf(b.RegionCode)
		cols[0][i] = int64(max(b.Members, 1))
		cols[1][i] = b2i(b.HukouLocal)
		st, ok := hc.status[b.Status]
		if !ok {
			st = hc.status["none"]
		}
		cols[2][i] = st
		ht, ok := hc.heating[b.HeatingType]
		if !ok {
			ht = hc.heating[HeatingUnknown] // a fact not known is never defaulted
		}
		cols[3][i] = ht
	}
	for i, name := range names {
		pop.Set(name, cols[i])
	}
	return pop
}
