package assistance

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// TestID is a means test's surrogate key.
type TestID int64

// LineKind is what a line of a means test records: an income over the 12
// months before the test, an asset held, or a rigid expense over the 12
// months before.
type LineKind string

// The line kinds. Incomes and expenses are amounts over 12 months (the
// monthly income is the 12-month total over 12); financial assets are
// balances; vehicles, houses and businesses are counted by quantity.
const (
	IncomeWage     LineKind = "income.wage"     // 工资性收入
	IncomeBusiness LineKind = "income.business" // 经营净收入
	IncomeProperty LineKind = "income.property" // 财产净收入
	IncomeTransfer LineKind = "income.transfer" // 转移净收入 (赡养费, 补贴, 赔偿)
	IncomePension  LineKind = "income.pension"  // 养老金 (from the insurance side)
	IncomeBenefit  LineKind = "income.benefit"  // 失业保险金, 伤残津贴 (from the insurance side)

	AssetDeposit    LineKind = "asset.deposit"    // 存款
	AssetSecurities LineKind = "asset.securities" // 有价证券, 理财
	AssetVehicle    LineKind = "asset.vehicle"    // 机动车辆 (quantity)
	AssetHouse      LineKind = "asset.house"      // 住房 (quantity)
	AssetBusiness   LineKind = "asset.business"   // 经营主体 (quantity)

	ExpenseMedical        LineKind = "expense.medical"        // 医疗支出, after insurance
	ExpenseEducation      LineKind = "expense.education"      // 教育支出
	ExpenseRehabilitation LineKind = "expense.rehabilitation" // 残疾康复支出
	ExpenseLiving         LineKind = "expense.living"         // 必要的基本生活支出
)

// LineKinds lists every kind.
var LineKinds = []LineKind{IncomeWage, IncomeBusiness, IncomeProperty, IncomeTransfer, IncomePension, IncomeBenefit,
	AssetDeposit, AssetSecurities, AssetVehicle, AssetHouse, AssetBusiness,
	ExpenseMedical, ExpenseEducation, ExpenseRehabilitation, ExpenseLiving}

// Valid reports whether k is a known kind.
func (k LineKind) Valid() bool {
	for _, x := range LineKinds {
		if k == x {
			return true
		}
	}
	return false
}

// Income reports whether k is an income.
func (k LineKind) Income() bool { return strings.HasPrefix(string(k), "income.") }

// Expense reports whether k is a rigid expense.
func (k LineKind) Expense() bool { return strings.HasPrefix(string(k), "expense.") }

// Counted reports whether k is counted by quantity rather than amount.
func (k LineKind) Counted() bool { return k == AssetVehicle || k == AssetHouse || k == AssetBusiness }

// Source says where a means test came from.
type Source string

// The sources.
const (
	SourceInvestigation Source = "investigation" // 入户调查 by a caseworker
	SourceDataMatch     Source = "data_match"    // 信息核对 from department data
	SourceReview        Source = "review"        // 复核 of an award
	SourceImport        Source = "import"        // a migration or a file
)

// Sources lists every source.
var Sources = []Source{SourceInvestigation, SourceDataMatch, SourceReview, SourceImport}

// SelfCare is a person's self-care capacity (生活自理能力).
type SelfCare string

// The self-care capacities, as the tekun programme's self_care input.
const (
	SelfCareAble         SelfCare = "able"          // 全自理
	SelfCarePartlyUnable SelfCare = "partly_unable" // 半失能
	SelfCareUnable       SelfCare = "unable"        // 全失能
)

// Member is a household member counted by a means test (共同生活的家庭成员),
// with what the investigation found about them. BirthDate, DisabilityGrade
// and the registration are copied from the registry when the test is made.
type Member struct {
	PersonID registry.PersonID `json:"person_id"`
	Relation registry.Relation `json:"relation"`
	// UnableToWork: assessed as having lost the capacity to work (丧失劳动能力).
	UnableToWork bool     `json:"unable_to_work"`
	SelfCare     SelfCare `json:"self_care"`
	// HasSupporter: a legal supporter able to support them exists (有履行能力
	// 的法定赡养、抚养、扶养义务人), inside or outside the household. The
	// service derives it from the registry household where that knows
	// (see [legalSupporters]); otherwise it must have been stated.
	HasSupporter bool `json:"has_supporter"`
	// SupporterStated says HasSupporter is an answer given by whoever
	// recorded the test, not a value left out. A false HasSupporter that
	// was not stated and that the registry cannot decide is refused: no
	// fact that favours eligibility is ever a default.
	SupporterStated bool `json:"-"`
	// Monitored: in the monitored low-income population other than 低保 and
	// 特困, such as 防止返贫监测对象 reported by agriculture.
	Monitored bool `json:"monitored"`

	BirthDate       period.Date        `json:"birth_date"`
	DisabilityGrade int                `json:"disability_grade"`
	HukouLocal      bool               `json:"hukou_local"`
	HukouType       registry.HukouType `json:"hukou_type"`
	// OwnIncome is the member's monthly income: their income lines over 12
	// months, divided by 12 and rounded half up.
	OwnIncome money.Fen `json:"own_income"`
}

// Line is one line of a means test.
type Line struct {
	// PersonID is the member the line belongs to; 0 for the household.
	PersonID registry.PersonID `json:"person_id,omitempty"`
	Kind     LineKind          `json:"kind"`
	// Amount is in fen: 12 months of an income or expense, the balance of
	// a financial asset; 0 for counted assets.
	Amount money.Fen `json:"amount"`
	// Quantity counts vehicles, houses and businesses.
	Quantity int `json:"quantity,omitempty"`
	// Exempt lines are recorded but not counted: incomes the rules
	// disregard (优抚金, 奖励金, 救助金) and assets they exempt (a disability
	// mobility vehicle).
	Exempt bool   `json:"exempt,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Totals are what the programmes read of a means test, summed from its
// counted lines.
type Totals struct {
	// MemberCount is the number of members counted.
	MemberCount int `json:"member_count"`
	// Income12m is the counted income of all members over the 12 months.
	Income12m money.Fen `json:"income_12m"`
	// TotalIncome is the monthly household income: Income12m / 12, half up.
	TotalIncome      money.Fen `json:"total_income"`
	FinancialAssets  money.Fen `json:"financial_assets"`
	Vehicles         int       `json:"vehicles"`
	Houses           int       `json:"houses"`
	BusinessEntities int       `json:"business_entities"`
	RigidExpenses12m money.Fen `json:"rigid_expenses_12m"`
}

// PerCapitaIncome is the monthly income per member (家庭人均收入), half up,
// as the programmes compute it.
func (t Totals) PerCapitaIncome() money.Fen {
	if t.MemberCount == 0 {
		return 0
	}
	return money.Fen(money.DivRound(int64(t.TotalIncome), int64(t.MemberCount)))
}

// MeansTest is a household's economic-status check (家庭经济状况核对) for a
// month: the members counted and every income, asset and expense found,
// with the totals the programmes read.
type MeansTest struct {
	ID          TestID               `json:"id"`
	HouseholdID registry.HouseholdID `json:"household_id"`
	RegionCode  region.Code          `json:"region_code"`
	// Period is the month the test speaks for.
	Period     period.Month       `json:"period"`
	HukouType  registry.HukouType `json:"hukou_type"`
	HukouLocal bool               `json:"hukou_local"`
	Members    []Member           `json:"members"`
	Lines      []Line             `json:"lines"`
	// HeatingType is how the home is heated (取暖方式): central, self_heating
	// or provided; it decides heating assistance.
	HeatingType string `json:"heating_type"`
	Totals
	Source    Source    `json:"source"`
	Note      string    `json:"note,omitempty"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// Member returns the member with id.
func (t *MeansTest) Member(id registry.PersonID) (*Member, bool) {
	for i := range t.Members {
		if t.Members[i].PersonID == id {
			return &t.Members[i], true
		}
	}
	return nil, false
}

// Compute sums the counted lines into the totals and each member's own
// income. The sums are checked: amounts whose sum does not fit in an int64
// are an Invalid error on lines, never a wrapped total (the service's
// ceilings keep real tests far from it).
func (t *MeansTest) Compute() error {
	tot := Totals{MemberCount: len(t.Members)}
	var income, expenses, assets money.Total
	own := map[registry.PersonID]*money.Total{}
	for _, l := range t.Lines {
		if l.Exempt {
			continue
		}
		switch {
		case l.Kind.Income():
			income.Add(l.Amount)
			if l.PersonID != 0 {
				if own[l.PersonID] == nil {
					own[l.PersonID] = &money.Total{}
				}
				own[l.PersonID].Add(l.Amount)
			}
		case l.Kind.Expense():
			expenses.Add(l.Amount)
		case l.Kind == AssetDeposit || l.Kind == AssetSecurities:
			assets.Add(l.Amount)
		case l.Kind == AssetVehicle:
			tot.Vehicles += l.Quantity
		case l.Kind == AssetHouse:
			tot.Houses += l.Quantity
		case l.Kind == AssetBusiness:
			tot.BusinessEntities += l.Quantity
		}
	}
	for _, x := range []struct {
		total *money.Total
		into  *money.Fen
		what  string
	}{{&income, &tot.Income12m, "incomes"}, {&expenses, &tot.RigidExpenses12m, "rigid expenses"}, {&assets, &tot.FinancialAssets, "financial assets"}} {
		v, err := x.total.Result()
		if err != nil {
			return &fault.Error{Code: fault.Invalid, Message: "invalid means test", Err: err, Fields: map[string]string{"lines": "the " + x.what + " add up to more than an int64 of fen"}}
		}
		*x.into = v
	}
	tot.TotalIncome = money.Fen(money.DivRound(int64(tot.Income12m), 12))
	for i := range t.Members {
		var v money.Fen
		if o := own[t.Members[i].PersonID]; o != nil {
			var err error
			if v, err = o.Result(); err != nil {
				return &fault.Error{Code: fault.Invalid, Message: "invalid means test", Err: err,
					Fields: map[string]string{"lines": fmt.Sprintf("the incomes of person %d add up to more than an int64 of fen", t.Members[i].PersonID)}}
			}
		}
		t.Members[i].OwnIncome = money.Fen(money.DivRound(int64(v), 12))
	}
	t.Totals = tot
	return nil
}

// checkCeilings checks every line's amount and quantity against their
// plausibility ceilings (limits.means_test.amount and .quantity) in force
// on the first day of the test's month.
func (t *MeansTest) checkCeilings(pk *policy.Package, pr *fault.Problems) error {
	if t.Period.IsZero() {
		return nil
	}
	on := t.Period.First()
	for i, l := range t.Lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		if err := pk.Ceiling(pr, f+".amount", int64(l.Amount), "limits.means_test.amount", on, t.RegionCode); err != nil {
			return err
		}
		if err := pk.Ceiling(pr, f+".quantity", int64(l.Quantity), "limits.means_test.quantity", on, t.RegionCode); err != nil {
			return err
		}
	}
	return nil
}

// validate checks what a caseworker gives; the registry copies are the
// service's.
func (t *MeansTest) validate() fault.Problems {
	var pr fault.Problems
	if t.HouseholdID <= 0 {
		pr.Add("household_id", "is required")
	}
	if t.Period.IsZero() {
		pr.Add("period", "is required")
	}
	if len(t.Members) == 0 {
		pr.Add("members", "count at least one member")
	}
	seen := map[registry.PersonID]bool{}
	for i, m := range t.Members {
		f := "members[" + strconv.Itoa(i) + "]"
		switch {
		case m.PersonID <= 0:
			pr.Add(f+".person_id", "is required")
		case seen[m.PersonID]:
			pr.Add(f+".person_id", "person %d is listed twice", m.PersonID)
		}
		seen[m.PersonID] = true
		switch m.SelfCare {
		case SelfCareAble, SelfCarePartlyUnable, SelfCareUnable:
		case "":
			t.Members[i].SelfCare = SelfCareAble
		default:
			pr.Add(f+".self_care", "%q is not one of able, partly_unable, unable", m.SelfCare)
		}
	}
	for i, l := range t.Lines {
		f := "lines[" + strconv.Itoa(i) + "]"
		switch {
		case !l.Kind.Valid():
			pr.Add(f+".kind", "%q is not a line kind (%s)", l.Kind, kindList())
		case l.Kind.Counted() && l.Quantity <= 0:
			pr.Add(f+".quantity", "a %s line counts at least 1", l.Kind)
		case l.Kind.Counted() && l.Amount != 0:
			pr.Add(f+".amount", "a %s line is counted by quantity, not amount", l.Kind)
		case !l.Kind.Counted() && l.Quantity != 0:
			pr.Add(f+".quantity", "only vehicles, houses and businesses have a quantity")
		case l.Amount < 0:
			pr.Add(f+".amount", "is negative")
		}
		if l.PersonID != 0 && !seen[l.PersonID] {
			pr.Add(f+".person_id", "person %d is not a member counted by the test", l.PersonID)
		}
	}
	switch t.HeatingType {
	case "central", "self_heating", "provided":
	case "":
		// Central heating is paid for by the household and opens heating
		// assistance; a default would favour eligibility, so it is asked.
		pr.Add("heating_type", "is required: central, self_heating or provided (it decides heating assistance)")
	default:
		pr.Add("heating_type", "%q is not one of central, self_heating, provided", t.HeatingType)
	}
	valid := false
	for _, s := range Sources {
		valid = valid || t.Source == s
	}
	if !valid {
		pr.Add("source", "%q is not one of investigation, data_match, review, import", t.Source)
	}
	return pr
}

func kindList() string {
	s := make([]string, len(LineKinds))
	for i, k := range LineKinds {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}
