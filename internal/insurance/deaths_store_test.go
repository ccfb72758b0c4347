package insurance_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// deathUsers are a caseworker who proposes and an approver who decides.
func deathUsers() (cw, approver, sameAsCW context.Context) {
	p := func(id int64, role auth.Role) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: fmt.Sprint("user", id), Role: role, Scope: "652300"})
	}
	return p(2, auth.RoleCaseworker), p(3, auth.RoleApprover), p(2, auth.RoleApprover)
}

// survivor registers a survivor living in the deceased's village, with a
// confirmed primary account when withAccount.
func survivor(t *testing.T, pb sqlstoretest.Pensions, of *registry.Person, seq int, withAccount bool) *registry.Person {
	t.Helper()
	s := pb.Person(t, of.RegionCode, seq)
	if withAccount {
		sqlstoretest.AddAccount(t, pb.Svc, pb.Ctx, &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(s.ID), BankCode: "ICBC",
			BankName: "ICBC 昌吉分行", AccountNo: fmt.Sprintf("6222000000%06d", seq), AccountName: s.Name, Primary: true})
	}
	return s
}

func recordDeath(t *testing.T, pb sqlstoretest.Pensions, p *registry.Person, d period.Date) {
	t.Helper()
	if _, err := pb.Svc.RecordDeath(pb.Ctx, p.ID, d, "public_security"); err != nil {
		t.Fatal(err)
	}
}

// TestDeathOfRetiree settles a retiree's death: the payroll paid two
// months after it, the grant and benefit explained in words, the account
// balance left after the account pension drawn, the overpayment
// recovered, approved by a second user and paid through an instruction
// balanced in the ledger.
func TestDeathOfRetiree(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver, sameAsCW := deathUsers()
		v := sqlstoretest.Village(t, "652301", 0)
		// N 30 years (2 months paid, 358 deemed), a balance of 150,000,
		// the pension from 2026-01.
		p := pb.Retiree(t, v, period.MustDate(1964, time.December, 5), 1)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.January), 800000)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.February), 800000)
		pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2025, time.March), 15000000)
		a, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale,
			Start: period.NewMonth(2026, time.January), DeemedMonths: 358})
		if err != nil {
			t.Fatal(err)
		}
		var accountPension money.Fen
		if _, err := fmt.Sscan(variable(a.Decision, "account_pension"), &accountPension); err != nil || accountPension <= 0 {
			t.Fatalf("account pension %q: %v", variable(a.Decision, "account_pension"), err)
		}
		for m := period.NewMonth(2026, time.July); m <= period.NewMonth(2026, time.September); m = m.Add(1) {
			if _, err := pb.Pen.Payroll(pb.Ctx, m, "652301"); err != nil {
				t.Fatal(err)
			}
		}
		recordDeath(t, pb, p, period.MustDate(2026, time.July, 15))
		if _, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2026, time.October), "652301"); err != nil {
			t.Fatal(err)
		}
		overs, err := pb.Pen.Overpayments(pb.Ctx, "652301", insurance.OverpaymentOutstanding)
		if err != nil || len(overs) != 2 {
			t.Fatalf("overpayments %+v, %v: want August and September", overs, err)
		}
		overpaid := overs[0].Amount + overs[1].Amount
		s := survivor(t, pb, p, 2, true)
		// The household (the deceased and the survivor) has a 低保 award due
		// for review in 2027, and the deceased a high-age allowance.
		h := &registry.Household{RegionCode: v, HukouType: registry.HukouUrban, Members: []registry.Member{
			{PersonID: p.ID, Relation: registry.RelHead}, {PersonID: s.ID, Relation: registry.RelSpouse}}}
		if err := pb.Svc.CreateHousehold(pb.Ctx, h); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO assistance_awards (id, programme, kind, household_id, region_code, amount, start_month, status, review_due, created_by, created_at)
				VALUES (501, 'dibao', 'monthly', %d, '%s', 50000, '2026-01', 'active', '2027-01-01', 't', '2026-01-01T00:00:00Z')`, h.ID, v),
			fmt.Sprintf(`INSERT INTO assistance_awards (id, programme, kind, person_id, region_code, amount, start_month, status, created_by, created_at)
				VALUES (502, 'high_age_allowance', 'monthly', %d, '%s', 5000, '2026-01', 'active', 't', '2026-01-01T00:00:00Z')`, p.ID, v),
		} {
			if err := pb.DB.ExecRaw(pb.Ctx, q); err != nil {
				t.Fatal(err)
			}
		}

		d, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID})
		if err != nil {
			t.Fatalf("Propose: %v", err)
		}
		// Base 2026 (the 2025 value): 42,100 / 12 = 3,508.33. 30 years give
		// 24 months; no whole year drawn (7 months). Account: 150,000 less
		// 7 months of the account pension.
		want := insurance.SettlementAmounts{FuneralGrant: 701666, SurvivorsBenefit: 350833 * 24, Inheritable: 15000000 - accountPension*7,
			Overpayment: overpaid, Recovered: overpaid}
		want.Net = want.FuneralGrant + want.SurvivorsBenefit + want.Inheritable - overpaid
		if d.SettlementAmounts != want || d.Status != insurance.SettlementProposed || d.Scheme != insurance.EmployeePension {
			t.Fatalf("settlement %+v %s %s, want %+v", d.SettlementAmounts, d.Status, d.Scheme, want)
		}
		if d.Detail.MonthsDrawn != 7 || !d.Detail.Retired || d.Detail.ContributionMonths != 360 {
			t.Errorf("detail %+v", d.Detail)
		}
		steps := strings.Join(d.Detail.Steps, "\n")
		for _, w := range []string{"丧葬补助金 = 上一年度城镇居民月人均可支配收入 3,508.33 元 × 2 个月 = 7,016.66 元",
			"× 24 个月（缴费年限 30 年，已领取基本养老金 0 年", fmt.Sprintf("已领取个人账户养老金 %s 元（%s 元/月 × 7 个月）", accountPension*7, accountPension),
			"先从个人账户余额、再从丧葬补助金和抚恤金中扣回"} {
			if !strings.Contains(steps, w) {
				t.Errorf("steps lack %q:\n%s", w, steps)
			}
		}
		if ex, err := pb.App.Deaths.Policy().Explain(d.Detail.Decision, policyZH()); err != nil || !strings.Contains(ex.Summary, "元") {
			t.Errorf("Explain = %+v, %v", ex, err)
		}

		// One settlement per deceased: a second proposal is refused.
		if _, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID}); fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("second proposal: %v, want Conflict", err)
		}
		// Maker-checker: the proposer cannot approve, even as an approver.
		if _, err := pb.App.Deaths.Decide(sameAsCW, d.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Fatalf("proposer approves: %v, want Forbidden", err)
		}
		if _, err := pb.App.Deaths.Decide(cw, d.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Fatalf("caseworker approves: %v, want Forbidden", err)
		}
		got, err := pb.App.Deaths.Decide(approver, d.ID, true, "")
		if err != nil {
			t.Fatalf("Decide: %v", err)
		}
		if got.Status != insurance.SettlementApproved || got.InstructionID == 0 {
			t.Fatalf("decided %+v", got)
		}
		if _, err := pb.App.Deaths.Decide(approver, d.ID, true, ""); fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("second decision: %v, want Conflict", err)
		}
		// The survivor is paid the net through an instruction of the month
		// of approval, to their confirmed account.
		m := sqlstoretest.Today.Period()
		ins, err := pb.DB.Instructions(pb.Ctx, payment.InstructionFilter{Period: m, PayeeID: int64(s.ID), Limit: 10})
		if err != nil || len(ins) != 1 {
			t.Fatalf("instructions %+v, %v", ins, err)
		}
		in := ins[0]
		if in.Amount != want.Net || in.Fund != payment.FundEmployeePension || in.Status != payment.Pending || in.BankAccountID == 0 ||
			in.Source != payment.SourceBenefit || in.SourceRef != int64(d.ID) || in.ID != got.InstructionID {
			t.Fatalf("instruction %+v, want %s to the survivor's account", in, want.Net)
		}
		// The ledger: expense and payable of the fund, balanced.
		bal, err := pb.DB.Ledger(pb.Ctx, m, "652301")
		if err != nil {
			t.Fatal(err)
		}
		var sum money.Fen
		for _, b := range bal {
			sum += b.Amount
			if b.Fund == payment.FundEmployeePension && b.Account == payment.Expense && b.Amount != want.Net {
				t.Errorf("expense %s, want %s", b.Amount, want.Net)
			}
		}
		if sum != 0 || len(bal) != 2 {
			t.Errorf("ledger %+v does not balance", bal)
		}
		// The overpayments are recovered, the pension stays stopped.
		if left, _ := pb.Pen.Overpayments(pb.Ctx, "652301", insurance.OverpaymentOutstanding); len(left) != 0 {
			t.Errorf("outstanding after settlement: %+v", left)
		}
		if aw, _ := pb.Pen.FindAward(pb.Ctx, a.ID); aw.Status != insurance.AwardStopped || aw.StopMonth != period.NewMonth(2026, time.July) {
			t.Errorf("award %s stop %s", aw.Status, aw.StopMonth)
		}
		// Assistance: the household's 低保 is due for review on the first
		// day of the month after the death; the allowance ended with it.
		var due, status, end string
		if err := pb.DB.QueryRowRaw(pb.Ctx, `SELECT CAST(review_due AS TEXT) FROM assistance_awards WHERE id = 501`).Scan(&due); err != nil || !strings.HasPrefix(due, "2026-08-01") {
			t.Errorf("review of the household's award: %q, %v, want 2026-08-01", due, err)
		}
		if err := pb.DB.QueryRowRaw(pb.Ctx, `SELECT status, end_month FROM assistance_awards WHERE id = 502`).Scan(&status, &end); err != nil || status != "stopped" || end != "2026-07" {
			t.Errorf("the deceased's allowance: %s to %s, %v, want stopped with 2026-07", status, end, err)
		}
		if n := sqlstoretest.AuditActions(t, pb.DB); n["death_settlement.propose"] != 1 || n["death_settlement.approve"] != 1 {
			t.Errorf("audit %v", n)
		}
	})
}

// TestDeathOfWorker settles the death of an insured worker not retired:
// the contribution years decide the months of the benefit, the whole
// personal account is inherited, and the pension the payroll has not
// stopped (none here) needs no recovery.
func TestDeathOfWorker(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver, _ := deathUsers()
		v := sqlstoretest.Village(t, "652301", 1)
		p := pb.Retiree(t, v, period.MustDate(1980, time.May, 1), 3)
		pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible, Base: 500000,
			Start: period.NewMonth(2022, time.January)})
		// 16 years and 3 months paid: 16 whole years, 10 months.
		for m := period.NewMonth(2010, time.January); m < period.NewMonth(2010, time.January).Add(195); m = m.Add(1) {
			pb.Pay(t, p, insurance.EmployeePension, m, 500000)
		}
		pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2025, time.December), 5000000)
		recordDeath(t, pb, p, period.MustDate(2026, time.April, 3))
		s := survivor(t, pb, p, 4, false)
		d, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID})
		if err != nil {
			t.Fatalf("Propose: %v", err)
		}
		want := insurance.SettlementAmounts{FuneralGrant: 701666, SurvivorsBenefit: 3508330, Inheritable: 5000000, Net: 701666 + 3508330 + 5000000}
		if d.SettlementAmounts != want || d.Detail.Retired || d.Detail.ContributionMonths != 195 {
			t.Fatalf("settlement %+v detail %+v, want %+v", d.SettlementAmounts, d.Detail, want)
		}
		if steps := strings.Join(d.Detail.Steps, "\n"); !strings.Contains(steps, "× 10 个月（缴费年限 16 年）") {
			t.Errorf("steps:\n%s", steps)
		}
		// Died at work: the work-injury fund pays, no grant here.
		r, err := pb.App.Deaths.Decide(approver, d.ID, false, "因工死亡，转工伤保险")
		if err != nil || r.Status != insurance.SettlementRejected {
			t.Fatalf("reject: %+v, %v", r, err)
		}
		d, err = pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID, DiedAtWork: true})
		if err != nil || d.FuneralGrant != 0 || d.SurvivorsBenefit != 0 || d.Net != 5000000 {
			t.Fatalf("at work: %+v, %v", d, err)
		}
		// The survivor has no account: the instruction is held.
		if _, err := pb.App.Deaths.Decide(approver, d.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		ins, err := pb.DB.Instructions(pb.Ctx, payment.InstructionFilter{PayeeID: int64(s.ID), Limit: 10})
		if err != nil || len(ins) != 1 || ins[0].Status != payment.Held || ins[0].Amount != 5000000 {
			t.Fatalf("instructions %+v, %v: want one held", ins, err)
		}
	})
}

// TestDeathResidentPension: a resident's whole account balance is
// inherited, public money included, from the resident fund.
func TestDeathResidentPension(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver, _ := deathUsers()
		v := sqlstoretest.Village(t, "652301", 2)
		p := pb.Retiree(t, v, period.MustDate(1975, time.June, 1), 5)
		pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 50000,
			Start: period.NewMonth(2015, time.January)})
		pb.Credit(t, p, insurance.ResidentPension, period.NewMonth(2024, time.December), 600000)
		if err := pb.DB.ExecRaw(pb.Ctx, fmt.Sprintf(`INSERT INTO account_entries (person_id, scheme, region_code, period, kind, amount, government, ref, created_at)
			VALUES (%d, 'resident_pension', '%s', '2025-12', 'subsidy', 8000, %s, 'test:subsidy', '2020-01-01T00:00:00Z')`, p.ID, v, boolLit(pb.DB))); err != nil {
			t.Fatal(err)
		}
		recordDeath(t, pb, p, period.MustDate(2026, time.May, 20))
		s := survivor(t, pb, p, 6, true)
		d, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID})
		if err != nil {
			t.Fatalf("Propose: %v", err)
		}
		if d.Scheme != insurance.ResidentPension || d.Inheritable != 608000 || d.FuneralGrant != 0 || d.Net != 608000 || d.Detail.Decision != nil {
			t.Fatalf("settlement %+v", d)
		}
		if _, err := pb.App.Deaths.Decide(approver, d.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		ins, err := pb.DB.Instructions(pb.Ctx, payment.InstructionFilter{PayeeID: int64(s.ID), Limit: 10})
		if err != nil || len(ins) != 1 || ins[0].Fund != payment.FundResidentPension || ins[0].Amount != 608000 {
			t.Fatalf("instructions %+v, %v", ins, err)
		}
	})
}

// TestDeathSettlementRefusals: a living person, a dead survivor, and two
// proposals at once, of which one is written.
func TestDeathSettlementRefusals(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver, _ := deathUsers()
		v := sqlstoretest.Village(t, "652301", 3)
		p := pb.Retiree(t, v, period.MustDate(1980, time.May, 1), 7)
		pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible, Base: 500000,
			Start: period.NewMonth(2022, time.January)})
		s := survivor(t, pb, p, 8, true)
		_, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID})
		if fe := (*fault.Error)(nil); !errors.As(err, &fe) || fe.Code != fault.Invalid || fe.Fields["id"] == "" {
			t.Fatalf("living person: %v, want Invalid naming id", err)
		}
		recordDeath(t, pb, p, period.MustDate(2026, time.June, 1))
		if _, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: p.ID}); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("the deceased as survivor: %v", err)
		}
		if _, err := pb.App.Deaths.Decide(approver, 999, true, ""); fault.CodeOf(err) != fault.NotFound {
			t.Fatalf("unknown settlement: %v", err)
		}
		// A double submit: one settlement written.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID})
			}()
		}
		wg.Wait()
		ok, conflicts := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case fault.CodeOf(err) == fault.Conflict:
				conflicts++
			default:
				t.Errorf("concurrent proposal: %v", err)
			}
		}
		if ok != 1 || conflicts != 1 {
			t.Fatalf("concurrent proposals: %d written, %d conflicts, want 1 and 1", ok, conflicts)
		}
		// Rejecting needs a reason.
		list, _ := pb.DB.DeathSettlement(pb.Ctx, 1)
		if list != nil {
			if _, err := pb.App.Deaths.Decide(approver, list.ID, false, " "); fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("reject without reason: %v", err)
			}
		}
	})
}

func policyZH() policy.ExplainOptions { return policy.ExplainOptions{Lang: policy.ZH} }

// boolLit is true as the engine writes it in SQL.
func boolLit(db *sqlstore.DB) string {
	if db.Dialect() == sqlstore.Postgres {
		return "TRUE"
	}
	return "1"
}

// TestDeathBeforeThePayrollStops: a death recorded after the months paid
// past it, settled before any payroll run stopped the award: the months
// are found, recovered, and the award stopped by the settlement.
func TestDeathBeforeThePayrollStops(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver, _ := deathUsers()
		a := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 4), period.MustDate(1964, time.December, 5), 9, period.NewMonth(2026, time.July))
		for m := period.NewMonth(2026, time.July); m <= period.NewMonth(2026, time.September); m = m.Add(1) {
			if _, err := pb.Pen.Payroll(pb.Ctx, m, "652301"); err != nil {
				t.Fatal(err)
			}
		}
		p, err := pb.Svc.Person(pb.Ctx, a.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		recordDeath(t, pb, p, period.MustDate(2026, time.July, 20))
		s := survivor(t, pb, p, 10, true)
		d, err := pb.App.Deaths.Propose(cw, insurance.DeathRequest{PersonID: p.ID, SurvivorID: s.ID})
		if err != nil {
			t.Fatal(err)
		}
		if d.Overpayment != 2*a.Amount || d.Recovered != 2*a.Amount || len(d.Detail.Overpayments) != 2 {
			t.Fatalf("overpayment %s recovered %s (%+v), want August and September, 2 × %s", d.Overpayment, d.Recovered, d.Detail.Overpayments, a.Amount)
		}
		if _, err := pb.App.Deaths.Decide(approver, d.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if aw, _ := pb.Pen.FindAward(pb.Ctx, a.ID); aw.Status != insurance.AwardStopped || aw.StopMonth != period.NewMonth(2026, time.July) {
			t.Errorf("award %s stop %s", aw.Status, aw.StopMonth)
		}
		all, err := pb.Pen.Overpayments(pb.Ctx, "652301", "")
		if err != nil || len(all) != 2 || all[0].Status != insurance.OverpaymentRecovered || all[1].Status != insurance.OverpaymentRecovered {
			t.Fatalf("overpayments %+v, %v: want two, recovered", all, err)
		}
		// The payroll after it finds the award stopped: nothing new.
		s2, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2026, time.October), "652301")
		if err != nil || s2.Stopped != 0 || len(s2.Overpayments) != 0 {
			t.Fatalf("October run %+v, %v", s2, err)
		}
	})
}
