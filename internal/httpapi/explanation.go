package httpapi

import (
	"net/http"
	"reflect"
	"slices"
	"sync"

	"safetynet/internal/policy"
)

// Every decision of the policy engine in a response carries an
// explanation for people (policy.Explain), in the request's language:
// Accept-Language en gives English, anything else Chinese. reply fills it
// in: decisionOf keeps the decision, and reply has every part that
// implements explainable, however deep, explain itself.

// explainedLineResponse is one explained item of a decision.
type explainedLineResponse struct {
	Name    string `json:"name" description:"the rule's identifier, for programs; people read the label"`
	Label   string `json:"label" description:"the item's name for people" example:"家庭月人均收入低于低保标准"`
	Text    string `json:"text" description:"the whole line as a person reads it" example:"家庭月人均收入低于低保标准：成立（家庭月人均收入 412.00 元 < 低保标准 800.00 元）"`
	Holds   *bool  `json:"holds,omitempty" description:"whether a condition or requirement holds"`
	Formula string `json:"formula,omitempty" description:"a variable's or condition's expression written with labels" example:"计发基数 × (1 + 平均缴费指数) ÷ 2 × 缴费年限 × 1%"`
	Values  string `json:"values,omitempty" description:"the expression written with the case's values" example:"8,000.00 元 × (1 + 1) ÷ 2 × 30 年 × 1%"`
	Value   string `json:"value,omitempty" description:"the result, in its unit (元 with two decimals for money)" example:"2,400.00 元"`
	From    string `json:"from,omitempty" description:"a parameter's effective date, in prose" example:"2025年1月1日"`
	Status  string `json:"status,omitempty" description:"a parameter's status in words: 已确认/待确认 (confirmed/unconfirmed)"`
	Source  string `json:"source,omitempty" description:"the document a parameter's value comes from"`
}

// decisionExplanationResponse is a decision told for people.
type decisionExplanationResponse struct {
	Lang         string                  `json:"lang" enum:"zh,en" description:"the language: Accept-Language en gives en, anything else zh"`
	Programme    string                  `json:"programme" description:"the programme's name" example:"最低生活保障"`
	Period       string                  `json:"period" description:"the period decided, in prose" example:"2026年11月"`
	Eligible     bool                    `json:"eligible" description:"whether every condition and requirement holds"`
	Summary      string                  `json:"summary" description:"one sentence: eligible with the amount, or the conditions not met" example:"符合条件，低保金 1,164.00 元"`
	Requirements []explainedLineResponse `json:"requirements" required:"true" nullable:"false" description:"the programmes required or excluded, and whether each requirement holds"`
	Conditions   []explainedLineResponse `json:"conditions" required:"true" nullable:"false" description:"each condition: label, whether it holds, and the sentence with the case's values"`
	Variables    []explainedLineResponse `json:"variables" required:"true" nullable:"false" description:"each intermediate value: label = formula in labels = formula with values = result"`
	Amount       explainedLineResponse   `json:"amount" description:"the amount's line; its value says so when the case is not eligible"`
	Inputs       []explainedLineResponse `json:"inputs" required:"true" nullable:"false" description:"the case's inputs read, by label, in their units"`
	Parameters   []explainedLineResponse `json:"parameters" required:"true" nullable:"false" description:"the parameters read, by label, with their value, effective date, status and source"`
	Partial      bool                    `json:"partial,omitempty" description:"the rules changed since the decision was made: formulas and values are as stored, without the values inside the formulas"`
}

func linesOf(ls []policy.Line) []explainedLineResponse {
	out := make([]explainedLineResponse, len(ls))
	for i, l := range ls {
		out[i] = lineOf(l)
	}
	return out
}

func lineOf(l policy.Line) explainedLineResponse {
	return explainedLineResponse{Name: l.Name, Label: l.Label, Text: l.Text, Holds: l.Holds, Formula: l.Formula, Values: l.Values,
		Value: l.Value, From: l.From, Status: l.Status, Source: l.Source}
}

func explanationOf(ex *policy.Explanation) *decisionExplanationResponse {
	return &decisionExplanationResponse{Lang: string(ex.Lang), Programme: ex.Programme, Period: ex.Period, Eligible: ex.Eligible,
		Summary: ex.Summary, Requirements: linesOf(ex.Requirements), Conditions: linesOf(ex.Conditions),
		Variables: linesOf(ex.Variables), Amount: lineOf(ex.Amount), Inputs: linesOf(ex.Inputs),
		Parameters: linesOf(ex.Parameters), Partial: ex.Partial}
}

// explainOptions are the explanation options of a request: its language,
// and dates of the case as years for a reader without pii.view.
func explainOptions(r *http.Request) policy.ExplainOptions {
	return policy.ExplainOptions{Lang: policy.ParseLang(r.Header.Get("Accept-Language")), YearOnlyDates: mayNotSeePII(r)}
}

// explainable is a part of a response that explains a decision it holds.
type explainable interface {
	explain(pks []*policy.Package, o policy.ExplainOptions)
}

// policies are the policy packages whose decisions responses carry: the
// API's own and the services' (the same one, but in tests), each once.
func (s *server) policies() []*policy.Package {
	all := []*policy.Package{s.pol.Package}
	if s.pen != nil {
		all = append(all, s.pen.Policy())
	}
	if s.asst != nil {
		all = append(all, s.asst.Policy())
	}
	var out []*policy.Package
	for _, pk := range all {
		if pk != nil && !slices.Contains(out, pk) {
			out = append(out, pk)
		}
	}
	return out
}

// explain fills in the explanation of the decision; a decision no package
// can explain (a programme no longer in it) goes without.
func (d *decisionResponse) explain(pks []*policy.Package, o policy.ExplainOptions) {
	if d.decision == nil || d.Explanation != nil {
		return
	}
	pk := policy.PackageOf(pks, d.decision)
	if pk == nil {
		return
	}
	if ex, err := pk.Explain(d.decision, o); err == nil {
		d.Explanation = explanationOf(ex)
	}
}

var explainableType = reflect.TypeFor[explainable]()

// mayExplain caches, per type, whether a value of it can hold an
// explainable.
var mayExplain sync.Map // reflect.Type → bool

func canHoldExplainable(t reflect.Type) bool {
	if v, ok := mayExplain.Load(t); ok {
		return v.(bool)
	}
	holds := holdsImplementer(t, explainableType, map[reflect.Type]bool{})
	mayExplain.Store(t, holds)
	return holds
}

// holdsImplementer reports whether a value of type t can hold a value
// implementing iface (through a pointer); seen breaks cycles.
func holdsImplementer(t, iface reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return holdsImplementer(t.Elem(), iface, seen)
	case reflect.Struct:
		if reflect.PointerTo(t).Implements(iface) {
			return true
		}
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && holdsImplementer(f.Type, iface, seen) {
				return true
			}
		}
	}
	return false
}

// explainAll has every explainable in v, which must be addressable,
// explain itself.
func explainAll(v reflect.Value, pks []*policy.Package, o policy.ExplainOptions) {
	if !canHoldExplainable(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			explainAll(v.Elem(), pks, o)
		}
	case reflect.Struct:
		if v.CanAddr() {
			if e, ok := v.Addr().Interface().(explainable); ok {
				e.explain(pks, o)
			}
		}
		t := v.Type()
		for i := range v.NumField() {
			if t.Field(i).IsExported() {
				explainAll(v.Field(i), pks, o)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			explainAll(v.Index(i), pks, o)
		}
	}
}

// explained returns v with the explanations of its decisions filled in.
func explained[T any](r *http.Request, v T) T {
	pks := infoFrom(r.Context()).policies
	if len(pks) == 0 || !canHoldExplainable(reflect.TypeOf(&v).Elem()) {
		return v
	}
	p := reflect.New(reflect.TypeOf(&v).Elem())
	p.Elem().Set(reflect.ValueOf(&v).Elem())
	explainAll(p.Elem(), pks, explainOptions(r))
	return p.Elem().Interface().(T)
}
