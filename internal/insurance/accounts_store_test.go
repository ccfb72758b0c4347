package insurance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// accBundle adds the accounts service to the insurance test bundle.
type accBundle struct {
	sqlstoretest.Insurance
	acc *insurance.Accounts
	n   int
}

func setupAccounts(t *testing.T, open func(testing.TB) *sqlstore.DB) *accBundle {
	t.Helper()
	ib := sqlstoretest.NewInsurance(t, open)
	return &accBundle{Insurance: ib, acc: ib.App.Accounts}
}

// pay posts one payment of p and returns it with its key.
func (ab *accBundle) pay(t *testing.T, p *registry.Person, scheme insurance.Scheme, m period.Month, base, employer, individual money.Fen, src insurance.Source) insurance.Payment {
	t.Helper()
	ab.n++
	py := insurance.Payment{PersonID: p.ID, Scheme: scheme, Period: m, RegionCode: p.RegionCode, Base: base, Employer: employer,
		Individual: individual, PaidOn: m.Last(), ReceiptNo: fmt.Sprintf("ACC-%06d", ab.n), Source: src}
	ps := []insurance.Payment{py}
	if err := ab.DB.PostPayments(ab.Ctx, ps); err != nil {
		t.Fatalf("PostPayments: %v", err)
	}
	return ps[0]
}

func (ab *accBundle) entries(t *testing.T, p *registry.Person, scheme insurance.Scheme) []insurance.AccountEntry {
	t.Helper()
	es, err := ab.DB.AccountEntries(context.Background(), p.ID, scheme)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestAccountCredit(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		jan, feb := period.NewMonth(2025, time.January), period.NewMonth(2025, time.February)
		a := ab.Person(t, sqlstoretest.Village(t, "652301", 0), 1) // employee, 昌吉市
		b := ab.Person(t, sqlstoretest.Village(t, "652302", 0), 2) // resident at 500, 阜康市
		c := ab.Person(t, sqlstoretest.Village(t, "652301", 1), 3) // resident at 100, 昌吉市
		d := ab.Person(t, sqlstoretest.Village(t, "652302", 1), 4) // resident at 4,500
		e := ab.Person(t, sqlstoretest.Village(t, "652302", 2), 5) // employer-only payment, back payment
		pa := ab.pay(t, a, insurance.EmployeePension, jan, 600055, 96009, 48004, insurance.Posted)
		ab.pay(t, a, insurance.EmployeePension, feb, 600055, 96009, 48004, insurance.Posted) // another month
		ab.pay(t, a, insurance.Unemployment, jan, 600055, 3000, 1200, insurance.Posted)      // no account
		pb := ab.pay(t, b, insurance.ResidentPension, jan, 0, 0, 50000, insurance.Posted)
		ab.pay(t, c, insurance.ResidentPension, jan, 0, 0, 10000, insurance.TaxBureau)
		ab.pay(t, d, insurance.ResidentPension, jan, 0, 0, 450000, insurance.Posted)
		ab.pay(t, e, insurance.EmployeePension, jan, 500000, 80000, 0, insurance.Posted)
		ab.pay(t, e, insurance.ResidentPension, jan, 0, 0, 20000, insurance.BackPaymentSource)

		// 昌吉市 first: a's contribution and c's contribution and subsidy.
		sum, err := ab.acc.Credit(ab.Ctx, jan, "652301")
		if err != nil {
			t.Fatalf("Credit(652301): %v", err)
		}
		if sum.Payments != 2 || sum.Posted != 3 || sum.AlreadyPosted != 0 || sum.Contributions != 48004+10000 || sum.Subsidies != 3000 {
			t.Errorf("Credit(652301) = %+v, want 2 payments, 3 entries, 580.04 + 100 contributions, 30 subsidy", sum)
		}
		sum, err = ab.acc.Credit(ab.Ctx, jan, "")
		if err != nil {
			t.Fatalf("Credit: %v", err)
		}
		// 8% of 6,000.55 is 480.044 → 480.04; 500 → 60; 4,500 → 160 (the 3,000 bracket).
		if sum.Payments != 4 || sum.Posted != 4 || sum.AlreadyPosted != 3 || sum.Contributions != 50000+450000 || sum.Subsidies != 6000+16000 {
			t.Errorf("Credit(all) = %+v, want 4 payments, 4 new entries, 3 already posted", sum)
		}
		keys := map[string]bool{}
		for _, p := range sum.Parameters {
			keys[p.Key] = true
		}
		for _, k := range []string{"employee_pension.account_credit_ratio", "resident_pension.contribution_subsidy.by_tier", "resident_pension.contribution_subsidy.minimum"} {
			if !keys[k] {
				t.Errorf("parameters read lack %s: %v", k, keys)
			}
		}
		again, err := ab.acc.Credit(ab.Ctx, jan, "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Posted != 0 || again.AlreadyPosted != 7 || again.Contributions != 0 {
			t.Errorf("second run = %+v, want nothing posted and 7 already posted", again)
		}
		if n := sqlstoretest.AuditActions(t, ab.DB)["account.credit"]; n != 2 {
			t.Errorf("account.credit audit events = %d, want 2 (the no-op run writes none)", n)
		}

		ea := ab.entries(t, a, insurance.EmployeePension)
		if len(ea) != 1 || ea[0].Amount != 48004 || ea[0].Base != 600055 || ea[0].Kind != insurance.EntryContribution ||
			ea[0].Ref != fmt.Sprintf("payment:%d", pa.ID) || ea[0].Period != jan || ea[0].Government || ea[0].CreatedAt.IsZero() {
			t.Errorf("a's entries = %+v", ea)
		}
		eb := ab.entries(t, b, insurance.ResidentPension)
		if len(eb) != 2 || eb[0].Kind != insurance.EntryContribution || eb[0].Amount != 50000 || eb[0].Government ||
			eb[1].Kind != insurance.EntrySubsidy || eb[1].Amount != 6000 || !eb[1].Government || eb[1].Ref != fmt.Sprintf("payment:%d", pb.ID) {
			t.Errorf("b's entries = %+v", eb)
		}
		if es := ab.entries(t, e, insurance.ResidentPension); len(es) != 0 {
			t.Errorf("a back payment was credited by the monthly run: %+v", es)
		}
		if es := ab.entries(t, e, insurance.EmployeePension); len(es) != 0 {
			t.Errorf("an employer-only payment was credited: %+v", es)
		}
		bal, err := ab.acc.AccountBalance(ab.Ctx, b.ID, insurance.ResidentPension, 0)
		if err != nil || bal != 56000 {
			t.Errorf("AccountBalance(b) = %s, %v; want 560.00", bal, err)
		}
		if bal, _ := ab.acc.AccountBalance(ab.Ctx, b.ID, insurance.ResidentPension, jan); bal != 0 {
			t.Errorf("AccountBalance(b, before %s) = %s, want 0", jan, bal)
		}

		// A caseworker of 阜康市 cannot credit 昌吉市.
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 9, Username: "cw", Role: auth.RoleCaseworker, Scope: "652302"})
		if _, err := ab.acc.Credit(cw, feb, "652301"); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Credit outside scope: %v, want Forbidden", err)
		}
		if _, err := ab.acc.Credit(ab.Ctx, 0, ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Credit with no month: %v, want Invalid", err)
		}
	})
}

func TestAccountInterest(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		a := ab.Person(t, sqlstoretest.Village(t, "652301", 0), 11)
		b := ab.Person(t, sqlstoretest.Village(t, "652302", 0), 12)
		for _, m := range []period.Month{period.NewMonth(2022, time.December), period.NewMonth(2023, time.March), period.NewMonth(2023, time.December)} {
			ab.pay(t, a, insurance.EmployeePension, m, 100000, 16000, 8000, insurance.Posted)
		}
		ab.pay(t, b, insurance.ResidentPension, period.NewMonth(2023, time.January), 0, 0, 50000, insurance.Posted)
		for _, m := range []period.Month{period.NewMonth(2022, time.December), period.NewMonth(2023, time.January), period.NewMonth(2023, time.March), period.NewMonth(2023, time.December)} {
			if _, err := ab.acc.Credit(ab.Ctx, m, ""); err != nil {
				t.Fatalf("Credit(%s): %v", m, err)
			}
		}
		sum, err := ab.acc.CreditInterest(ab.Ctx, 2023, "")
		if err != nil {
			t.Fatalf("CreditInterest(2023): %v", err)
		}
		// a: (80 × 12 + 80 × 9 + 80 × 0) fen-months... in fen: 168,000 × 3.97% / 12 = 555.8 → 556.
		// b: (500 + 60) × 11 months × 3% / 12 = 15.40 yuan.
		if sum.Persons[insurance.EmployeePension] != 1 || sum.Interest[insurance.EmployeePension] != 556 ||
			sum.Persons[insurance.ResidentPension] != 1 || sum.Interest[insurance.ResidentPension] != 1540 {
			t.Errorf("CreditInterest(2023) = %+v", sum)
		}
		ea := ab.entries(t, a, insurance.EmployeePension)
		last := ea[len(ea)-1]
		if last.Kind != insurance.EntryInterest || last.Ref != "interest:2023" || last.Period != period.NewMonth(2023, time.December) || last.Amount != 556 {
			t.Errorf("a's interest entry = %+v", last)
		}
		again, err := ab.acc.CreditInterest(ab.Ctx, 2023, "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Persons[insurance.EmployeePension] != 0 || again.AlreadyPosted[insurance.EmployeePension] != 1 || again.AlreadyPosted[insurance.ResidentPension] != 1 {
			t.Errorf("second run = %+v, want nothing new", again)
		}
		if n := sqlstoretest.AuditActions(t, ab.DB)["account.interest"]; n != 1 {
			t.Errorf("account.interest events = %d, want 1", n)
		}
		// 2024 compounds: (240 + 5.56) × 2.62% = 6.433672 → 6.43.
		sum, err = ab.acc.CreditInterest(ab.Ctx, 2024, "652301")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Interest[insurance.EmployeePension] != 643 || sum.Persons[insurance.ResidentPension] != 0 {
			t.Errorf("CreditInterest(2024, 652301) = %+v", sum)
		}
		// 2015 has no employee rate; 2026 is not over; in 2027, 2026 would
		// still have no rate of its own.
		if _, err := ab.acc.CreditInterest(ab.Ctx, 2015, ""); fault.CodeOf(err) != fault.Invalid || !strings.Contains(err.Error()+fmt.Sprint(fault.FieldsOf(err)), "employee_pension.account_interest_rate") {
			t.Errorf("CreditInterest(2015) = %v, want Invalid naming the rate", err)
		}
		if _, err := ab.acc.CreditInterest(ab.Ctx, 2026, ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("CreditInterest(2026) = %v, want Invalid", err)
		}
		ab.Clock.Set(func() time.Time { return time.Date(2027, time.July, 1, 0, 0, 0, 0, time.UTC) })
		_, err = ab.acc.CreditInterest(ab.Ctx, 2026, "")
		if fault.CodeOf(err) != fault.Invalid || !strings.Contains(fmt.Sprint(fault.FieldsOf(err)), "not published") {
			t.Errorf("CreditInterest(2026) in 2027 = %v, want the rate not published", err)
		}

		st, err := ab.acc.Statement(ab.Ctx, a.ID, insurance.EmployeePension)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Years) != 3 || st.Balance != 24000+556+643 || st.ContributionMonths != 3 || st.ContributionYears != 0 || len(st.Entries) != 5 {
			t.Fatalf("statement = %+v", st)
		}
		y := st.Years[1]
		if y.Year != 2023 || y.Opening != 8000 || y.Contributions != 16000 || y.Interest != 556 || y.Closing != 24556 || y.Months != 2 {
			t.Errorf("2023 = %+v", y)
		}
		if st.Years[2].Opening != 24556 || st.Years[2].Closing != st.Balance {
			t.Errorf("2024 = %+v", st.Years[2])
		}
		rs, err := ab.acc.Statement(ab.Ctx, b.ID, insurance.ResidentPension)
		if err != nil || rs.Government != 6000 || rs.ContributionYears != 1 || rs.Balance != 56000+1540 {
			t.Errorf("resident statement = %+v, %v", rs, err)
		}
	})
}
