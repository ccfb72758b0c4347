package region

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

func defaultTree(t *testing.T) *Tree {
	t.Helper()
	tree, err := Default()
	if err != nil {
		t.Fatalf("Default() error = %v", err)
	}
	return tree
}

func TestDefaultTotals(t *testing.T) {
	tree := defaultTree(t)
	if again, _ := Default(); again != tree {
		t.Error("Default() returned a different tree on the second call, want the same one")
	}
	if got := len(tree.Townships()); got != 83 {
		t.Errorf("len(Townships()) = %d, want 83 (published service network)", got)
	}
	if got := len(tree.Villages()); got != 614 {
		t.Errorf("len(Villages()) = %d, want 614 (published service network)", got)
	}
	if got, want := tree.Len(), 1+1+8+83+614; got != want {
		t.Errorf("Len() = %d, want %d", got, want)
	}
	counties := tree.Counties()
	if diff := cmp.Diff(codes(tree.Children(Changji)), codes(counties)); diff != "" {
		t.Errorf("Children(Changji) and Counties() differ (-children +counties):\n%s", diff)
	}
	wantCounties := []Code{"652301", "652302", "652323", "652324", "652325", "652327", "652328", "652390"}
	if diff := cmp.Diff(wantCounties, codes(counties)); diff != "" {
		t.Errorf("Counties() codes (-want +got):\n%s", diff)
	}
	if got := tree.Children(Xinjiang); len(got) != 1 || got[0].Code != Changji {
		t.Errorf("Children(Xinjiang) = %v, want only Changji", codes(got))
	}
}

// TestDefaultCounts pins the per-county allocation documented in
// data/README.md.
func TestDefaultCounts(t *testing.T) {
	tree := defaultTree(t)
	tests := []struct {
		code                 Code
		name                 string
		pop                  int
		townships, villages  int
		streets, communities int
	}{
		{"652301", "昌吉市", 426253, 24, 182, 12, 81},
		{"652302", "阜康市", 165006, 9, 71, 2, 16},
		{"652323", "呼图壁县", 210201, 12, 90, 2, 22},
		{"652324", "玛纳斯县", 237558, 14, 101, 3, 27},
		{"652325", "奇台县", 210566, 12, 90, 0, 14},
		{"652327", "吉木萨尔县", 113284, 7, 48, 0, 10},
		{"652328", "木垒哈萨克自治县", 65719, 4, 28, 0, 7},
		{"652390", "准东经济技术开发区", 0, 1, 4, 1, 4},
	}
	sum := 0
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			n, ok := tree.Node(tt.code)
			if !ok {
				t.Fatalf("Node(%s) not found", tt.code)
			}
			if n.NameZH != tt.name || n.Population2010 != tt.pop || n.Parent != Changji {
				t.Errorf("Node(%s) = %+v, want name %s, population %d, parent %s", tt.code, n, tt.name, tt.pop, Changji)
			}
			ts := tree.Children(tt.code)
			vs := tree.Descendants(tt.code, Village)
			if len(ts) != tt.townships || len(vs) != tt.villages {
				t.Errorf("%s has %d townships and %d villages, want %d and %d", tt.code, len(ts), len(vs), tt.townships, tt.villages)
			}
			kinds := map[string]int{}
			for _, n := range append(ts, vs...) {
				kinds[n.Kind]++
			}
			if kinds["street"] != tt.streets || kinds["community"] != tt.communities {
				t.Errorf("%s has %d streets and %d communities, want %d and %d", tt.code, kinds["street"], kinds["community"], tt.streets, tt.communities)
			}
		})
		sum += tt.pop
	}
	if pref, _ := tree.Node(Changji); pref.Population2010 != sum || sum != 1428587 {
		t.Errorf("prefecture population %d, county sum %d, want both 1428587 (docs/domain.md 11)", pref.Population2010, sum)
	}
	if z, _ := tree.Node(Zhundong); z.Kind != "development_zone" || z.Level != County {
		t.Errorf("Node(Zhundong) = %+v, want a county-level development_zone", z)
	}
}

// TestDefaultWellFormed checks every node of the embedded data.
func TestDefaultWellFormed(t *testing.T) {
	tree := defaultTree(t)
	names := map[Code]map[string]bool{} // parent → child names
	for _, n := range tree.Nodes() {
		if strings.TrimSpace(n.NameZH) == "" || strings.TrimSpace(n.NameEN) == "" {
			t.Errorf("%s has an empty name: %+v", n.Code, n)
		}
		if n.Level != n.Code.Level() {
			t.Errorf("%s: Level %v, code shape says %v", n.Code, n.Level, n.Code.Level())
		}
		if n.Level == Province {
			continue
		}
		parent, ok := tree.Node(n.Parent)
		if !ok || parent.Level != n.Level-1 || !parent.Code.Contains(n.Code) {
			t.Errorf("%s: parent %s is missing or not one level up", n.Code, n.Parent)
		}
		if names[n.Parent] == nil {
			names[n.Parent] = map[string]bool{}
		}
		if names[n.Parent][n.NameZH] {
			t.Errorf("%s: name %s repeats under %s", n.Code, n.NameZH, n.Parent)
		}
		names[n.Parent][n.NameZH] = true
		if n.Level > County && n.Population2010 != 0 {
			t.Errorf("%s: population %d below county level, want none", n.Code, n.Population2010)
		}
		// The statistical division code convention for the last 3 digits.
		if n.Level >= Township {
			suffix := string(n.Code[len(n.Code)-3:])
			want := map[string]string{"0": "street", "1": "town", "2": "township"}[suffix[:1]]
			if n.Level == Village {
				want = map[string]string{"0": "community", "2": "village"}[suffix[:1]]
			}
			if n.Kind != want {
				t.Errorf("%s: kind %s, want %s by the code convention", n.Code, n.Kind, want)
			}
		}
	}
	for _, v := range tree.Villages() {
		if p, _ := tree.Node(v.Parent); p.Level != Township {
			t.Errorf("village %s is under %s, not a township", v.Code, v.Parent)
		}
	}
}

// TestDefaultRangesMatchContains checks Range against Contains over every
// pair of codes in the embedded data.
func TestDefaultRangesMatchContains(t *testing.T) {
	nodes := defaultTree(t).Nodes()
	for _, a := range nodes {
		lo, hi := a.Code.Range()
		for _, b := range nodes {
			in := lo <= string(b.Code) && string(b.Code) < hi
			if got := a.Code.Contains(b.Code); got != in {
				t.Fatalf("Code(%q).Contains(%q) = %v, range [%q, %q) says %v", a.Code, b.Code, got, lo, hi, in)
			}
		}
	}
}

func TestPath(t *testing.T) {
	tree := defaultTree(t)
	path := tree.Path("652301001001")
	var names []string
	for _, n := range path {
		names = append(names, n.NameZH)
	}
	want := []string{"新疆维吾尔自治区", "昌吉回族自治州", "昌吉市", "宁边路街道", "幸福社区"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Path(652301001001) names (-want +got):\n%s", diff)
	}
	if got := tree.Path(Xinjiang); len(got) != 1 || got[0].Code != Xinjiang {
		t.Errorf("Path(Xinjiang) = %v, want just the root", codes(got))
	}
	for _, c := range []Code{"652303", "652301000000", ""} {
		if got := tree.Path(c); got != nil {
			t.Errorf("Path(%q) = %v, want nil", c, codes(got))
		}
	}
}

func TestChildrenAndDescendants(t *testing.T) {
	tree := defaultTree(t)
	tests := []struct {
		name  string
		got   []Node
		count int
		level Level
	}{
		{"Children(652301)", tree.Children("652301"), 24, Township},
		{"Children(652301001)", tree.Children("652301001"), 6, Village},
		{"Children(village)", tree.Children("652301001001"), 0, 0},
		{"Children(unknown)", tree.Children("652303"), 0, 0},
		{"Children(invalid)", tree.Children("x"), 0, 0},
		{"Descendants(Changji, Village)", tree.Descendants(Changji, Village), 614, Village},
		{"Descendants(Changji, Township)", tree.Descendants(Changji, Township), 83, Township},
		{"Descendants(652301, Village)", tree.Descendants("652301", Village), 182, Village},
		{"Descendants(652390, all)", tree.Descendants(Zhundong, 0), 5, 0},
		{"Descendants(Xinjiang, all)", tree.Descendants(Xinjiang, 0), 706, 0},
		{"Descendants(652301, County)", tree.Descendants("652301", County), 0, 0},
		{"Descendants(unknown)", tree.Descendants("652399", 0), 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) != tt.count {
				t.Errorf("%s returned %d nodes, want %d", tt.name, len(tt.got), tt.count)
			}
			if !slices.IsSortedFunc(tt.got, func(a, b Node) int { return strings.Compare(string(a.Code), string(b.Code)) }) {
				t.Errorf("%s is not sorted by code: %v", tt.name, codes(tt.got))
			}
			for _, n := range tt.got {
				if tt.level != 0 && n.Level != tt.level {
					t.Errorf("%s: node %s has level %v, want %v", tt.name, n.Code, n.Level, tt.level)
				}
			}
		})
	}
}

func TestTreeReturnsCopies(t *testing.T) {
	tree := defaultTree(t)
	for _, get := range []func() []Node{tree.Counties, tree.Townships, tree.Villages, tree.Nodes, func() []Node { return tree.Children(Changji) }} {
		s := get()
		s[0].NameZH = "changed"
		if again := get(); again[0].NameZH == "changed" {
			t.Fatal("mutating a returned slice changed the tree")
		}
	}
}

// validCSV is a small well-formed input. Row numbers: header 1, then 2-7.
const validCSV = `code,parent,level,name_zh,name_en,kind,population_2010
650000,,province,新疆维吾尔自治区,Xinjiang,autonomous_region,
652300,650000,prefecture,昌吉回族自治州,Changji Prefecture,autonomous_prefecture,1428587
652301,652300,county,昌吉市,Changji City,county_level_city,426253
652302,652300,county,阜康市,Fukang City,county_level_city,165006
652301001,652301,township,宁边路街道,Ningbianlu Subdistrict,street,
652301001001,652301001,village,幸福社区,Xingfu Community,community,
`

// withRow returns validCSV with row n (1 = header) replaced by line, or
// with line appended if n is past the end.
func withRow(n int, line string) string {
	lines := strings.Split(strings.TrimSuffix(validCSV, "\n"), "\n")
	if n > len(lines) {
		lines = append(lines, line)
	} else {
		lines[n-1] = line
	}
	return strings.Join(lines, "\n") + "\n"
}

// rowErrors returns every *RowError in err's tree.
func rowErrors(err error) []*RowError {
	var out []*RowError
	var walk func(error)
	walk = func(e error) {
		var re *RowError
		if errors.As(e, &re) && e == error(re) {
			out = append(out, re)
			return
		}
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
		}
	}
	walk(err)
	return out
}

func TestLoadValid(t *testing.T) {
	tree, err := Load(strings.NewReader(validCSV))
	if err != nil {
		t.Fatalf("Load(validCSV) error = %v", err)
	}
	if tree.Len() != 6 {
		t.Errorf("Len() = %d, want 6", tree.Len())
	}
	want := Node{Code: "652301", Parent: "652300", Level: County, NameZH: "昌吉市", NameEN: "Changji City", Kind: "county_level_city", Population2010: 426253}
	if got, _ := tree.Node("652301"); got != want {
		t.Errorf("Node(652301) = %+v, want %+v", got, want)
	}
}

func TestLoadOrderAndBOM(t *testing.T) {
	lines := strings.Split(strings.TrimSuffix(validCSV, "\n"), "\n")
	slices.Reverse(lines[1:]) // children before parents
	in := "\uFEFF" + strings.Join(lines, "\r\n") + "\r\n"
	tree, err := Load(strings.NewReader(in))
	if err != nil {
		t.Fatalf("Load(reversed rows, BOM, CRLF) error = %v", err)
	}
	want := []Code{"650000", "652300", "652301", "652301001", "652301001001", "652302"}
	if diff := cmp.Diff(want, codes(tree.Nodes())); diff != "" {
		t.Errorf("Nodes() codes (-want +got):\n%s", diff)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		row     int
		field   string
		is      error  // sentinel the error wraps, if any
		message string // substring of the error text
	}{
		{"empty input", "", 1, "", nil, "empty input"},
		{"bad header", strings.Replace(validCSV, "parent", "parent_code", 1), 1, "parent", nil, `want "parent"`},
		{"short header", "code,parent\n", 1, "", nil, "wrong number of fields"},
		{"duplicate code", withRow(8, "652301,652300,county,昌吉市,Changji City,county_level_city,1"), 8, "code", errDuplicate, "first on row 4"},
		{"unknown parent", withRow(8, "652323101,652323,township,呼图壁镇,Hutubi Town,town,"), 8, "parent", errUnknownParent, "652323"},
		{"level inconsistent with code", withRow(5, "652302,652300,township,阜康市,Fukang City,county_level_city,165006"), 5, "level", errLevelMismatch, "county code by its shape"},
		{"unknown level name", withRow(5, "652302,652300,city,阜康市,Fukang City,county_level_city,165006"), 5, "level", nil, `unknown level "city"`},
		{"child not under parent prefix", withRow(6, "652301001,652302,township,宁边路街道,Ningbianlu,street,"), 6, "parent", errNotUnderParent, "not under parent 652302"},
		{"parent skips a level", withRow(6, "652301001,652300,township,宁边路街道,Ningbianlu,street,"), 6, "parent", nil, "skips a level"},
		{"parent is itself", withRow(2, "650000,650000,province,新疆,Xinjiang,autonomous_region,"), 2, "parent", errNotUnderParent, ""},
		{"missing parent", withRow(5, "652302,,county,阜康市,Fukang City,county_level_city,165006"), 5, "parent", nil, "needs its parent 652300"},
		{"malformed parent", withRow(5, "652302,6523,county,阜康市,Fukang City,county_level_city,165006"), 5, "parent", nil, "has 4 digits"},
		{"malformed code", withRow(5, "65230X,652300,county,阜康市,Fukang City,county_level_city,165006"), 5, "code", nil, "not a digit"},
		{"zero-padded code", withRow(8, "652302000000,652302,village,x,x,village,"), 8, "code", nil, "zero-padded"},
		{"negative population", withRow(5, "652302,652300,county,阜康市,Fukang City,county_level_city,-5"), 5, "population_2010", errBadPopulation, `"-5"`},
		{"population with separator", withRow(5, "652302,652300,county,阜康市,Fukang City,county_level_city,\"165,006\""), 5, "population_2010", errBadPopulation, ""},
		{"population not a number", withRow(5, "652302,652300,county,阜康市,Fukang City,county_level_city,many"), 5, "population_2010", errBadPopulation, ""},
		{"population too large", withRow(5, "652302,652300,county,阜康市,Fukang City,county_level_city,12345678901"), 5, "population_2010", errBadPopulation, ""},
		{"population with space", withRow(5, "652302,652300,county,阜康市,Fukang City,county_level_city, 5"), 5, "population_2010", errBadPopulation, ""},
		{"empty name_zh", withRow(5, "652302,652300,county,,Fukang City,county_level_city,165006"), 5, "name_zh", nil, "empty name"},
		{"blank name_en", withRow(5, "652302,652300,county,阜康市,  ,county_level_city,165006"), 5, "name_en", nil, "empty name"},
		{"invalid UTF-8 name", withRow(5, "652302,652300,county,\xff\xfe,Fukang City,county_level_city,165006"), 5, "name_zh", nil, "UTF-8"},
		{"kind not allowed at level", withRow(7, "652301001001,652301001,village,幸福社区,Xingfu,street,"), 7, "kind", nil, "community, village"},
		{"too few fields", withRow(5, "652302,652300,county"), 5, "", nil, "wrong number of fields"},
		{"bad quoting", withRow(5, `652302,652300,county,"阜康市,Fukang City,county_level_city,165006`), 5, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tree, err := Load(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("Load() = %d nodes, nil error; want an error on row %d, field %q", tree.Len(), tt.row, tt.field)
			}
			if tree != nil {
				t.Errorf("Load() returned a tree along with error %v", err)
			}
			res := rowErrors(err)
			if len(res) != 1 {
				t.Fatalf("Load() error = %v\nwant exactly one row error, got %d", err, len(res))
			}
			re := res[0]
			if re.Row != tt.row || re.Field != tt.field {
				t.Errorf("Load() error on row %d, field %q; want row %d, field %q (error: %v)", re.Row, re.Field, tt.row, tt.field, err)
			}
			msg := err.Error()
			if !strings.Contains(msg, fmt.Sprintf("row %d", tt.row)) || (tt.field != "" && !strings.Contains(msg, "field "+tt.field)) {
				t.Errorf("Load() error %q does not name row %d and field %q", msg, tt.row, tt.field)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("Load() error %q does not wrap %q", msg, tt.is)
			}
			if !strings.Contains(msg, tt.message) {
				t.Errorf("Load() error %q does not contain %q", msg, tt.message)
			}
		})
	}
}

func TestLoadReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	for name, r := range map[string]io.Reader{
		"at once":    iotest.ErrReader(boom),
		"after rows": io.MultiReader(strings.NewReader(validCSV), iotest.ErrReader(boom)),
	} {
		if _, err := Load(r); !errors.Is(err, boom) {
			t.Errorf("Load(reader failing %s) error = %v, want it to wrap %v", name, err, boom)
		}
	}
}

func TestLoadReportsEveryRow(t *testing.T) {
	in := strings.NewReplacer(
		"county_level_city,165006", "county_level_city,-1", // row 5
		"幸福社区", "", // row 7
	).Replace(validCSV)
	in += "652301002001,652301002,village,团结社区,Tuanjie,community,\n" // row 8, unknown parent
	var got []string
	_, err := Load(strings.NewReader(in))
	for _, re := range rowErrors(err) {
		got = append(got, fmt.Sprintf("%d:%s", re.Row, re.Field))
	}
	want := []string{"5:population_2010", "7:name_zh", "8:parent"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("row errors (-want +got):\n%s\nerror: %v", diff, err)
	}
}

func TestLoadStopsAfterManyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString(validCSV)
	for i := range 100 {
		fmt.Fprintf(&b, "6523010%02d,652301,township,x,x,street,bad%d\n", i+2, i)
	}
	_, err := Load(strings.NewReader(b.String()))
	if n := len(rowErrors(err)); n != maxLoadErrors {
		t.Errorf("Load() reported %d row errors, want %d", n, maxLoadErrors)
	}
	if !strings.Contains(fmt.Sprint(err), "stopped after") {
		t.Errorf("Load() error does not say it stopped: %v", err)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(validCSV))
	f.Add(changjiCSV[:2000])
	f.Add([]byte(withRow(8, "652302001,652302,township,x,x,street,")))
	f.Add([]byte(withRow(5, `652302,652300,county,"a""b",x,county,`)))
	f.Add([]byte("code,parent,level,name_zh,name_en,kind,population_2010\n"))
	f.Add([]byte("\uFEFFcode,parent\n1,2\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tree, err := Load(bytes.NewReader(data))
		if err != nil {
			if tree != nil {
				t.Fatal("Load returned a tree and an error")
			}
			_ = err.Error()
			return
		}
		nodes := tree.Nodes()
		if len(nodes) != tree.Len() {
			t.Fatalf("len(Nodes()) = %d, Len() = %d", len(nodes), tree.Len())
		}
		for i, n := range nodes {
			if i > 0 && nodes[i-1].Code >= n.Code {
				t.Fatalf("Nodes() not strictly sorted at %d: %q then %q", i, nodes[i-1].Code, n.Code)
			}
			if n.Level != n.Code.Level() || n.NameZH == "" || n.NameEN == "" {
				t.Fatalf("loaded an invalid node %+v", n)
			}
			path := tree.Path(n.Code)
			if len(path) == 0 || path[0].Level != Province || path[len(path)-1].Code != n.Code || len(path) != int(n.Level) {
				t.Fatalf("Path(%q) = %v", n.Code, codes(path))
			}
			for _, c := range tree.Children(n.Code) {
				if c.Parent != n.Code {
					t.Fatalf("Children(%q) holds %q whose parent is %q", n.Code, c.Code, c.Parent)
				}
			}
		}
	})
}

func codes(nodes []Node) []Code {
	out := make([]Code, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.Code)
	}
	return out
}
