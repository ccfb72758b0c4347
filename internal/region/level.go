package region

import "fmt"

// Level is the tier of an administrative division in the five-tier
// hierarchy (行政区划层级). The zero value is not a valid level.
type Level int

// The levels, from the top of the hierarchy down. Each level is one greater
// than the level above it, so Level+1 is the level of a node's children.
const (
	// Province is a province-level division (省级), such as the Xinjiang Uygur
	// Autonomous Region (650000).
	Province Level = iota + 1
	// Prefecture is a prefecture-level division (地级), such as Changji Hui
	// Autonomous Prefecture (652300).
	Prefecture
	// County is a county-level division (县级): a county, a county-level
	// city, an autonomous county, or a development zone given an internal code.
	County
	// Township is a township-level division (乡镇/街道): a town, a township or
	// an urban subdistrict (street).
	Township
	// Village is a village-level division (村/社区): a village committee or an
	// urban community.
	Village
)

var levelNames = [...]string{
	Province:   "province",
	Prefecture: "prefecture",
	County:     "county",
	Township:   "township",
	Village:    "village",
}

// ParseLevel returns the level with the given name ("province",
// "prefecture", "county", "township" or "village").
func ParseLevel(s string) (Level, error) {
	for l := Province; l <= Village; l++ {
		if levelNames[l] == s {
			return l, nil
		}
	}
	return 0, fmt.Errorf("unknown level %q (want province, prefecture, county, township or village)", s)
}

// Valid reports whether l is one of the five defined levels.
func (l Level) Valid() bool { return l >= Province && l <= Village }

// String returns the level's lower-case English name, or "Level(n)" for an
// undefined level.
func (l Level) String() string {
	if !l.Valid() {
		return fmt.Sprintf("Level(%d)", int(l))
	}
	return levelNames[l]
}

// MarshalText encodes the level as its name. It fails for an undefined level.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("marshal region level: undefined level %d", int(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText decodes a level name written by MarshalText.
func (l *Level) UnmarshalText(b []byte) error {
	v, err := ParseLevel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
