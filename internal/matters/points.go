package matters

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"safetynet/internal/region"
)

// Kind is a kind of service point (服务网点).
type Kind string

// The kinds of service point.
const (
	// Hall is a service hall's social-insurance counters: the
	// prefecture's and each county's (政务服务大厅社保窗口).
	Hall Kind = "hall"
	// TownshipPoint is a township or street platform
	// (乡镇/街道便民服务中心).
	TownshipPoint Kind = "township"
	// VillagePoint is a village or community point (村/社区便民服务站).
	VillagePoint Kind = "village"
	// BankOutlet is a bank outlet under the social-insurance and bank
	// cooperation (社银合作网点).
	BankOutlet Kind = "bank"
)

// Kinds returns the kinds of service point.
func Kinds() []Kind { return []Kind{Hall, TownshipPoint, VillagePoint, BankOutlet} }

// ParseKind reads a kind of service point.
func ParseKind(s string) (Kind, error) {
	k := Kind(s)
	if slices.Contains(Kinds(), k) {
		return k, nil
	}
	return "", fmt.Errorf("unknown kind %q; want hall, township, village or bank", s)
}

// Hours is a daily opening period, in Beijing time, on the days the point
// opens.
type Hours struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// Opening is when a kind of point is open.
type Opening struct {
	// Days is working_days (the working-day calendar's, 调休 included) or
	// every_day.
	Days  string  `yaml:"days"`
	Hours []Hours `yaml:"hours"`
}

// Point is a service point.
type Point struct {
	// ID is stable: hall-652301, township-652301001, village-652301001001,
	// bank-652301-01.
	ID     string
	Kind   Kind
	Region region.Code
	Name   Bilingual
	// Channel is the channel of the matters the point receives: window for
	// a hall, and the kind's own channel for the others.
	Channel Channel
	Opening Opening
	// Synthetic points have made-up names (the bank outlets).
	Synthetic bool
}

// Points are the service points, read-only and safe for concurrent use.
type Points struct {
	points []Point
	byID   map[string]int
	cat    *Catalogue
}

// PointFilter selects points; zero fields select everything.
type PointFilter struct {
	// Region selects the points in the region's subtree.
	Region region.Code
	Kind   Kind
	// Matter selects the points that receive the matter.
	Matter string
}

// List returns the points the filter selects, in a stable order: halls,
// townships, villages and banks, each in the order of the region tree.
func (ps *Points) List(f PointFilter) []Point {
	if f.Matter != "" {
		m, ok := ps.cat.Matter(f.Matter)
		if !ok {
			return nil
		}
		chs := m.Channels
		var out []Point
		for _, p := range ps.list(f) {
			if slices.Contains(chs, p.Channel) {
				out = append(out, p)
			}
		}
		return out
	}
	return ps.list(f)
}

func (ps *Points) list(f PointFilter) []Point {
	var out []Point
	for _, p := range ps.points {
		switch {
		case f.Kind != "" && p.Kind != f.Kind:
		case f.Region != "" && p.Region != f.Region && !f.Region.Contains(p.Region):
		default:
			out = append(out, p.clone())
		}
	}
	return out
}

// clone returns p with its own opening hours.
func (p Point) clone() Point {
	p.Opening.Hours = slices.Clone(p.Opening.Hours)
	return p
}

// Point returns the point with the id, and whether there is one.
func (ps *Points) Point(id string) (Point, bool) {
	i, ok := ps.byID[id]
	if !ok {
		return Point{}, false
	}
	return ps.points[i].clone(), true
}

// Matters returns the matters point p receives: those open to its channel.
func (ps *Points) Matters(p Point) []Matter { return ps.cat.Matters(Filter{Channel: p.Channel}) }

// Count returns the number of points of each kind.
func (ps *Points) Count() map[Kind]int {
	out := map[Kind]int{}
	for _, p := range ps.points {
		out[p.Kind]++
	}
	return out
}

// pointsFile is the shape of service_points.yaml.
type pointsFile struct {
	Opening map[string]Opening `yaml:"opening"`
	Halls   []struct {
		Region string    `yaml:"region"`
		Name   Bilingual `yaml:"name"`
	} `yaml:"halls"`
	Banks struct {
		Note    string      `yaml:"note"`
		Banks   []Bilingual `yaml:"banks"`
		Outlets []struct {
			County string `yaml:"county"`
			Count  int    `yaml:"count"`
		} `yaml:"outlets"`
	} `yaml:"bank_outlets"`
	Expect map[string]int `yaml:"expect"`
}

var clock = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// LoadPoints builds the service points from the file at path in fsys and
// the region tree: a hall for each region the file lists, a township point
// for every township of the tree and a village point for every village,
// named after the region, and the bank outlets the file counts per county,
// spread over the county's townships in the tree's order, each named
// after its bank and township (synthetic). The counts per kind must be
// those the file expects. Every point receives the matters of cat open to
// its channel.
func LoadPoints(fsys fs.FS, path string, tree *region.Tree, cat *Catalogue) (*Points, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("load the service points: %w", err)
	}
	return ParsePoints(path, data, tree, cat)
}

// ParsePoints is LoadPoints on a file's text; name is the file's name for
// errors.
func ParsePoints(name string, data []byte, tree *region.Tree, cat *Catalogue) (*Points, error) {
	fail := func(item, field string, err error) error {
		return &LoadError{File: name, Item: item, Field: field, Err: err}
	}
	if tree == nil || cat == nil {
		return nil, errors.New("load the service points: the region tree and the catalogue are required")
	}
	var f pointsFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fail("", "", err)
	}
	open := map[Kind]Opening{}
	for k, o := range f.Opening {
		kind, err := ParseKind(k)
		if err != nil {
			return nil, fail("opening."+k, "", err)
		}
		if o.Days != "working_days" && o.Days != "every_day" {
			return nil, fail("opening."+k, "days", fmt.Errorf("%q; want working_days or every_day", o.Days))
		}
		if len(o.Hours) == 0 {
			return nil, fail("opening."+k, "hours", errors.New("want at least one period"))
		}
		for i, h := range o.Hours {
			if !clock.MatchString(h.From) || !clock.MatchString(h.To) || h.To <= h.From {
				return nil, fail("opening."+k, fmt.Sprintf("hours[%d]", i), fmt.Errorf("%s–%s; want HH:MM to a later HH:MM", h.From, h.To))
			}
		}
		open[kind] = o
	}
	for _, k := range Kinds() {
		if _, ok := open[k]; !ok {
			return nil, fail("opening", string(k), errors.New("the opening hours are missing"))
		}
	}
	ps := &Points{byID: map[string]int{}, cat: cat}
	add := func(p Point) error {
		if _, dup := ps.byID[p.ID]; dup {
			return fail(p.ID, "id", errors.New("duplicate point"))
		}
		p.Opening = open[p.Kind]
		ps.byID[p.ID] = len(ps.points)
		ps.points = append(ps.points, p)
		return nil
	}
	for i, h := range f.Halls {
		item := fmt.Sprintf("halls[%d]", i)
		code, err := region.ParseCode(h.Region)
		if err != nil {
			return nil, fail(item, "region", err)
		}
		if _, ok := tree.Node(code); !ok || code.Level() > region.County {
			return nil, fail(item, "region", fmt.Errorf("%s is not a prefecture or county of the region tree", code))
		}
		if strings.TrimSpace(h.Name.ZH) == "" || strings.TrimSpace(h.Name.EN) == "" {
			return nil, fail(item, "name", errors.New("want zh and en"))
		}
		if err := add(Point{ID: "hall-" + string(code), Kind: Hall, Region: code, Name: h.Name, Channel: Window}); err != nil {
			return nil, err
		}
	}
	towns := tree.Townships()
	for _, n := range towns {
		if err := add(Point{ID: "township-" + string(n.Code), Kind: TownshipPoint, Region: n.Code, Channel: Township,
			Name: Bilingual{ZH: n.NameZH + "便民服务中心", EN: n.NameEN + " service centre"}}); err != nil {
			return nil, err
		}
	}
	for _, n := range tree.Villages() {
		if err := add(Point{ID: "village-" + string(n.Code), Kind: VillagePoint, Region: n.Code, Channel: Village,
			Name: Bilingual{ZH: n.NameZH + "便民服务站", EN: n.NameEN + " service point"}}); err != nil {
			return nil, err
		}
	}
	if len(f.Banks.Banks) == 0 {
		return nil, fail("bank_outlets", "banks", errors.New("want at least one bank"))
	}
	for i, b := range f.Banks.Banks {
		if strings.TrimSpace(b.ZH) == "" || strings.TrimSpace(b.EN) == "" {
			return nil, fail(fmt.Sprintf("bank_outlets.banks[%d]", i), "name", errors.New("want zh and en"))
		}
	}
	seq := 0
	for i, o := range f.Banks.Outlets {
		item := fmt.Sprintf("bank_outlets.outlets[%d]", i)
		code, err := region.ParseCode(o.County)
		if err != nil {
			return nil, fail(item, "county", err)
		}
		if _, ok := tree.Node(code); !ok || code.Level() != region.County {
			return nil, fail(item, "county", fmt.Errorf("%s is not a county of the region tree", code))
		}
		if o.Count < 1 {
			return nil, fail(item, "count", fmt.Errorf("%d; want at least 1", o.Count))
		}
		var in []region.Node
		for _, t := range towns {
			if code.Contains(t.Code) {
				in = append(in, t)
			}
		}
		if len(in) == 0 {
			return nil, fail(item, "county", fmt.Errorf("%s has no township to place an outlet in", code))
		}
		for j := range o.Count {
			t := in[j%len(in)]
			b := f.Banks.Banks[seq%len(f.Banks.Banks)]
			seq++
			round := j/len(in) + 1
			zh, en := b.ZH+t.NameZH+"网点", b.EN+", "+t.NameEN+" outlet"
			if round > 1 {
				zh, en = fmt.Sprintf("%s%s第%d网点", b.ZH, t.NameZH, round), fmt.Sprintf("%s, %s outlet %d", b.EN, t.NameEN, round)
			}
			p := Point{ID: fmt.Sprintf("bank-%s-%02d", code, j+1), Kind: BankOutlet, Region: t.Code, Channel: Bank,
				Name: Bilingual{ZH: zh, EN: en}, Synthetic: true}
			if err := add(p); err != nil {
				return nil, err
			}
		}
	}
	counts := ps.Count()
	for _, k := range Kinds() {
		want, ok := f.Expect[string(k)]
		if !ok {
			return nil, fail("expect", string(k), errors.New("the expected count is missing"))
		}
		if counts[k] != want {
			return nil, fail("expect", string(k), fmt.Errorf("%d %s points built; the published count is %d", counts[k], k, want))
		}
	}
	for k := range f.Expect {
		if _, err := ParseKind(k); err != nil {
			return nil, fail("expect", k, err)
		}
	}
	return ps, nil
}
