package policy

import (
	"fmt"
	"slices"
	"sort"

	"go.yaml.in/yaml/v3"
)

// Entity is a kind of case (person, household, organisation, or a signal
// of the low-income monitoring) with its typed inputs.
type Entity struct {
	Name   string
	Inputs map[string]*Input
}

// Input is one typed input of an entity.
type Input struct {
	Name        string   `json:"name"`
	Kind        string   `json:"type"` // int, money, dec, bool, date, str
	Type        Type     `json:"-"`
	Values      []string `json:"values,omitempty"` // the allowed values of a str
	Description string   `json:"description,omitempty"`
	// Signed allows negative numbers; counts, amounts of money and indices
	// are otherwise never negative, and a negative value is refused.
	Signed bool `json:"signed,omitempty"`
	// Label names the input for people; ValueLabels name the values of a
	// str.
	Label       Label            `json:"label"`
	ValueLabels map[string]Label `json:"value_labels,omitempty"`
	valueIDs    map[string]int64
	line        int
}

// InputNames returns the entity's input names, sorted.
func (e *Entity) InputNames() []string {
	out := make([]string, 0, len(e.Inputs))
	for n := range e.Inputs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// EntityNames are the kinds of case a policy package may declare: a
// person, a household, an organisation, and a signal (风险信号) of the
// low-income dynamic monitoring, decided once for the risk it shows.
var EntityNames = []string{"person", "household", "organisation", "signal"}

type inputFile struct {
	Type        string           `yaml:"type"`
	Values      []string         `yaml:"values"`
	Description string           `yaml:"description"`
	Signed      bool             `yaml:"signed"`
	Label       Label            `yaml:"label"`
	ValueLabels map[string]Label `yaml:"value_labels"`
}

func loadEntities(file string, data []byte, strs *interner) (map[string]*Entity, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	out := map[string]*Entity{}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &LoadError{File: file, Err: fmt.Errorf("map each entity to its inputs")}
	}
	root := doc.Content[0]
	for i := 0; i < len(root.Content); i += 2 {
		en, body := root.Content[i], root.Content[i+1]
		if !slices.Contains(EntityNames, en.Value) {
			return nil, &LoadError{File: file, Line: en.Line, Name: en.Value, Err: fmt.Errorf("unknown entity: want one of %v", EntityNames)}
		}
		e := &Entity{Name: en.Value, Inputs: map[string]*Input{}}
		if body.Kind != yaml.MappingNode {
			return nil, &LoadError{File: file, Line: body.Line, Name: e.Name, Err: fmt.Errorf("map each input to {type, description}")}
		}
		for j := 0; j < len(body.Content); j += 2 {
			kn, vn := body.Content[j], body.Content[j+1]
			fail := func(format string, args ...any) error {
				return &LoadError{File: file, Line: kn.Line, Name: e.Name + "." + kn.Value, Err: fmt.Errorf(format, args...)}
			}
			if !isIdent(kn.Value) || reserved[kn.Value] {
				return nil, fail("an input name is an identifier and not a reserved word")
			}
			var inf inputFile
			if err := decodeStrict(vn, &inf); err != nil {
				return nil, fail("%v", err)
			}
			in := &Input{Name: kn.Value, Kind: inf.Type, Values: inf.Values, Description: inf.Description, Signed: inf.Signed,
				Label: inf.Label, ValueLabels: inf.ValueLabels, line: kn.Line}
			for v := range inf.ValueLabels {
				if !slices.Contains(inf.Values, v) {
					return nil, fail("value_labels names %q, which is not among its values", v)
				}
			}
			switch inf.Type {
			case "int", "money":
				in.Type = TInt
			case "dec":
				in.Type = TDec
			case "bool":
				in.Type = TBool
			case "date":
				in.Type = TDate
			case "str":
				in.Type = TStr
				if len(inf.Values) == 0 {
					return nil, fail("a str input lists its allowed values")
				}
				in.valueIDs = map[string]int64{}
				for _, v := range inf.Values {
					in.valueIDs[v] = strs.id(v)
				}
			default:
				return nil, fail("unknown type %q: want int, money, dec, bool, date or str", inf.Type)
			}
			if inf.Type != "str" && len(inf.Values) > 0 {
				return nil, fail("only a str input lists values")
			}
			if _, dup := e.Inputs[in.Name]; dup {
				return nil, fail("declared twice")
			}
			e.Inputs[in.Name] = in
		}
		out[e.Name] = e
	}
	return out, nil
}

// reserved names cannot be inputs, variables or conditions.
var reserved = map[string]bool{
	"p": true, "period_start": true, "period_end": true, "period_year": true, "period_month": true,
	"true": true, "false": true, "and": true, "or": true, "not": true, "in": true, "nil": true,
}
