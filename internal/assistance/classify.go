package assistance

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Valid reports whether l is a layer a classification gives: one of
// Layers or none.
func (l Layer) Valid() bool { return slices.Contains(Layers(), l) || l == LayerNone }

// The programmes of the classification.
const (
	ProgDibao        = "dibao"
	ProgTekun        = "tekun"
	ProgDibaoEdge    = "dibao_edge"
	ProgRigidExpense = "rigid_expense"
)

// layerOf places a household: 特困 when a member qualifies for 特困,
// else 低保, 低保边缘 and 刚性支出困难 as the programmes decide (each
// excludes the ones before it), else other low-income when a member is
// monitored, else none.
func layerOf(tekun, dibao, edge, rigid, monitored bool) Layer {
	switch {
	case tekun:
		return LayerTekun
	case dibao:
		return LayerDibao
	case edge:
		return LayerDibaoEdge
	case rigid:
		return LayerRigidExpense
	case monitored:
		return LayerLowIncome
	}
	return LayerNone
}

// Classification is a household's layer in a month, from its latest means
// test then.
type Classification struct {
	Period          period.Month         `json:"period"`
	HouseholdID     registry.HouseholdID `json:"household_id"`
	RegionCode      region.Code          `json:"region_code"`
	TestID          TestID               `json:"test_id"`
	Layer           Layer                `json:"layer"`
	Members         int                  `json:"members"`
	PerCapitaIncome money.Fen            `json:"per_capita_income"`
	// DibaoAmount is the monthly 低保 the test gives (差额救助), 0 when the
	// household is not eligible.
	DibaoAmount money.Fen `json:"dibao_amount"`
	// TekunMembers counts the members recognised as 特困.
	TekunMembers int `json:"tekun_members"`
	// PolicyVersion is the policy package's content hash.
	PolicyVersion string `json:"policy_version"`
}

// MemberDecision is the 特困 decision for one member.
type MemberDecision struct {
	PersonID registry.PersonID `json:"person_id"`
	Decision *policy.Decision  `json:"decision"`
}

// Explanation is a classification with every decision behind it and, for
// each programme, the reason in one line naming the threshold and its date.
type Explanation struct {
	Classification
	Test         *MeansTest       `json:"test"`
	Dibao        *policy.Decision `json:"dibao"`
	Tekun        []MemberDecision `json:"tekun"`
	DibaoEdge    *policy.Decision `json:"dibao_edge"`
	RigidExpense *policy.Decision `json:"rigid_expense"`
	// Reasons says, programme by programme, what decided it.
	Reasons []string `json:"reasons"`
}

// householdInputs gives the household case of a test.
func householdInputs(t *MeansTest, hasTekunMember bool) policy.Case {
	in := map[string]json.RawMessage{
		"members":            jsonInt(int64(t.MemberCount)),
		"total_income":       jsonInt(int64(t.TotalIncome)),
		"income_12m":         jsonInt(int64(t.Income12m)),
		"financial_assets":   jsonInt(int64(t.FinancialAssets)),
		"vehicles":           jsonInt(int64(t.Vehicles)),
		"houses":             jsonInt(int64(t.Houses)),
		"business_entities":  jsonInt(int64(t.BusinessEntities)),
		"rigid_expenses_12m": jsonInt(int64(t.RigidExpenses12m)),
		"hukou_local":        jsonBool(t.HukouLocal),
		"hukou_type":         jsonText(string(t.HukouType)),
		"has_tekun_member":   jsonBool(hasTekunMember),
	}
	return policy.Case{Entity: "household", Region: t.RegionCode, Inputs: in}
}

// memberInputs gives the 特困 case of a member; the household's region
// selects the standards. inDibao says whether the household receives 低保
// now (an active award): the two are not received together. The
// classification asks what a member qualifies for, 特困 before 低保, and
// passes false.
func memberInputs(t *MeansTest, m *Member, inDibao bool) policy.Case {
	in := map[string]json.RawMessage{
		"birth_date":         jsonText(m.BirthDate.String()),
		"alive":              jsonBool(true),
		"hukou_local":        jsonBool(m.HukouLocal),
		"hukou_type":         jsonText(string(m.HukouType)),
		"disability_grade":   jsonInt(int64(m.DisabilityGrade)),
		"unable_to_work":     jsonBool(m.UnableToWork),
		"own_income":         jsonInt(int64(m.OwnIncome)),
		"has_able_supporter": jsonBool(m.HasSupporter),
		"in_dibao_household": jsonBool(inDibao),
		"self_care":          jsonText(string(m.SelfCare)),
	}
	return policy.Case{Entity: "person", Region: t.RegionCode, Inputs: in}
}

// explain classifies a means test for month m row by row, with every
// decision.
func explain(pk *policy.Package, t *MeansTest, m period.Month) (*Explanation, error) {
	ex := &Explanation{Test: t}
	var err error
	if ex.Dibao, err = pk.Evaluate(ProgDibao, m, householdInputs(t, false)); err != nil {
		return nil, fmt.Errorf("classify household %d: %w", t.HouseholdID, err)
	}
	tekun, monitored := 0, false
	for i := range t.Members {
		mem := &t.Members[i]
		d, err := pk.Evaluate(ProgTekun, m, memberInputs(t, mem, false))
		if err != nil {
			return nil, fmt.Errorf("classify household %d, member %d: %w", t.HouseholdID, mem.PersonID, err)
		}
		ex.Tekun = append(ex.Tekun, MemberDecision{PersonID: mem.PersonID, Decision: d})
		if d.Eligible {
			tekun++
		}
		monitored = monitored || mem.Monitored
	}
	hh := householdInputs(t, tekun > 0)
	if ex.DibaoEdge, err = pk.Evaluate(ProgDibaoEdge, m, hh); err != nil {
		return nil, fmt.Errorf("classify household %d: %w", t.HouseholdID, err)
	}
	if ex.RigidExpense, err = pk.Evaluate(ProgRigidExpense, m, hh); err != nil {
		return nil, fmt.Errorf("classify household %d: %w", t.HouseholdID, err)
	}
	ex.Classification = Classification{Period: m, HouseholdID: t.HouseholdID, RegionCode: t.RegionCode, TestID: t.ID,
		Layer:   layerOf(tekun > 0, ex.Dibao.Eligible, ex.DibaoEdge.Eligible, ex.RigidExpense.Eligible, monitored),
		Members: t.MemberCount, PerCapitaIncome: t.PerCapitaIncome(), TekunMembers: tekun, PolicyVersion: pk.Version}
	if ex.Dibao.Eligible {
		ex.DibaoAmount = ex.Dibao.Amount
	}
	ex.Reasons = append(ex.Reasons, reason(ex.Dibao))
	for _, md := range ex.Tekun {
		ex.Reasons = append(ex.Reasons, "member "+strconv.FormatInt(int64(md.PersonID), 10)+": "+reason(md.Decision))
	}
	ex.Reasons = append(ex.Reasons, reason(ex.DibaoEdge), reason(ex.RigidExpense))
	return ex, nil
}

// reason says in one line what decided d: every failed condition, or the
// amount when all hold, each with the values and the thresholds read (key,
// value and the date it took effect).
func reason(d *policy.Decision) string {
	vals := map[string]string{}
	for _, v := range d.Variables {
		vals[v.Name] = v.Value
	}
	for _, v := range d.Inputs {
		vals[v.Name] = v.Value
	}
	s := d.Programme + " (" + d.NameZH + "): "
	if d.Eligible {
		s += "eligible, amount " + d.Amount.String()
	} else {
		s += "not eligible:"
		for _, r := range d.Requirements {
			if !r.Holds {
				s += " " + r.Kind + " " + r.Programme + " does not hold;"
			}
		}
		for _, c := range d.Conditions {
			if !c.Value {
				s += " " + c.Name + " fails (" + c.Expr + ")" + operands(c.Expr, vals) + ";"
			}
		}
	}
	s += " — read"
	for i, p := range d.Parameters {
		if i > 0 {
			s += ","
		}
		s += " " + p.Key + " = " + p.Value + " from " + p.From.String()
		if p.Region != "" {
			s += " (" + string(p.Region) + ")"
		}
		if p.Status != "confirmed" {
			s += " [" + p.Status + "]"
		}
	}
	return s
}

// operands lists the values of the names an expression reads, as
// " with per_capita_income = 749.00, standard = 750.00".
func operands(expr string, vals map[string]string) string {
	var out string
	for _, name := range identifiers(expr) {
		v, ok := vals[name]
		if !ok {
			continue
		}
		if out == "" {
			out = " with "
		} else {
			out += ", "
		}
		out += name + " = " + v
	}
	return out
}

// identifiers returns the distinct plain identifiers of an expression, in
// order (parameter paths like p.x.y are skipped: they are listed as read).
func identifiers(expr string) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i < len(expr); {
		c := expr[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			i++
			continue
		}
		j := i
		for j < len(expr) && (expr[j] == '_' || expr[j] == '.' || expr[j] >= 'a' && expr[j] <= 'z' || expr[j] >= 'A' && expr[j] <= 'Z' || expr[j] >= '0' && expr[j] <= '9') {
			j++
		}
		word := expr[i:j]
		if i == 0 || expr[i-1] != '.' {
			if !seen[word] && !(len(word) > 2 && word[:2] == "p.") {
				seen[word] = true
				out = append(out, word)
			}
		}
		i = j
	}
	return out
}

func jsonInt(v int64) json.RawMessage   { return json.RawMessage(strconv.FormatInt(v, 10)) }
func jsonText(s string) json.RawMessage { b, _ := json.Marshal(s); return b }
func jsonBool(b bool) json.RawMessage {
	if b {
		return json.RawMessage("true")
	}
	return json.RawMessage("false")
}
