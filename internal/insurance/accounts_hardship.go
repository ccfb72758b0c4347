package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// HardshipGroup is a group whose resident-pension premium government pays
// (缴费困难群体).
type HardshipGroup string

// The hardship groups.
const (
	GroupDibao            HardshipGroup = "dibao"             // 低保 minimum living guarantee recipients
	GroupTekun            HardshipGroup = "tekun"             // 特困 extreme poverty support
	GroupLowIncome        HardshipGroup = "low_income"        // 监测低收入人口 monitored low-income persons
	GroupSevereDisability HardshipGroup = "severe_disability" // 重度残疾 from the disability register
)

// HardshipIdentity tags a person as in a hardship group for a contribution
// year, as civil affairs reported.
type HardshipIdentity struct {
	PersonID   registry.PersonID
	Year       int
	Group      HardshipGroup
	RegionCode region.Code
}

// HardshipRecord is one line of civil affairs' hardship list, as read by
// the exchange package.
type HardshipRecord struct {
	Line     int
	IDNumber ids.ResidentID
	Name     string
	Group    HardshipGroup
}

// PersonLookup resolves ID numbers in the registry.
type PersonLookup interface {
	// PersonByIDNumber returns the person; NotFound if unknown.
	PersonByIDNumber(ctx context.Context, id ids.ResidentID) (*registry.Person, error)
}

// HardshipImport says what an import of the hardship list did.
type HardshipImport struct {
	Year  int `json:"year"`
	Rows  int `json:"rows"`
	Added int `json:"added"`
	// Known counts identities imported before, left as they were.
	Known int `json:"known"`
}

// ImportHardship records civil affairs' hardship list for a contribution
// year (困难群体名单). Every row must name a registered person in the
// caller's scope, with the registry's name; a file with any bad row is
// rejected whole, each bad row named by its line, and nothing is written.
// Importing the same list again adds nothing.
func (s *Accounts) ImportHardship(ctx context.Context, lookup PersonLookup, year int, source string, recs []HardshipRecord) (*HardshipImport, error) {
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if year < 2014 || year > s.today().Year()+1 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid hardship list", Fields: map[string]string{"year": "give a contribution year from 2014 to next year"}}
	}
	if source = strings.TrimSpace(source); source == "" || len(source) > 100 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid hardship list", Fields: map[string]string{"source": "name the file or department, at most 100 characters"}}
	}
	var pr fault.Problems
	bad := 0
	add := func(line int, field, format string, args ...any) {
		bad++
		if len(pr) < 200 {
			pr.Add(fmt.Sprintf("row %d: %s", line, field), format, args...)
		}
	}
	out := make([]HardshipIdentity, 0, len(recs))
	for _, r := range recs {
		switch r.Group {
		case GroupDibao, GroupTekun, GroupLowIncome:
		default:
			add(r.Line, "group", "must be dibao, tekun or low_income")
			continue
		}
		per, err := lookup.PersonByIDNumber(ctx, r.IDNumber)
		if err == nil && !p.InScope(per.RegionCode) {
			// Outside the caller's scope a person is reported as unknown,
			// before their name is compared.
			err = auth.NotFound("person with ID number", r.IDNumber.Masked())
		}
		if fault.CodeOf(err) == fault.NotFound {
			add(r.Line, "id_number", "no registered person has ID number %s", r.IDNumber.Masked())
			continue
		} else if err != nil {
			return nil, err
		}
		if strings.TrimSpace(r.Name) != per.Name {
			add(r.Line, "name", "does not match the registry's name for ID number %s", r.IDNumber.Masked())
			continue
		}
		out = append(out, HardshipIdentity{PersonID: per.ID, Year: year, Group: r.Group, RegionCode: per.RegionCode})
	}
	if bad > 0 {
		return nil, &fault.Error{Code: fault.Invalid, Message: fmt.Sprintf("the hardship list has %d bad rows of %d; nothing was imported", bad, len(recs)), Fields: pr}
	}
	added, err := s.store.SaveHardshipIdentities(ctx, year, source, out)
	if err != nil {
		return nil, err
	}
	return &HardshipImport{Year: year, Rows: len(recs), Added: added, Known: len(out) - added}, nil
}

// HardshipCandidate is one record that may give a person enrolled in the
// resident pension a 代缴 group, as the store finds it; HardshipGroupOf
// decides the group.
type HardshipCandidate struct {
	PersonID   registry.PersonID
	Name       string
	RegionCode region.Code
	BirthDate  period.Date
	DeathDate  period.Date
	// HukouRegion is where the household is registered.
	HukouRegion region.Code
	// Fact is the kind of record.
	Fact HardshipFact
	// Group is the group a FactTagged row's list names ("" otherwise).
	Group HardshipGroup
	// Grade is the disability grade of a FactDisability row.
	Grade int
}

// HardshipItem is one person whose premium a batch paid, with why.
type HardshipItem struct {
	PersonID   registry.PersonID `json:"person_id"`
	Name       string            `json:"name"`
	RegionCode region.Code       `json:"region_code"`
	Groups     []HardshipGroup   `json:"groups"`
	Amount     money.Fen         `json:"amount"`
}

// HardshipBatch is one run of the government-paid premiums (代缴) of a
// year.
type HardshipBatch struct {
	// ID is 0 when the run found nobody new to pay for.
	ID     int64       `json:"id"`
	Year   int         `json:"year"`
	Region region.Code `json:"region"`
	// Amount is the premium paid for each person (the highest, should
	// counties differ).
	Amount  money.Fen      `json:"amount"`
	Persons int            `json:"persons"`
	Total   money.Fen      `json:"total"`
	Items   []HardshipItem `json:"items"`
	// AlreadyPaid counts the qualifying persons paid for by an earlier
	// batch of the year, left out of this one.
	AlreadyPaid int                `json:"already_paid"`
	CreatedAt   time.Time          `json:"created_at"`
	Parameters  []policy.ParamRead `json:"parameters,omitempty"`
}

// HardshipRef is the ref of the 代缴 entries of a year.
func HardshipRef(year int) string { return "hardship:" + strconv.Itoa(year) }

// HardshipProgramme is the programme that decides who has the resident
// pension premium paid by government.
const HardshipProgramme = "resident_pension_premium_subsidy"

// PayHardshipPremiums pays, for the contribution year, the minimum-tier
// premium of every person in a hardship group enrolled in the resident
// pension in the region subtree (代缴): severe disability (grade at most
// disability.severe_max_grade, valid during the year) from the disability
// register, and 低保, 特困 and monitored low-income persons as civil
// affairs tagged them for the year. Each candidate is decided by the
// programme resident_pension_premium_subsidy (local hukou, contribution age
// on 1 January, a hardship group), which also gives the amount; persons
// dead before the year are left out. Each person is paid once a year, with
// every reason listed; a second run pays only persons newly qualified, and
// nobody twice.
func (s *Accounts) PayHardshipPremiums(ctx context.Context, year int, code region.Code) (*HardshipBatch, error) {
	if year < 2014 || year > 9999 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid 代缴 run", Fields: map[string]string{"year": "give a contribution year from 2014"}}
	}
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	jan := period.NewMonth(year, 1)
	b := &HardshipBatch{Year: year, Region: code, Items: []HardshipItem{}}
	notInForce := func(err error) error {
		return &fault.Error{Code: fault.Invalid, Message: "代缴 parameters not in force", Err: err, Fields: map[string]string{"year": err.Error()}}
	}
	severeMax, read, err := s.policy.Value("disability.severe_max_grade", jan.First(), code)
	if err != nil {
		return nil, notInForce(err)
	}
	b.Parameters = append(b.Parameters, read)
	cands, paid, err := s.store.HardshipCandidates(ctx, year, code)
	if err != nil {
		return nil, err
	}
	// Candidates come by person: gather each person's reasons, then decide.
	var es []AccountEntry
	var total money.Total // checked: an overflow fails the batch
	for i := 0; i < len(cands); {
		j := i
		for j < len(cands) && cands[j].PersonID == cands[i].PersonID {
			j++
		}
		rows := cands[i:j]
		i = j
		// The records that name a group; the person's row is the one of
		// the first group by name (its enrolment's region).
		var c *HardshipCandidate
		var cg HardshipGroup
		var groups []HardshipGroup
		grade := 0
		for k := range rows {
			g, ok := HardshipGroupOf(rows[k], int(severeMax))
			if !ok {
				continue
			}
			if c == nil || g < cg {
				c, cg = &rows[k], g
			}
			if !containsGroup(groups, g) {
				groups = append(groups, g)
			}
			if g == GroupSevereDisability && (grade == 0 || rows[k].Grade < grade) {
				grade = rows[k].Grade
			}
		}
		if c == nil {
			continue // no record names a group
		}
		if !c.DeathDate.IsZero() && c.DeathDate < jan.First() {
			continue
		}
		if paid[c.PersonID] {
			b.AlreadyPaid++
			continue
		}
		it := HardshipItem{PersonID: c.PersonID, Name: c.Name, RegionCode: c.RegionCode, Groups: groups}
		in := map[string]bool{}
		for _, g := range groups {
			in[string(g)] = true
		}
		d, err := s.policy.Evaluate(HardshipProgramme, jan, policy.Case{Entity: "person", Region: c.RegionCode, Inputs: map[string]json.RawMessage{
			"birth_date":                jsonText(c.BirthDate.String()),
			"hukou_local":               jsonBool(localHukou(s.juris, c.HukouRegion)),
			"disability_grade":          json.RawMessage(strconv.Itoa(grade)),
			"in_dibao_household":        jsonBool(in[string(GroupDibao)]),
			"tekun":                     jsonBool(in[string(GroupTekun)]),
			"low_income_monitored":      jsonBool(in[string(GroupLowIncome)]),
			"resident_pension_enrolled": jsonBool(true),
		}})
		if err != nil {
			return nil, notInForce(err)
		}
		if len(b.Parameters) == 1 {
			b.Parameters = append(b.Parameters, d.Parameters...)
		}
		if !d.Eligible || d.Amount <= 0 {
			continue
		}
		it.Amount = d.Amount
		sort.Slice(it.Groups, func(x, y int) bool { return it.Groups[x] < it.Groups[y] })
		b.Items = append(b.Items, it)
		es = append(es, AccountEntry{PersonID: it.PersonID, Scheme: ResidentPension, RegionCode: it.RegionCode, Period: jan,
			Kind: EntryHardship, Amount: it.Amount, Government: true, Ref: HardshipRef(year)})
		total.Add(it.Amount)
		b.Amount = max(b.Amount, it.Amount)
	}
	if b.Total, err = total.Result(); err != nil {
		return nil, fmt.Errorf("hardship premiums %d: total: %w", year, err)
	}
	b.Persons = len(b.Items)
	if b.Persons == 0 {
		return b, nil
	}
	if err := s.store.SaveHardshipBatch(ctx, b, es); err != nil {
		return nil, err
	}
	return b, nil
}

// localHukou reports whether a household registered in code is local. A
// person with no household region recorded is taken as local: residents
// join the resident pension where the household is registered.
func localHukou(j region.Jurisdiction, code region.Code) bool {
	return code == "" || j.Contains(code)
}

func jsonText(s string) json.RawMessage {
	raw, _ := json.Marshal(s)
	return raw
}

func jsonBool(b bool) json.RawMessage {
	if b {
		return json.RawMessage("true")
	}
	return json.RawMessage("false")
}

func containsGroup(gs []HardshipGroup, g HardshipGroup) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// HardshipBatch returns a 代缴 batch with who was paid for and why.
func (s *Accounts) HardshipBatch(ctx context.Context, id int64) (*HardshipBatch, error) {
	if _, err := auth.Require(ctx, auth.PermRegistryRead); err != nil {
		return nil, err
	}
	b, err := s.store.HardshipBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, b.Region, "代缴 batch", id); err != nil {
		return nil, err
	}
	return b, nil
}
