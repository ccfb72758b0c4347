package registry

import (
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// PersonID is a person's surrogate key.
type PersonID int64

// HukouType is the nature of the household registration (户籍性质).
type HukouType string

// The hukou types.
const (
	HukouUrban HukouType = "urban" // 城镇
	HukouRural HukouType = "rural" // 农村
)

// Valid reports whether h is a known hukou type.
func (h HukouType) Valid() bool { return h == HukouUrban || h == HukouRural }

// Ethnicities lists the ethnic groups (民族) the registry accepts, by code.
var Ethnicities = map[string]string{
	"han": "汉族", "hui": "回族", "kazakh": "哈萨克族", "uyghur": "维吾尔族",
	"mongol": "蒙古族", "kyrgyz": "柯尔克孜族", "xibe": "锡伯族", "manchu": "满族",
	"tajik": "塔吉克族", "uzbek": "乌孜别克族", "russian": "俄罗斯族", "tatar": "塔塔尔族",
	"daur": "达斡尔族", "tujia": "土家族", "other": "其他",
}

// Person is an individual in the registry. Birth date and gender are not
// stored apart from the resident ID: they are read from it.
type Person struct {
	ID       PersonID       `json:"id"`
	IDNumber ids.ResidentID `json:"id_number"`
	Name     string         `json:"name"`
	// Ethnicity is a key of Ethnicities.
	Ethnicity string    `json:"ethnicity"`
	HukouType HukouType `json:"hukou_type"`
	// HukouRegion is where the household is registered (户籍地).
	HukouRegion region.Code `json:"hukou_region"`
	// RegionCode is where the person lives (居住地), down to village or
	// community; it decides which office serves the person.
	RegionCode region.Code `json:"region_code"`
	Phone      string      `json:"phone,omitempty"`
	Address    string      `json:"address,omitempty"`
	// DeathDate is set once a death is recorded (死亡登记).
	DeathDate   period.Date `json:"death_date,omitzero"`
	DeathSource string      `json:"death_source,omitempty"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
	// Version counts updates, for optimistic locking.
	Version int64 `json:"version"`
}

// BirthDate returns the birth date encoded in the resident ID.
func (p *Person) BirthDate() period.Date { return p.IDNumber.BirthDate() }

// Gender returns the gender encoded in the resident ID.
func (p *Person) Gender() ids.Gender { return p.IDNumber.Gender() }

// Alive reports whether no death is recorded.
func (p *Person) Alive() bool { return p.DeathDate.IsZero() }

// DeathSources lists where a death record may come from.
var DeathSources = []string{"public_security", "civil_affairs_funeral", "health", "family_report", "court"}

// validate checks p's own fields, with today as the date against which birth
// dates are judged, and normalises the ID number.
func (p *Person) validate(today period.Date) fault.Problems {
	var pr fault.Problems
	if id, err := ids.ParseResidentID(string(p.IDNumber), today); err != nil {
		pr.Add("id_number", "%s", idProblem(err))
	} else {
		p.IDNumber = id
	}
	checkName(&pr, "name", p.Name)
	if _, ok := Ethnicities[p.Ethnicity]; !ok {
		pr.Add("ethnicity", "unknown ethnicity %q", p.Ethnicity)
	}
	if !p.HukouType.Valid() {
		pr.Add("hukou_type", "must be urban or rural, not %q", p.HukouType)
	}
	checkRegion(&pr, "region_code", p.RegionCode, true)
	if p.HukouRegion != "" {
		if _, err := region.ParseCode(string(p.HukouRegion)); err != nil {
			pr.Add("hukou_region", "%v", err)
		}
	}
	if p.Phone != "" && !validPhone(p.Phone) {
		pr.Add("phone", "must be an 11-digit mobile number starting with 1, or a landline of 7 to 12 digits with an optional area code and hyphen")
	}
	if utf8.RuneCountInString(p.Address) > 200 {
		pr.Add("address", "is longer than 200 characters")
	}
	return pr
}

func idProblem(err error) string {
	// The ids package masks the input in its message; keep only the reason
	// after the masked number.
	msg := err.Error()
	if i := strings.Index(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

func checkName(pr *fault.Problems, field, s string) {
	n := utf8.RuneCountInString(strings.TrimSpace(s))
	switch {
	case n == 0:
		pr.Add(field, "is required")
	case n > 60:
		pr.Add(field, "is longer than 60 characters")
	case strings.ContainsAny(s, "\x00\r\n\t"):
		pr.Add(field, "contains control characters")
	}
}

func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' && i > 0:
		default:
			return false
		}
	}
	if len(s) == 11 && s[0] == '1' && digits == 11 {
		return true
	}
	return s[0] != '1' && digits >= 7 && digits <= 12
}

func checkRegion(pr *fault.Problems, field string, code region.Code, required bool) {
	if code == "" {
		if required {
			pr.Add(field, "is required")
		}
		return
	}
	if _, err := region.ParseCode(string(code)); err != nil {
		pr.Add(field, "%v", err)
	}
}

// PersonFilter selects persons for a list.
type PersonFilter struct {
	// Region restricts to a region subtree; the service narrows it to the
	// caller's scope.
	Region region.Code
	// IDNumber finds the person with this exact ID (15 or 18 digits).
	IDNumber string
	// Name matches names starting with this text.
	Name string
	// Alive, when true, leaves out the dead.
	Alive bool
	Page
}

// Page is keyset pagination: items after the key After, at most Limit.
type Page struct {
	After int64
	Limit int
}

// PageMax is the most records a list method returns at once: the API's
// largest page (500) and one more, by which it tells whether more remain.
const PageMax = 501

// normalize clamps the limit to [1, PageMax], 50 by default.
func (p *Page) normalize() {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	if p.Limit > PageMax {
		p.Limit = PageMax
	}
}

func (p *Person) home() region.Code { return p.RegionCode }
func (p *Person) clone() *Person    { c := *p; return &c }
func (p *Person) version() int64    { return p.Version }
func (p *Person) key() int64        { return int64(p.ID) }
func (p *Person) keep(old *Person, version int64) {
	p.ID, p.Version, p.CreatedAt = old.ID, version, old.CreatedAt
}
