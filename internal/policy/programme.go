package policy

import (
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// PeriodKind is how often a programme is decided.
type PeriodKind string

// The period kinds.
const (
	PeriodMonth PeriodKind = "month"
	PeriodYear  PeriodKind = "year"
	PeriodOnce  PeriodKind = "once"
)

// Programme is a compiled programme: its conditions and amount type-checked
// against its entity's inputs and the package's parameters.
type Programme struct {
	ID       string     `json:"id"`
	NameZH   string     `json:"name_zh"`
	NameEN   string     `json:"name_en"`
	Entity   string     `json:"entity"`
	Period   PeriodKind `json:"period"`
	Requires []string   `json:"requires"`
	Excludes []string   `json:"excludes"`
	Layer    string     `json:"layer"`
	File     string     `json:"file"`

	// steps are the variables, then the conditions, then the amount, in
	// evaluation order; refs index into them.
	steps []*step
	// nVars and nConds count the variables and conditions among steps.
	nVars, nConds int
	// inputs and params list what the programme reads, each once, in
	// order of first use; nodes refer to them by index.
	inputs []*Input
	params []*Param
	deps   []*Programme // requires, then excludes
	nReq   int
	// allInputs are the inputs of p and its requirements, by name.
	allInputs []string
	// labels name the variables and conditions (and the amount, if given)
	// for people.
	labels map[string]Label
}

// step is one named, compiled expression.
type step struct {
	name   string
	source string
	kind   stepKind
	root   *node
	line   int
}

type stepKind uint8

const (
	stepVar stepKind = iota
	stepCond
	stepAmount
)

// Conditions returns the condition names in order.
func (p *Programme) Conditions() []string {
	var out []string
	for _, s := range p.steps {
		if s.kind == stepCond {
			out = append(out, s.name)
		}
	}
	return out
}

// Inputs returns the inputs the programme reads (its requirements'
// included), by name.
func (p *Programme) Inputs() []string { return slices.Clone(p.allInputs) }

// collectInputs lists the inputs of p and its requirements, by name.
func (p *Programme) collectInputs() []string {
	seen := map[string]bool{}
	var walk func(q *Programme)
	walk = func(q *Programme) {
		for _, in := range q.inputs {
			seen[in.Name] = true
		}
		for _, d := range q.deps {
			walk(d)
		}
	}
	walk(p)
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// programmeFile is the parsed YAML of a programme, with line numbers.
type programmeFile struct {
	file, layer string
	ID          string
	idLine      int
	NameZH      string
	NameEN      string
	Entity      string
	entityLine  int
	Period      string
	periodLine  int
	requires    []depRef
	excludes    []depRef
	steps       []rawStep
	labels      map[string]Label
	labelLines  map[string]int
}

type depRef struct {
	id   string
	line int
}

type rawStep struct {
	name, source string
	kind         stepKind
	line, col    int
}

func (pf *programmeFile) deps() []depRef { return append(slices.Clone(pf.requires), pf.excludes...) }

func parseProgramme(file string, data []byte) (*programmeFile, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &LoadError{File: file, Err: err}
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &LoadError{File: file, Err: fmt.Errorf("a programme is a mapping with id, name, entity, period, conditions and amount")}
	}
	pf := &programmeFile{file: file}
	root := doc.Content[0]
	fail := func(line int, name, format string, args ...any) error {
		return &LoadError{File: file, Line: line, Name: name, Err: fmt.Errorf(format, args...)}
	}
	seenAmount := false
	for i := 0; i < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "id":
			pf.ID, pf.idLine = v.Value, v.Line
		case "name":
			var n struct {
				ZH string `yaml:"zh"`
				EN string `yaml:"en"`
			}
			if err := decodeStrict(v, &n); err != nil {
				return nil, fail(v.Line, "name", "%v", err)
			}
			pf.NameZH, pf.NameEN = n.ZH, n.EN
		case "entity":
			pf.Entity, pf.entityLine = v.Value, v.Line
		case "period":
			pf.Period, pf.periodLine = v.Value, v.Line
		case "requires", "excludes":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v.Line, k.Value, "want a list of programme ids")
			}
			for _, e := range v.Content {
				ref := depRef{e.Value, e.Line}
				if k.Value == "requires" {
					pf.requires = append(pf.requires, ref)
				} else {
					pf.excludes = append(pf.excludes, ref)
				}
			}
		case "variables", "conditions":
			kind := stepVar
			if k.Value == "conditions" {
				kind = stepCond
			}
			if v.Kind != yaml.MappingNode {
				if v.Tag == "!!null" {
					continue
				}
				return nil, fail(v.Line, k.Value, "want a mapping of names to expressions")
			}
			for j := 0; j < len(v.Content); j += 2 {
				nk, nv := v.Content[j], v.Content[j+1]
				if nv.Kind != yaml.ScalarNode {
					return nil, fail(nv.Line, nk.Value, "want an expression")
				}
				pf.steps = append(pf.steps, rawStep{name: nk.Value, source: nv.Value, kind: kind, line: nv.Line, col: nv.Column})
			}
		case "labels":
			var err error
			if pf.labels, pf.labelLines, err = parseLabels(file, v); err != nil {
				return nil, err
			}
		case "amount":
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v.Line, "amount", "want an expression")
			}
			pf.steps = append(pf.steps, rawStep{name: "amount", source: v.Value, kind: stepAmount, line: v.Line, col: v.Column})
			seenAmount = true
		default:
			return nil, fail(k.Line, k.Value, "unknown field: want id, name, entity, period, requires, excludes, variables, conditions, amount or labels")
		}
	}
	if pf.ID == "" || !isIdent(pf.ID) {
		return nil, fail(root.Line, "id", "a programme needs an id made of letters, digits and _")
	}
	if !seenAmount {
		return nil, fail(root.Line, pf.ID, "a programme needs an amount (0 for a status without money)")
	}
	// Variables come before conditions, conditions before the amount,
	// whatever the order in the file.
	slices.SortStableFunc(pf.steps, func(a, b rawStep) int { return int(a.kind) - int(b.kind) })
	return pf, nil
}

func (pk *Package) compileProgramme(pf *programmeFile) (*Programme, error) {
	fail := func(line int, name, format string, args ...any) error {
		return &LoadError{File: pf.file, Line: line, Name: name, Err: fmt.Errorf(format, args...)}
	}
	ent, ok := pk.Entities[pf.Entity]
	if !ok {
		return nil, fail(pf.entityLine, pf.ID, "unknown entity %q", pf.Entity)
	}
	p := &Programme{ID: pf.ID, NameZH: pf.NameZH, NameEN: pf.NameEN, Entity: pf.Entity, Period: PeriodKind(pf.Period), Layer: pf.layer, File: pf.file, labels: pf.labels}
	switch p.Period {
	case PeriodMonth, PeriodYear, PeriodOnce:
	default:
		return nil, fail(pf.periodLine, pf.ID, "period must be month, year or once, not %q", pf.Period)
	}
	if p.NameZH == "" || p.NameEN == "" {
		return nil, fail(pf.idLine, pf.ID, "a programme needs name: {zh, en}")
	}
	for _, d := range pf.deps() {
		dp := pk.progs[d.id]
		if dp.Entity != p.Entity {
			return nil, fail(d.line, pf.ID, "%s decides a %s, not a %s: only programmes of the same entity can be required or excluded", d.id, dp.Entity, p.Entity)
		}
		p.deps = append(p.deps, dp)
	}
	for _, d := range pf.requires {
		p.Requires = append(p.Requires, d.id)
	}
	for _, d := range pf.excludes {
		p.Excludes = append(p.Excludes, d.id)
	}
	p.nReq = len(pf.requires)
	c := &compiler{pk: pk, prog: p, entity: ent, names: map[string]int{}, inputIdx: map[string]int{}, paramIdx: map[string]int{}}
	for _, rs := range pf.steps {
		if rs.kind != stepAmount {
			if !isIdent(rs.name) || reserved[rs.name] || rs.name == "amount" {
				return nil, fail(rs.line, rs.name, "a name is an identifier and not a reserved word")
			}
			if _, dup := c.names[rs.name]; dup {
				return nil, fail(rs.line, rs.name, "defined twice")
			}
			if _, clash := ent.Inputs[rs.name]; clash {
				return nil, fail(rs.line, rs.name, "has the name of an input of %s", ent.Name)
			}
		}
		root, err := c.compile(rs.source)
		if err != nil {
			return nil, fail(rs.line, rs.name, "%v", err)
		}
		want := TBool
		switch rs.kind {
		case stepVar:
			want = root.typ
		case stepAmount:
			want = TInt
		}
		if root.typ != want {
			what := "a condition must be bool"
			if rs.kind == stepAmount {
				what = "the amount must be int (fen): use round() on a dec"
			}
			return nil, fail(rs.line, rs.name, "%s, and %q is %s", what, rs.source, root.typ)
		}
		st := &step{name: rs.name, source: rs.source, kind: rs.kind, root: root, line: rs.line}
		c.names[rs.name] = len(p.steps)
		p.steps = append(p.steps, st)
		switch rs.kind {
		case stepVar:
			p.nVars++
		case stepCond:
			p.nConds++
		}
	}
	p.allInputs = p.collectInputs()
	return p, nil
}

// Step is a named expression of a programme, as written in its file.
type Step struct {
	Kind string `json:"kind"` // variable, condition or amount
	Name string `json:"name"`
	Expr string `json:"expr"`
	Type string `json:"type"`
}

// Steps returns the programme's variables, conditions and amount in
// evaluation order.
func (p *Programme) Steps() []Step {
	out := make([]Step, len(p.steps))
	for i, s := range p.steps {
		out[i] = Step{Kind: [...]string{stepVar: "variable", stepCond: "condition", stepAmount: "amount"}[s.kind], Name: s.name, Expr: s.source, Type: s.root.typ.String()}
	}
	return out
}
