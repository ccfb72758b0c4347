package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// RefundProgramme is the job-stabilisation refund's programme id.
const RefundProgramme = "job_stabilization_refund"

// RefundBasis is what the refund of a year reads of one employer: its size
// and the previous year's unemployment-insurance figures (上年度).
type RefundBasis struct {
	OrgID      registry.OrgID
	RegionCode region.Code
	Size       registry.OrgSize
	// InsuredAvg is the average monthly number of insured contributors in
	// the previous year (person-months paid ÷ 12, half up).
	InsuredAvg int
	// NewClaimants counts the unemployment claims from the employer
	// registered in the previous year.
	NewClaimants int
	// MonthsPaid counts the months up to the previous year's end in which
	// the employer's unemployment premiums were paid in full (assessed due
	// all collected).
	MonthsPaid int
	// Premiums is what the employer and its staff paid in the previous
	// year, fen.
	Premiums money.Fen
}

// RefundItem is one employer of a refund run.
type RefundItem struct {
	OrgID        registry.OrgID   `json:"org_id"`
	RegionCode   region.Code      `json:"region_code"`
	Size         registry.OrgSize `json:"size"`
	Amount       money.Fen        `json:"amount"`
	InsuredAvg   int              `json:"insured_avg"`
	NewClaimants int              `json:"new_claimants"`
	MonthsPaid   int              `json:"months_paid"`
	Premiums     money.Fen        `json:"premiums"`
}

// RefundRunID is a refund run's surrogate key.
type RefundRunID int64

// RefundRun is one batch of refunds of a year (第N批): the employers found
// eligible and not refunded in an earlier batch, proposed for approval.
type RefundRun struct {
	ID     RefundRunID  `json:"id"`
	Year   int          `json:"year"`
	Batch  int          `json:"batch"`
	Region region.Code  `json:"region"`
	Status RefundStatus `json:"status"`
	// SupersededBy is, for a batch proposed twice before one batch per
	// year and region could wait at a time, the newer one.
	SupersededBy  RefundRunID  `json:"superseded_by,omitempty"`
	Evaluated     int          `json:"evaluated"`
	Enterprises   int          `json:"enterprises"`
	Amount        money.Fen    `json:"amount"`
	PolicyVersion string       `json:"policy_version"`
	CreatedBy     int64        `json:"created_by"`
	CreatedAt     time.Time    `json:"created_at"`
	DecidedBy     int64        `json:"decided_by,omitempty"`
	DecidedAt     time.Time    `json:"decided_at,omitzero"`
	Reason        string       `json:"reason,omitempty"`
	Items         []RefundItem `json:"items,omitempty"`
}

// Refund is an employer's refund of a year, made by an approved batch and
// paid in Period.
type Refund struct {
	Year       int             `json:"year"`
	OrgID      registry.OrgID  `json:"org_id"`
	RunID      RefundRunID     `json:"run_id"`
	Batch      int             `json:"batch"`
	RegionCode region.Code     `json:"region_code"`
	Amount     money.Fen       `json:"amount"`
	Period     period.Month    `json:"period"`
	Decision   json.RawMessage `json:"decision,omitempty"`
}

// BatchTotal is what a batch of a year refunded: the report of the
// published batches.
type BatchTotal struct {
	Year        int         `json:"year"`
	Batch       int         `json:"batch"`
	County      region.Code `json:"county,omitempty"`
	Enterprises int         `json:"enterprises"`
	Amount      money.Fen   `json:"amount"`
}

// RefundStore keeps refund runs and refunds.
type RefundStore interface {
	// RefundBasis returns every employer of the region subtree with the
	// figures of data year, in key order, leaving out those refunded for
	// refund year already.
	RefundBasis(ctx context.Context, refundYear, dataYear int, code region.Code) ([]RefundBasis, error)
	// CreateRefundRun inserts r (its batch number the next of the year)
	// with its items.
	CreateRefundRun(ctx context.Context, r *RefundRun) error
	// RefundRun returns a run with its items.
	RefundRun(ctx context.Context, id RefundRunID) (*RefundRun, error)
	// DecideRefundRun stores the decision and, approved, the refunds, all
	// or none; Conflict when decided before or an employer was refunded
	// for the year already.
	DecideRefundRun(ctx context.Context, r *RefundRun, refunds []Refund) error
	// RefundBatches sums the refunds of a year by batch (and county).
	RefundBatches(ctx context.Context, year int, code region.Code, byCounty bool) ([]BatchTotal, error)
	// RefundRuns lists the runs matching f by key, without their items.
	RefundRuns(ctx context.Context, f RefundRunFilter) ([]*RefundRun, error)
}

// Refunds runs the job-stabilisation refund (稳岗返还) with no application.
type Refunds struct {
	store  RefundStore
	policy *policy.Package
	clock  clock.Clock
}

// NewRefunds returns a Refunds telling the time by clk.
func NewRefunds(store RefundStore, pk *policy.Package, clk clock.Clock) *Refunds {
	return &Refunds{store: store, policy: pk, clock: clk}
}

// refundColumns builds the organisation population of a chunk of bases.
func (s *Refunds) population(bs []RefundBasis) (*policy.Population, error) {
	n := len(bs)
	pop := policy.NewPopulation("organisation", n, "")
	pop.Regions = pop.Regions[:0]
	idx := map[region.Code]int32{}
	names := []string{"size", "treated_as_sme", "insured_avg_prev_year", "new_claimants_prev_year", "months_paid", "premiums_paid_prev_year",
		"seriously_dishonest", "deregistered"}
	cols := make([][]int64, len(names))
	for i := range cols {
		cols[i] = make([]int64, n)
	}
	sizes := map[registry.OrgSize]int64{}
	for _, sz := range []registry.OrgSize{registry.SizeMicro, registry.SizeSmall, registry.SizeMedium, registry.SizeLarge} {
		id, err := s.policy.StrID("organisation", "size", string(sz))
		if err != nil {
			return nil, err
		}
		sizes[sz] = id
	}
	for i := range bs {
		b := &bs[i]
		ri, ok := idx[b.RegionCode]
		if !ok {
			ri = int32(len(pop.Regions))
			idx[b.RegionCode] = ri
			pop.Regions = append(pop.Regions, b.RegionCode)
		}
		pop.RegionIdx[i] = ri
		sz, ok := sizes[b.Size]
		if !ok {
			sz = sizes[registry.SizeSmall]
		}
		cols[0][i] = sz
		// No register of social organisations, dishonesty lists or
		// deregistrations is held yet: none is treated as an SME, listed
		// as dishonest or deregistered.
		cols[2][i] = int64(b.InsuredAvg)
		cols[3][i] = int64(b.NewClaimants)
		cols[4][i] = int64(b.MonthsPaid)
		cols[5][i] = int64(b.Premiums)
	}
	for i, name := range names {
		pop.Set(name, cols[i])
	}
	return pop, nil
}

// RefundStatus is where a refund run (退费批次) stands: proposed (待审批),
// approved, rejected, superseded (an undecided run a newer one replaced,
// only ever derived when listing) or none (a screening that found no
// employer, never stored).
type RefundStatus string

// Refund run statuses.
const (
	RefundProposed   RefundStatus = "proposed"   // waiting for a second user
	RefundApproved   RefundStatus = "approved"   // approved: the refunds are due
	RefundRejected   RefundStatus = "rejected"   // refused by a second user
	RefundSuperseded RefundStatus = "superseded" // undecided, replaced by a newer run
	// RefundNone is the status of a screening that found no employer to
	// refund: no run is recorded and its ID is 0.
	RefundNone RefundStatus = "none"
)

// Screen screens every employer of the region subtree for the refund of
// year (on the previous year's figures) and proposes the year's next batch:
// the eligible employers not refunded in an earlier batch. Another user
// approves it. With no employer to refund, nothing is recorded: the run
// returned says so (status RefundNone, ID 0). While a batch of the year
// and region waits for approval, another is Conflict naming it.
func (s *Refunds) Screen(ctx context.Context, year int, code region.Code) (*RefundRun, error) {
	if year < 2015 || year > 9999 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid refund run", Fields: map[string]string{"year": "give the refund year, e.g. 2025 (on 2024's figures)"}}
	}
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	bs, err := s.store.RefundBasis(ctx, year, year-1, code)
	if err != nil {
		return nil, err
	}
	run := &RefundRun{Year: year, Region: code, Status: RefundProposed, Evaluated: len(bs), PolicyVersion: s.policy.Version,
		CreatedBy: p.UserID, CreatedAt: s.clock.Now().UTC()}
	if len(bs) > 0 {
		pop, err := s.population(bs)
		if err != nil {
			return nil, err
		}
		res, err := s.policy.EvaluateBatch(RefundProgramme, period.NewMonth(year, time.January), pop, 0)
		if err != nil {
			return nil, fmt.Errorf("screen refunds: %w", err)
		}
		var total money.Total
		for i := range bs {
			if !res.Eligible[i] || res.Amount[i] <= 0 {
				continue
			}
			b := &bs[i]
			run.Items = append(run.Items, RefundItem{OrgID: b.OrgID, RegionCode: b.RegionCode, Size: b.Size, Amount: money.Fen(res.Amount[i]),
				InsuredAvg: b.InsuredAvg, NewClaimants: b.NewClaimants, MonthsPaid: b.MonthsPaid, Premiums: b.Premiums})
			total.Add(money.Fen(res.Amount[i]))
		}
		if run.Amount, err = total.Result(); err != nil {
			return nil, fmt.Errorf("refund run %d: total: %w", year, err)
		}
	}
	run.Enterprises = len(run.Items)
	if run.Enterprises == 0 {
		// Nothing to approve: no batch is recorded.
		run.Status = RefundNone
		return run, nil
	}
	if err := s.store.CreateRefundRun(ctx, run); err != nil {
		return nil, err
	}
	return run, nil
}

// Decide approves or rejects a proposed run; by an approver who did not
// make it. Approved, each employer's refund is recorded with its explained
// decision, to be paid in the month of approval. A rejection needs the
// reason, which the API sends as the decision's note: without it the error
// names the field note.
func (s *Refunds) Decide(ctx context.Context, id RefundRunID, approve bool, reason string) (*RefundRun, error) {
	r, err := s.store.RefundRun(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermApprove, r.Region, "refund run", id)
	if err != nil {
		return nil, err
	}
	if r.Status != RefundProposed {
		return nil, fault.Errorf(fault.Conflict, "refund run %d was %s already", id, r.Status)
	}
	if err := auth.SecondUser(p, []int64{r.CreatedBy}, "refund run %d was made by you: another user decides it", id); err != nil {
		return nil, err
	}
	r.DecidedBy, r.DecidedAt, r.Reason = p.UserID, s.clock.Now().UTC(), reason
	if !approve {
		if strings.TrimSpace(reason) == "" {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"note": "give the reason the run is rejected"}}
		}
		r.Status = RefundRejected
		return r, s.store.DecideRefundRun(ctx, r, nil)
	}
	r.Status = RefundApproved
	m := s.clock.Date(r.DecidedAt).Period()
	refunds := make([]Refund, 0, len(r.Items))
	for _, it := range r.Items {
		d, err := s.policy.Evaluate(RefundProgramme, period.NewMonth(r.Year, time.January), policy.Case{Entity: "organisation", Region: it.RegionCode,
			Inputs: refundInputs(it)})
		if err != nil {
			return nil, fmt.Errorf("explain the refund of organisation %d: %w", it.OrgID, err)
		}
		raw, err := json.Marshal(d)
		if err != nil {
			return nil, fmt.Errorf("encode decision: %w", err)
		}
		refunds = append(refunds, Refund{Year: r.Year, OrgID: it.OrgID, RunID: r.ID, Batch: r.Batch, RegionCode: it.RegionCode,
			Amount: it.Amount, Period: m, Decision: raw})
	}
	if err := s.store.DecideRefundRun(ctx, r, refunds); err != nil {
		return nil, err
	}
	return r, nil
}

// refundInputs is the row-wise case of an item, as the columnar run read
// it.
func refundInputs(it RefundItem) map[string]json.RawMessage {
	num := func(v int64) json.RawMessage { return json.RawMessage(fmt.Sprint(v)) }
	return map[string]json.RawMessage{
		"size": json.RawMessage(`"` + string(it.Size) + `"`), "treated_as_sme": json.RawMessage("false"), "insured_avg_prev_year": num(int64(it.InsuredAvg)),
		"new_claimants_prev_year": num(int64(it.NewClaimants)), "months_paid": num(int64(it.MonthsPaid)),
		"premiums_paid_prev_year": num(int64(it.Premiums)), "seriously_dishonest": json.RawMessage("false"), "deregistered": json.RawMessage("false"),
	}
}

// FindRun returns a refund run with its items.
func (s *Refunds) FindRun(ctx context.Context, id RefundRunID) (*RefundRun, error) {
	r, err := s.store.RefundRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, r.Region, "refund run", id); err != nil {
		return nil, err
	}
	return r, nil
}

// Batches reports the refunds of a year by batch (and county): the
// enterprises and amounts, as the published batches give them.
func (s *Refunds) Batches(ctx context.Context, year int, code region.Code, byCounty bool) ([]BatchTotal, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	return s.store.RefundBatches(ctx, year, code, byCounty)
}
