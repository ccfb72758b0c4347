package policy

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// ParamKind is how a parameter's values are written and held.
type ParamKind string

// The parameter kinds.
const (
	KindMoney ParamKind = "money" // yuan text, held as int fen
	KindInt   ParamKind = "int"
	KindRate  ParamKind = "rate" // "16%" or "0.16", held as dec
	KindDec   ParamKind = "dec"
	KindBool  ParamKind = "bool"
	KindScale ParamKind = "scale" // brackets of another kind, by a threshold
)

// exprType is the expression type of a value of this kind.
func (k ParamKind) exprType() Type {
	switch k {
	case KindMoney, KindInt:
		return TInt
	case KindRate, KindDec:
		return TDec
	case KindBool:
		return TBool
	}
	return TInvalid
}

// Param is a parameter: a dated list of values, with overrides for regions.
type Param struct {
	Key         string    `json:"key"`
	Kind        ParamKind `json:"type"`
	Of          ParamKind `json:"of,omitempty"` // the bracket values' kind, for scales
	Unit        string    `json:"unit,omitempty"`
	Description string    `json:"description,omitempty"`
	// Label names the parameter for people.
	Label Label `json:"label"`
	// Layer is the jurisdiction whose file defined the parameter.
	Layer   string                       `json:"layer"`
	Values  []ParamValue                 `json:"values"`
	Regions map[region.Code][]ParamValue `json:"regions,omitempty"`
	File    string                       `json:"file"`
	Line    int                          `json:"line"`
}

// ValueType is the expression type of the parameter (of its brackets, for a
// scale).
func (p *Param) ValueType() Type {
	if p.Kind == KindScale {
		return p.Of.exprType()
	}
	return p.Kind.exprType()
}

// ParamValue is one dated value.
type ParamValue struct {
	From period.Date `json:"from"`
	// Text is the value as written in the file.
	Text   string    `json:"value"`
	V      int64     `json:"-"`
	Scale  []Bracket `json:"-"`
	Source string    `json:"source,omitempty"`
	Status string    `json:"status,omitempty"`
	Line   int       `json:"-"`
}

// Bracket is one step of a scale: the value for thresholds at or above Min
// (a dec).
type Bracket struct {
	Min int64
	V   int64
}

// lookup returns the value in force on day d for a case in region code, and
// the override region used ("" for the base list).
func (p *Param) lookup(d period.Date, code region.Code) (*ParamValue, region.Code, error) {
	list, used := p.Values, region.Code("")
	if code != "" {
		for rc, vs := range p.Regions {
			if rc.Contains(code) && len(rc) > len(used) {
				list, used = vs, rc
			}
		}
	}
	// Values are sorted by date; take the last one in force.
	i := sort.Search(len(list), func(i int) bool { return list[i].From > d })
	if i == 0 {
		where := ""
		if used != "" {
			where = " for region " + string(used)
		}
		return nil, used, fmt.Errorf("parameter %s has no value on %s%s", p.Key, d, where)
	}
	return &list[i-1], used, nil
}

// scaleValue applies a scale to x (a dec).
func scaleValue(bs []Bracket, x int64) int64 {
	v := int64(0)
	for _, b := range bs {
		if x < b.Min {
			break
		}
		v = b.V
	}
	return v
}

// paramFile is the YAML shape of one definition.
type paramFile struct {
	Type        ParamKind            `yaml:"type"`
	Of          ParamKind            `yaml:"of"`
	Unit        string               `yaml:"unit"`
	Description string               `yaml:"description"`
	Label       Label                `yaml:"label"`
	Values      []yaml.Node          `yaml:"values"`
	Regions     map[string]yaml.Node `yaml:"regions"`
}

type valueFile struct {
	From   string    `yaml:"from"`
	Value  yaml.Node `yaml:"value"`
	Source string    `yaml:"source"`
	Status string    `yaml:"status"`
}

// loadParams reads a parameter file's definitions.
func loadParams(file, layer string, data []byte) ([]*Param, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, &LoadError{File: file, Line: root.Line, Err: fmt.Errorf("a parameter file maps keys to definitions")}
	}
	var out []*Param
	for i := 0; i < len(root.Content); i += 2 {
		kn, vn := root.Content[i], root.Content[i+1]
		p, err := parseParam(file, layer, kn.Value, kn.Line, vn)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func validKey(k string) bool {
	if k == "" {
		return false
	}
	for _, part := range strings.Split(k, ".") {
		if part == "" || !isIdent(part) {
			return false
		}
	}
	return true
}

func isIdent(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

func parseParam(file, layer, key string, line int, n *yaml.Node) (*Param, error) {
	fail := func(line int, format string, args ...any) error {
		return &LoadError{File: file, Line: line, Name: key, Err: fmt.Errorf(format, args...)}
	}
	if !validKey(key) {
		return nil, fail(line, "a parameter key is dotted identifiers, e.g. dibao.standard.urban")
	}
	var pf paramFile
	if err := decodeStrict(n, &pf); err != nil {
		return nil, fail(n.Line, "%v", err)
	}
	p := &Param{Key: key, Kind: pf.Type, Of: pf.Of, Unit: pf.Unit, Description: pf.Description, Label: pf.Label, Layer: layer, File: file, Line: line}
	switch p.Kind {
	case KindMoney, KindInt, KindRate, KindDec, KindBool:
		if p.Of != "" {
			return nil, fail(n.Line, "only a scale has \"of\"")
		}
	case KindScale:
		if p.Of.exprType() == TInvalid {
			return nil, fail(n.Line, "a scale needs \"of\": money, int, rate or dec")
		}
	default:
		return nil, fail(n.Line, "unknown type %q: want money, int, rate, dec, bool or scale", p.Kind)
	}
	var err error
	if p.Values, err = p.parseValues(file, pf.Values); err != nil {
		return nil, err
	}
	if len(p.Values) == 0 && len(pf.Regions) == 0 {
		return nil, fail(n.Line, "no values")
	}
	for rc, vn := range pf.Regions {
		code, err := region.ParseCode(rc)
		if err != nil {
			return nil, fail(vn.Line, "region override: %v", err)
		}
		var nodes []yaml.Node
		if err := vn.Decode(&nodes); err != nil {
			return nil, fail(vn.Line, "region override %s: a list of dated values: %v", rc, err)
		}
		vs, err := p.parseValues(file, nodes)
		if err != nil {
			return nil, err
		}
		if p.Regions == nil {
			p.Regions = make(map[region.Code][]ParamValue)
		}
		p.Regions[code] = vs
	}
	return p, nil
}

func (p *Param) parseValues(file string, nodes []yaml.Node) ([]ParamValue, error) {
	out := make([]ParamValue, 0, len(nodes))
	for i := range nodes {
		vn := &nodes[i]
		fail := func(format string, args ...any) error {
			return &LoadError{File: file, Line: vn.Line, Name: p.Key, Err: fmt.Errorf(format, args...)}
		}
		var vf valueFile
		if err := decodeStrict(vn, &vf); err != nil {
			return nil, fail("%v", err)
		}
		from, err := period.ParseDate(vf.From)
		if err != nil {
			return nil, fail("from: %v", err)
		}
		if vf.Status != "confirmed" && vf.Status != "unconfirmed" {
			return nil, fail("status must be confirmed or unconfirmed, not %q", vf.Status)
		}
		if strings.TrimSpace(vf.Source) == "" {
			return nil, fail("every value needs its source")
		}
		pv := ParamValue{From: from, Source: vf.Source, Status: vf.Status, Line: vn.Line}
		if p.Kind == KindScale {
			if pv.Scale, pv.Text, err = parseScale(p.Of, &vf.Value); err != nil {
				return nil, fail("value: %v", err)
			}
		} else {
			if vf.Value.Kind != yaml.ScalarNode {
				return nil, fail("value: want a single %s value", p.Kind)
			}
			pv.Text = vf.Value.Value
			if pv.V, err = parseScalar(p.Kind, pv.Text); err != nil {
				return nil, fail("value %q: %v", pv.Text, err)
			}
		}
		if len(out) > 0 && out[len(out)-1].From >= from {
			return nil, fail("values must be in date order: %s is not after %s", from, out[len(out)-1].From)
		}
		out = append(out, pv)
	}
	return out, nil
}

// parseScalar reads a value of kind k in its engine form.
func parseScalar(k ParamKind, s string) (int64, error) {
	switch k {
	case KindMoney:
		f, err := money.Parse(s)
		return int64(f), err
	case KindInt:
		return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	case KindRate:
		r, err := money.ParseRate(s)
		return int64(r), err
	case KindDec:
		return parseDec(s)
	case KindBool:
		switch strings.TrimSpace(s) {
		case "true":
			return 1, nil
		case "false":
			return 0, nil
		}
		return 0, fmt.Errorf("want true or false")
	}
	return 0, fmt.Errorf("unknown kind %q", k)
}

// parseDec reads an exact decimal with at most 6 places.
func parseDec(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" || len(frac) > 6 {
		return 0, fmt.Errorf("want a decimal with at most 6 places")
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseUint(whole, 10, 63)
	if err != nil {
		return 0, fmt.Errorf("want a decimal with at most 6 places")
	}
	f := uint64(0)
	if frac != "" {
		if f, err = strconv.ParseUint(frac+strings.Repeat("0", 6-len(frac)), 10, 63); err != nil {
			return 0, fmt.Errorf("want a decimal with at most 6 places")
		}
	}
	v, ok := mulOK(int64(w), DecScale)
	if !ok {
		return 0, fmt.Errorf("out of range")
	}
	v += int64(f)
	if neg {
		v = -v
	}
	return v, nil
}

type bracketFile struct {
	Min   yaml.Node `yaml:"min"`
	Value yaml.Node `yaml:"value"`
}

func parseScale(of ParamKind, n *yaml.Node) ([]Bracket, string, error) {
	var bfs []bracketFile
	if n.Kind != yaml.SequenceNode {
		return nil, "", fmt.Errorf("a scale's value is a list of {min, value}")
	}
	if err := n.Decode(&bfs); err != nil {
		return nil, "", err
	}
	var out []Bracket
	var text []string
	for i, bf := range bfs {
		min, err := parseDec(bf.Min.Value)
		if err != nil {
			return nil, "", fmt.Errorf("bracket %d: min %q: %v", i+1, bf.Min.Value, err)
		}
		v, err := parseScalar(of, bf.Value.Value)
		if err != nil {
			return nil, "", fmt.Errorf("bracket %d: value %q: %v", i+1, bf.Value.Value, err)
		}
		if len(out) > 0 && out[len(out)-1].Min >= min {
			return nil, "", fmt.Errorf("bracket %d: mins must increase", i+1)
		}
		out = append(out, Bracket{Min: min, V: v})
		text = append(text, fmt.Sprintf("≥%s: %s", bf.Min.Value, bf.Value.Value))
	}
	if len(out) == 0 {
		return nil, "", fmt.Errorf("a scale needs at least one bracket")
	}
	return out, strings.Join(text, "; "), nil
}

// decodeStrict decodes n into v, refusing unknown fields.
func decodeStrict(n *yaml.Node, v any) error {
	// yaml.v3 has no strict Node.Decode; check keys by hand.
	if n.Kind == yaml.MappingNode {
		allowed := yamlFields(v)
		for i := 0; i < len(n.Content); i += 2 {
			k := n.Content[i].Value
			if !allowed[k] {
				return fmt.Errorf("line %d: unknown field %q", n.Content[i].Line, k)
			}
		}
	}
	return n.Decode(v)
}

// Value returns a plain parameter's value in force on day d for a case in
// region code, with the explanation of the read. A scale is read with
// ScaleValue.
func (pk *Package) Value(key string, d period.Date, code region.Code) (int64, ParamRead, error) {
	p, ok := pk.params[key]
	if !ok {
		return 0, ParamRead{}, fmt.Errorf("unknown parameter %s", key)
	}
	if p.Kind == KindScale {
		return 0, ParamRead{}, fmt.Errorf("parameter %s is a scale: use ScaleValue", key)
	}
	pv, used, err := p.lookup(d, code)
	if err != nil {
		return 0, ParamRead{}, err
	}
	return pv.V, ParamRead{Key: key, Value: paramText(p, pv), Unit: p.Unit, From: pv.From, Source: pv.Source, Status: pv.Status, Layer: p.Layer, Region: used}, nil
}

// ScaleValue applies a scale parameter in force on day d to x (a dec; use
// IntDec for whole numbers).
func (pk *Package) ScaleValue(key string, d period.Date, code region.Code, x int64) (int64, ParamRead, error) {
	p, ok := pk.params[key]
	if !ok || p.Kind != KindScale {
		return 0, ParamRead{}, fmt.Errorf("%s is not a scale parameter", key)
	}
	pv, used, err := p.lookup(d, code)
	if err != nil {
		return 0, ParamRead{}, err
	}
	return scaleValue(pv.Scale, x), ParamRead{Key: key, Value: paramText(p, pv), Unit: p.Unit, From: pv.From, Source: pv.Source, Status: pv.Status, Layer: p.Layer, Region: used}, nil
}

// IntDec is the dec form of a whole number.
func IntDec(n int64) int64 { return n * DecScale }

// Ceiling checks v, an amount in fen given as field, against the
// plausibility ceiling key (a money parameter, such as limits.amount) in
// force on day d for region code: an amount above it is a problem on field
// naming the ceiling and its date, so the caller answers 422. The error is
// the parameter's when it has no value on d.
func (pk *Package) Ceiling(pr *fault.Problems, field string, v int64, key string, d period.Date, code region.Code) error {
	max, read, err := pk.Value(key, d, code)
	if err != nil {
		return err
	}
	if v > max {
		pr.Add(field, "%s yuan is above the plausibility ceiling of %s yuan (%s, from %s)", money.Fen(v), money.Fen(max), key, read.From)
	}
	return nil
}
