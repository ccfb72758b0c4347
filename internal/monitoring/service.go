package monitoring

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Programme is the id of the programme that grades a signal.
const Programme = "low_income_risk"

// Store keeps signals, alerts and visits. Methods that change state write
// their audit event in the same transaction. Lookups return
// fault.NotFound; stale versions fault.Conflict.
type Store interface {
	// Subjects returns the registered persons among the given keys and ID
	// numbers, each with the household they belong to (HouseholdID 0 for
	// none) and its region; a person not registered is left out.
	Subjects(ctx context.Context, persons []registry.PersonID, idNumbers []ids.ResidentID) ([]Subject, error)
	// RecordSignals inserts the signals, all or none, with one audit
	// event, and sets their IDs and received time.
	RecordSignals(ctx context.Context, batch string, ss []Signal) error
	// SignalOfBatch returns the first signal of the household recorded
	// in batch; NotFound if there is none.
	SignalOfBatch(ctx context.Context, household registry.HouseholdID, batch string) (*Signal, error)
	// ProcessSignals runs one processing of the region subtree in one
	// transaction with one audit event. It hands decide the signals of
	// the subtree waiting in the queue that occurred on or before asOf,
	// with their household context, and the open alerts of their
	// households; then it writes what decide returns and takes every
	// signal handed over off the queue. An error from decide writes
	// nothing; Conflict when an alert changed meanwhile.
	ProcessSignals(ctx context.Context, code region.Code, asOf period.Date, decide func(*Basis) (*Outcome, error)) error
	// Alerts lists the alerts matching f, by key.
	Alerts(ctx context.Context, f AlertFilter) ([]*Alert, error)
	// Alert returns an alert with its person, township name, signals and
	// visits.
	Alert(ctx context.Context, id AlertID) (*Alert, error)
	// AddVisit appends v to alert a if a's version is current and a is not
	// closed, sets v's sequence number and a's status visited, and bumps
	// a's version.
	AddVisit(ctx context.Context, a *Alert, v *Visit) error
	// CloseAlert stores a's disposition and closes it if its version is
	// current and it is not closed, and bumps its version.
	CloseAlert(ctx context.Context, a *Alert) error
	// Overdue returns, per township of the region subtree with an alert
	// overdue on asOf, its open and overdue alerts, in township order.
	Overdue(ctx context.Context, asOf period.Date, code region.Code) ([]TownshipOverdue, error)
	// RecordRead records in the audit trail that a record was read.
	RecordRead(ctx context.Context, kind, id string, code region.Code) error
}

// Service runs the monitoring loop: signals, processing, alerts, visits,
// dispositions.
type Service struct {
	store  Store
	policy *policy.Package
	juris  region.Jurisdiction
	clock  clock.Clock
	// Workers is the number of goroutines Process evaluates with; 0 means
	// one per CPU.
	Workers int
	why     *reasoner
}

// NewService returns a Service deciding with the policy package pk, which
// must have the programme low_income_risk, in jurisdiction j, telling the
// time by clk.
func NewService(store Store, pk *policy.Package, j region.Jurisdiction, clk clock.Clock) *Service {
	return &Service{store: store, policy: pk, juris: j, clock: clk, why: &reasoner{}}
}

// Today returns the current date in the jurisdiction.
func (s *Service) Today() period.Date { return s.clock.Today() }

// maxBatch is the most signals one call records.
const maxBatch = 2_000_000

// RecordSignals records a batch of signals (a department's file, or a
// request) all or none: each must be valid, name a registered person (by
// key or ID number; the name, when given, must be the registered one) who
// belongs to a registered household in the caller's scope. A bad batch is
// an Invalid error naming every bad row ("row 12: id_number") and records
// nothing. It sets each signal's household, region and ID, and returns the
// number recorded.
func (s *Service) RecordSignals(ctx context.Context, batch string, ss []Signal) (int, error) {
	p, err := auth.Require(ctx, auth.PermRegistryWrite)
	if err != nil {
		return 0, err
	}
	switch {
	case len(ss) == 0:
		return 0, &fault.Error{Code: fault.Invalid, Message: "no signals", Fields: map[string]string{"signals": "give at least one signal"}}
	case len(ss) > maxBatch:
		return 0, &fault.Error{Code: fault.Invalid, Message: "too many signals", Fields: map[string]string{"signals": fmt.Sprintf("at most %d in one batch: split it", maxBatch)}}
	}
	today := s.Today()
	var pr fault.Problems
	bad := make([]bool, len(ss))
	var byID []registry.PersonID
	var byNumber []ids.ResidentID
	for i := range ss {
		sg := &ss[i]
		n := len(pr)
		sg.validate(&pr, rowPrefix(sg, i), today)
		// The amount's plausibility ceiling, as for every amount typed in.
		if err := s.policy.Ceiling(&pr, rowPrefix(sg, i)+"amount", int64(sg.Amount), "limits.amount", today, ""); err != nil {
			return 0, err
		}
		bad[i] = len(pr) > n
		if sg.PersonID > 0 {
			byID = append(byID, sg.PersonID)
		} else if sg.IDNumber != "" {
			byNumber = append(byNumber, sg.IDNumber)
		}
	}
	subjects, err := s.store.Subjects(ctx, byID, byNumber)
	if err != nil {
		return 0, err
	}
	inForce := thresholdCheck{pk: s.policy, seen: map[thresholdKey]string{}}
	keyed := make(map[registry.PersonID]*Subject, len(subjects))
	numbered := make(map[ids.ResidentID]*Subject, len(subjects))
	for i := range subjects {
		keyed[subjects[i].PersonID] = &subjects[i]
		numbered[subjects[i].IDNumber] = &subjects[i]
	}
	for i := range ss {
		sg := &ss[i]
		prefix := rowPrefix(sg, i)
		fail := func(field, format string, args ...any) {
			pr.Add(prefix+field, format, args...)
			bad[i] = true
		}
		// A person outside the caller's scope is reported exactly as an
		// unknown one, before anything else is checked of them, so that
		// the answer tells neither that they exist nor their name or
		// household.
		var sub *Subject
		switch {
		case sg.PersonID > 0:
			if sub = keyed[sg.PersonID]; sub == nil || !p.InScope(sub.home()) {
				sub = nil
				fail("person_id", "no registered person has key %d", sg.PersonID)
			}
		case sg.IDNumber != "":
			if sub = numbered[sg.IDNumber]; sub == nil || !p.InScope(sub.home()) {
				sub = nil
				fail("id_number", "no registered person has ID number %s", sg.IDNumber.Masked())
			}
		}
		switch {
		case sub == nil:
		case sg.Name != "" && sg.Name != sub.Name:
			fail("name", "is not the registered name of %s", sub.IDNumber.Masked())
		case sub.HouseholdID == 0:
			fail("id_number", "%s belongs to no registered household: register the household first", sub.IDNumber.Masked())
		case !sg.OccurredOn.IsZero() && inForce.check(sg.OccurredOn.Period(), sub.RegionCode) != "":
			fail("occurred_on", "%s", inForce.check(sg.OccurredOn.Period(), sub.RegionCode))
		default:
			sg.PersonID, sg.IDNumber, sg.HouseholdID, sg.RegionCode = sub.PersonID, sub.IDNumber, sub.HouseholdID, sub.RegionCode
			sg.ID, sg.Processed, sg.Level, sg.Raised = 0, false, None, false
		}
	}
	if len(pr) > 0 {
		n := 0
		for _, b := range bad {
			if b {
				n++
			}
		}
		if len(pr) > maxProblems {
			pr = firstProblems(pr, maxProblems)
		}
		return 0, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("%d of %d signals are bad; nothing was recorded", n, len(ss)), Fields: pr}
	}
	if err := s.store.RecordSignals(ctx, batch, ss); err != nil {
		return 0, err
	}
	return len(ss), nil
}

// thresholdCheck tells whether the monitoring parameters are in force for
// a month and county, remembering each answer.
type thresholdCheck struct {
	pk   *policy.Package
	keys []string
	seen map[thresholdKey]string
}

type thresholdKey struct {
	month  period.Month
	county region.Code
}

// check returns why a signal of month m in region code cannot be graded,
// or "".
func (c *thresholdCheck) check(m period.Month, code region.Code) string {
	k := thresholdKey{month: m, county: code.County()}
	if why, ok := c.seen[k]; ok {
		return why
	}
	if c.keys == nil {
		c.keys = []string{}
		for _, prm := range c.pk.Params() {
			if strings.HasPrefix(prm.Key, "monitoring.") {
				c.keys = append(c.keys, prm.Key)
			}
		}
	}
	why := ""
	for _, key := range c.keys {
		if _, _, err := c.pk.Value(key, m.First(), code); err != nil {
			why = fmt.Sprintf("the monitoring thresholds are not in force for %s: %v", m, err)
			break
		}
	}
	c.seen[k] = why
	return why
}

// maxProblems is the most problems a rejection lists.
const maxProblems = 200

// firstProblems keeps the n problems of the first rows.
func firstProblems(pr fault.Problems, n int) fault.Problems {
	keys := make([]string, 0, len(pr))
	for k := range pr {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(cmp.Compare(rowNumber(a), rowNumber(b)), strings.Compare(a, b)) })
	out := make(fault.Problems, n)
	for _, k := range keys[:n] {
		out[k] = pr[k]
	}
	return out
}

// rowNumber returns the row of a problem key such as "row 12: kind" or
// "signals[3].kind".
func rowNumber(key string) int {
	var n int
	if _, err := fmt.Sscanf(key, "row %d:", &n); err == nil {
		return n
	}
	if _, err := fmt.Sscanf(key, "signals[%d]", &n); err == nil {
		return n
	}
	return 0
}

// readScope checks that the caller may read alerts and resolves a list's
// region filter to the caller's scope.
func readScope(ctx context.Context, filter region.Code) (region.Code, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return "", err
	}
	return auth.ScopeFilter(p, filter)
}

// Alerts lists the alerts in the caller's scope matching f, by key.
func (s *Service) Alerts(ctx context.Context, f AlertFilter) ([]*Alert, error) {
	var err error
	if f.Region, err = readScope(ctx, f.Region); err != nil {
		return nil, err
	}
	var pr fault.Problems
	if f.Status != "" && !f.Status.Valid() {
		pr.Add("status", "must be open, visited or closed")
	}
	if f.Level != None && (f.Level < Yellow || f.Level > Red) {
		pr.Add("level", "must be yellow, orange or red (1-3)")
	}
	if f.Township != "" && f.Township.Level() != region.Township {
		pr.Add("township", "%s is not a township code (9 digits)", f.Township)
	}
	if err := pr.Err("invalid alert filter"); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > registry.PageMax {
		f.Limit = 50
	}
	as, err := s.store.Alerts(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		s.explain(a)
	}
	return as, nil
}

// Alert returns an alert in the caller's scope with its signals, visits
// and the full explanation of its level, evaluated again from the stored
// inputs; the read is recorded in the audit trail.
func (s *Service) Alert(ctx context.Context, id AlertID) (*Alert, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	a, err := s.store.Alert(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, a.RegionCode, "alert", id); err != nil {
		return nil, err
	}
	s.explain(a)
	if err := s.store.RecordRead(ctx, "alert", strconv.FormatInt(int64(a.ID), 10), a.RegionCode); err != nil {
		return nil, err
	}
	return a, nil
}

// maxNote is the longest note of a visit or disposition, in characters.
const maxNote = 1000

// RecordVisit records a visit to the household of an open alert (入户核实):
// on a day from the alert's opening to today, met or not reached. The
// alert becomes visited. It returns the alert with its visits.
func (s *Service) RecordVisit(ctx context.Context, id AlertID, version int64, v Visit) (*Alert, error) {
	a, err := s.store.Alert(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermRegistryWrite, a.RegionCode, "alert", id)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	var pr fault.Problems
	switch {
	case v.VisitedOn.IsZero():
		pr.Add("visited_on", "is required")
	case v.VisitedOn > today:
		pr.Add("visited_on", "%s is in the future", v.VisitedOn)
	case v.VisitedOn < a.OpenedOn:
		pr.Add("visited_on", "is before the alert opened on %s", a.OpenedOn)
	}
	if !v.Outcome.Valid() {
		pr.Add("outcome", "must be met or not_reached")
	}
	if utf8.RuneCountInString(v.Note) > maxNote {
		pr.Add("note", "is longer than %d characters", maxNote)
	}
	if a.Status == Closed {
		return nil, fault.Errorf(fault.Conflict, "alert %d is closed (%s)", id, a.Disposition)
	}
	if err := pr.Err("invalid visit"); err != nil {
		return nil, err
	}
	v.AlertID, v.RegionCode, v.UserID, v.Username = a.ID, a.RegionCode, p.UserID, p.Username
	a.Version = version
	if err := s.store.AddVisit(ctx, a, &v); err != nil {
		return nil, err
	}
	a.Visits = append(a.Visits, v)
	return a, nil
}

// Dispose closes an alert (处置办结) with a disposition. A referral names
// a programme of the policy package, and it and no_need need a visit that
// met the household; no_need says why in the note. unreachable needs the
// attempts of monitoring.unreachable.min_attempts, none of which met the
// household. It returns the closed alert.
func (s *Service) Dispose(ctx context.Context, id AlertID, version int64, d Disposition, programme, note string) (*Alert, error) {
	a, err := s.store.Alert(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermRegistryWrite, a.RegionCode, "alert", id)
	if err != nil {
		return nil, err
	}
	if a.Status == Closed {
		return nil, fault.Errorf(fault.Conflict, "alert %d is closed already (%s)", id, a.Disposition)
	}
	met, missed := 0, 0
	for _, v := range a.Visits {
		if v.Outcome == Met {
			met++
		} else {
			missed++
		}
	}
	var pr fault.Problems
	switch d {
	case Referred:
		switch prog, ok := s.policy.Programme(programme); {
		case programme == "":
			pr.Add("programme", "a referral names the programme, such as dibao or temporary_assistance")
		case !ok || prog.ID == Programme:
			pr.Add("programme", "%q is not a programme of assistance in the policy package", programme)
		}
	case NoNeed:
		if note == "" {
			pr.Add("note", "say why the household needs no assistance")
		}
	case Unreachable:
	default:
		pr.Add("disposition", "must be one of %v", Dispositions)
	}
	if d != Referred && programme != "" {
		pr.Add("programme", "only a referral names a programme")
	}
	if utf8.RuneCountInString(note) > maxNote {
		pr.Add("note", "is longer than %d characters", maxNote)
	}
	switch {
	case (d == Referred || d == NoNeed) && met == 0:
		pr.Add("disposition", "%s needs a visit that met the household first: record it", d)
	case d == Unreachable && met > 0:
		pr.Add("disposition", "a visit met the household: refer it or record that it needs nothing")
	case d == Unreachable:
		need, _, err := s.policy.Value("monitoring.unreachable.min_attempts", s.Today(), a.RegionCode)
		if err != nil {
			return nil, fault.Wrap(fault.Invalid, err, "the attempts before an alert is closed as unreachable are not in force")
		}
		if int64(missed) < need {
			pr.Add("disposition", "unreachable needs %d attempted visits first, %d recorded", need, missed)
		}
	}
	if err := pr.Err("invalid disposition"); err != nil {
		return nil, err
	}
	a.Version, a.Status, a.Disposition, a.ReferredProgramme, a.DispositionNote = version, Closed, d, programme, note
	a.ClosedByID, a.ClosedBy = p.UserID, p.Username
	if err := s.store.CloseAlert(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Overdue lists, per township of the region subtree (the caller's scope
// by default), the alerts overdue on asOf (today when zero): not closed
// and due before that day.
func (s *Service) Overdue(ctx context.Context, asOf period.Date, code region.Code) ([]TownshipOverdue, error) {
	var err error
	if code, err = readScope(ctx, code); err != nil {
		return nil, err
	}
	if asOf.IsZero() {
		asOf = s.Today()
	}
	return s.store.Overdue(ctx, asOf, code)
}
