package insurance

import (
	"context"
	"fmt"
	"strconv"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// The payment sources of resident back payment and tier upgrade, which post
// their own ledger entries and are left out of the monthly crediting.
const (
	BackPaymentSource Source = "back_payment" // 补缴
	TierUpgradeSource Source = "tier_upgrade" // 提档
)

// CreditBasis is what the monthly crediting reads parameters for.
type CreditBasis struct {
	// Counties have employee-pension payments in the month.
	Counties []region.Code
	// ResidentAmounts lists, per county, the distinct resident-pension
	// amounts paid in the month.
	ResidentAmounts map[region.Code][]money.Fen
}

// CreditRules are the parameters of one crediting run, resolved per county.
type CreditRules struct {
	// EmployeeRatio is the share of the employee-pension base credited to
	// the personal account (个人账户记账比例).
	EmployeeRatio map[region.Code]money.Rate
	// ResidentSubsidy is the government contribution subsidy (缴费补贴)
	// of each resident amount paid.
	ResidentSubsidy map[region.Code]map[money.Fen]money.Fen
}

// CreditSummary totals a monthly crediting run (个人账户记账).
type CreditSummary struct {
	Period period.Month `json:"period"`
	Region region.Code  `json:"region"`
	// Payments counts the payments of the month that feed an account.
	Payments int `json:"payments"`
	// Posted counts the entries this run posted; AlreadyPosted those an
	// earlier run had posted, which were skipped.
	Posted        int `json:"posted"`
	AlreadyPosted int `json:"already_posted"`
	// Contributions and Subsidies total what this run posted, in fen.
	Contributions money.Fen          `json:"contributions"`
	Subsidies     money.Fen          `json:"subsidies"`
	Parameters    []policy.ParamRead `json:"parameters"`
}

// Credit posts the personal-account entries of the payments of month m in
// the region subtree: for the employee pension, the base × the account
// credit ratio of the month (flexible workers alike); for the resident
// pension, the amount paid and the government contribution subsidy of its
// tier (at least the minimum subsidy). Back payments and tier upgrades post
// their own entries and are left out; so are employee-pension payments with
// no individual part (the employer's share alone funds no account). Each
// payment is credited once: a second run posts nothing and says so.
func (s *Accounts) Credit(ctx context.Context, m period.Month, code region.Code) (*CreditSummary, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid crediting run", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	basis, err := s.store.CreditBasis(ctx, m, code)
	if err != nil {
		return nil, err
	}
	sum := &CreditSummary{Period: m, Region: code}
	rules := &CreditRules{EmployeeRatio: map[region.Code]money.Rate{}, ResidentSubsidy: map[region.Code]map[money.Fen]money.Fen{}}
	on := m.First()
	seen := map[string]bool{}
	note := func(r policy.ParamRead) {
		if k := r.Key + "/" + string(r.Region); !seen[k] {
			seen[k] = true
			sum.Parameters = append(sum.Parameters, r)
		}
	}
	notInForce := func(err error) error {
		return &fault.Error{Code: fault.Invalid, Message: "crediting parameters not in force", Err: err, Fields: map[string]string{"period": err.Error()}}
	}
	for _, county := range basis.Counties {
		v, read, err := s.policy.Value("employee_pension.account_credit_ratio", on, county)
		if err != nil {
			return nil, notInForce(err)
		}
		note(read)
		rules.EmployeeRatio[county] = money.Rate(v)
	}
	for county, amounts := range basis.ResidentAmounts {
		minimum, read, err := s.policy.Value("resident_pension.contribution_subsidy.minimum", on, county)
		if err != nil {
			return nil, notInForce(err)
		}
		note(read)
		subsidies := make(map[money.Fen]money.Fen, len(amounts))
		for _, a := range amounts {
			sub, err := s.tierSubsidy(a, on, county, money.Fen(minimum), note)
			if err != nil {
				return nil, notInForce(err)
			}
			subsidies[a] = sub
		}
		rules.ResidentSubsidy[county] = subsidies
	}
	if err := s.store.CreditPayments(ctx, m, code, rules, sum); err != nil {
		return nil, err
	}
	return sum, nil
}

// tierSubsidy is the resident government contribution subsidy of a yearly
// amount paid: the tier scale's bracket, at least the minimum.
func (s *Accounts) tierSubsidy(paid money.Fen, on period.Date, county region.Code, minimum money.Fen, note func(policy.ParamRead)) (money.Fen, error) {
	// The scale is keyed by yuan, as a dec: fen × DecScale / 100.
	v, read, err := s.policy.ScaleValue("resident_pension.contribution_subsidy.by_tier", on, county, int64(paid)*(policy.DecScale/100))
	if err != nil {
		return 0, err
	}
	note(read)
	return max(money.Fen(v), minimum), nil
}

// InterestBasis is what one person's yearly interest is computed from.
type InterestBasis struct {
	PersonID   registry.PersonID
	RegionCode region.Code
	// Opening is the balance before the year.
	Opening money.Fen
	// InYear sums the entries of the year; ByMonth sums each entry's
	// amount times its month of the year (1-12).
	InYear, ByMonth money.Fen
}

// InterestSummary totals a yearly interest run (记账利息).
type InterestSummary struct {
	Year   int         `json:"year"`
	Region region.Code `json:"region"`
	// Persons counts the accounts credited interest by this run, per
	// scheme; AlreadyPosted those credited by an earlier run.
	Persons       map[Scheme]int       `json:"persons"`
	AlreadyPosted map[Scheme]int       `json:"already_posted"`
	Interest      map[Scheme]money.Fen `json:"interest"`
	Parameters    []policy.ParamRead   `json:"parameters"`
}

// accountSchemes are the schemes with personal accounts.
var accountSchemes = []Scheme{EmployeePension, ResidentPension}

// InterestRef is the ref of the interest entry of a year.
func InterestRef(year int) string { return "interest:" + strconv.Itoa(year) }

// CreditInterest posts the yearly interest (记账利息) of every employee and
// resident personal account in the region subtree, as an entry in
// December: the opening balance × the year's rate, plus each entry of the
// year × the rate × the months it was held / 12 (the intra-year method is a
// parameter), rounded half up once per account. A year whose employee rate
// is not published (no value dated in that year) is refused, as is one with
// no resident rate in force. Accounts credited
// before are skipped.
func (s *Accounts) CreditInterest(ctx context.Context, year int, code region.Code) (*InterestSummary, error) {
	if year < 1998 || year > 9999 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid interest run", Fields: map[string]string{"year": "give a year from 1998"}}
	}
	p, err := auth.Require(ctx, auth.PermInsurance)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	if year >= s.today().Year() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid interest run", Fields: map[string]string{"year": fmt.Sprintf("%d is not over yet", year)}}
	}
	jan := period.NewMonth(year, 1).First()
	sum := &InterestSummary{Year: year, Region: code, Persons: map[Scheme]int{}, AlreadyPosted: map[Scheme]int{}, Interest: map[Scheme]money.Fen{}}
	var all []AccountEntry
	for _, sc := range accountSchemes {
		key := string(sc) + ".account_interest_rate"
		rate, read, err := s.policy.Value(key, jan, code)
		// The employee rate is published for each year, around June of
		// the next; the resident rate is the province's standing rate.
		if err == nil && sc == EmployeePension && read.From.Year() != year {
			err = fmt.Errorf("parameter %s has no value for %d (the latest is from %s): the rate is not published", key, year, read.From)
		}
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "interest rate not published", Err: err, Fields: map[string]string{"year": err.Error()}}
		}
		sum.Parameters = append(sum.Parameters, read)
		methodKey := string(sc) + ".account_interest_intra_year"
		method, mread, err := s.policy.Value(methodKey, jan, code)
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "interest parameters not in force", Err: err, Fields: map[string]string{"year": err.Error()}}
		}
		sum.Parameters = append(sum.Parameters, mread)
		rows, done, err := s.store.InterestBasis(ctx, year, sc, code)
		if err != nil {
			return nil, err
		}
		sum.AlreadyPosted[sc] = done
		dec := period.NewMonth(year, 12)
		if all == nil {
			all = make([]AccountEntry, 0, len(rows)+len(rows)/8)
		}
		for i := range rows {
			b := &rows[i]
			amt, err := YearInterest(b, money.Rate(rate), method)
			if err != nil {
				return nil, &fault.Error{Code: fault.Invalid, Message: "interest parameters invalid", Err: err, Fields: map[string]string{"year": err.Error()}}
			}
			if amt == 0 {
				continue
			}
			sum.Persons[sc]++
			all = append(all, AccountEntry{PersonID: b.PersonID, Scheme: sc, RegionCode: b.RegionCode, Period: dec, Kind: EntryInterest,
				Amount: amt, Ref: InterestRef(year)})
			if sum.Interest[sc], err = money.Add(sum.Interest[sc], amt); err != nil {
				return nil, fmt.Errorf("interest %d: %s total: %w", year, sc, err)
			}
		}
	}
	if len(all) == 0 {
		return sum, nil
	}
	fields := []string{"year=" + strconv.Itoa(year)}
	for _, sc := range accountSchemes {
		fields = append(fields, fmt.Sprintf("%s=%d/%d", sc, sum.Persons[sc], int64(sum.Interest[sc])))
	}
	if err := s.store.PostEntries(ctx, "account.interest", InterestRef(year)+"/"+string(code), code, all, fields); err != nil {
		return nil, err
	}
	return sum, nil
}

// YearInterest is one account's interest for a year at rate: the opening
// balance for 12 months plus each entry of the year for the months the
// method gives it (0: none; 1: 12 - its month; 2: 13 - its month), × rate
// / 12, rounded half up once.
func YearInterest(b *InterestBasis, rate money.Rate, method int64) (money.Fen, error) {
	// Fen × months, checked: an account that large is an error, not a
	// wrapped balance.
	var held money.Total
	switch method {
	case 0:
	case 1, 2:
		in, err := money.Mul(b.InYear, 11+method)
		if err != nil {
			return 0, fmt.Errorf("interest of person %d: %w", b.PersonID, err)
		}
		held.Add(in)
		held.Sub(b.ByMonth)
	default:
		return 0, fmt.Errorf("unknown intra-year interest method %d (want 0, 1 or 2)", method)
	}
	opening, err := money.Mul(b.Opening, 12)
	if err != nil {
		return 0, fmt.Errorf("interest of person %d: %w", b.PersonID, err)
	}
	held.Add(opening)
	fenMonths, err := held.Result()
	if err != nil {
		return 0, fmt.Errorf("interest of person %d: %w", b.PersonID, err)
	}
	return fenMonths.MulDiv(int64(rate), 12*1_000_000), nil
}
