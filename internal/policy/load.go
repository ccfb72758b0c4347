package policy

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// LoadError is a problem in a policy file, with the file, line and the name
// of the parameter, programme, input or test at fault.
type LoadError struct {
	File string
	Line int
	Name string
	Err  error
}

// Error implements error as "file:line: name: problem".
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Name != "" {
		b.WriteString(": ")
		b.WriteString(e.Name)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *LoadError) Unwrap() error { return e.Err }

// Package is a loaded, type-checked set of policy layers.
type Package struct {
	// Version is the SHA-256 of every file of the package, by path.
	Version  string
	Layers   []string
	Entities map[string]*Entity
	params   map[string]*Param
	progs    map[string]*Programme
	funcs    map[string]*Func
	strs     *interner
	labels   *labelFile
	// Tests are the policy tests of every programme, by programme.
	Tests map[string][]*TestCase
}

// Param returns the parameter with the given key.
func (pk *Package) Param(key string) (*Param, bool) { p, ok := pk.params[key]; return p, ok }

// Params returns every parameter, by key.
func (pk *Package) Params() []*Param {
	out := make([]*Param, 0, len(pk.params))
	for _, p := range pk.params {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Programme returns a programme by id.
func (pk *Package) Programme(id string) (*Programme, bool) { p, ok := pk.progs[id]; return p, ok }

// Programmes returns every programme, by id.
func (pk *Package) Programmes() []*Programme {
	out := make([]*Programme, 0, len(pk.progs))
	for _, p := range pk.progs {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Load reads and type-checks the policy package in fsys (the policies
// folder), with the given named Go functions available to rules.
func Load(fsys fs.FS, funcs ...Func) (*Package, error) {
	pk := &Package{Entities: map[string]*Entity{}, params: map[string]*Param{}, progs: map[string]*Programme{},
		funcs: map[string]*Func{}, strs: newInterner(), Tests: map[string][]*TestCase{}}
	for i := range funcs {
		f := funcs[i]
		pk.funcs[f.Name] = &f
	}
	h := sha256.New()
	read := func(name string) ([]byte, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
		return b, nil
	}

	data, err := read("layers.yaml")
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	var lf struct {
		Layers []string `yaml:"layers"`
	}
	if err := yaml.Unmarshal(data, &lf); err != nil || len(lf.Layers) == 0 {
		return nil, &LoadError{File: "layers.yaml", Err: fmt.Errorf("want layers: [cn, ...]: %v", err)}
	}
	pk.Layers = lf.Layers

	data, err = read("entities.yaml")
	if err != nil {
		return nil, fmt.Errorf("load policies: %w", err)
	}
	if pk.Entities, err = loadEntities("entities.yaml", data, pk.strs); err != nil {
		return nil, err
	}

	if pk.labels, err = loadLabelFile(fsys, read); err != nil {
		return nil, err
	}

	type progSrc struct {
		file, layer string
		data        []byte
	}
	progSrcs := map[string]progSrc{}
	testSrcs := map[string]progSrc{}
	for _, layer := range pk.Layers {
		files, err := fs.Glob(fsys, layer+"/parameters/*.yaml")
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		for _, f := range files {
			data, err := read(f)
			if err != nil {
				return nil, err
			}
			ps, err := loadParams(f, layer, data)
			if err != nil {
				return nil, err
			}
			for _, p := range ps {
				if prev, ok := pk.params[p.Key]; ok && prev.Layer == layer {
					return nil, &LoadError{File: f, Line: p.Line, Name: p.Key, Err: fmt.Errorf("defined twice in layer %s (also %s:%d)", layer, prev.File, prev.Line)}
				}
				if prev, ok := pk.params[p.Key]; ok && (prev.Kind != p.Kind || prev.Of != p.Of) {
					return nil, &LoadError{File: f, Line: p.Line, Name: p.Key, Err: fmt.Errorf("type %s differs from %s in %s:%d", p.Kind, prev.Kind, prev.File, prev.Line)}
				}
				if prev, ok := pk.params[p.Key]; ok && p.Label == (Label{}) {
					p.Label = prev.Label // a value redefined, the same meaning
				}
				pk.params[p.Key] = p
			}
		}
		files, err = fs.Glob(fsys, layer+"/programmes/*.yaml")
		if err != nil {
			return nil, err
		}
		slices.Sort(files)
		for _, f := range files {
			data, err := read(f)
			if err != nil {
				return nil, err
			}
			base := strings.TrimSuffix(path.Base(f), ".yaml")
			if id, ok := strings.CutSuffix(base, "_test"); ok {
				testSrcs[id] = progSrc{f, layer, data}
			} else {
				progSrcs[base] = progSrc{f, layer, data}
			}
		}
	}
	pk.Version = hex.EncodeToString(h.Sum(nil))[:16]

	// Parse every programme, then compile them in dependency order.
	ids := make([]string, 0, len(progSrcs))
	for id := range progSrcs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	raw := map[string]*programmeFile{}
	for _, id := range ids {
		src := progSrcs[id]
		pf, err := parseProgramme(src.file, src.data)
		if err != nil {
			return nil, err
		}
		if pf.ID != id {
			return nil, &LoadError{File: src.file, Line: pf.idLine, Name: pf.ID, Err: fmt.Errorf("the id must match the file name %q", id)}
		}
		pf.layer = src.layer
		raw[id] = pf
	}
	var compile func(id string, stack []string) error
	compile = func(id string, stack []string) error {
		if _, done := pk.progs[id]; done {
			return nil
		}
		if slices.Contains(stack, id) {
			pf := raw[id]
			return &LoadError{File: pf.file, Line: pf.idLine, Name: id, Err: fmt.Errorf("requires/excludes cycle: %s", strings.Join(append(stack, id), " → "))}
		}
		pf := raw[id]
		for _, dep := range pf.deps() {
			if _, ok := raw[dep.id]; !ok {
				return &LoadError{File: pf.file, Line: dep.line, Name: id, Err: fmt.Errorf("unknown programme %q", dep.id)}
			}
			if err := compile(dep.id, append(stack, id)); err != nil {
				return err
			}
		}
		p, err := pk.compileProgramme(pf)
		if err != nil {
			return err
		}
		pk.progs[id] = p
		return nil
	}
	for _, id := range ids {
		if err := compile(id, nil); err != nil {
			return nil, err
		}
	}
	var missing []error
	for _, id := range ids {
		missing = append(missing, pk.checkLabels(pk.progs[id], raw[id].labelLines)...)
	}
	if err := joinUnique(missing); err != nil {
		return nil, err
	}
	for id, src := range testSrcs {
		if _, ok := pk.progs[id]; !ok {
			return nil, &LoadError{File: src.file, Err: fmt.Errorf("tests for unknown programme %q", id)}
		}
		tcs, err := parseTests(src.file, src.data, pk.progs[id])
		if err != nil {
			return nil, err
		}
		pk.Tests[id] = tcs
	}
	return pk, nil
}

// yamlFields returns the YAML keys of the struct v points to.
func yamlFields(v any) map[string]bool {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	out := map[string]bool{}
	if t.Kind() != reflect.Struct {
		return out
	}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		if name == "" {
			name = strings.ToLower(t.Field(i).Name)
		}
		if name != "-" {
			out[name] = true
		}
	}
	return out
}

// interner gives each distinct string a small id; ids are stable for the
// package's life, so that str values compare as integers.
type interner struct {
	ids  map[string]int64
	strs []string
}

func newInterner() *interner { return &interner{ids: map[string]int64{}, strs: []string{""}} }

func (in *interner) id(s string) int64 {
	if id, ok := in.ids[s]; ok {
		return id
	}
	id := int64(len(in.strs))
	in.ids[s] = id
	in.strs = append(in.strs, s)
	return id
}

func (in *interner) lookup(s string) (int64, bool) { id, ok := in.ids[s]; return id, ok }

func (in *interner) str(id int64) string {
	if id < 0 || id >= int64(len(in.strs)) {
		return ""
	}
	return in.strs[id]
}

func fsReadFile(fsys fs.FS, name string) ([]byte, error) { return fs.ReadFile(fsys, name) }
