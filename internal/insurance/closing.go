package insurance

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Closing is the decision that closes an employer (单位注销): the arrears
// it leaves, listed, and the enrolments of its staff terminated from the
// closing month.
type Closing struct {
	OrgID      registry.OrgID `json:"org_id"`
	RegionCode region.Code    `json:"region_code"`
	// On is the closing date; Month its month, the first month no
	// enrolment of the employer covers.
	On     period.Date  `json:"on"`
	Month  period.Month `json:"month"`
	Reason string       `json:"reason"`
	// Arrears are the months with less paid than due (欠费), listed for
	// recovery from the employer's liquidation; ArrearsTotal their sum.
	Arrears      []ArrearsRow `json:"arrears"`
	ArrearsTotal money.Fen    `json:"arrears_total"`
	// Terminated are the enrolments ended by the closing; Separated
	// counts the open employment spells ended on the closing date.
	Terminated []EnrolmentID `json:"terminated"`
	Separated  int           `json:"separated"`
	ClosedBy   int64         `json:"closed_by"`
	ClosedAt   time.Time     `json:"closed_at"`
}

// ClosingStore keeps what closing an employer writes.
type ClosingStore interface {
	// Arrears sums what was due and what was paid per employer and month.
	Arrears(ctx context.Context, f ArrearsFilter) ([]ArrearsRow, error)
	// CloseOrganisation closes the employer in one transaction with its
	// audit events: Conflict unless it is active at version; every
	// enrolment through it not terminated, read in the transaction, is
	// handed to terminate and stored as it leaves it (an error from
	// terminate writes nothing); its open employment spells end on c.On
	// (involuntary separation); c, with c.Terminated and c.Separated
	// filled in, is stored as the closing decision.
	CloseOrganisation(ctx context.Context, id registry.OrgID, version int64, c *Closing, terminate func(e *Enrolment) error) error
	// OrganisationClosing returns the closing decision of a closed
	// employer; NotFound if it is not closed.
	OrganisationClosing(ctx context.Context, id registry.OrgID) (*Closing, error)
}

// Closings closes employers.
type Closings struct {
	store    ClosingStore
	registry Registry
	clock    clock.Clock
}

// NewClosings returns a Closings telling the time by clk.
func NewClosings(store ClosingStore, reg Registry, clk clock.Clock) *Closings {
	return &Closings{store: store, registry: scopedRegistry{reg}, clock: clk}
}

// Close closes an employer on the date on (单位注销), by a caseworker with
// insurance.write in its region, all or nothing in one transaction: its
// arrears are listed in the decision (they stay due, to be claimed from
// the liquidation), every enrolment of its staff is terminated from the
// month of on (last month covered the month before; a suspended one keeps
// its last month), its open employment spells end on on, and it is marked
// closed. No second user is needed: closing moves no money and changes no
// one's identity; it ends insurance relationships, as a caseworker's
// termination of one enrolment does alone, and every step is audited.
func (s *Closings) Close(ctx context.Context, id registry.OrgID, version int64, on period.Date, reason string) (*Closing, error) {
	var pr fault.Problems
	today := s.clock.Today()
	switch {
	case on.IsZero():
		pr.Add("on", "is required")
	case on > today:
		pr.Add("on", "is after today, %s", today)
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(reason)); {
	case n == 0:
		pr.Add("reason", "say why the employer is closed")
	case n > 200:
		pr.Add("reason", "is longer than 200 characters")
	}
	if version <= 0 {
		pr.Add("version", "give the organisation's version")
	}
	if err := pr.Err("invalid closing"); err != nil {
		return nil, err
	}
	o, err := s.registry.Organisation(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermInsurance, o.RegionCode, "organisation", id)
	if err != nil {
		return nil, err
	}
	if o.Closed() {
		return nil, fault.Errorf(fault.Conflict, "organisation %d was closed on %s", id, o.ClosedOn)
	}
	m := on.Period()
	// Every month up to the closing month: the schemes began in the 1990s.
	rows, err := s.store.Arrears(ctx, ArrearsFilter{OrgID: id, From: period.NewMonth(1990, time.January), To: m})
	if err != nil {
		return nil, err
	}
	c := &Closing{OrgID: id, RegionCode: o.RegionCode, On: on, Month: m, Reason: strings.TrimSpace(reason), Arrears: []ArrearsRow{},
		ClosedBy: p.UserID, ClosedAt: s.clock.Now().UTC()}
	var total money.Total
	for _, r := range rows {
		if r.OrgID != id || r.Arrears <= 0 {
			continue
		}
		c.Arrears = append(c.Arrears, r)
		total.Add(r.Arrears)
	}
	if c.ArrearsTotal, err = total.Result(); err != nil {
		return nil, fmt.Errorf("arrears of organisation %d: %w", id, err)
	}
	terminate := func(e *Enrolment) error {
		switch {
		case e.Status == Suspended:
			// Suspended: the last month covered stays.
			e.Reason = strings.TrimPrefix(e.Reason+"; ", "; ") + "employer closed: " + c.Reason
		case m <= e.Start:
			return &fault.Error{Code: fault.Invalid, Message: "invalid closing",
				Fields: map[string]string{"on": fmt.Sprintf("enrolment %d starts in %s, not before the closing month: terminate it first", e.ID, e.Start)}}
		default:
			e.End, e.Reason = m.Add(-1), "employer closed: "+c.Reason
		}
		e.Status = Terminated
		return nil
	}
	if err := s.store.CloseOrganisation(ctx, id, version, c, terminate); err != nil {
		return nil, err
	}
	return c, nil
}

// FindClosing returns the closing decision of a closed employer in the
// caller's scope.
func (s *Closings) FindClosing(ctx context.Context, id registry.OrgID) (*Closing, error) {
	c, err := s.store.OrganisationClosing(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, c.RegionCode, "organisation", id); err != nil {
		return nil, err
	}
	return c, nil
}
