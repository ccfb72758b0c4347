package insurance

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
)

// AccountPosting is a payment and the ledger entries it posts; the store
// sets each entry's Ref to "payment:<id>" once the payment has its key.
type AccountPosting struct {
	Payment Payment
	Entries []AccountEntry
}

// BackPayment is a resident's back payment (补缴) of whole years.
type BackPayment struct {
	PersonID registry.PersonID `json:"person_id"`
	Tier     money.Fen         `json:"tier"`
	Years    []int             `json:"years"`
	Total    money.Fen         `json:"total"`
	Payments []Payment         `json:"payments"`
	// ContributionYears counts the person's resident years after it.
	ContributionYears int                `json:"contribution_years"`
	Parameters        []policy.ParamRead `json:"parameters"`
}

// TierUpgrade is a resident's upgrade of a paid year to a higher tier (提档).
type TierUpgrade struct {
	PersonID registry.PersonID `json:"person_id"`
	Year     int               `json:"year"`
	// Paid is what the year held before; Tier what it holds after.
	Paid       money.Fen `json:"paid"`
	Tier       money.Fen `json:"tier"`
	Difference money.Fen `json:"difference"`
	// Subsidy is the extra government subsidy, for the current year only.
	Subsidy    money.Fen          `json:"subsidy"`
	Payment    Payment            `json:"payment"`
	Parameters []policy.ParamRead `json:"parameters"`
}

// residentRules are the parameters of back payment and tier upgrade.
type residentRules struct {
	lowest, highest              money.Fen
	minAge, pensionAge, minYears int
	startYear                    int
	reads                        []policy.ParamRead
	subsidyMinimum               money.Fen
	readErr                      error
	today                        period.Date
	birth                        period.Date
	contributed                  map[int]money.Fen
	employeeCovered              func(year int) bool
	residentEnrolled             bool
}

// residentContext reads what back payment and tier upgrade check: the
// person (in the caller's scope, alive), their enrolments, the years paid
// and the parameters in force today.
func (s *Accounts) residentContext(ctx context.Context, personID registry.PersonID, pr *fault.Problems) (*registry.Person, *residentRules, error) {
	per, err := s.registry.Person(ctx, personID)
	if fault.CodeOf(err) == fault.NotFound {
		pr.Add("person_id", "person %d does not exist", personID)
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, per.RegionCode); err != nil {
		return nil, nil, err
	}
	r := &residentRules{today: s.today(), birth: per.BirthDate()}
	if !per.Alive() {
		pr.Add("person_id", "the person died on %s", per.DeathDate)
	}
	get := func(key string) int64 {
		v, read, err := s.policy.Value(key, r.today, per.RegionCode)
		if err != nil && r.readErr == nil {
			r.readErr = err
		}
		r.reads = append(r.reads, read)
		return v
	}
	r.lowest = money.Fen(get("resident_pension.lowest_tier"))
	r.highest = money.Fen(get("resident_pension.highest_tier"))
	r.minAge = int(get("resident_pension.min_join_age"))
	r.pensionAge = int(get("resident_pension.pension_age"))
	r.minYears = int(get("resident_pension.minimum_contribution_years"))
	r.startYear = int(get("resident_pension.scheme_start_year"))
	r.subsidyMinimum = money.Fen(get("resident_pension.contribution_subsidy.minimum"))
	if r.readErr != nil {
		return nil, nil, &fault.Error{Code: fault.Invalid, Message: "resident pension parameters not in force", Err: r.readErr,
			Fields: map[string]string{"person_id": r.readErr.Error()}}
	}
	es, err := s.store.Enrolments(ctx, EnrolmentFilter{PersonID: personID, Page: registry.Page{Limit: 500}})
	if err != nil {
		return nil, nil, err
	}
	var employee []*Enrolment
	for _, e := range es {
		switch e.Scheme {
		case ResidentPension:
			if e.Status != Terminated {
				r.residentEnrolled = true
			}
		case EmployeePension:
			employee = append(employee, e)
		}
	}
	r.employeeCovered = func(year int) bool {
		for _, e := range employee {
			if e.Start <= period.NewMonth(year, 12) && (e.End.IsZero() || e.End >= period.NewMonth(year, 1)) {
				return true
			}
		}
		return false
	}
	if r.contributed, err = s.store.ResidentYears(ctx, personID); err != nil {
		return nil, nil, err
	}
	return per, r, nil
}

// BackPay records a resident's back payment (补缴) of years not yet
// contributed, at one tier, as payments (source back_payment) and ledger
// entries with no government subsidy. Each year must be past, at or after
// the scheme start and the year the person turned the joining age, before
// the pension age, not paid before and not covered by the employee
// pension; the person must be enrolled in the resident pension and either
// have reached the pension age short of the minimum years or have been
// within that many years of it at the scheme start; and back payment fills
// no more than the minimum years.
func (s *Accounts) BackPay(ctx context.Context, personID registry.PersonID, years []int, tier money.Fen) (*BackPayment, error) {
	var pr fault.Problems
	if len(years) == 0 {
		pr.Add("years", "give at least one year")
	}
	per, r, err := s.residentContext(ctx, personID, &pr)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, pr.Err("invalid back payment")
	}
	if tier < r.lowest || tier > r.highest {
		pr.Add("tier", "must be a tier from %s to %s yuan", r.lowest, r.highest)
	}
	if !r.residentEnrolled {
		pr.Add("person_id", "the person is not enrolled in the resident pension")
	}
	ageNow := period.AgeAt(r.birth, r.today)
	ageAtStart := period.AgeAt(r.birth, period.NewMonth(r.startYear, 1).First())
	if !(ageNow >= r.pensionAge && len(r.contributed) < r.minYears) && !(ageAtStart > r.pensionAge-r.minYears) {
		pr.Add("person_id", "back payment is for persons who reach %d short of %d years, or who were within %d years of %d when the scheme began in %d",
			r.pensionAge, r.minYears, r.minYears, r.pensionAge, r.startYear)
	}
	ys := append([]int(nil), years...)
	sort.Ints(ys)
	seen := map[int]bool{}
	for _, y := range ys {
		field := "years." + strconv.Itoa(y)
		switch {
		case seen[y]:
			pr.Add(field, "is given twice")
		case y >= r.today.Year():
			pr.Add(field, "back payment is for past years")
		case y < r.startYear:
			pr.Add(field, "is before the scheme began in %d", r.startYear)
		case period.AgeAt(r.birth, period.NewMonth(y, 12).Last()) < r.minAge:
			pr.Add(field, "the person was under %d", r.minAge)
		case period.AgeAt(r.birth, period.NewMonth(y, 1).First()) >= r.pensionAge:
			pr.Add(field, "the person was %d or over", r.pensionAge)
		case r.contributed[y] > 0:
			pr.Add(field, "was contributed already")
		case r.employeeCovered(y):
			pr.Add(field, "is covered by the employee pension")
		}
		seen[y] = true
	}
	if n := len(r.contributed) + len(ys); len(r.contributed) < r.minYears && n > r.minYears {
		pr.Add("years", "back payment fills no more than %d years: %d contributed, %d more allowed", r.minYears, len(r.contributed), r.minYears-len(r.contributed))
	} else if len(r.contributed) >= r.minYears {
		pr.Add("years", "the person has %d contribution years already", len(r.contributed))
	}
	if err := pr.Err("invalid back payment"); err != nil {
		return nil, err
	}
	bp := &BackPayment{PersonID: personID, Tier: tier, Years: ys, Parameters: r.reads}
	postings := make([]AccountPosting, len(ys))
	for i, y := range ys {
		m := period.NewMonth(y, 1)
		p := Payment{PersonID: personID, Scheme: ResidentPension, Period: m, RegionCode: per.RegionCode, Individual: tier, PaidOn: r.today,
			ReceiptNo: fmt.Sprintf("BP-%d-%d", personID, y), Source: BackPaymentSource}
		postings[i] = AccountPosting{Payment: p, Entries: []AccountEntry{{PersonID: personID, Scheme: ResidentPension, RegionCode: per.RegionCode,
			Period: m, Kind: EntryBackPayment, Amount: tier}}}
		if bp.Total, err = money.Add(bp.Total, tier); err != nil {
			return nil, fmt.Errorf("back payment of person %d: total: %w", personID, err)
		}
	}
	if err := s.store.PostAccountPayments(ctx, "account.back_payment", postings); err != nil {
		return nil, err
	}
	for _, p := range postings {
		bp.Payments = append(bp.Payments, p.Payment)
	}
	bp.ContributionYears = len(r.contributed) + len(ys)
	return bp, nil
}

// UpgradeTier pays the difference for a resident year already paid at a
// lower tier (提档), as a payment (source tier_upgrade) and a contribution
// entry; the government subsidy difference is credited for the current year
// only.
func (s *Accounts) UpgradeTier(ctx context.Context, personID registry.PersonID, year int, tier money.Fen) (*TierUpgrade, error) {
	var pr fault.Problems
	per, r, err := s.residentContext(ctx, personID, &pr)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, pr.Err("invalid tier upgrade")
	}
	if tier < r.lowest || tier > r.highest {
		pr.Add("tier", "must be a tier from %s to %s yuan", r.lowest, r.highest)
	}
	paid := r.contributed[year]
	switch {
	case year > r.today.Year():
		pr.Add("year", "is in the future")
	case paid <= 0:
		pr.Add("year", "%d was not paid: back-pay it instead", year)
	case paid >= tier:
		pr.Add("tier", "%d holds %s yuan already", year, paid)
	}
	if err := pr.Err("invalid tier upgrade"); err != nil {
		return nil, err
	}
	up := &TierUpgrade{PersonID: personID, Year: year, Paid: paid, Tier: tier, Difference: tier - paid, Parameters: r.reads}
	m := period.NewMonth(year, 1)
	if year == r.today.Year() {
		m = r.today.Period()
	}
	up.Payment = Payment{PersonID: personID, Scheme: ResidentPension, Period: m, RegionCode: per.RegionCode, Individual: up.Difference,
		PaidOn: r.today, ReceiptNo: fmt.Sprintf("UP-%d-%d-%d", personID, year, int64(tier)), Source: TierUpgradeSource}
	entries := []AccountEntry{{PersonID: personID, Scheme: ResidentPension, RegionCode: per.RegionCode, Period: m, Kind: EntryContribution, Amount: up.Difference}}
	if year == r.today.Year() {
		note := func(read policy.ParamRead) { up.Parameters = append(up.Parameters, read) }
		county := per.RegionCode.County()
		before, err := s.tierSubsidy(paid, r.today, county, r.subsidyMinimum, note)
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "subsidy parameters not in force", Err: err, Fields: map[string]string{"year": err.Error()}}
		}
		after, err := s.tierSubsidy(tier, r.today, county, r.subsidyMinimum, func(policy.ParamRead) {})
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "subsidy parameters not in force", Err: err, Fields: map[string]string{"year": err.Error()}}
		}
		if up.Subsidy = after - before; up.Subsidy > 0 {
			entries = append(entries, AccountEntry{PersonID: personID, Scheme: ResidentPension, RegionCode: per.RegionCode, Period: m,
				Kind: EntrySubsidy, Amount: up.Subsidy, Base: tier, Government: true})
		} else {
			up.Subsidy = 0
		}
	}
	postings := []AccountPosting{{Payment: up.Payment, Entries: entries}}
	if err := s.store.PostAccountPayments(ctx, "account.tier_upgrade", postings); err != nil {
		return nil, err
	}
	up.Payment = postings[0].Payment
	return up, nil
}
