package monitoring

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Pending is a signal waiting to be processed, with what the grading reads
// of its household as of the signal's month.
type Pending struct {
	ID          SignalID
	Kind        Kind
	PersonID    registry.PersonID
	HouseholdID registry.HouseholdID
	RegionCode  region.Code
	OccurredOn  period.Date
	Amount      money.Fen
	Grade       int
	// Layer is the household's latest classification layer up to the
	// signal's month (classifications.layer), "none" if it has none.
	Layer string
	// IncomeKnown says whether a means test up to the signal's month gives
	// Income12m and Members.
	IncomeKnown bool
	Income12m   money.Fen
	// Members is the latest means test's count, else the registered
	// members of the household.
	Members int
}

// Basis is what one processing reads.
type Basis struct {
	// Pending are the signals to process, in any order.
	Pending []Pending
	// Open are the open alerts of the households of Pending, by household.
	Open map[registry.HouseholdID]*Alert
}

// Link attaches a signal to an alert: the level it showed and whether it
// opened or raised the alert.
type Link struct {
	Alert      *Alert
	SignalID   SignalID
	RegionCode region.Code
	Level      Level
	Raised     bool
}

// Outcome is what one processing writes: the alerts to open (ID 0, the
// store gives them keys in this order: by region and household), the open
// alerts raised (with the version read), the links of every signal to its
// alert (by signal), and the summary.
type Outcome struct {
	New     []*Alert
	Raised  []*Alert
	Links   []Link
	Summary *ProcessSummary
}

// ProcessSummary totals a processing run (预警研判).
type ProcessSummary struct {
	Region region.Code `json:"region"`
	AsOf   period.Date `json:"as_of"`
	// Signals counts the signals processed; AtRisk those that showed a
	// risk, NoRisk those without a risk for a household without an open
	// alert, which raise nothing.
	Signals int `json:"signals"`
	AtRisk  int `json:"at_risk"`
	NoRisk  int `json:"no_risk"`
	// Opened counts the alerts opened, Raised the open alerts raised, and
	// Attached the signals attached to an alert without raising it.
	Opened   int `json:"opened"`
	Raised   int `json:"raised"`
	Attached int `json:"attached"`
	// ByLevel counts the alerts opened or raised by the level they now
	// have.
	ByLevel       map[string]int `json:"by_level"`
	PolicyVersion string         `json:"policy_version"`
}

// Process grades every signal of the caller's scope waiting up to asOf
// (today when zero) and turns them into alerts, in one run: all signals
// with the columnar engine, the signal that opens or raises each alert
// again row-wise for its explanation. A household's signals are taken in
// date order; a signal attaches to the household's open alert, raising
// its level and bringing its due date forward when it shows more, or
// opens one when it shows a risk.
func (s *Service) Process(ctx context.Context, asOf period.Date) (*ProcessSummary, error) {
	p, err := auth.Require(ctx, auth.PermRegistryWrite)
	if err != nil {
		return nil, err
	}
	if today := s.Today(); asOf.IsZero() {
		asOf = today
	} else if asOf > today {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid processing", Fields: map[string]string{"as_of": fmt.Sprintf("%s is in the future", asOf)}}
	}
	var sum *ProcessSummary
	err = s.store.ProcessSignals(ctx, p.Scope, asOf, func(b *Basis) (*Outcome, error) {
		out, err := s.decide(b)
		if err != nil {
			return nil, err
		}
		out.Summary.Region, out.Summary.AsOf = p.Scope, asOf
		sum = out.Summary
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}

// decide turns a basis into the alerts to open and raise.
func (s *Service) decide(b *Basis) (*Outcome, error) {
	levels, err := s.grade(b.Pending)
	if err != nil {
		return nil, err
	}
	order := dateOrder(b.Pending)
	sum := &ProcessSummary{Signals: len(b.Pending), ByLevel: map[string]int{}, PolicyVersion: s.policy.Version}
	out := &Outcome{Summary: sum}
	type state struct {
		alert  *Alert
		raiser int32 // the signal that set the level in this run, -1 for none
	}
	states := make(map[registry.HouseholdID]*state)
	out.Links = make([]Link, 0, len(b.Pending))
	due := dueDays{pk: s.policy, cache: map[dueKey]dueDay{}}
	for _, i := range order {
		sg := &b.Pending[i]
		lvl := levels[i]
		st := states[sg.HouseholdID]
		if st == nil {
			st = &state{alert: b.Open[sg.HouseholdID], raiser: -1}
			states[sg.HouseholdID] = st
		}
		if lvl > None {
			sum.AtRisk++
		}
		raised := true
		switch {
		case st.alert == nil && lvl == None:
			sum.NoRisk++
			continue
		case st.alert == nil:
			d, err := due.of(sg, lvl)
			if err != nil {
				return nil, err
			}
			st.alert = &Alert{HouseholdID: sg.HouseholdID, PersonID: sg.PersonID, RegionCode: sg.RegionCode, TownshipCode: township(sg.RegionCode),
				Level: lvl, OpenedOn: sg.OccurredOn, DueOn: sg.OccurredOn.AddDays(d.days), Status: Open, PolicyVersion: s.policy.Version}
			st.raiser = i
			out.New = append(out.New, st.alert)
		case lvl > st.alert.Level:
			d, err := due.of(sg, lvl)
			if err != nil {
				return nil, err
			}
			st.alert.Level = lvl
			st.alert.DueOn = min(st.alert.DueOn, sg.OccurredOn.AddDays(d.days))
			if st.raiser < 0 {
				out.Raised = append(out.Raised, st.alert)
			}
			st.raiser = i
		default:
			sum.Attached++
			raised = false
		}
		out.Links = append(out.Links, Link{Alert: st.alert, SignalID: sg.ID, RegionCode: sg.RegionCode, Level: lvl, Raised: raised})
	}
	// The new alerts by region and household, the links by signal: the
	// store keys and writes them in this order.
	slices.SortFunc(out.New, func(x, y *Alert) int {
		return cmp.Or(strings.Compare(string(x.RegionCode), string(y.RegionCode)), cmp.Compare(x.HouseholdID, y.HouseholdID))
	})
	slices.SortFunc(out.Links, func(x, y Link) int { return cmp.Compare(x.SignalID, y.SignalID) })
	sum.Opened, sum.Raised = len(out.New), len(out.Raised)

	// Each alert opened or raised keeps the case of the signal that set
	// its level: its explanation is evaluated again from it on demand.
	for _, a := range slices.Concat(out.New, out.Raised) {
		sg := &b.Pending[states[a.HouseholdID].raiser]
		d, err := due.of(sg, a.Level)
		if err != nil {
			return nil, err
		}
		a.Explanation = &Explanation{Programme: Programme, SignalID: sg.ID, Period: sg.OccurredOn.Period(), Region: sg.RegionCode,
			Level: a.Level, DueDays: d.days, Inputs: signalCase(sg).Inputs, Version: s.policy.Version}
		sum.ByLevel[a.Level.String()]++
	}
	return out, nil
}

// dateOrder returns the indexes of ps by date, then key.
func dateOrder(ps []Pending) []int32 {
	type entry struct {
		date period.Date
		id   SignalID
		i    int32
	}
	es := make([]entry, len(ps))
	for i := range ps {
		es[i] = entry{date: ps[i].OccurredOn, id: ps[i].ID, i: int32(i)}
	}
	slices.SortFunc(es, func(x, y entry) int { return cmp.Or(cmp.Compare(x.date, y.date), cmp.Compare(x.id, y.id)) })
	order := make([]int32, len(es))
	for j := range es {
		order[j] = es[j].i
	}
	return order
}

// grade returns each signal's risk level, with the columnar engine: one
// batch per month of the signals' dates, as parameters are read as of the
// month's first day.
func (s *Service) grade(ps []Pending) ([]Level, error) {
	ids, err := s.strIDs()
	if err != nil {
		return nil, err
	}
	byMonth := map[period.Month][]int32{}
	for i := range ps {
		m := ps[i].OccurredOn.Period()
		byMonth[m] = append(byMonth[m], int32(i))
	}
	months := make([]period.Month, 0, len(byMonth))
	for m := range byMonth {
		months = append(months, m)
	}
	slices.Sort(months)
	levels := make([]Level, len(ps))
	for _, m := range months {
		rows := byMonth[m]
		pop := policy.NewPopulation("signal", len(rows), s.juris.Home)
		pop.Regions = pop.Regions[:0]
		regionIdx := map[region.Code]int32{}
		kind, amount, grade := make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows))
		layer, known, income, members := make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows))
		for j, i := range rows {
			p := &ps[i]
			r, ok := regionIdx[p.RegionCode]
			if !ok {
				r = int32(len(pop.Regions))
				regionIdx[p.RegionCode] = r
				pop.Regions = append(pop.Regions, p.RegionCode)
			}
			pop.RegionIdx[j] = r
			k, ok := ids.kind[p.Kind]
			if !ok {
				return nil, fmt.Errorf("signal %d: unknown kind %q", p.ID, p.Kind)
			}
			l, ok := ids.layer[p.Layer]
			if !ok {
				return nil, fmt.Errorf("signal %d: household %d has the unknown layer %q", p.ID, p.HouseholdID, p.Layer)
			}
			kind[j], amount[j], grade[j], layer[j], income[j], members[j] = k, int64(p.Amount), int64(p.Grade), l, int64(p.Income12m), int64(p.Members)
			if p.IncomeKnown {
				known[j] = 1
			}
		}
		pop.Set("kind", kind)
		pop.Set("amount", amount)
		pop.Set("disability_grade", grade)
		pop.Set("household_layer", layer)
		pop.Set("household_income_known", known)
		pop.Set("household_income_12m", income)
		pop.Set("members", members)
		res, err := s.policy.EvaluateBatch(Programme, m, pop, s.Workers)
		if err != nil {
			return nil, fmt.Errorf("grade the signals of %s: %w", m, err)
		}
		for j, i := range rows {
			if !res.Eligible[j] {
				continue
			}
			if a := res.Amount[j]; a < int64(Yellow) || a > int64(Red) {
				return nil, fmt.Errorf("grade signal %d: %s gives the level %d, want 1 to 3", ps[i].ID, Programme, a)
			}
			levels[i] = Level(res.Amount[j])
		}
	}
	return levels, nil
}

// strIDs are the engine's forms of the str inputs of a signal.
type strIDs struct {
	kind  map[Kind]int64
	layer map[string]int64
}

func (s *Service) strIDs() (*strIDs, error) {
	out := &strIDs{kind: map[Kind]int64{}, layer: map[string]int64{}}
	for _, k := range Kinds {
		id, err := s.policy.StrID("signal", "kind", string(k))
		if err != nil {
			return nil, err
		}
		out.kind[k] = id
	}
	ent, ok := s.policy.Entities["signal"]
	if !ok || ent.Inputs["household_layer"] == nil {
		return nil, fmt.Errorf("the policy package has no signal input household_layer")
	}
	for _, v := range ent.Inputs["household_layer"].Values {
		id, err := s.policy.StrID("signal", "household_layer", v)
		if err != nil {
			return nil, err
		}
		out.layer[v] = id
	}
	return out, nil
}

// signalCase is a pending signal as the row-wise engine reads it.
func signalCase(p *Pending) policy.Case {
	num := func(n int64) json.RawMessage { return strconv.AppendInt(nil, n, 10) }
	return policy.Case{Entity: "signal", Region: p.RegionCode, Inputs: map[string]json.RawMessage{
		"kind":                   strconv.AppendQuote(nil, string(p.Kind)),
		"amount":                 num(int64(p.Amount)),
		"disability_grade":       num(int64(p.Grade)),
		"household_layer":        strconv.AppendQuote(nil, p.Layer),
		"household_income_known": strconv.AppendBool(nil, p.IncomeKnown),
		"household_income_12m":   num(int64(p.Income12m)),
		"members":                num(int64(p.Members)),
	}}
}

// explain evaluates an alert's stored case again row-wise: it sets the
// alert's full decision and its explanation's reasons and due-days
// parameter, and whether the current policy package reproduces the stored
// version and level. An explanation of another policy version is
// evaluated under the current one and is not reproduced; one the current
// package cannot evaluate keeps its stored part only.
func (s *Service) explain(a *Alert) {
	e := a.Explanation
	if e == nil {
		return
	}
	d, err := s.policy.Evaluate(Programme, e.Period, policy.Case{Entity: "signal", Region: e.Region, Inputs: e.Inputs})
	if err != nil {
		return
	}
	a.Decision = d
	e.Reasons = s.why.reasons(d)
	e.Reproduced = d.Version == e.Version && d.Eligible && Level(d.Amount) == e.Level
	key := "monitoring.due_days." + e.Level.String()
	if _, read, err := s.policy.Value(key, e.Period.First(), e.Region); err == nil {
		e.Due = Threshold{Key: key, Value: read.Value, From: read.From}
	}
}

// levelSuffixes are the endings of a trigger graded by level, highest
// first.
var levelSuffixes = []string{"_red", "_orange", "_yellow"}

// identifier matches the names in an expression, dotted parameter keys
// whole.
var identifier = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*`)

// Reasons returns the triggers of a low_income_risk decision that held:
// the variables named trigger_... that are true (of those graded by level,
// such as trigger_hospital_bill_orange, the highest only), and
// layer_uplift when it adds a level, each with the parameters it reads
// directly or through the variables it uses, and the parameter that gives
// it its level ("trigger_x ? p.key" in another variable).
func Reasons(d *policy.Decision) []Reason { return new(reasoner).reasons(d) }

// reasoner finds the reasons of decisions, working out the parameters of
// each trigger once per policy version. It is safe for concurrent use.
type reasoner struct {
	mu      sync.Mutex
	version string
	keys    map[string][]string // trigger -> parameter keys
}

func (r *reasoner) reasons(d *policy.Decision) []Reason {
	var vars map[string]policy.Value
	var out []Reason
	seenStem := map[string]bool{}
	for i := range d.Variables {
		v := &d.Variables[i]
		name := v.Name
		switch {
		case strings.HasPrefix(name, "trigger_") && v.Value == "true":
			stem := name
			for _, suf := range levelSuffixes {
				stem = strings.TrimSuffix(stem, suf)
			}
			if stem != name {
				if seenStem[stem] {
					continue
				}
				if vars == nil {
					vars = variables(d)
				}
				name = highestTrue(vars, stem)
				seenStem[stem] = true
			}
		case name == "layer_uplift" && v.Value != "0":
		default:
			continue
		}
		if vars == nil {
			vars = variables(d)
		}
		out = append(out, Reason{Trigger: name, Thresholds: r.thresholds(d, name, vars)})
	}
	return out
}

func variables(d *policy.Decision) map[string]policy.Value {
	vars := make(map[string]policy.Value, len(d.Variables))
	for _, v := range d.Variables {
		vars[v.Name] = v
	}
	return vars
}

// thresholds returns the values of the parameters of trigger in d.
func (r *reasoner) thresholds(d *policy.Decision, trigger string, vars map[string]policy.Value) []Threshold {
	r.mu.Lock()
	if r.version != d.Version || r.keys == nil {
		r.version, r.keys = d.Version, map[string][]string{}
	}
	keys, ok := r.keys[trigger]
	if !ok {
		keys = paramKeys(vars[trigger].Expr, vars, map[string]bool{})
		re := regexp.MustCompile(`\b` + regexp.QuoteMeta(trigger) + `\s*\?\s*p\.([A-Za-z0-9_.]+)`)
		for _, v := range d.Variables {
			for _, m := range re.FindAllStringSubmatch(v.Expr, -1) {
				keys = append(keys, m[1])
			}
		}
		r.keys[trigger] = keys
	}
	r.mu.Unlock()
	out := make([]Threshold, 0, len(keys))
	for _, k := range keys {
		for _, p := range d.Parameters {
			if p.Key == k {
				out = append(out, Threshold{Key: k, Value: p.Value, From: p.From})
				break
			}
		}
	}
	return out
}

// highestTrue returns the highest-level trigger of stem that is true.
func highestTrue(vars map[string]policy.Value, stem string) string {
	for _, suf := range levelSuffixes {
		if vars[stem+suf].Value == "true" {
			return stem + suf
		}
	}
	return stem
}

// paramKeys returns the parameters expr reads, directly or through the
// variables it names, in order of appearance.
func paramKeys(expr string, vars map[string]policy.Value, seen map[string]bool) []string {
	var out []string
	for _, name := range identifier.FindAllString(expr, -1) {
		if seen[name] {
			continue
		}
		seen[name] = true
		if key, ok := strings.CutPrefix(name, "p."); ok {
			out = append(out, key)
			continue
		}
		if v, ok := vars[name]; ok {
			out = append(out, paramKeys(v.Expr, vars, seen)...)
		}
	}
	return out
}

// dueDays reads the days to the due date of each level (monitoring.
// due_days.yellow, .orange, .red) as of the first day of a signal's month,
// remembering each read.
type dueDays struct {
	pk    *policy.Package
	cache map[dueKey]dueDay
}

type dueKey struct {
	level  Level
	month  period.Month
	region region.Code
}

type dueDay struct {
	days      int
	threshold Threshold
}

func (d *dueDays) of(p *Pending, l Level) (dueDay, error) {
	k := dueKey{level: l, month: p.OccurredOn.Period(), region: p.RegionCode}
	if v, ok := d.cache[k]; ok {
		return v, nil
	}
	key := "monitoring.due_days." + l.String()
	n, read, err := d.pk.Value(key, k.month.First(), k.region)
	if err != nil {
		return dueDay{}, &fault.Error{Code: fault.Invalid, Message: "the due days are not in force", Err: err,
			Fields: map[string]string{"period": fmt.Sprintf("signal %d of %s: %v", p.ID, p.OccurredOn, err)}}
	}
	if n < 0 {
		return dueDay{}, fmt.Errorf("%s is %d days, want 0 or more", key, n)
	}
	v := dueDay{days: int(n), threshold: Threshold{Key: key, Value: read.Value, From: read.From}}
	d.cache[k] = v
	return v, nil
}
