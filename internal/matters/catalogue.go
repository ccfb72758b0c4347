// Package matters is the catalogue of matters (事项清单) the front office
// receives: every service as data (policies/changji/matters.yaml) with its
// department, legal basis, who may apply, the materials, the promised time
// limit in working days, the channels it is open to and the domain action
// that carries it out; and the service points (服务网点) that receive them
// (policies/changji/service_points.yaml with the region tree).
//
// Both are checked when they load: an unknown action, channel, department
// or material, a duplicate id, a missing name or a time limit of zero is an
// error naming the item and the field, and stops the server at start.
package matters

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Bilingual is a text in Chinese and English.
type Bilingual struct {
	ZH string `yaml:"zh"`
	EN string `yaml:"en"`
}

// Channel is a way a matter is received (受理渠道).
type Channel string

// The channels.
const (
	// Window is a counter of a service hall (窗口).
	Window Channel = "window"
	// Online is the web portal (网上办).
	Online Channel = "online"
	// Mobile is the phone app or mini-program (掌上办).
	Mobile Channel = "mobile"
	// CrossProvince is received for or from another province through the
	// national platform (跨省通办).
	CrossProvince Channel = "cross_province"
	// Bank is a bank outlet under the social-insurance and bank
	// cooperation (社银合作).
	Bank Channel = "bank"
	// Township is a township or street platform (乡镇/街道便民服务中心).
	Township Channel = "township"
	// Village is a village or community point (村/社区便民服务站).
	Village Channel = "village"
)

// Channels returns every channel, in the order of the published lists.
func Channels() []Channel {
	return []Channel{Window, Online, Mobile, CrossProvince, Bank, Township, Village}
}

// ParseChannel reads a channel name.
func ParseChannel(s string) (Channel, error) {
	c := Channel(s)
	if slices.Contains(Channels(), c) {
		return c, nil
	}
	return "", fmt.Errorf("unknown channel %q; want one of %s", s, channelList())
}

func channelList() string {
	names := make([]string, 0, 7)
	for _, c := range Channels() {
		names = append(names, string(c))
	}
	return strings.Join(names, ", ")
}

// Applicant is who may apply for a matter (申请主体).
type Applicant string

// The applicants.
const (
	// Person is the person the matter is about.
	Person Applicant = "person"
	// Agent is someone applying for the person (代办), with the person's
	// authorisation or as guardian.
	Agent Applicant = "agent"
	// Employer is an employer (用人单位).
	Employer Applicant = "employer"
	// Household is a household, through its head or a member.
	Household Applicant = "household"
	// Heir is a survivor or heir of a deceased person (遗属/继承人).
	Heir Applicant = "heir"
)

// applicants lists the applicants a matter may name.
var applicants = []Applicant{Person, Agent, Employer, Household, Heir}

// Department is a department that decides matters (实施主体).
type Department struct {
	ID   string    `yaml:"id"`
	Name Bilingual `yaml:"name"`
}

// Material is a material (申请材料) a matter asks for.
type Material struct {
	// ID is the material's key in the catalogue's list of materials.
	ID   string
	Name Bilingual
	// Form is original (原件), copy (复印件) or either.
	Form string
	// Deferrable materials may be supplied after acceptance (容缺受理):
	// the matter is accepted with the promise to supply them by a date
	// and held before it is finished until they come.
	Deferrable bool
	// FromRegistry names the registry fact that replaces the material
	// (减材料): when set, the applicant is not asked for it.
	FromRegistry string
}

// Asked reports whether the applicant is asked for the material: it is not
// fetched from the registry.
func (m Material) Asked() bool { return m.FromRegistry == "" }

// Matter is one service of the catalogue (政务服务事项).
type Matter struct {
	ID         string
	Name       Bilingual
	Department Department
	// Basis is the legal basis (设定依据): the law or regulation and its
	// article.
	Basis      string
	Applicants []Applicant
	Materials  []Material
	// TimeLimit is the promised time limit in working days (承诺时限).
	TimeLimit int
	// LegalTimeLimit is the time limit the law sets (法定时限), when it
	// differs from the promise; 0 when the law sets none or the same.
	LegalTimeLimit int
	Channels       []Channel
	// Action carries the matter out; Args are its fixed arguments.
	Action string
	Args   map[string]string
	// Line is the matter's line in the file.
	Line int
}

// Open reports whether the matter may be received through channel c.
func (m Matter) Open(c Channel) bool { return slices.Contains(m.Channels, c) }

// Deferrable reports whether any material may be supplied after
// acceptance (容缺受理).
func (m Matter) Deferrable() bool {
	return slices.ContainsFunc(m.Materials, func(x Material) bool { return x.Deferrable })
}

func (m Matter) clone() Matter {
	m.Applicants = slices.Clone(m.Applicants)
	m.Materials = slices.Clone(m.Materials)
	m.Channels = slices.Clone(m.Channels)
	args := make(map[string]string, len(m.Args))
	for k, v := range m.Args {
		args[k] = v
	}
	m.Args = args
	return m
}

// Catalogue is the loaded catalogue of matters. It is read-only and safe
// for concurrent use.
type Catalogue struct {
	file        string
	departments []Department
	matters     []Matter
	byID        map[string]int
}

// Filter selects matters; zero fields select everything.
type Filter struct {
	Channel Channel
	// Department is a department id.
	Department string
	// Q is text the matter's Chinese or English name contains (English
	// case-insensitive).
	Q string
}

// Matters returns the matters the filter selects, in the order of the
// file.
func (c *Catalogue) Matters(f Filter) []Matter {
	q := strings.ToLower(strings.TrimSpace(f.Q))
	var out []Matter
	for _, m := range c.matters {
		switch {
		case f.Channel != "" && !m.Open(f.Channel):
		case f.Department != "" && m.Department.ID != f.Department:
		case q != "" && !strings.Contains(m.Name.ZH, q) && !strings.Contains(strings.ToLower(m.Name.EN), q):
		default:
			out = append(out, m.clone())
		}
	}
	return out
}

// Matter returns the matter with the id, and whether there is one.
func (c *Catalogue) Matter(id string) (Matter, bool) {
	i, ok := c.byID[id]
	if !ok {
		return Matter{}, false
	}
	return c.matters[i].clone(), true
}

// Len returns the number of matters.
func (c *Catalogue) Len() int { return len(c.matters) }

// Departments returns the departments, in the order of the file.
func (c *Catalogue) Departments() []Department { return slices.Clone(c.departments) }

// CountByChannel returns how many matters each channel is open to.
func (c *Catalogue) CountByChannel() map[Channel]int {
	out := map[Channel]int{}
	for _, m := range c.matters {
		for _, ch := range m.Channels {
			out[ch]++
		}
	}
	return out
}

// LoadError is a problem with a catalogue file: the file, the line, the
// item and the field at fault.
type LoadError struct {
	File  string
	Line  int
	Item  string
	Field string
	Err   error
}

// Error names where the problem is and what it is.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Item != "" {
		b.WriteString(": " + e.Item)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

// Unwrap returns the problem.
func (e *LoadError) Unwrap() error { return e.Err }

// file is the shape of matters.yaml.
type file struct {
	Departments []Department            `yaml:"departments"`
	Materials   map[string]materialFile `yaml:"materials"`
	Matters     []matterFile            `yaml:"matters"`
}

type materialFile struct {
	Name         Bilingual `yaml:"name"`
	FromRegistry string    `yaml:"from_registry"`
}

type matterFile struct {
	ID             string            `yaml:"id"`
	Name           Bilingual         `yaml:"name"`
	Department     string            `yaml:"department"`
	Basis          string            `yaml:"basis"`
	Applicants     []string          `yaml:"applicants"`
	Materials      []materialUse     `yaml:"materials"`
	TimeLimit      int               `yaml:"time_limit"`
	LegalTimeLimit int               `yaml:"legal_time_limit"`
	Channels       []string          `yaml:"channels"`
	Action         string            `yaml:"action"`
	Args           map[string]string `yaml:"args"`
}

type materialUse struct {
	ID         string `yaml:"id"`
	Form       string `yaml:"form"`
	Deferrable bool   `yaml:"deferrable"`
}

// Load reads the catalogue file at path in fsys.
func Load(fsys fs.FS, path string) (*Catalogue, error) {
	data, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, fmt.Errorf("load the catalogue of matters: %w", err)
	}
	return Parse(path, data)
}

// Parse reads a catalogue file's text; name is the file's name for errors.
// Unknown fields, channels, departments, applicants, materials and actions,
// duplicate ids, missing names and time limits below 1 are errors naming
// the matter and the field.
func Parse(name string, data []byte) (*Catalogue, error) {
	fail := func(line int, item, field string, err error) error {
		return &LoadError{File: name, Line: line, Item: item, Field: field, Err: err}
	}
	var f file
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fail(0, "", "", err)
	}
	// The lines of the matters, read from the same text.
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fail(0, "", "", err)
	}
	lines := matterLines(&doc)
	c := &Catalogue{file: name, byID: map[string]int{}}
	deps := map[string]Department{}
	for i, d := range f.Departments {
		item := fmt.Sprintf("departments[%d]", i)
		switch {
		case !isKey(d.ID):
			return nil, fail(0, item, "id", fmt.Errorf("%q is not a snake_case key", d.ID))
		case strings.TrimSpace(d.Name.ZH) == "" || strings.TrimSpace(d.Name.EN) == "":
			return nil, fail(0, d.ID, "name", errors.New("want zh and en"))
		}
		if _, dup := deps[d.ID]; dup {
			return nil, fail(0, d.ID, "id", errors.New("duplicate department"))
		}
		deps[d.ID] = d
		c.departments = append(c.departments, d)
	}
	for id, m := range f.Materials {
		switch {
		case !isKey(id):
			return nil, fail(0, "materials."+id, "", errors.New("not a snake_case key"))
		case strings.TrimSpace(m.Name.ZH) == "" || strings.TrimSpace(m.Name.EN) == "":
			return nil, fail(0, "materials."+id, "name", errors.New("want zh and en"))
		case m.FromRegistry != "" && !isFact(m.FromRegistry):
			return nil, fail(0, "materials."+id, "from_registry", fmt.Errorf("%q is not a registry fact such as person.id_number", m.FromRegistry))
		}
	}
	if len(f.Matters) == 0 {
		return nil, fail(0, "", "matters", errors.New("want at least one matter"))
	}
	for i, mf := range f.Matters {
		line := 0
		if i < len(lines) {
			line = lines[i]
		}
		item := fmt.Sprintf("matters[%d]", i)
		if mf.ID != "" {
			item = mf.ID
		}
		m, field, err := matterOf(mf, deps, f.Materials)
		if err != nil {
			return nil, fail(line, item, field, err)
		}
		m.Line = line
		if j, dup := c.byID[m.ID]; dup {
			return nil, fail(line, item, "id", fmt.Errorf("duplicate id; also at line %d", c.matters[j].Line))
		}
		c.byID[m.ID] = len(c.matters)
		c.matters = append(c.matters, m)
	}
	return c, nil
}

// matterOf checks one matter; field names the field at fault.
func matterOf(mf matterFile, deps map[string]Department, mats map[string]materialFile) (m Matter, field string, err error) {
	if !isKey(mf.ID) {
		return m, "id", fmt.Errorf("%q is not a snake_case key", mf.ID)
	}
	m = Matter{ID: mf.ID, Name: mf.Name, Basis: strings.TrimSpace(mf.Basis), TimeLimit: mf.TimeLimit, LegalTimeLimit: mf.LegalTimeLimit,
		Action: mf.Action, Args: mf.Args}
	if strings.TrimSpace(m.Name.ZH) == "" || strings.TrimSpace(m.Name.EN) == "" {
		return m, "name", errors.New("want zh and en")
	}
	d, ok := deps[mf.Department]
	if !ok {
		return m, "department", fmt.Errorf("unknown department %q", mf.Department)
	}
	m.Department = d
	if m.Basis == "" {
		return m, "basis", errors.New("is required: the law or regulation and its article (设定依据)")
	}
	if len(mf.Applicants) == 0 {
		return m, "applicants", errors.New("want at least one")
	}
	for _, a := range mf.Applicants {
		if !slices.Contains(applicants, Applicant(a)) {
			return m, "applicants", fmt.Errorf("unknown applicant %q; want person, agent, employer, household or heir", a)
		}
		if slices.Contains(m.Applicants, Applicant(a)) {
			return m, "applicants", fmt.Errorf("%s given twice", a)
		}
		m.Applicants = append(m.Applicants, Applicant(a))
	}
	for i, u := range mf.Materials {
		f := fmt.Sprintf("materials[%d]", i)
		def, ok := mats[u.ID]
		if !ok {
			return m, f, fmt.Errorf("unknown material %q; define it under materials", u.ID)
		}
		if u.Form != "original" && u.Form != "copy" && u.Form != "either" {
			return m, f + ".form", fmt.Errorf("%q; want original, copy or either", u.Form)
		}
		if u.Deferrable && def.FromRegistry != "" {
			return m, f + ".deferrable", fmt.Errorf("%s is fetched from the registry, never supplied later", u.ID)
		}
		if slices.ContainsFunc(m.Materials, func(x Material) bool { return x.ID == u.ID }) {
			return m, f, fmt.Errorf("%s given twice", u.ID)
		}
		m.Materials = append(m.Materials, Material{ID: u.ID, Name: def.Name, Form: u.Form, Deferrable: u.Deferrable, FromRegistry: def.FromRegistry})
	}
	if m.TimeLimit < 1 {
		return m, "time_limit", fmt.Errorf("%d; want at least 1 working day", m.TimeLimit)
	}
	if m.LegalTimeLimit != 0 && m.LegalTimeLimit < m.TimeLimit {
		return m, "legal_time_limit", fmt.Errorf("%d is shorter than the promised %d", m.LegalTimeLimit, m.TimeLimit)
	}
	if len(mf.Channels) == 0 {
		return m, "channels", errors.New("want at least one")
	}
	for _, s := range mf.Channels {
		ch, err := ParseChannel(s)
		if err != nil {
			return m, "channels", err
		}
		if slices.Contains(m.Channels, ch) {
			return m, "channels", fmt.Errorf("%s given twice", s)
		}
		m.Channels = append(m.Channels, ch)
	}
	a, ok := ActionByID(mf.Action)
	if !ok {
		return m, "action", fmt.Errorf("unknown action %q", mf.Action)
	}
	if err := a.checkArgs(mf.Args); err != nil {
		return m, "args", err
	}
	if m.Args == nil {
		m.Args = map[string]string{}
	}
	return m, "", nil
}

// matterLines returns the line of each item of the file's matters list.
func matterLines(doc *yaml.Node) []int {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	root := doc.Content[0]
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "matters" && root.Content[i+1].Kind == yaml.SequenceNode {
			var out []int
			for _, n := range root.Content[i+1].Content {
				out = append(out, n.Line)
			}
			return out
		}
	}
	return nil
}

// isKey reports whether s is a snake_case key: lower-case letters and
// digits in words joined by single underscores, starting with a letter.
func isKey(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return false
	}
	for _, r := range s {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}

// isFact reports whether s names a registry fact: dotted snake_case keys
// such as person.id_number.
func isFact(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if !isKey(p) {
			return false
		}
	}
	return true
}
