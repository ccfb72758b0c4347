package policy

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Case is one entity's inputs, as given at the counter or by the registry.
type Case struct {
	Entity string      `json:"entity"`
	Region region.Code `json:"region,omitempty"`
	// Inputs maps input names to JSON values: integers for int and money
	// (fen), decimal strings or numbers for dec, true/false, "2006-01-02"
	// dates, and str values.
	Inputs map[string]json.RawMessage `json:"inputs"`
}

// Decision is the explained result of one programme for one case and period.
type Decision struct {
	Programme string      `json:"programme"`
	NameZH    string      `json:"name_zh"`
	NameEN    string      `json:"name_en"`
	Entity    string      `json:"entity"`
	Period    string      `json:"period"`
	AsOf      period.Date `json:"as_of"`
	Region    region.Code `json:"region,omitempty"`
	Eligible  bool        `json:"eligible"`
	// Amount is in fen; 0 when not eligible.
	Amount       money.Fen     `json:"amount"`
	AmountExpr   string        `json:"amount_expr"`
	Requirements []Requirement `json:"requirements,omitempty"`
	Variables    []Value       `json:"variables,omitempty"`
	Conditions   []Condition   `json:"conditions"`
	Parameters   []ParamRead   `json:"parameters"`
	Inputs       []Value       `json:"inputs"`
	// Version is the policy package's content hash.
	Version string `json:"version"`
}

// Requirement is the outcome of a programme this one requires or excludes.
type Requirement struct {
	Programme string `json:"programme"`
	Kind      string `json:"kind"` // requires | excludes
	Eligible  bool   `json:"eligible"`
	// Holds says whether the requirement is met: a required programme
	// granted, or an excluded one not granted.
	Holds bool `json:"holds"`
}

// Condition is one named condition and its value.
type Condition struct {
	Name  string `json:"name"`
	Expr  string `json:"expr"`
	Value bool   `json:"value"`
}

// Value is a named value shown in an explanation, formatted for people.
type Value struct {
	Name  string `json:"name"`
	Expr  string `json:"expr,omitempty"`
	Type  string `json:"type"`
	Value string `json:"value"`
}

// ParamRead is a parameter value read by a decision.
type ParamRead struct {
	Key    string      `json:"key"`
	Value  string      `json:"value"`
	Unit   string      `json:"unit,omitempty"`
	From   period.Date `json:"from"`
	Source string      `json:"source"`
	Status string      `json:"status"`
	Layer  string      `json:"layer"`
	// Region is the county override used, if any.
	Region region.Code `json:"region,omitempty"`
}

// When gives the evaluation dates of a programme for a period: parameters are
// read as of the first day of the period (1 January for yearly programmes).
type When struct {
	AsOf, Start, End period.Date
	Year, Month      int64
}

func when(p *Programme, per period.Month) When {
	w := When{AsOf: per.First(), Start: per.First(), End: per.Last(), Year: int64(per.Year()), Month: int64(per.MonthOfYear())}
	if p.Period == PeriodYear {
		w.AsOf = period.MustDate(per.Year(), time.January, 1)
		w.Start, w.End = w.AsOf, period.MustDate(per.Year(), time.December, 31)
	}
	return w
}

// frame is what one row-wise evaluation reads.
type frame struct {
	pk     *Package
	w      When
	inputs []int64
	params []int64
	scales [][]Bracket
	steps  []int64
	// trace, when set, records the value of every node evaluated, for
	// Explain.
	trace map[*node]int64
}

// Evaluate decides programme id for the case in period per, with a full
// explanation. A missing or malformed input is an Invalid error naming it.
func (pk *Package) Evaluate(id string, per period.Month, c Case) (*Decision, error) {
	p, ok := pk.progs[id]
	if !ok {
		return nil, fault.Errorf(fault.NotFound, "programme %s not found", id)
	}
	if c.Entity != "" && c.Entity != p.Entity {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid case", Fields: map[string]string{"entity": fmt.Sprintf("programme %s decides a %s, not a %s", id, p.Entity, c.Entity)}}
	}
	if per.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid case", Fields: map[string]string{"period": "is required"}}
	}
	if err := pk.checkCase(p, c); err != nil {
		return nil, err
	}
	return pk.decide(p, per, c)
}

func (pk *Package) decide(p *Programme, per period.Month, c Case) (*Decision, error) {
	return pk.decideWith(p, per, c, nil, nil)
}

// decideTraced decides as decide does, with the outcomes of the
// programmes p requires or excludes given, and returns the value of every
// node of p's steps that was evaluated.
func (pk *Package) decideTraced(p *Programme, per period.Month, c Case, given []Requirement) (*Decision, map[*node]int64, error) {
	trace := map[*node]int64{}
	d, err := pk.decideWith(p, per, c, trace, given)
	return d, trace, err
}

// decideWith decides p; trace, when set, records every node's value;
// given, when set, are the outcomes of p's requirements, not decided again.
func (pk *Package) decideWith(p *Programme, per period.Month, c Case, trace map[*node]int64, given []Requirement) (*Decision, error) {
	w := when(p, per)
	d := &Decision{Programme: p.ID, NameZH: p.NameZH, NameEN: p.NameEN, Entity: p.Entity, Period: per.String(), AsOf: w.AsOf,
		Region: c.Region, Version: pk.Version, Eligible: true}
	f := &frame{pk: pk, w: w, inputs: make([]int64, len(p.inputs)), params: make([]int64, len(p.params)),
		scales: make([][]Bracket, len(p.params)), steps: make([]int64, len(p.steps)), trace: trace}
	for i, in := range p.inputs {
		v, err := pk.inputValue(in, c.Inputs[in.Name])
		if err != nil {
			return nil, err
		}
		f.inputs[i] = v
		d.Inputs = append(d.Inputs, Value{Name: in.Name, Type: in.Kind, Value: pk.format(in.Type, in.Kind, v)})
	}
	for i, prm := range p.params {
		pv, used, err := prm.lookup(w.AsOf, c.Region)
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "parameter not in force", Err: err,
				Fields: map[string]string{"period": err.Error()}}
		}
		f.params[i], f.scales[i] = pv.V, pv.Scale
		d.Parameters = append(d.Parameters, ParamRead{Key: prm.Key, Value: paramText(prm, pv), Unit: prm.Unit, From: pv.From,
			Source: pv.Source, Status: pv.Status, Layer: prm.Layer, Region: used})
	}
	for i, dep := range p.deps {
		if given != nil {
			if i >= len(given) || given[i].Programme != dep.ID {
				return nil, fmt.Errorf("%s: the requirements given are not the programme's", p.ID)
			}
			d.Requirements = append(d.Requirements, given[i])
			d.Eligible = d.Eligible && given[i].Holds
			continue
		}
		dd, err := pk.decide(dep, per, c)
		if err != nil {
			return nil, fmt.Errorf("%s for %s: %w", dep.ID, p.ID, err)
		}
		r := Requirement{Programme: dep.ID, Kind: "requires", Eligible: dd.Eligible, Holds: dd.Eligible}
		if i >= p.nReq {
			r.Kind, r.Holds = "excludes", !dd.Eligible
		}
		d.Requirements = append(d.Requirements, r)
		d.Eligible = d.Eligible && r.Holds
	}
	for i, st := range p.steps {
		if st.kind == stepAmount {
			d.AmountExpr = st.source
			if !d.Eligible {
				break
			}
		}
		v, err := f.eval(st.root)
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("%s: %s cannot be computed", p.ID, st.name), Err: err,
				Fields: map[string]string{st.name: err.Error()}}
		}
		f.steps[i] = v
		switch st.kind {
		case stepVar:
			d.Variables = append(d.Variables, Value{Name: st.name, Expr: st.source, Type: st.root.typ.String(), Value: pk.format(st.root.typ, "", v)})
		case stepCond:
			d.Conditions = append(d.Conditions, Condition{Name: st.name, Expr: st.source, Value: v != 0})
			d.Eligible = d.Eligible && v != 0
		case stepAmount:
			d.Amount = money.Fen(v)
		}
	}
	return d, nil
}

// eval computes n for the frame. Every subexpression is evaluated, as in
// the columnar engine.
func (f *frame) eval(n *node) (int64, error) {
	v, err := f.evalNode(n)
	if f.trace != nil && err == nil {
		f.trace[n] = v
	}
	return v, err
}

func (f *frame) evalNode(n *node) (int64, error) {
	var a, b int64
	var err error
	if n.a != nil {
		if a, err = f.eval(n.a); err != nil {
			return 0, err
		}
	}
	if n.b != nil {
		if b, err = f.eval(n.b); err != nil {
			return 0, err
		}
	}
	bad := func(e error) (int64, error) { return 0, fmt.Errorf("%s: %w", n.src, e) }
	switch n.op {
	case opConst:
		return n.k, nil
	case opInput:
		return f.inputs[n.idx], nil
	case opParam:
		return f.params[n.idx], nil
	case opScale:
		return scaleValue(f.scales[n.idx], a), nil
	case opRef:
		return f.steps[n.idx], nil
	case opPeriodStart:
		return int64(f.w.Start), nil
	case opPeriodEnd:
		return int64(f.w.End), nil
	case opPeriodYear:
		return f.w.Year, nil
	case opPeriodMonth:
		return f.w.Month, nil
	case opToDec:
		v, ok := toDecOK(a)
		if !ok {
			return bad(errOverflow)
		}
		return v, nil
	case opNeg:
		if a == math.MinInt64 {
			return bad(errOverflow)
		}
		return -a, nil
	case opNot:
		return 1 - a, nil
	case opAdd:
		v, ok := addOK(a, b)
		if !ok {
			return bad(errOverflow)
		}
		return v, nil
	case opSub:
		v, ok := subOK(a, b)
		if !ok {
			return bad(errOverflow)
		}
		return v, nil
	case opMul:
		v, ok := mulOK(a, b)
		if !ok {
			return bad(errOverflow)
		}
		return v, nil
	case opMulDec:
		v, ok := decMulOK(a, b)
		if !ok {
			return bad(errOverflow)
		}
		return v, nil
	case opDiv:
		if b == 0 {
			return bad(errDivZero)
		}
		v, ok := decDivOK(a, b)
		if !ok {
			return bad(errOverflow)
		}
		return v, nil
	case opMod:
		if b == 0 {
			return bad(errDivZero)
		}
		if b == -1 {
			return 0, nil
		}
		return a % b, nil
	case opEq:
		return b2i(a == b), nil
	case opNe:
		return b2i(a != b), nil
	case opLt:
		return b2i(a < b), nil
	case opLe:
		return b2i(a <= b), nil
	case opGt:
		return b2i(a > b), nil
	case opGe:
		return b2i(a >= b), nil
	case opAnd:
		return a & b, nil
	case opOr:
		return a | b, nil
	case opCond:
		c, err := f.eval(n.c)
		if err != nil {
			return 0, err
		}
		if a != 0 {
			return b, nil
		}
		return c, nil
	case opIn:
		return b2i(slices.Contains(n.set, a)), nil
	case opRound:
		return roundDec(a), nil
	case opFloor:
		return floorDec(a), nil
	case opCeil:
		return ceilDec(a), nil
	case opMin:
		return min(a, b), nil
	case opMax:
		return max(a, b), nil
	case opAbs:
		if a == math.MinInt64 {
			return bad(errOverflow)
		}
		if a < 0 {
			return -a, nil
		}
		return a, nil
	case opAgeAt:
		v, ok := ageAt(a, b)
		if !ok {
			return bad(errMissingDate)
		}
		return v, nil
	case opMonthsBetween:
		v, ok := monthsBetween(a, b)
		if !ok {
			return bad(errMissingDate)
		}
		return v, nil
	case opYearOf, opMonthOf:
		f := yearOf
		if n.op == opMonthOf {
			f = monthOf
		}
		v, ok := f(a)
		if !ok {
			return bad(errMissingDate)
		}
		return v, nil
	case opCall:
		args := make([]int64, len(n.args))
		for i, an := range n.args {
			if args[i], err = f.eval(an); err != nil {
				return 0, err
			}
		}
		v, err := n.fn.Call(args, f.pk.strs.str)
		if err != nil {
			return bad(err)
		}
		return v, nil
	}
	return bad(fmt.Errorf("unknown operation %d", n.op))
}

// checkCase reports every missing, unknown or ill-typed input of the case at
// once, naming each.
func (pk *Package) checkCase(p *Programme, c Case) error {
	ent := pk.Entities[p.Entity]
	var pr fault.Problems
	for name := range c.Inputs {
		if _, ok := ent.Inputs[name]; !ok {
			pr.Add("inputs."+name, "%s has no input %s", p.Entity, name)
		}
	}
	for _, name := range p.allInputs {
		raw, ok := c.Inputs[name]
		if !ok || string(raw) == "null" {
			pr.Add("inputs."+name, "is missing: %s needs it (%s)", p.ID, ent.Inputs[name].Description)
			continue
		}
		if _, err := pk.inputValue(ent.Inputs[name], raw); err != nil {
			pr.Add("inputs."+name, "%v", fault.FieldsOf(err)["inputs."+name])
		}
	}
	if c.Region != "" {
		if _, err := region.ParseCode(string(c.Region)); err != nil {
			pr.Add("region", "%v", err)
		}
	}
	return pr.Err("invalid case for " + p.ID)
}

var errMissingDate = fmt.Errorf("a date is missing")

// inputValue converts a JSON input to its engine form.
func (pk *Package) inputValue(in *Input, raw json.RawMessage) (int64, error) {
	bad := func(format string, args ...any) (int64, error) {
		return 0, &fault.Error{Code: fault.Invalid, Message: "invalid input", Fields: map[string]string{"inputs." + in.Name: fmt.Sprintf(format, args...)}}
	}
	if len(raw) == 0 || string(raw) == "null" {
		return bad("is missing")
	}
	switch in.Kind {
	case "int", "money":
		var v int64
		if err := json.Unmarshal(raw, &v); err != nil {
			if in.Kind == "money" {
				return bad("want a whole number of fen, got %s", raw)
			}
			return bad("want a whole number, got %s", raw)
		}
		if v < 0 && !in.Signed {
			return bad("must not be negative, got %d", v)
		}
		return v, nil
	case "dec":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			s = string(raw)
		}
		v, err := parseDec(s)
		if err != nil {
			return bad("%v, got %s", err, raw)
		}
		if v < 0 && !in.Signed {
			return bad("must not be negative, got %s", s)
		}
		return v, nil
	case "bool":
		var v bool
		if err := json.Unmarshal(raw, &v); err != nil {
			return bad("want true or false, got %s", raw)
		}
		return b2i(v), nil
	case "date":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return bad("want a date \"2006-01-02\", got %s", raw)
		}
		d, err := period.ParseDate(s)
		if err != nil {
			return bad("%v", err)
		}
		return int64(d), nil
	case "str":
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return bad("want one of %v, got %s", in.Values, raw)
		}
		id, ok := in.valueIDs[s]
		if !ok {
			return bad("want one of %v, got %q", in.Values, s)
		}
		return id, nil
	}
	return bad("unknown input type %s", in.Kind)
}

// format shows an engine value for people.
func (pk *Package) format(t Type, kind string, v int64) string {
	switch t {
	case TInt:
		if kind == "money" {
			return money.Fen(v).String() + " yuan"
		}
		return strconv.FormatInt(v, 10)
	case TDec:
		return formatDec(v)
	case TBool:
		return strconv.FormatBool(v != 0)
	case TDate:
		return period.Date(v).String()
	case TStr:
		return pk.strs.str(v)
	}
	return strconv.FormatInt(v, 10)
}

func formatDec(v int64) string {
	neg := v < 0
	u := absU(v)
	s := strconv.FormatUint(u/DecScale, 10)
	if frac := u % DecScale; frac != 0 {
		fs := fmt.Sprintf("%06d", frac)
		for fs[len(fs)-1] == '0' {
			fs = fs[:len(fs)-1]
		}
		s += "." + fs
	}
	if neg {
		s = "-" + s
	}
	return s
}

func paramText(p *Param, pv *ParamValue) string {
	switch {
	case p.Kind == KindMoney:
		return money.Fen(pv.V).String() + " yuan"
	case p.Kind == KindRate:
		return money.Rate(pv.V).String()
	}
	return pv.Text
}

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
