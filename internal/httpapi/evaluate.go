package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// caseRequest is one entity's inputs, as given at the counter.
type caseRequest struct {
	// Entity, when given, must be the programme's entity.
	Entity string `json:"entity,omitempty" enum:"person,household,organisation,signal"`
	// Region is where the case lives; it selects county overrides of the
	// parameters.
	Region string `json:"region,omitempty" example:"652301001001"`
	// Inputs maps the inputs of the entity to their values: integers for
	// int and money (fen), decimal strings for dec, true or false,
	// "2006-01-02" dates, and the listed values of a str. A programme's
	// inputs are listed by GET /api/v1/programmes/{id}.
	Inputs map[string]json.RawMessage `json:"inputs" required:"true" nullable:"false"`
}

// evaluateRequest is the body of POST /api/v1/evaluate.
type evaluateRequest struct {
	Programme string      `json:"programme" required:"true" example:"dibao"`
	Period    string      `json:"period" required:"true" example:"2025-01" description:"YYYY-MM; parameters are read as of its first day (1 January for yearly programmes)"`
	Case      caseRequest `json:"case" required:"true"`
}

// requirementResponse is the outcome of a programme that the decided one
// requires or excludes.
type requirementResponse struct {
	Programme string `json:"programme"`
	Kind      string `json:"kind" enum:"requires,excludes"`
	Eligible  bool   `json:"eligible"`
	// Holds says whether the requirement is met: a required programme
	// granted, or an excluded one not granted.
	Holds bool `json:"holds"`
}

// valueResponse is a named value of an explanation, formatted for people.
type valueResponse struct {
	Name string `json:"name"`
	Expr string `json:"expr,omitempty"`
	// Type is the value's type; "year" for a date of a person's record
	// shown to a role without pii.view, whose value is then its year only.
	Type  string `json:"type" example:"int"`
	Value string `json:"value" example:"480.00 yuan"`
}

// conditionResponse is a named condition and its value for the case.
type conditionResponse struct {
	Name  string `json:"name" example:"income_below_standard"`
	Expr  string `json:"expr" example:"per_capita_income < p.dibao.standard"`
	Value bool   `json:"value"`
}

// parameterReadResponse is a parameter value a decision read.
type parameterReadResponse struct {
	Key    string `json:"key" example:"dibao.standard.urban"`
	Value  string `json:"value" example:"780.00 yuan"`
	Unit   string `json:"unit,omitempty"`
	From   string `json:"from" format:"date" description:"the day the value took effect"`
	Source string `json:"source"`
	Status string `json:"status" enum:"confirmed,unconfirmed"`
	Layer  string `json:"layer"`
	// Region is the county override used, if any.
	Region string `json:"region,omitempty"`
}

// decisionResponse is the explained decision of one programme for one case
// and period.
type decisionResponse struct {
	Programme string `json:"programme" example:"dibao"`
	NameZH    string `json:"name_zh"`
	NameEN    string `json:"name_en"`
	Entity    string `json:"entity"`
	Period    string `json:"period" example:"2025-01"`
	AsOf      string `json:"as_of" format:"date" description:"the day parameters were read as of"`
	Region    string `json:"region,omitempty"`
	Eligible  bool   `json:"eligible"`
	// Why summarises the decision: the conditions and requirements not
	// met, or that all hold.
	Why          string                  `json:"why" example:"not met: income_below_standard"`
	Amount       int64                   `json:"amount" description:"in fen; 0 when not eligible"`
	AmountExpr   string                  `json:"amount_expr"`
	Requirements []requirementResponse   `json:"requirements" required:"true" nullable:"false"`
	Variables    []valueResponse         `json:"variables" required:"true" nullable:"false"`
	Conditions   []conditionResponse     `json:"conditions" required:"true" nullable:"false"`
	Parameters   []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
	Inputs       []valueResponse         `json:"inputs" required:"true" nullable:"false"`
	// Version is the policy package's content hash.
	Version string `json:"version"`
	// Explanation tells the decision for people, in the request's
	// language (Accept-Language en, else zh-CN): labels instead of rule
	// names, money in yuan, the formulas in words with their values.
	Explanation *decisionExplanationResponse `json:"explanation,omitempty" description:"the decision told for people in the request's language (Accept-Language en gives English, anything else Chinese): conditions as sentences with values, formulas in labels, money in yuan with two decimals"`
	// decision is what Explanation is made from, when the reply is sent.
	decision *policy.Decision
}

func valuesOf(vs []policy.Value) []valueResponse {
	out := make([]valueResponse, len(vs))
	for i, v := range vs {
		out[i] = valueResponse{Name: v.Name, Expr: v.Expr, Type: v.Type, Value: v.Value}
	}
	return out
}

func decisionOf(d *policy.Decision) decisionResponse {
	out := decisionResponse{
		Programme: d.Programme, NameZH: d.NameZH, NameEN: d.NameEN, Entity: d.Entity, Period: d.Period,
		AsOf: dateString(d.AsOf), Region: string(d.Region), Eligible: d.Eligible, Why: d.Why(), Amount: int64(d.Amount),
		AmountExpr: d.AmountExpr, Requirements: make([]requirementResponse, len(d.Requirements)),
		Variables: valuesOf(d.Variables), Conditions: make([]conditionResponse, len(d.Conditions)),
		Parameters: make([]parameterReadResponse, len(d.Parameters)), Inputs: valuesOf(d.Inputs), Version: d.Version,
		decision: d,
	}
	for i, r := range d.Requirements {
		out.Requirements[i] = requirementResponse{Programme: r.Programme, Kind: r.Kind, Eligible: r.Eligible, Holds: r.Holds}
	}
	for i, c := range d.Conditions {
		out.Conditions[i] = conditionResponse{Name: c.Name, Expr: c.Expr, Value: c.Value}
	}
	for i, p := range d.Parameters {
		out.Parameters[i] = parameterReadResponse{Key: p.Key, Value: p.Value, Unit: p.Unit, From: dateString(p.From),
			Source: p.Source, Status: p.Status, Layer: p.Layer, Region: string(p.Region)}
	}
	return out
}

// periodField parses a required YYYY-MM field of a request body.
func periodField(pr *fault.Problems, name, s string) period.Month {
	if s == "" {
		pr.Add(name, "is required, as YYYY-MM")
		return 0
	}
	m, err := period.ParseMonth(s)
	if err != nil {
		pr.Add(name, "%v", err)
	}
	return m
}

// inCase names the engine's fields of a case as they sit in the request
// body: "inputs.members" becomes "case.inputs.members".
func inCase(err error) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		return err
	}
	out := &fault.Error{Code: fe.Code, Message: fe.Message, Err: fe.Err, Fields: make(map[string]string, len(fe.Fields))}
	for k, v := range fe.Fields {
		if k == "entity" || k == "region" || strings.HasPrefix(k, "inputs.") {
			k = "case." + k
		}
		out.Fields[k] = v
	}
	return out
}

// handleEvaluate decides one programme for one case, with the explanation.
// Any signed-in user may evaluate: the case is given, nothing is read from
// the registry.
func (s *server) handleEvaluate(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[evaluateRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	p := s.programmeOf(&pr, "programme", req.Programme)
	per := periodField(&pr, "period", req.Period)
	if err := pr.Err("invalid evaluation request"); err != nil {
		return err
	}
	c := policy.Case{Entity: req.Case.Entity, Region: region.Code(req.Case.Region), Inputs: req.Case.Inputs}
	d, err := s.pol.Package.Evaluate(p.ID, per, c)
	if err != nil {
		return inCase(err)
	}
	reply(w, r, http.StatusOK, decisionOf(d))
	return nil
}

// What-if population sizes.
const (
	defaultWhatIfCases = 10_000
	maxWhatIfCases     = 200_000
)

// overrideRequest is one parameter change of a what-if.
type overrideRequest struct {
	Key  string `json:"key" required:"true" example:"dibao.standard.urban"`
	From string `json:"from" required:"true" example:"2025-01-01" description:"YYYY-MM-DD, or YYYY-MM for the first of the month"`
	// Value is written as in the policy files: yuan for money ("900"),
	// "16%" for a rate. Scales cannot be changed.
	Value string `json:"value" required:"true" example:"900"`
	// Region, when given, changes the value in that county (or lower
	// region) only; otherwise everywhere, county overrides included.
	Region string `json:"region,omitempty" example:"652301"`
}

// whatIfRequest is the body of POST /api/v1/whatif.
type whatIfRequest struct {
	Programme string            `json:"programme" required:"true" example:"dibao"`
	Period    string            `json:"period" required:"true" example:"2025-01"`
	Overrides []overrideRequest `json:"overrides" required:"true" nullable:"false" minItems:"1"`
	// Persons is the number of synthetic cases of the programme's entity
	// (persons, households or organisations).
	Persons *int `json:"persons,omitempty" minimum:"1" maximum:"200000" default:"10000"`
	// Seed selects the synthetic population: the same seed gives the same
	// cases.
	Seed *int64 `json:"seed,omitempty" default:"1"`
}

// tallyResponse counts beneficiaries and sums their amounts.
type tallyResponse struct {
	Count int   `json:"count"`
	Total int64 `json:"total" description:"in fen"`
}

// whatIfRowResponse compares one county before and after the changes.
type whatIfRowResponse struct {
	Region     string        `json:"region" example:"652301"`
	Name       string        `json:"name,omitempty" example:"昌吉市"`
	Before     tallyResponse `json:"before"`
	After      tallyResponse `json:"after"`
	DeltaCount int           `json:"delta_count"`
	DeltaTotal int64         `json:"delta_total" description:"in fen"`
}

// whatIfResponse is the effect of parameter changes on one programme, by
// county, over a synthetic population.
type whatIfResponse struct {
	Programme string              `json:"programme"`
	Period    string              `json:"period"`
	Overrides []overrideRequest   `json:"overrides"`
	Rows      []whatIfRowResponse `json:"rows" required:"true" nullable:"false"`
	Total     whatIfRowResponse   `json:"total"`
	Cases     int                 `json:"cases"`
	Seed      int64               `json:"seed"`
}

func whatIfOf(rep *policy.WhatIfReport, seed int64, tree *region.Tree) whatIfResponse {
	row := func(r policy.WhatIfRow) whatIfRowResponse {
		out := whatIfRowResponse{Region: string(r.Region), Before: tallyResponse{r.Before.Count, int64(r.Before.Total)},
			After: tallyResponse{r.After.Count, int64(r.After.Total)}, DeltaCount: r.DeltaCount, DeltaTotal: int64(r.DeltaTotal)}
		if n, ok := tree.Node(r.Region); ok {
			out.Name = n.NameZH
		}
		return out
	}
	out := whatIfResponse{Programme: rep.Programme, Period: rep.Period, Overrides: make([]overrideRequest, len(rep.Overrides)),
		Rows: make([]whatIfRowResponse, len(rep.Rows)), Total: row(rep.Total), Cases: rep.Cases, Seed: seed}
	for i, o := range rep.Overrides {
		out.Overrides[i] = overrideRequest{Key: o.Key, From: dateString(o.From), Value: o.Value, Region: string(o.Region)}
	}
	for i, r := range rep.Rows {
		out.Rows[i] = row(r)
	}
	return out
}

// handleWhatIf evaluates a programme over a synthetic population under the
// current parameters and under the requested changes, and compares
// beneficiaries and cost by county. It needs registry.read.
func (s *server) handleWhatIf(w http.ResponseWriter, r *http.Request) error {
	if _, err := auth.Require(r.Context(), auth.PermRegistryRead); err != nil {
		return err
	}
	req, err := decode[whatIfRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	p := s.programmeOf(&pr, "programme", req.Programme)
	per := periodField(&pr, "period", req.Period)
	if len(req.Overrides) == 0 {
		pr.Add("overrides", "give at least one parameter change")
	}
	overrides := make([]policy.Override, len(req.Overrides))
	for i, o := range req.Overrides {
		field := fmt.Sprintf("overrides[%d].", i)
		if o.Key == "" {
			pr.Add(field+"key", "is required")
		}
		if strings.TrimSpace(o.Value) == "" {
			pr.Add(field+"value", "is required")
		}
		overrides[i] = policy.Override{Key: o.Key, Value: o.Value, From: overrideFrom(&pr, field+"from", o.From)}
		if o.Region != "" {
			c, err := region.ParseCode(o.Region)
			if err != nil {
				pr.Add(field+"region", "%v", err)
			}
			overrides[i].Region = c
		}
	}
	n, seed := defaultWhatIfCases, int64(1)
	if req.Persons != nil {
		n = *req.Persons
		if n < 1 || n > maxWhatIfCases {
			pr.Add("persons", "must be from 1 to %d", maxWhatIfCases)
		}
	}
	if req.Seed != nil {
		seed = *req.Seed
	}
	if err := pr.Err("invalid what-if"); err != nil {
		return err
	}
	pop, err := s.pol.PopulationFunc(p.Entity, n, seed)
	if err != nil {
		return fmt.Errorf("what-if population of %d %s cases: %w", n, p.Entity, err)
	}
	rep, err := s.pol.Package.WhatIf(p.ID, per, pop, overrides, 0)
	if err != nil {
		return err
	}
	tree := s.pol.Tree
	reply(w, r, http.StatusOK, whatIfOf(rep, seed, tree))
	return nil
}

// overrideFrom parses the from date of an override: a day, or a month for
// its first day.
func overrideFrom(pr *fault.Problems, name, s string) period.Date {
	if s == "" {
		pr.Add(name, "is required, as YYYY-MM-DD or YYYY-MM")
		return 0
	}
	if d, err := period.ParseDate(s); err == nil {
		return d
	}
	m, err := period.ParseMonth(s)
	if err != nil {
		pr.Add(name, "want YYYY-MM-DD or YYYY-MM, got %q", s)
		return 0
	}
	return m.First()
}
