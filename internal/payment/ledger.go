package payment

import (
	"context"
	"fmt"
	"slices"

	"safetynet/internal/auth"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Balance is an account's balance of a fund: debits positive.
type Balance struct {
	Fund    Fund      `json:"fund"`
	Account Account   `json:"account"`
	Amount  money.Fen `json:"amount"`
}

// StatusTotal sums the instructions of a fund in one status.
type StatusTotal struct {
	Fund   Fund      `json:"fund"`
	Status Status    `json:"status"`
	Count  int       `json:"count"`
	Amount money.Fen `json:"amount"`
}

// Check is one line of the reconciliation: what two records say of the
// same money, and the difference (0 when they agree to the fen).
type Check struct {
	Fund       Fund      `json:"fund"`
	Name       string    `json:"name"`
	Expected   money.Fen `json:"expected"`
	Actual     money.Fen `json:"actual"`
	Difference money.Fen `json:"difference"`
}

// Reconciliation matches the instructions, the bank's returns and the
// ledger (对账), fund by fund, for a month (or all months).
type Reconciliation struct {
	Period   period.Month  `json:"period,omitzero"`
	Region   region.Code   `json:"region"`
	Totals   []StatusTotal `json:"totals"`
	Balances []Balance     `json:"balances"`
	Checks   []Check       `json:"checks"`
	// Balanced is true when every check agrees to the fen.
	Balanced bool `json:"balanced"`
}

// Reconcile reconciles month m (all months when zero) in the region
// subtree:
//   - expense (Dr) equals every instruction made;
//   - payable (Cr) equals the instructions not yet paid;
//   - bank clearing equals what is with the bank: the lines of exported
//     batches not yet returned;
//   - the fund account (Cr) equals what was paid, plus what is in transit;
//   - every journal sums to zero (the ledger's balances sum to zero).
func (s *Service) Reconcile(ctx context.Context, m period.Month, code region.Code) (*Reconciliation, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	rec := &Reconciliation{Period: m, Region: code, Balanced: true}
	if rec.Totals, err = s.store.InstructionTotals(ctx, m, code); err != nil {
		return nil, err
	}
	if rec.Balances, err = s.store.Ledger(ctx, m, code); err != nil {
		return nil, err
	}
	transit, err := s.store.InTransit(ctx, m, code)
	if err != nil {
		return nil, err
	}
	type sums struct{ made, unpaid, paid money.Fen }
	by := map[Fund]*sums{}
	bal := map[Fund]map[Account]money.Fen{}
	for _, f := range Funds {
		by[f], bal[f] = &sums{}, map[Account]money.Fen{}
	}
	// Every sum is checked: the first overflow fails the reconciliation.
	var overflow error
	plus := func(a, b money.Fen) money.Fen {
		s, err := money.Add(a, b)
		if err != nil && overflow == nil {
			overflow = err
		}
		return s
	}
	minus := func(a, b money.Fen) money.Fen {
		d, err := money.Sub(a, b)
		if err != nil && overflow == nil {
			overflow = err
		}
		return d
	}
	for _, t := range rec.Totals {
		x := by[t.Fund]
		if x == nil {
			continue
		}
		if t.Status != Cancelled {
			x.made = plus(x.made, t.Amount)
		}
		switch t.Status {
		case Paid:
			x.paid = plus(x.paid, t.Amount)
		case Pending, Held, Batched, Failed:
			x.unpaid = plus(x.unpaid, t.Amount)
		}
	}
	var all money.Fen
	for _, b := range rec.Balances {
		if bal[b.Fund] != nil {
			bal[b.Fund][b.Account] = plus(bal[b.Fund][b.Account], b.Amount)
		}
		all = plus(all, b.Amount)
	}
	add := func(f Fund, name string, expected, actual money.Fen) {
		c := Check{Fund: f, Name: name, Expected: expected, Actual: actual, Difference: minus(actual, expected)}
		rec.Checks = append(rec.Checks, c)
		rec.Balanced = rec.Balanced && c.Difference == 0
	}
	for _, f := range Funds {
		x, b := by[f], bal[f]
		if x.made == 0 && len(b) == 0 {
			continue
		}
		add(f, "expense = instructions made", x.made, b[Expense])
		add(f, "payable = instructions not yet paid", x.unpaid, minus(0, b[Payable]))
		add(f, "bank clearing = exported lines not yet returned", transit[f], b[Clearing])
		add(f, "fund account = paid + in transit", plus(x.paid, transit[f]), minus(0, b[FundBank]))
	}
	add("", "ledger: debits = credits", 0, all)
	if overflow != nil {
		return nil, fmt.Errorf("reconcile %s in %s: %w", m, code, overflow)
	}
	slices.SortStableFunc(rec.Checks, func(a, b Check) int { return cmp(string(a.Fund), string(b.Fund)) })
	return rec, nil
}

// PaidRow is what a programme paid in a county in a month: the
// instructions the banks returned paid.
type PaidRow struct {
	Period    period.Month `json:"period"`
	Fund      Fund         `json:"fund"`
	Programme string       `json:"programme"`
	County    region.Code  `json:"county"`
	Payments  int          `json:"payments"`
	Amount    money.Fen    `json:"amount"`
}

// PaidReport reports the amounts paid by programme, county and month for
// months from through to (发放统计).
func (s *Service) PaidReport(ctx context.Context, from, to period.Month, code region.Code) ([]PaidRow, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	return s.store.PaidReport(ctx, from, to, code)
}
