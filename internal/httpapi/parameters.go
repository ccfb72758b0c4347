package httpapi

import (
	"net/http"
	"slices"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// parameterSummaryResponse is a parameter in the list of parameters.
type parameterSummaryResponse struct {
	Key  string `json:"key" example:"dibao.standard.urban"`
	Type string `json:"type" enum:"money,int,rate,dec,bool,scale"`
	// Of is the type of a scale's bracket values.
	Of          string `json:"of,omitempty" enum:"money,int,rate,dec"`
	Unit        string `json:"unit,omitempty" example:"yuan/month"`
	Description string `json:"description,omitempty"`
	Layer       string `json:"layer" example:"changji" description:"the jurisdiction whose file defines the parameter"`
}

// parameterValueResponse is one dated value of a parameter.
type parameterValueResponse struct {
	From string `json:"from" format:"date" description:"the value holds from this day until the next value's"`
	// Value is as written in the policy file: yuan for money ("780.00"),
	// "16%" or "0.16" for a rate, brackets "≥80: 50; ≥90: 100" for a scale.
	Value  string `json:"value" example:"780.00"`
	Source string `json:"source,omitempty"`
	Status string `json:"status,omitempty" enum:"confirmed,unconfirmed"`
}

// parameterRegionResponse is the value list that replaces the base list in
// a county (or lower region).
type parameterRegionResponse struct {
	Region string                   `json:"region" example:"652302"`
	Name   string                   `json:"name,omitempty" example:"阜康市"`
	Values []parameterValueResponse `json:"values"`
}

// parameterResponse is a parameter with its dated values and the region
// overrides.
type parameterResponse struct {
	parameterSummaryResponse
	File    string                    `json:"file" example:"changji/parameters/dibao.yaml"`
	Line    int                       `json:"line"`
	Values  []parameterValueResponse  `json:"values" required:"true" nullable:"false"`
	Regions []parameterRegionResponse `json:"regions" required:"true" nullable:"false"`
}

func parameterSummaryOf(p *policy.Param) parameterSummaryResponse {
	return parameterSummaryResponse{Key: p.Key, Type: string(p.Kind), Of: string(p.Of), Unit: p.Unit,
		Description: p.Description, Layer: p.Layer}
}

func parameterValuesOf(vs []policy.ParamValue) []parameterValueResponse {
	out := make([]parameterValueResponse, len(vs))
	for i, v := range vs {
		out[i] = parameterValueResponse{From: dateString(v.From), Value: v.Text, Source: v.Source, Status: v.Status}
	}
	return out
}

func parameterOf(p *policy.Param, tree *region.Tree) parameterResponse {
	out := parameterResponse{parameterSummaryResponse: parameterSummaryOf(p), File: p.File, Line: p.Line,
		Values: parameterValuesOf(p.Values), Regions: make([]parameterRegionResponse, 0, len(p.Regions))}
	for code, vs := range p.Regions {
		rr := parameterRegionResponse{Region: string(code), Values: parameterValuesOf(vs)}
		if n, ok := tree.Node(code); ok {
			rr.Name = n.NameZH
		}
		out.Regions = append(out.Regions, rr)
	}
	slices.SortFunc(out.Regions, func(a, b parameterRegionResponse) int { return strings.Compare(a.Region, b.Region) })
	return out
}

// parameterListParams are the parameters of GET /api/v1/parameters.
type parameterListParams struct {
	Prefix string `query:"prefix" example:"dibao." description:"only keys that start with this text"`
	pageParams
}

// parameterParams are the parameters of a parameter's URL.
type parameterParams struct {
	Key string `path:"key" example:"dibao.standard.urban"`
}

// handleListParameters lists the parameters by key.
func (s *server) handleListParameters(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[parameterListParams](r)
	if err != nil {
		return err
	}
	prefix, page := in.Prefix, in.page()
	var ps []*policy.Param
	for _, p := range s.pol.Package.Params() {
		if strings.HasPrefix(p.Key, prefix) {
			ps = append(ps, p)
		}
	}
	reply(w, r, http.StatusOK, wholePage(ps, page, parameterSummaryOf))
	return nil
}

// handleGetParameter returns a parameter's dated values and its region
// overrides.
func (s *server) handleGetParameter(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[parameterParams](r)
	if err != nil {
		return err
	}
	key := in.Key
	p, ok := s.pol.Package.Param(key)
	if !ok {
		return fault.Errorf(fault.NotFound, "parameter %s not found", key)
	}
	tree := s.pol.Tree
	reply(w, r, http.StatusOK, parameterOf(p, tree))
	return nil
}
