package httpapi

import (
	"net/http"

	"safetynet/internal/fault"
	"safetynet/internal/policy"
)

// programmeSummaryResponse is a programme in the list of programmes.
type programmeSummaryResponse struct {
	ID     string `json:"id" example:"dibao"`
	NameZH string `json:"name_zh" example:"最低生活保障"`
	NameEN string `json:"name_en" example:"Minimum living guarantee"`
	Entity string `json:"entity" enum:"person,household,organisation,signal"`
	Period string `json:"period" enum:"month,year,once" description:"how often the programme is decided"`
	// Requires and Excludes name programmes of the same entity that must
	// be granted first, or that rule this one out.
	Requires []string `json:"requires" required:"true" nullable:"false"`
	Excludes []string `json:"excludes" required:"true" nullable:"false"`
	// Conditions are the names of the conditions, all of which must hold.
	Conditions []string `json:"conditions" required:"true" nullable:"false"`
	// Inputs are the inputs a case must give, those of required and
	// excluded programmes included.
	Inputs []string `json:"inputs" required:"true" nullable:"false"`
	Layer  string   `json:"layer" example:"changji" description:"the jurisdiction whose file defines the programme"`
}

// expressionResponse is a named expression of a programme, as written.
type expressionResponse struct {
	Name string `json:"name" example:"income_below_standard"`
	Expr string `json:"expr" example:"per_capita_income < p.dibao.standard"`
}

// inputResponse is a typed input of an entity.
type inputResponse struct {
	Name string `json:"name" example:"total_income"`
	Type string `json:"type" enum:"int,money,dec,bool,date,str" description:"money is an integer number of fen"`
	// Values are the allowed values of a str input.
	Values      []string `json:"values,omitempty"`
	Description string   `json:"description,omitempty"`
}

// programmeResponse is a programme with its expressions.
type programmeResponse struct {
	ID       string   `json:"id" example:"dibao"`
	NameZH   string   `json:"name_zh" example:"最低生活保障"`
	NameEN   string   `json:"name_en" example:"Minimum living guarantee"`
	Entity   string   `json:"entity" enum:"person,household,organisation,signal"`
	Period   string   `json:"period" enum:"month,year,once"`
	Requires []string `json:"requires" required:"true" nullable:"false"`
	Excludes []string `json:"excludes" required:"true" nullable:"false"`
	Layer    string   `json:"layer" example:"changji"`
	File     string   `json:"file" example:"changji/programmes/dibao.yaml"`
	// Variables are named intermediate values, in evaluation order.
	Variables []expressionResponse `json:"variables" required:"true" nullable:"false"`
	// Conditions must all hold for the case to be eligible.
	Conditions []expressionResponse `json:"conditions" required:"true" nullable:"false"`
	// Amount is the expression of the amount in fen, 0 when not eligible.
	Amount string          `json:"amount" example:"(p.dibao.standard - per_capita_income) * members"`
	Inputs []inputResponse `json:"inputs" required:"true" nullable:"false"`
}

func (p programmeResponse) summary() programmeSummaryResponse {
	out := programmeSummaryResponse{ID: p.ID, NameZH: p.NameZH, NameEN: p.NameEN, Entity: p.Entity, Period: p.Period,
		Requires: p.Requires, Excludes: p.Excludes, Layer: p.Layer,
		Conditions: make([]string, len(p.Conditions)), Inputs: make([]string, len(p.Inputs))}
	for i, c := range p.Conditions {
		out.Conditions[i] = c.Name
	}
	for i, in := range p.Inputs {
		out.Inputs[i] = in.Name
	}
	return out
}

// programmeCatalogue describes every programme of the package, with its
// expressions as written in its file. The package never changes while the
// process runs, so this is done once, at start-up.
func programmeCatalogue(pol Policy) (map[string]programmeResponse, error) {
	out := map[string]programmeResponse{}
	for _, p := range pol.Package.Programmes() {
		ent := pol.Package.Entities[p.Entity]
		pr := programmeResponse{ID: p.ID, NameZH: p.NameZH, NameEN: p.NameEN, Entity: p.Entity, Period: string(p.Period),
			Requires: nonNil(p.Requires), Excludes: nonNil(p.Excludes), Layer: p.Layer, File: p.File, Inputs: []inputResponse{}}
		for _, name := range p.Inputs() {
			in := ent.Inputs[name]
			pr.Inputs = append(pr.Inputs, inputResponse{Name: in.Name, Type: in.Kind, Values: in.Values, Description: in.Description})
		}
		pr.Variables, pr.Conditions = []expressionResponse{}, []expressionResponse{}
		for _, st := range p.Steps() {
			e := expressionResponse{Name: st.Name, Expr: st.Expr}
			switch st.Kind {
			case "variable":
				pr.Variables = append(pr.Variables, e)
			case "condition":
				pr.Conditions = append(pr.Conditions, e)
			case "amount":
				pr.Amount = st.Expr
			}
		}
		out[p.ID] = pr
	}
	return out, nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// programmeParams are the parameters of a programme's URL.
type programmeParams struct {
	ID string `path:"id" example:"dibao"`
}

// handleListProgrammes lists every programme.
func (s *server) handleListProgrammes(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[pageParams](r)
	if err != nil {
		return err
	}
	page := in.page()
	reply(w, r, http.StatusOK, wholePage(s.pol.Package.Programmes(), page, func(p *policy.Programme) programmeSummaryResponse {
		return s.progs[p.ID].summary()
	}))
	return nil
}

// handleGetProgramme returns a programme with its expressions.
func (s *server) handleGetProgramme(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[programmeParams](r)
	if err != nil {
		return err
	}
	p, ok := s.progs[in.ID]
	if !ok {
		return fault.Errorf(fault.NotFound, "programme %s not found", in.ID)
	}
	reply(w, r, http.StatusOK, p)
	return nil
}

// programmeOf returns the programme named in a request body, or an Invalid
// error naming field.
func (s *server) programmeOf(pr *fault.Problems, field, id string) *policy.Programme {
	if id == "" {
		pr.Add(field, "is required")
		return nil
	}
	p, ok := s.pol.Package.Programme(id)
	if !ok {
		pr.Add(field, "unknown programme %q; see GET /api/v1/programmes", id)
		return nil
	}
	return p
}
