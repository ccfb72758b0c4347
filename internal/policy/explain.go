package policy

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Explanation is a decision told for people, in one language: every
// condition as its label, whether it holds and the sentence with the case's
// values ("家庭月人均收入 412.00 元 < 低保标准 800.00 元"); every variable
// as its label, its formula in labels, the formula with the values, and the
// result; the inputs and the parameters read, by label, with money in 元
// (yuan) with two decimals, rates as percentages and dates in prose. It is
// rendered from the compiled expressions, not from their text.
type Explanation struct {
	Lang Lang `json:"lang"`
	// Programme is the programme's name; Period the period decided, in
	// prose ("2026年11月", "November 2026").
	Programme string `json:"programme"`
	Period    string `json:"period"`
	Eligible  bool   `json:"eligible"`
	// Summary is one sentence: eligible with the amount, or the conditions
	// not met.
	Summary      string `json:"summary"`
	Requirements []Line `json:"requirements"`
	Conditions   []Line `json:"conditions"`
	// Variables are the intermediate values in evaluation order.
	Variables []Line `json:"variables"`
	// Amount is the amount's line; its value is empty when not eligible
	// (the amount is then 0 and not computed).
	Amount     Line   `json:"amount"`
	Inputs     []Line `json:"inputs"`
	Parameters []Line `json:"parameters"`
	// Partial is set when the decision could not be evaluated again with
	// the rules loaded now (they changed since it was made): formulas and
	// values are then as stored, without the values inside the formulas.
	Partial bool `json:"partial,omitempty"`
}

// Line is one explained item of a decision.
type Line struct {
	// Name is the rule's identifier (for programs, not for people).
	Name  string `json:"name"`
	Label string `json:"label"`
	// Text is the whole line as a person reads it.
	Text string `json:"text"`
	// Holds is set for conditions and requirements.
	Holds *bool `json:"holds,omitempty"`
	// Formula is the expression in labels; Values the same with the case's
	// values; Value the result. Variables and the amount only.
	Formula string `json:"formula,omitempty"`
	Values  string `json:"values,omitempty"`
	Value   string `json:"value,omitempty"`
	// From, Status and Source are the effective date, the status
	// (已确认/待确认) and the source of a parameter's value.
	From   string `json:"from,omitempty"`
	Status string `json:"status,omitempty"`
	Source string `json:"source,omitempty"`
}

// ExplainOptions choose the language and what a reader may see.
type ExplainOptions struct {
	Lang Lang
	// YearOnlyDates shows the dates of the case (birth dates and dates
	// computed from them) as their year only, for a reader who may not see
	// personal data: a full birth date beside a masked ID number gives the
	// number away.
	YearOnlyDates bool
}

// Explain tells decision d for people. It evaluates d's programme again
// with the inputs d reports, to have the value of every part of every
// formula; when the rules loaded now decide differently (they changed since
// d was made) the explanation is Partial, with d's stored values.
func (pk *Package) Explain(d *Decision, o ExplainOptions) (*Explanation, error) {
	if o.Lang != EN {
		o.Lang = ZH
	}
	p, ok := pk.progs[d.Programme]
	if !ok {
		return nil, fmt.Errorf("explain: programme %s is not in the policy package", d.Programme)
	}
	per, err := period.ParseMonth(d.Period)
	if err != nil {
		return nil, fmt.Errorf("explain %s: period: %w", d.Programme, err)
	}
	x := &explainer{pk: pk, p: p, o: o, w: when(p, per)}
	ex := &Explanation{Lang: o.Lang, Programme: x.pick(p.NameZH, p.NameEN), Period: MonthText(per, o.Lang), Eligible: d.Eligible}
	var again *Decision
	if c, err := caseOf(p, d); err == nil {
		given := d.Requirements
		if given == nil {
			given = []Requirement{}
		}
		again, x.vals, err = pk.decideTraced(p, per, c, given)
		if err != nil || !sameDecision(d, again) {
			again, x.vals = nil, nil
		}
	}
	if again == nil {
		return x.partial(ex, d), nil
	}
	x.params = again.Parameters
	for _, r := range d.Requirements {
		ex.Requirements = append(ex.Requirements, x.requirement(r))
	}
	for _, st := range p.steps {
		switch st.kind {
		case stepCond:
			ex.Conditions = append(ex.Conditions, x.condition(st))
		case stepVar:
			ex.Variables = append(ex.Variables, x.variable(st))
		case stepAmount:
			ex.Amount = x.variable(st)
		}
	}
	for _, in := range p.inputs {
		v, ok := x.inputValue(in)
		if !ok {
			continue
		}
		l := x.label(in.Label)
		val := x.value(in.Type, x.unitOfInput(in), v, in)
		ex.Inputs = append(ex.Inputs, Line{Name: in.Name, Label: l, Value: val, Text: l + x.colon() + val})
	}
	for i, prm := range p.params {
		ex.Parameters = append(ex.Parameters, x.parameter(prm, again.Parameters[i]))
	}
	ex.Summary = x.summary(ex, d)
	return ex, nil
}

// caseOf rebuilds the case of a decision from the inputs it reports, which
// pk.format writes reversibly.
func caseOf(p *Programme, d *Decision) (Case, error) {
	c := Case{Entity: d.Entity, Region: d.Region, Inputs: map[string]json.RawMessage{}}
	kinds := map[string]string{}
	for _, in := range p.inputs {
		kinds[in.Name] = in.Kind
	}
	for _, v := range d.Inputs {
		var raw any
		switch kinds[v.Name] {
		case "money":
			f, err := money.Parse(strings.TrimSuffix(v.Value, " yuan"))
			if err != nil {
				return c, err
			}
			raw = int64(f)
		case "int":
			n, err := strconv.ParseInt(v.Value, 10, 64)
			if err != nil {
				return c, err
			}
			raw = n
		case "bool":
			raw = v.Value == "true"
		default: // dec, date and str are written as they are read
			raw = v.Value
		}
		b, err := json.Marshal(raw)
		if err != nil {
			return c, err
		}
		c.Inputs[v.Name] = b
	}
	return c, nil
}

// sameDecision reports whether b decided as a did, value for value.
func sameDecision(a, b *Decision) bool {
	if a.Eligible != b.Eligible || a.Amount != b.Amount || len(a.Parameters) != len(b.Parameters) {
		return false
	}
	for i := range a.Parameters {
		if a.Parameters[i].Key != b.Parameters[i].Key || a.Parameters[i].Value != b.Parameters[i].Value || a.Parameters[i].From != b.Parameters[i].From {
			return false
		}
	}
	return slices.Equal(a.Variables, b.Variables) && slices.Equal(a.Conditions, b.Conditions)
}

// explainer renders one decision.
type explainer struct {
	pk     *Package
	p      *Programme
	o      ExplainOptions
	w      When
	vals   map[*node]int64
	params []ParamRead
}

func (x *explainer) pick(zh, en string) string {
	if x.o.Lang == EN {
		return en
	}
	return zh
}

func (x *explainer) label(l Label) string { return l.In(x.o.Lang) }

func (x *explainer) colon() string { return x.pick("：", ": ") }

func (x *explainer) yesNo(b bool) string {
	if b {
		return x.pick("是", "yes")
	}
	return x.pick("否", "no")
}

func (x *explainer) holds(b bool) string {
	if b {
		return x.pick("成立", "holds")
	}
	return x.pick("不成立", "fails")
}

func (x *explainer) inputValue(in *Input) (int64, bool) {
	for n, v := range x.vals {
		if n.op == opInput && x.p.inputs[n.idx] == in {
			return v, true
		}
	}
	return 0, false
}

func (x *explainer) requirement(r Requirement) Line {
	name := r.Programme
	if dp, ok := x.pk.progs[r.Programme]; ok {
		name = x.pick(dp.NameZH, dp.NameEN)
	}
	holds := r.Holds
	var text string
	if r.Kind == "requires" {
		text = x.pick("须符合"+name+"："+map[bool]string{true: "符合", false: "不符合"}[r.Eligible],
			"requires "+name+": "+map[bool]string{true: "granted", false: "not granted"}[r.Eligible])
	} else {
		text = x.pick("不得同时享受"+name+"："+map[bool]string{true: "已享受", false: "未享受"}[r.Eligible],
			"excludes "+name+": "+map[bool]string{true: "granted", false: "not granted"}[r.Eligible])
	}
	return Line{Name: r.Programme, Label: name, Text: text, Holds: &holds}
}

func (x *explainer) stepLabel(st *step) string {
	l, _ := x.p.StepLabel(st.name)
	return x.label(l)
}

func (x *explainer) condition(st *step) Line {
	v, ok := x.vals[st.root]
	holds := ok && v != 0
	label := x.stepLabel(st)
	sentence := x.render(st.root, modeSentence, 0)
	if st.root.op == opNot && leafOp(st.root.a.op) {
		// "家庭成员中有特困人员：否" says it; the condition's label
		// says the negation.
		sentence = x.render(st.root.a, modeSentence, 0)
	}
	return Line{Name: st.name, Label: label, Holds: &holds, Formula: x.render(st.root, modeFormula, 0), Values: sentence,
		Text: label + x.colon() + x.holds(holds) + x.pick("（", " (") + sentence + x.pick("）", ")")}
}

func (x *explainer) variable(st *step) Line {
	label := x.stepLabel(st)
	l := Line{Name: st.name, Label: label, Formula: x.render(st.root, modeFormula, 0)}
	v, ok := x.vals[st.root]
	if !ok { // the amount of a refused case is not computed
		l.Value = x.pick("不符合条件，不计发", "not eligible: not computed")
		l.Text = label + " = " + l.Formula + x.pick("（", " (") + l.Value + x.pick("）", ")")
		return l
	}
	l.Value = x.value(st.root.typ, x.unitOfStep(st), v, nil)
	parts := []string{label, l.Formula}
	if !leafOp(st.root.op) {
		l.Values = x.render(st.root, modeValues, 0)
		if l.Values != l.Formula && l.Values != l.Value && !strings.HasPrefix(l.Value, l.Values+" ") {
			parts = append(parts, l.Values)
		}
	}
	if l.Value != l.Formula {
		parts = append(parts, l.Value)
	}
	l.Text = strings.Join(parts, " = ")
	return l
}

func (x *explainer) parameter(prm *Param, r ParamRead) Line {
	label := x.label(prm.Label)
	var val string
	if prm.Kind == KindScale {
		val = x.scaleText(prm, r)
	} else if pv, _, err := prm.lookup(x.w.AsOf, x.regionOf(r)); err == nil {
		val = x.value(prm.ValueType(), x.unitOfParam(prm), pv.V, nil)
	} else {
		val = r.Value
	}
	status := x.pick("待确认", "unconfirmed")
	if r.Status == "confirmed" {
		status = x.pick("已确认", "confirmed")
	}
	from := DateText(r.From, x.o.Lang)
	text := x.pick(label+"："+val+"，自"+from+"起执行（"+status+"）", label+": "+val+", from "+from+" ("+status+")")
	return Line{Name: prm.Key, Label: label, Value: val, From: from, Status: status, Source: r.Source, Text: text}
}

// regionOf is the region a parameter was read for: its county override,
// else the decision's region (which selects no override).
func (x *explainer) regionOf(r ParamRead) region.Code { return r.Region }

// scaleText lists a scale's brackets: "80 起 50.00 元；90 起 100.00 元".
func (x *explainer) scaleText(prm *Param, r ParamRead) string {
	pv, _, err := prm.lookup(x.w.AsOf, x.regionOf(r))
	if err != nil {
		return r.Value
	}
	u := x.unitOfParam(prm)
	var parts []string
	for i, b := range pv.Scale {
		if len(pv.Scale) > 6 && i >= 3 && i < len(pv.Scale)-1 {
			if i == 3 {
				parts = append(parts, "…")
			}
			continue // a long table: its ends; the formula shows the bracket used
		}
		v := x.value(prm.ValueType(), u, b.V, nil)
		parts = append(parts, x.pick(formatDec(b.Min)+" 起 "+v, "from "+formatDec(b.Min)+": "+v))
	}
	return strings.Join(parts, x.pick("；", "; "))
}

func (x *explainer) summary(ex *Explanation, d *Decision) string {
	if d.Eligible {
		if root := x.p.steps[len(x.p.steps)-1].root; root.op == opConst && root.k == 0 {
			return x.pick("符合条件", "eligible") // a status, with no amount
		}
		return x.pick("符合条件，"+ex.Amount.Label+" "+ex.Amount.Value, "eligible, "+ex.Amount.Label+" "+ex.Amount.Value)
	}
	var failed []string
	for _, r := range ex.Requirements {
		if !*r.Holds {
			failed = append(failed, r.Text)
		}
	}
	for _, c := range ex.Conditions {
		if c.Holds != nil && !*c.Holds {
			failed = append(failed, c.Label)
		}
	}
	return x.pick("不符合条件：", "not eligible: ") + strings.Join(failed, x.pick("；", "; "))
}

// partial explains d from its stored values only.
func (x *explainer) partial(ex *Explanation, d *Decision) *Explanation {
	ex.Partial = true
	byName := map[string]*step{}
	for _, st := range x.p.steps {
		byName[st.name] = st
	}
	stored := func(s string) string {
		if y, ok := strings.CutSuffix(s, " yuan"); ok {
			return y + x.pick(" 元", " yuan")
		}
		switch s {
		case "true":
			return x.yesNo(true)
		case "false":
			return x.yesNo(false)
		}
		if dd, err := period.ParseDate(s); err == nil {
			if x.o.YearOnlyDates {
				return yearText(dd, x.o.Lang)
			}
			return DateText(dd, x.o.Lang)
		}
		return s
	}
	for _, r := range d.Requirements {
		ex.Requirements = append(ex.Requirements, x.requirement(r))
	}
	for _, c := range d.Conditions {
		holds := c.Value
		label := c.Name
		if st, ok := byName[c.Name]; ok {
			label = x.stepLabel(st)
		}
		ex.Conditions = append(ex.Conditions, Line{Name: c.Name, Label: label, Holds: &holds, Text: label + x.colon() + x.holds(holds)})
	}
	for _, v := range d.Variables {
		label := v.Name
		l := Line{Name: v.Name, Value: stored(v.Value)}
		if st, ok := byName[v.Name]; ok {
			label = x.stepLabel(st)
			if st.source == v.Expr {
				l.Formula = x.render(st.root, modeFormula, 0)
			}
			// Numbers are stored bare (money in fen): in their unit.
			switch v.Type {
			case TInt.String():
				if n, err := strconv.ParseInt(v.Value, 10, 64); err == nil {
					l.Value = x.value(TInt, x.unitOfStep(st), n, nil)
				}
			case TDec.String():
				if n, err := parseDec(v.Value); err == nil {
					l.Value = x.value(TDec, x.unitOfStep(st), n, nil)
				}
			}
		}
		l.Label = label
		l.Text = label + " = " + l.Value
		if l.Formula != "" {
			l.Text = label + " = " + l.Formula + " = " + l.Value
		}
		ex.Variables = append(ex.Variables, l)
	}
	amount := x.p.steps[len(x.p.steps)-1]
	ex.Amount = Line{Name: "amount", Label: x.stepLabel(amount), Value: x.value(TInt, x.unitOfStep(amount), int64(d.Amount), nil)}
	ex.Amount.Text = ex.Amount.Label + " = " + ex.Amount.Value
	for _, r := range d.Parameters {
		label := r.Key
		if prm, ok := x.pk.params[r.Key]; ok {
			label = x.label(prm.Label)
		}
		ex.Parameters = append(ex.Parameters, Line{Name: r.Key, Label: label, Value: stored(r.Value), From: DateText(r.From, x.o.Lang),
			Status: r.Status, Source: r.Source, Text: label + x.colon() + stored(r.Value)})
	}
	ex.Summary = x.summary(ex, d)
	return ex
}

// YuanText writes an amount of money for people: "1,234.56 元",
// "1,234.56 yuan".
func YuanText(f money.Fen, lang Lang) string {
	if lang == EN {
		return f.String() + " yuan"
	}
	return f.String() + " 元"
}

// MonthText writes a month in prose: "2026年11月", "November 2026".
func MonthText(m period.Month, lang Lang) string {
	if lang == EN {
		return fmt.Sprintf("%s %d", m.MonthOfYear(), m.Year())
	}
	return fmt.Sprintf("%d年%d月", m.Year(), int(m.MonthOfYear()))
}

// DateText writes a day in prose: "2026年11月3日", "3 November 2026".
func DateText(d period.Date, lang Lang) string {
	if d.IsZero() {
		return ""
	}
	y, m, day := d.YMD()
	if lang == EN {
		return fmt.Sprintf("%d %s %d", day, m, y)
	}
	return fmt.Sprintf("%d年%d月%d日", y, int(m), day)
}

// yearText writes a year alone: "1963年", "1963".
func yearText(d period.Date, lang Lang) string {
	if lang == EN {
		return strconv.Itoa(d.Year())
	}
	return strconv.Itoa(d.Year()) + "年"
}

// PackageOf returns the package among pks that made decision d: the one of
// its version, else the first that has its programme; nil if none has. A
// server holds the packages of its services (the same one in production)
// and explains a stored decision by the package that made it.
func PackageOf(pks []*Package, d *Decision) *Package {
	for _, pk := range pks {
		if pk.Version == d.Version {
			return pk
		}
	}
	for _, pk := range pks {
		if _, ok := pk.Programme(d.Programme); ok {
			return pk
		}
	}
	return nil
}
