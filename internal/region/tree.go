package region

import (
	"bytes"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Well-known codes in the embedded data.
const (
	// Xinjiang is the code of the Xinjiang Uygur Autonomous Region
	// (新疆维吾尔自治区), the root of the embedded tree.
	Xinjiang Code = "650000"
	// Changji is the code of Changji Hui Autonomous Prefecture
	// (昌吉回族自治州).
	Changji Code = "652300"
	// Zhundong is the internal county-level code given to the Zhundong
	// Economic and Technological Development Zone (准东经济技术开发区).
	// The zone is administered by the prefecture but has no GB/T 2260 code;
	// 652390 is not a national code and must not be sent to other agencies.
	Zhundong Code = "652390"
)

// Node is one administrative division in a Tree.
type Node struct {
	// Code is the division code.
	Code Code
	// Parent is the code of the division directly above; it is empty only
	// for a province.
	Parent Code
	// Level is the node's level. It always equals Code.Level().
	Level Level
	// NameZH is the Chinese name, e.g. 昌吉市.
	NameZH string
	// NameEN is the English name or pinyin, e.g. "Changji City".
	NameEN string
	// Kind is the kind of division within its level (see doc.go):
	// "autonomous_region", "autonomous_prefecture", "county",
	// "county_level_city", "autonomous_county", "development_zone",
	// "street" (街道), "town" (镇), "township" (乡), "community" (社区) or
	// "village" (村), among others.
	Kind string
	// Population2010 is the resident population in the 2010 census
	// (第六次全国人口普查). It is 0 where the data gives no figure, which
	// is every node below county level.
	Population2010 int
}

// kinds lists the kinds allowed at each level.
var kinds = [...]map[string]bool{
	Province:   {"province": true, "autonomous_region": true, "municipality": true},
	Prefecture: {"prefecture": true, "prefecture_level_city": true, "autonomous_prefecture": true, "league": true, "direct_administered": true},
	County:     {"county": true, "county_level_city": true, "autonomous_county": true, "district": true, "banner": true, "development_zone": true},
	Township:   {"street": true, "town": true, "township": true},
	Village:    {"community": true, "village": true},
}

// header is the required first row of region data, in this order.
var header = []string{"code", "parent", "level", "name_zh", "name_en", "kind", "population_2010"}

// Load errors, wrapped in a RowError.
var (
	errDuplicate      = errors.New("duplicate code")
	errUnknownParent  = errors.New("unknown parent")
	errLevelMismatch  = errors.New("level does not match the code")
	errNotUnderParent = errors.New("code is not under its parent")
	errBadPopulation  = errors.New("bad population")
)

// maxLoadErrors is the number of row errors after which Load stops reading.
const maxLoadErrors = 20

// RowError reports a problem with one row of region data.
type RowError struct {
	// Row is the line of the input on which the row starts; the header is
	// row 1.
	Row int
	// Field is the column name, such as "parent", or "" when the problem
	// concerns the row as a whole.
	Field string
	// Err is the problem.
	Err error
}

// Error implements the error interface.
func (e *RowError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("region data row %d: %v", e.Row, e.Err)
	}
	return fmt.Sprintf("region data row %d, field %s: %v", e.Row, e.Field, e.Err)
}

// Unwrap returns the underlying problem.
func (e *RowError) Unwrap() error { return e.Err }

// Tree is a validated set of divisions in which every node's parent is
// present. It is immutable and safe for concurrent use. Methods that return
// slices return fresh copies, sorted by code.
type Tree struct {
	nodes   []Node // sorted by code: a parent comes right before its subtree
	index   map[Code]int
	byLevel [Village + 1][]Node
}

//go:embed data/changji.csv
var changjiCSV []byte

var loadDefault = sync.OnceValues(func() (*Tree, error) {
	t, err := Load(bytes.NewReader(changjiCSV))
	if err != nil {
		return nil, fmt.Errorf("load embedded region data: %w", err)
	}
	return t, nil
})

// Default returns the tree of the embedded Changji data
// (data/changji.csv). The file is parsed once, on the first call; later
// calls return the same tree.
func Default() (*Tree, error) { return loadDefault() }

// Load reads region data in CSV form (UTF-8, comma-separated, a header row
// then one division per row; see doc.go for the columns) and validates
// every row. Rows may come in any order.
//
// On failure the error holds one *RowError per problem found (use
// errors.As), naming the row and the field: a malformed or duplicate code,
// an unknown parent or one whose code does not contain the row's code, a
// level that does not match the code's shape, an empty name, a kind not
// allowed at the level, or a population that is not a non-negative whole
// number. Load stops after 20 problems.
func Load(r io.Reader) (*Tree, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &RowError{Row: 1, Err: errors.New("empty input, want a header row")}
	}
	if err != nil {
		return nil, csvRowError(err)
	}
	head[0] = strings.TrimPrefix(head[0], "\uFEFF") // tolerate a byte-order mark
	for i, h := range header {
		if head[i] != h {
			return nil, &RowError{Row: 1, Field: h, Err: fmt.Errorf("header column %d is %s, want %q", i+1, quote(head[i]), h)}
		}
	}

	var (
		errs  []error
		nodes []Node
		rows  []int // input row of each node
		index = make(map[Code]int)
	)
	report := func(row int, field string, err error) {
		errs = append(errs, &RowError{Row: row, Field: field, Err: err})
	}
	for len(errs) < maxLoadErrors {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvRowError(err))
			if errors.Is(err, csv.ErrFieldCount) {
				continue
			}
			break // a syntax error: the rest of the input cannot be trusted
		}
		row, _ := cr.FieldPos(0)
		n, ok := parseRow(rec, row, report)
		if !ok {
			continue
		}
		if first, dup := index[n.Code]; dup {
			report(row, "code", fmt.Errorf("%w %s, first on row %d", errDuplicate, n.Code, rows[first]))
			continue
		}
		index[n.Code] = len(nodes)
		nodes = append(nodes, n)
		rows = append(rows, row)
	}
	if len(errs) >= maxLoadErrors {
		errs = append(errs, fmt.Errorf("region data: stopped after %d errors", len(errs)))
	}
	for i, n := range nodes {
		if n.Parent == "" {
			continue
		}
		if _, ok := index[n.Parent]; !ok {
			report(rows[i], "parent", fmt.Errorf("%w %s: no row has this code", errUnknownParent, n.Parent))
		}
	}
	if len(errs) == 1 {
		return nil, errs[0]
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	t := &Tree{nodes: nodes, index: index}
	slices.SortFunc(t.nodes, func(a, b Node) int { return strings.Compare(string(a.Code), string(b.Code)) })
	for i, n := range t.nodes {
		t.index[n.Code] = i
		t.byLevel[n.Level] = append(t.byLevel[n.Level], n)
	}
	return t, nil
}

// csvRowError turns an encoding/csv syntax error into a RowError; a read
// error is returned wrapped.
func csvRowError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &RowError{Row: pe.StartLine, Err: pe.Err}
	}
	return fmt.Errorf("read region data: %w", err)
}

// parseRow validates one record. It reports each problem and returns
// ok = false only when the code itself is unusable; a row with other
// problems is still returned so that its children do not also fail.
func parseRow(rec []string, row int, report func(row int, field string, err error)) (n Node, ok bool) {
	code, err := ParseCode(rec[0])
	if err != nil {
		report(row, "code", err)
		return Node{}, false
	}
	n.Code, n.Level = code, code.Level()

	switch lvl, err := ParseLevel(rec[2]); {
	case err != nil:
		report(row, "level", err)
	case lvl != n.Level:
		report(row, "level", fmt.Errorf("%w: %s is a %s code by its shape, not a %s", errLevelMismatch, code, n.Level, lvl))
	}

	if rec[1] == "" {
		if n.Level != Province {
			report(row, "parent", fmt.Errorf("missing; a %s code needs its parent %s", n.Level, code.Parent()))
		}
	} else if p, err := ParseCode(rec[1]); err != nil {
		report(row, "parent", err)
	} else if p == code || !p.Contains(code) {
		report(row, "parent", fmt.Errorf("%w: %s is not under parent %s", errNotUnderParent, code, p))
	} else if p != code.Parent() {
		report(row, "parent", fmt.Errorf("parent %s skips a level: the parent of %s is %s", p, code, code.Parent()))
	} else {
		n.Parent = p
	}

	for _, f := range []struct {
		name string
		dst  *string
		val  string
	}{{"name_zh", &n.NameZH, rec[3]}, {"name_en", &n.NameEN, rec[4]}} {
		switch {
		case strings.TrimSpace(f.val) == "":
			report(row, f.name, errors.New("empty name"))
		case !utf8.ValidString(f.val):
			report(row, f.name, errors.New("name is not valid UTF-8"))
		default:
			*f.dst = f.val
		}
	}

	if kinds[n.Level][rec[5]] {
		n.Kind = rec[5]
	} else {
		allowed := make([]string, 0, len(kinds[n.Level]))
		for k := range kinds[n.Level] {
			allowed = append(allowed, k)
		}
		sort.Strings(allowed)
		report(row, "kind", fmt.Errorf("kind %s is not allowed at %s level (want one of %s)", quote(rec[5]), n.Level, strings.Join(allowed, ", ")))
	}

	if p := rec[6]; p != "" {
		v, err := parsePopulation(p)
		if err != nil {
			report(row, "population_2010", err)
		}
		n.Population2010 = v
	}
	return n, true
}

// parsePopulation parses a non-negative whole number of at most 10 digits.
func parsePopulation(s string) (int, error) {
	if len(s) > 10 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w %s: want a non-negative whole number without separators", errBadPopulation, quote(s))
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%w %s: %w", errBadPopulation, quote(s), err)
	}
	return v, nil
}

// Len returns the number of nodes in the tree.
func (t *Tree) Len() int { return len(t.nodes) }

// Nodes returns every node, sorted by code (a parent before its subtree).
func (t *Tree) Nodes() []Node { return slices.Clone(t.nodes) }

// Node returns the node with the given code, and whether it exists.
func (t *Tree) Node(code Code) (Node, bool) {
	i, ok := t.index[code]
	if !ok {
		return Node{}, false
	}
	return t.nodes[i], true
}

// Children returns the nodes directly under code, sorted by code. It
// returns nil if code is not in the tree or has no children.
func (t *Tree) Children(code Code) []Node {
	l := code.Level()
	if l == 0 || l == Village {
		return nil
	}
	return t.Descendants(code, l+1)
}

// Descendants returns the nodes at the given level below code, sorted by
// code; a level of 0 means every level. The node itself is not included.
// It returns nil if code is not in the tree.
func (t *Tree) Descendants(code Code, level Level) []Node {
	i, ok := t.index[code]
	if !ok {
		return nil
	}
	_, hi := code.Range()
	end := sort.Search(len(t.nodes), func(k int) bool { return string(t.nodes[k].Code) >= hi })
	var out []Node
	for _, n := range t.nodes[i+1 : end] {
		if level == 0 || n.Level == level {
			out = append(out, n)
		}
	}
	return out
}

// Counties returns every county-level node (区县级单位), sorted by code. In
// the embedded data these are the seven counties and county-level cities of
// Changji plus the Zhundong development zone.
func (t *Tree) Counties() []Node { return slices.Clone(t.byLevel[County]) }

// Townships returns every township-level node, sorted by code.
func (t *Tree) Townships() []Node { return slices.Clone(t.byLevel[Township]) }

// Villages returns every village-level node, sorted by code.
func (t *Tree) Villages() []Node { return slices.Clone(t.byLevel[Village]) }

// Path returns the nodes from the root down to code, inclusive, for display
// such as "新疆维吾尔自治区 / 昌吉回族自治州 / 昌吉市 / 宁边路街道". The root is
// the province in the embedded data; drop it to start at the prefecture.
// Path returns nil if code is not in the tree.
func (t *Tree) Path(code Code) []Node {
	n, ok := t.Node(code)
	if !ok {
		return nil
	}
	path := []Node{n}
	for n.Parent != "" {
		n = t.nodes[t.index[n.Parent]] // Load guarantees the parent exists
		path = append(path, n)
	}
	slices.Reverse(path)
	return path
}
