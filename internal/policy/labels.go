package policy

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Lang is the language of an explanation: Chinese (the default) or English.
type Lang string

// The languages of explanations.
const (
	ZH Lang = "zh"
	EN Lang = "en"
)

// ParseLang picks the language of an Accept-Language header (or a plain
// "zh"/"en"): English when the first language named is English, Chinese
// otherwise.
func ParseLang(accept string) Lang {
	first, _, _ := strings.Cut(accept, ",")
	first, _, _ = strings.Cut(first, ";")
	first = strings.ToLower(strings.TrimSpace(first))
	if first == "en" || strings.HasPrefix(first, "en-") {
		return EN
	}
	return ZH
}

// Label is a name for people, in Chinese and English, and for a number the
// unit it counts in (a key of the units in labels.yaml: yuan, percent,
// month, year, day, person, …). Money and rates need no unit: their type
// says it.
type Label struct {
	ZH   string `yaml:"zh" json:"zh"`
	EN   string `yaml:"en" json:"en"`
	Unit string `yaml:"unit" json:"unit,omitempty"`
}

// In returns the label in lang.
func (l Label) In(lang Lang) string {
	if lang == EN {
		return l.EN
	}
	return l.ZH
}

// complete reports whether both languages are given.
func (l Label) complete() bool { return strings.TrimSpace(l.ZH) != "" && strings.TrimSpace(l.EN) != "" }

// labelFile is labels.yaml: the words of the rule language that are not
// defined by a programme, parameter or input.
type labelFile struct {
	// Units label the units that labels name.
	Units map[string]Label `yaml:"units"`
	// Names label the built-in names (period_start, …).
	Names map[string]Label `yaml:"names"`
	// Functions label the named Go functions rules may call.
	Functions map[string]Label `yaml:"functions"`
}

func loadLabelFile(fsys fs.FS, read func(string) ([]byte, error)) (*labelFile, error) {
	lf := &labelFile{}
	if _, err := fs.Stat(fsys, "labels.yaml"); errors.Is(err, fs.ErrNotExist) {
		return lf, nil
	}
	data, err := read("labels.yaml")
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, &LoadError{File: "labels.yaml", Err: err}
	}
	if len(doc.Content) > 0 {
		if err := decodeStrict(doc.Content[0], lf); err != nil {
			return nil, &LoadError{File: "labels.yaml", Err: err}
		}
	}
	for _, group := range []map[string]Label{lf.Units, lf.Names, lf.Functions} {
		for _, k := range sortedKeys(group) {
			if !group[k].complete() {
				return nil, &LoadError{File: "labels.yaml", Name: k, Err: fmt.Errorf("a label needs zh and en")}
			}
		}
	}
	return lf, nil
}

// Unit returns the label of a unit named in labels.yaml.
func (pk *Package) Unit(name string) (Label, bool) { l, ok := pk.labels.Units[name]; return l, ok }

// StepLabel returns the label of a variable or condition of the programme;
// "amount" gives the programme's name unless its labels say otherwise.
func (p *Programme) StepLabel(name string) (Label, bool) {
	if l, ok := p.labels[name]; ok {
		return l, true
	}
	if name == "amount" {
		return Label{ZH: p.NameZH, EN: p.NameEN}, true
	}
	return Label{}, false
}

// parseLabels reads a programme's labels: mapping, name → {zh, en, unit}.
func parseLabels(file string, v *yaml.Node) (map[string]Label, map[string]int, error) {
	if v.Kind != yaml.MappingNode {
		return nil, nil, &LoadError{File: file, Line: v.Line, Name: "labels", Err: fmt.Errorf("want a mapping of names to {zh, en}")}
	}
	out, lines := map[string]Label{}, map[string]int{}
	for j := 0; j < len(v.Content); j += 2 {
		nk, nv := v.Content[j], v.Content[j+1]
		var l Label
		if err := decodeStrict(nv, &l); err != nil {
			return nil, nil, &LoadError{File: file, Line: nv.Line, Name: nk.Value, Err: fmt.Errorf("label: %v", err)}
		}
		out[nk.Value], lines[nk.Value] = l, nk.Line
	}
	return out, lines, nil
}

// checkLabels reports every name a decision of p can show that lacks a
// label in Chinese or English: its variables and conditions, the inputs and
// their values, the parameters, the functions and built-in names it reads,
// and the units the labels name.
func (pk *Package) checkLabels(p *Programme, lines map[string]int) []error {
	var errs []error
	miss := func(file string, line int, name, format string, args ...any) {
		errs = append(errs, &LoadError{File: file, Line: line, Name: name, Err: fmt.Errorf(format, args...)})
	}
	unit := func(file string, line int, name string, l Label) {
		if l.Unit != "" {
			if _, ok := pk.labels.Units[l.Unit]; !ok {
				miss(file, line, name, "unit %q is not among the units of labels.yaml", l.Unit)
			}
		}
	}
	names := map[string]bool{"amount": true}
	for _, st := range p.steps {
		names[st.name] = true
		if st.kind == stepAmount {
			continue
		}
		l, ok := p.labels[st.name]
		if !l.complete() {
			why := "has no label: add it under labels: with zh and en"
			if ok {
				why = "its label needs both zh and en"
			}
			miss(p.File, st.line, st.name, "%s", why)
		}
		unit(p.File, lines[st.name], st.name, l)
	}
	for _, n := range sortedKeys(p.labels) {
		if !names[n] {
			miss(p.File, lines[n], n, "labels a name that is not a variable or condition of %s", p.ID)
		}
	}
	for _, in := range p.inputs {
		file := "entities.yaml"
		if !in.Label.complete() {
			miss(file, in.line, p.Entity+"."+in.Name, "input has no label {zh, en}")
		}
		unit(file, in.line, p.Entity+"."+in.Name, in.Label)
		for _, v := range in.Values {
			if !in.ValueLabels[v].complete() {
				miss(file, in.line, p.Entity+"."+in.Name, "value %q has no label in value_labels {zh, en}", v)
			}
		}
	}
	for _, prm := range p.params {
		if !prm.Label.complete() {
			miss(prm.File, prm.Line, prm.Key, "parameter has no label {zh, en}")
		}
		unit(prm.File, prm.Line, prm.Key, prm.Label)
	}
	var walk func(n *node)
	walk = func(n *node) {
		if n == nil {
			return
		}
		switch n.op {
		case opCall:
			if !pk.labels.Functions[n.fn.Name].complete() {
				miss("labels.yaml", 0, n.fn.Name, "function has no label under functions:")
			}
		case opPeriodStart, opPeriodEnd, opPeriodYear, opPeriodMonth:
			if !pk.labels.Names[n.src].complete() {
				miss("labels.yaml", 0, n.src, "built-in name has no label under names:")
			}
		}
		walk(n.a)
		walk(n.b)
		walk(n.c)
		for _, a := range n.args {
			walk(a)
		}
	}
	for _, st := range p.steps {
		walk(st.root)
	}
	return errs
}

// joinUnique joins errs, each message once, however many programmes read
// the name it is about.
func joinUnique(errs []error) error {
	seen := map[string]bool{}
	errs = slices.DeleteFunc(errs, func(e error) bool {
		k := e.Error()
		if seen[k] {
			return true
		}
		seen[k] = true
		return false
	})
	return errors.Join(errs...)
}
