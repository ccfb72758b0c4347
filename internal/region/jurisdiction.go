package region

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the zone database, for a machine without zoneinfo
)

// DefaultZone is the IANA name of the default time zone: China Standard
// Time, with no daylight saving since 1991.
const DefaultZone = "Asia/Shanghai"

// Jurisdiction is where this installation works: its home region (the
// prefecture whose people are hukou-local, the scope of its system
// processes and the default subtree of its reports), the tree of regions
// it knows and the time zone of its civil dates. It is built once at start
// (internal/app) and passed to every service that needs it.
type Jurisdiction struct {
	// Home is the code of the home region, a node of Tree.
	Home Code
	// Name is the home region's Chinese name, e.g. 昌吉回族自治州.
	Name string
	// Zone is the time zone of civil dates.
	Zone *time.Location
	// Tree holds the home region, its ancestors and its subtree.
	Tree *Tree
}

// NewJurisdiction returns the jurisdiction of home in tree, with the time
// zone zone. It refuses a home that is not in tree, or is below county
// level, and a nil zone or tree.
func NewJurisdiction(tree *Tree, home Code, zone *time.Location) (Jurisdiction, error) {
	if tree == nil {
		return Jurisdiction{}, fmt.Errorf("jurisdiction: no region tree")
	}
	if zone == nil {
		return Jurisdiction{}, fmt.Errorf("jurisdiction: no time zone")
	}
	n, ok := tree.Node(home)
	if !ok {
		return Jurisdiction{}, fmt.Errorf("home region %s is not in the region tree", quote(string(home)))
	}
	if n.Level > County {
		return Jurisdiction{}, fmt.Errorf("home region %s (%s) is a %s: want a province, prefecture or county", home, n.NameZH, n.Level)
	}
	return Jurisdiction{Home: home, Name: n.NameZH, Zone: zone, Tree: tree}, nil
}

// LoadJurisdiction builds a jurisdiction from the command line's terms:
// the region file at path (the embedded data when empty; the CSV format of
// doc.go), the home region code (Changji, 652300, when empty) and the IANA
// name of the time zone (DefaultZone when empty). Each error names the
// term at fault.
func LoadJurisdiction(path, home, zone string) (Jurisdiction, error) {
	tree, err := loadTree(path)
	if err != nil {
		return Jurisdiction{}, err
	}
	if home == "" {
		if path != "" {
			return Jurisdiction{}, fmt.Errorf("home region: required with a region file")
		}
		home = string(Changji)
	}
	code, err := ParseCode(strings.TrimSpace(home))
	if err != nil {
		return Jurisdiction{}, fmt.Errorf("home region: %w", err)
	}
	if zone == "" {
		zone = DefaultZone
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "Local" {
		return Jurisdiction{}, fmt.Errorf("time zone %s: not an IANA time zone name such as %s", quote(zone), DefaultZone)
	}
	return NewJurisdiction(tree, code, loc)
}

// loadTree loads the region file at path, or the embedded data when path
// is empty.
func loadTree(path string) (*Tree, error) {
	if path == "" {
		return Default()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("region file: %w", err)
	}
	defer f.Close()
	tree, err := Load(f)
	if err != nil {
		return nil, fmt.Errorf("region file %s: %w", path, err)
	}
	return tree, nil
}

var defaultJurisdiction = sync.OnceValue(func() Jurisdiction {
	j, err := LoadJurisdiction("", "", "")
	if err != nil {
		panic(err) // the embedded data is broken: a build defect the tests catch
	}
	return j
})

// DefaultJurisdiction returns the jurisdiction of the embedded data:
// Changji Hui Autonomous Prefecture, in China Standard Time.
func DefaultJurisdiction() Jurisdiction { return defaultJurisdiction() }

// Contains reports whether code is in the home region (is hukou-local).
func (j Jurisdiction) Contains(code Code) bool { return j.Home.Contains(code) }
