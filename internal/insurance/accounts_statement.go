package insurance

import (
	"context"
	"fmt"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// StatementYear is one year of a personal-account statement (个人账户对账单).
type StatementYear struct {
	Year    int       `json:"year"`
	Opening money.Fen `json:"opening"`
	// Contributions are the individual parts credited (个人缴费).
	Contributions money.Fen `json:"contributions"`
	// Subsidies are the government contribution subsidies (政府缴费补贴)
	// and collective subsidies (集体补助).
	Subsidies money.Fen `json:"subsidies"`
	// Hardship are the premiums paid by government (代缴).
	Hardship     money.Fen `json:"hardship"`
	BackPayments money.Fen `json:"back_payments"`
	Interest     money.Fen `json:"interest"`
	// Transfers are the accounts moved in less those moved out (转移).
	Transfers money.Fen `json:"transfers"`
	// Refunds are refunded contributions, negative.
	Refunds money.Fen `json:"refunds"`
	Closing money.Fen `json:"closing"`
	// Months counts the months of the year with a contribution credited.
	Months int `json:"months"`
}

// Statement is a person's personal-account statement (个人账户对账单) in one
// scheme.
type Statement struct {
	PersonID registry.PersonID `json:"person_id"`
	Name     string            `json:"name"`
	Scheme   Scheme            `json:"scheme"`
	Years    []StatementYear   `json:"years"`
	Entries  []AccountEntry    `json:"entries"`
	Balance  money.Fen         `json:"balance"`
	// Government is the part of the balance from public money (subsidies,
	// 代缴), which is neither refunded nor inherited.
	Government money.Fen `json:"government"`
	// ContributionMonths counts the months contributed (employee pension:
	// months with a contribution or back payment); ContributionYears the
	// years (employee: whole years of months; resident: the years with a
	// contribution, back payment or 代缴).
	ContributionMonths int `json:"contribution_months"`
	ContributionYears  int `json:"contribution_years"`
	// Transfers are the employee pension's moves in and out (转移接续);
	// the months moved in count in ContributionMonths.
	Transfers []Transfer `json:"transfers"`
}

// Statement returns a person's personal-account statement in scheme. Staff
// read it with registry access in the person's region; a citizen reads
// their own.
func (s *Accounts) Statement(ctx context.Context, personID registry.PersonID, scheme Scheme) (*Statement, error) {
	if scheme != EmployeePension && scheme != ResidentPension {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid statement request",
			Fields: map[string]string{"scheme": "must be employee_pension or resident_pension"}}
	}
	if p, ok := auth.PrincipalFrom(ctx); ok && p.Role == auth.RoleCitizen && p.PersonID != int64(personID) {
		// Refuse before the lookup, so that a citizen learns nothing of
		// whether another person exists.
		return nil, fault.Errorf(fault.Forbidden, "a citizen reads only their own records")
	}
	per, err := s.registry.Person(ctx, personID)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireSelfOr(ctx, auth.PermRegistryRead, int64(personID), per.RegionCode); err != nil {
		return nil, err
	}
	es, err := s.store.AccountEntries(ctx, personID, scheme)
	if err != nil {
		return nil, err
	}
	st, err := BuildStatement(es)
	if err != nil {
		return nil, err
	}
	st.PersonID, st.Name, st.Scheme = personID, per.Name, scheme
	st.Transfers = []Transfer{}
	if scheme == EmployeePension {
		if st.Transfers, err = s.store.Transfers(ctx, personID); err != nil {
			return nil, err
		}
		for _, t := range st.Transfers {
			if t.Direction == TransferInward && t.Status == TransferDone { // a pending or rejected one brought nothing yet
				st.ContributionMonths += t.Months
			}
		}
		st.ContributionYears = st.ContributionMonths / 12
	}
	return st, nil
}

// BuildStatement sums entries, in period order, into a statement. The sums
// are checked: entries that add up past an int64 of fen are an error
// wrapping money.ErrOverflow, never a wrapped balance.
func BuildStatement(es []AccountEntry) (*Statement, error) {
	st := &Statement{Entries: es, Years: []StatementYear{}}
	var overflow error
	add := func(dst *money.Fen, v money.Fen) {
		if overflow != nil {
			return
		}
		sum, err := money.Add(*dst, v)
		if err != nil {
			overflow = err
			return
		}
		*dst = sum
	}
	if st.Entries == nil {
		st.Entries = []AccountEntry{}
	}
	months := map[period.Month]bool{}
	years := map[int]bool{}
	var y *StatementYear
	for i := range es {
		e := &es[i]
		yr := e.Period.Year()
		if y == nil || y.Year != yr {
			// Years with no entry are not shown; the balance carries over.
			st.Years = append(st.Years, StatementYear{Year: yr, Opening: st.Balance, Closing: st.Balance})
			y = &st.Years[len(st.Years)-1]
		}
		switch e.Kind {
		case EntryContribution:
			add(&y.Contributions, e.Amount)
		case EntrySubsidy, EntryCollective:
			add(&y.Subsidies, e.Amount)
		case EntryHardship:
			add(&y.Hardship, e.Amount)
		case EntryBackPayment:
			add(&y.BackPayments, e.Amount)
		case EntryInterest:
			add(&y.Interest, e.Amount)
		case EntryTransferIn, EntryTransferOut:
			add(&y.Transfers, e.Amount)
		case EntryRefund:
			add(&y.Refunds, e.Amount)
		}
		switch e.Kind {
		case EntryContribution, EntryBackPayment:
			if !months[e.Period] {
				months[e.Period] = true
				y.Months++
			}
			years[yr] = true
		case EntryHardship:
			years[yr] = true
		}
		add(&st.Balance, e.Amount)
		y.Closing = st.Balance
		if e.Government {
			add(&st.Government, e.Amount)
		}
	}
	st.ContributionMonths = len(months)
	if len(es) > 0 && es[0].Scheme == ResidentPension {
		st.ContributionYears = len(years)
	} else {
		st.ContributionYears = st.ContributionMonths / 12
	}
	if overflow != nil {
		return nil, fmt.Errorf("account statement: %w", overflow)
	}
	return st, nil
}

// AccountBalance returns the sum of a person's entries in scheme with
// period before the month before (every entry if before is zero). It is
// for other services; the caller checks access.
func (s *Accounts) AccountBalance(ctx context.Context, personID registry.PersonID, scheme Scheme, before period.Month) (money.Fen, error) {
	return s.store.AccountBalance(ctx, personID, scheme, before)
}
