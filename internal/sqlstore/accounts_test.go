package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// accBundle adds the accounts service to the insurance test bundle.
type accBundle struct {
	insBundle
	acc *insurance.Accounts
	n   int
}

func setupAccounts(t *testing.T, open func(testing.TB) *sqlstore.DB) *accBundle {
	t.Helper()
	ib := setupInsurance(t, open)
	acc := insurance.NewAccounts(ib.db, ib.db, ib.pk)
	acc.NowFunc = ib.svc.NowFunc
	return &accBundle{insBundle: ib, acc: acc}
}

// pay posts one payment of p and returns it with its key.
func (ab *accBundle) pay(t *testing.T, p *registry.Person, scheme insurance.Scheme, m period.Month, base, employer, individual money.Fen, src insurance.Source) insurance.Payment {
	t.Helper()
	ab.n++
	py := insurance.Payment{PersonID: p.ID, Scheme: scheme, Period: m, RegionCode: p.RegionCode, Base: base, Employer: employer,
		Individual: individual, PaidOn: m.Last(), ReceiptNo: fmt.Sprintf("ACC-%06d", ab.n), Source: src}
	ps := []insurance.Payment{py}
	if err := ab.db.PostPayments(ab.ctx, ps); err != nil {
		t.Fatalf("PostPayments: %v", err)
	}
	return ps[0]
}

func (ab *accBundle) entries(t *testing.T, p *registry.Person, scheme insurance.Scheme) []insurance.AccountEntry {
	t.Helper()
	es, err := ab.db.AccountEntries(context.Background(), p.ID, scheme)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestAccountCredit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		jan, feb := calMonth(2025, time.January), calMonth(2025, time.February)
		a := ab.person(t, village(t, "652301", 0), 1) // employee, 昌吉市
		b := ab.person(t, village(t, "652302", 0), 2) // resident at 500, 阜康市
		c := ab.person(t, village(t, "652301", 1), 3) // resident at 100, 昌吉市
		d := ab.person(t, village(t, "652302", 1), 4) // resident at 4,500
		e := ab.person(t, village(t, "652302", 2), 5) // employer-only payment, back payment
		pa := ab.pay(t, a, insurance.EmployeePension, jan, 600055, 96009, 48004, insurance.Posted)
		ab.pay(t, a, insurance.EmployeePension, feb, 600055, 96009, 48004, insurance.Posted) // another month
		ab.pay(t, a, insurance.Unemployment, jan, 600055, 3000, 1200, insurance.Posted)      // no account
		pb := ab.pay(t, b, insurance.ResidentPension, jan, 0, 0, 50000, insurance.Posted)
		ab.pay(t, c, insurance.ResidentPension, jan, 0, 0, 10000, insurance.TaxBureau)
		ab.pay(t, d, insurance.ResidentPension, jan, 0, 0, 450000, insurance.Posted)
		ab.pay(t, e, insurance.EmployeePension, jan, 500000, 80000, 0, insurance.Posted)
		ab.pay(t, e, insurance.ResidentPension, jan, 0, 0, 20000, insurance.BackPaymentSource)

		// 昌吉市 first: a's contribution and c's contribution and subsidy.
		sum, err := ab.acc.Credit(ab.ctx, jan, "652301")
		if err != nil {
			t.Fatalf("Credit(652301): %v", err)
		}
		if sum.Payments != 2 || sum.Posted != 3 || sum.AlreadyPosted != 0 || sum.Contributions != 48004+10000 || sum.Subsidies != 3000 {
			t.Errorf("Credit(652301) = %+v, want 2 payments, 3 entries, 580.04 + 100 contributions, 30 subsidy", sum)
		}
		sum, err = ab.acc.Credit(ab.ctx, jan, "")
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
		again, err := ab.acc.Credit(ab.ctx, jan, "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Posted != 0 || again.AlreadyPosted != 7 || again.Contributions != 0 {
			t.Errorf("second run = %+v, want nothing posted and 7 already posted", again)
		}
		if n := auditActions(t, ab.db)["account.credit"]; n != 2 {
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
		bal, err := ab.acc.AccountBalance(ab.ctx, b.ID, insurance.ResidentPension, 0)
		if err != nil || bal != 56000 {
			t.Errorf("AccountBalance(b) = %s, %v; want 560.00", bal, err)
		}
		if bal, _ := ab.acc.AccountBalance(ab.ctx, b.ID, insurance.ResidentPension, jan); bal != 0 {
			t.Errorf("AccountBalance(b, before %s) = %s, want 0", jan, bal)
		}

		// A caseworker of 阜康市 cannot credit 昌吉市.
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 9, Username: "cw", Role: auth.RoleCaseworker, Scope: "652302"})
		if _, err := ab.acc.Credit(cw, feb, "652301"); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Credit outside scope: %v, want Forbidden", err)
		}
		if _, err := ab.acc.Credit(ab.ctx, 0, ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("Credit with no month: %v, want Invalid", err)
		}
	})
}

func TestAccountInterest(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		a := ab.person(t, village(t, "652301", 0), 11)
		b := ab.person(t, village(t, "652302", 0), 12)
		for _, m := range []period.Month{calMonth(2022, time.December), calMonth(2023, time.March), calMonth(2023, time.December)} {
			ab.pay(t, a, insurance.EmployeePension, m, 100000, 16000, 8000, insurance.Posted)
		}
		ab.pay(t, b, insurance.ResidentPension, calMonth(2023, time.January), 0, 0, 50000, insurance.Posted)
		for _, m := range []period.Month{calMonth(2022, time.December), calMonth(2023, time.January), calMonth(2023, time.March), calMonth(2023, time.December)} {
			if _, err := ab.acc.Credit(ab.ctx, m, ""); err != nil {
				t.Fatalf("Credit(%s): %v", m, err)
			}
		}
		sum, err := ab.acc.CreditInterest(ab.ctx, 2023, "")
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
		if last.Kind != insurance.EntryInterest || last.Ref != "interest:2023" || last.Period != calMonth(2023, time.December) || last.Amount != 556 {
			t.Errorf("a's interest entry = %+v", last)
		}
		again, err := ab.acc.CreditInterest(ab.ctx, 2023, "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Persons[insurance.EmployeePension] != 0 || again.AlreadyPosted[insurance.EmployeePension] != 1 || again.AlreadyPosted[insurance.ResidentPension] != 1 {
			t.Errorf("second run = %+v, want nothing new", again)
		}
		if n := auditActions(t, ab.db)["account.interest"]; n != 1 {
			t.Errorf("account.interest events = %d, want 1", n)
		}
		// 2024 compounds: (240 + 5.56) × 2.62% = 6.433672 → 6.43.
		sum, err = ab.acc.CreditInterest(ab.ctx, 2024, "652301")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Interest[insurance.EmployeePension] != 643 || sum.Persons[insurance.ResidentPension] != 0 {
			t.Errorf("CreditInterest(2024, 652301) = %+v", sum)
		}
		// 2015 has no employee rate; 2026 is not over; in 2027, 2026 would
		// still have no rate of its own.
		if _, err := ab.acc.CreditInterest(ab.ctx, 2015, ""); fault.CodeOf(err) != fault.Invalid || !strings.Contains(err.Error()+fmt.Sprint(fault.FieldsOf(err)), "employee_pension.account_interest_rate") {
			t.Errorf("CreditInterest(2015) = %v, want Invalid naming the rate", err)
		}
		if _, err := ab.acc.CreditInterest(ab.ctx, 2026, ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("CreditInterest(2026) = %v, want Invalid", err)
		}
		ab.acc.NowFunc = func() time.Time { return time.Date(2027, time.July, 1, 0, 0, 0, 0, time.UTC) }
		_, err = ab.acc.CreditInterest(ab.ctx, 2026, "")
		if fault.CodeOf(err) != fault.Invalid || !strings.Contains(fmt.Sprint(fault.FieldsOf(err)), "not published") {
			t.Errorf("CreditInterest(2026) in 2027 = %v, want the rate not published", err)
		}

		st, err := ab.acc.Statement(ab.ctx, a.ID, insurance.EmployeePension)
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
		rs, err := ab.acc.Statement(ab.ctx, b.ID, insurance.ResidentPension)
		if err != nil || rs.Government != 6000 || rs.ContributionYears != 1 || rs.Balance != 56000+1540 {
			t.Errorf("resident statement = %+v, %v", rs, err)
		}
	})
}

// loadAccountPopulation loads n persons over Changji's villages, each
// with one payment of month m: employees (base from 3,000 to 33,000 yuan)
// and one in ten a resident (tiers 100 to 5,000 yuan).
func loadAccountPopulation(b *testing.B, ctx context.Context, db *sqlstore.DB, n int, m period.Month) {
	tree, err := region.Default()
	if err != nil {
		b.Fatal(err)
	}
	villages := tree.Descendants("652300", region.Village)
	const batch = 50_000
	for lo := 0; lo < n; lo += batch {
		var bulk registry.Bulk
		for i := lo; i < min(lo+batch, n); i++ {
			v := villages[(i/100)%len(villages)].Code
			idn, err := ids.MakeResidentID(string(v.County()), period.MustDate(1970, time.January, 1).AddDays(i/1000), i%1000)
			if err != nil {
				b.Fatal(err)
			}
			bulk.Persons = append(bulk.Persons, registry.Person{ID: registry.PersonID(i + 1), IDNumber: idn, Name: "参保人", Ethnicity: "han",
				HukouType: registry.HukouUrban, HukouRegion: v.County(), RegionCode: v})
		}
		if err := db.LoadBulk(ctx, &bulk); err != nil {
			b.Fatal(err)
		}
	}
	tiers := "CASE id % 7 WHEN 0 THEN 10000 WHEN 1 THEN 20000 WHEN 2 THEN 50000 WHEN 3 THEN 100000 WHEN 4 THEN 200000 WHEN 5 THEN 450000 ELSE 500000 END"
	if err := db.ExecRaw(ctx, `INSERT INTO payments (receipt_no, person_id, scheme, period, region_code, base, employer, individual, paid_on, source, created_at)
		SELECT 'B' || CAST(id AS TEXT), id, CASE WHEN id % 10 = 0 THEN 'resident_pension' ELSE 'employee_pension' END, '`+m.String()+`', region_code,
			CASE WHEN id % 10 = 0 THEN 0 ELSE 300000 + (id * 7919) % 3000000 END,
			CASE WHEN id % 10 = 0 THEN 0 ELSE 48000 END,
			CASE WHEN id % 10 = 0 THEN `+tiers+` ELSE 24000 + id % 1000 END,
			'`+m.Last().String()+`', 'posted', '2025-01-31T00:00:00Z' FROM persons ORDER BY id`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCredit400k credits 400,000 payments of a month (one in ten a
// resident's, which also posts a subsidy) on SQLite.
func BenchmarkCredit400k(b *testing.B) {
	const n = 400_000
	ctx := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 1, Username: "admin", Role: auth.RoleAdmin, Scope: "652300"})
	db := sqlstoretest.Open(b)
	m := period.NewMonth(2025, time.January)
	start := time.Now()
	loadAccountPopulation(b, ctx, db, n, m)
	b.Logf("setup: %d persons and payments in %s", n, time.Since(start).Round(time.Millisecond))
	acc := insurance.NewAccounts(db, db, insurancePolicies(b))
	b.Run("first", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if err := db.ExecRaw(ctx, "DELETE FROM account_entries"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			sum, err := acc.Credit(ctx, m, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if sum.Payments != n || sum.Posted != n+n/10 {
				b.Fatalf("summary %+v, want %d payments and %d entries", sum, n, n+n/10)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "payments/s")
	})
	b.Run("again", func(b *testing.B) {
		for b.Loop() {
			sum, err := acc.Credit(ctx, m, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if sum.Posted != 0 || sum.AlreadyPosted != n+n/10 {
				b.Fatalf("second run %+v, want nothing posted", sum)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "payments/s")
	})
	b.Run("interest", func(b *testing.B) {
		acc.NowFunc = func() time.Time { return time.Date(2026, time.July, 1, 0, 0, 0, 0, time.UTC) }
		for b.Loop() {
			b.StopTimer()
			if err := db.ExecRaw(ctx, "DELETE FROM account_entries WHERE kind = 'interest'"); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			sum, err := acc.CreditInterest(ctx, 2025, "652300")
			if err != nil {
				b.Fatal(err)
			}
			if got := sum.Persons[insurance.EmployeePension] + sum.Persons[insurance.ResidentPension]; got != n {
				b.Fatalf("interest for %d accounts, want %d", got, n)
			}
		}
		secs := b.Elapsed().Seconds() / float64(b.N)
		b.ReportMetric(float64(n)/secs, "accounts/s")
	})
}

func TestHardshipPremiums(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		start := calMonth(2024, time.January)
		var ps []*registry.Person
		for i := range 6 {
			code := village(t, region.Code([]string{"652301", "652302"}[i%2]), i)
			p := newPerson(t, code, 40+i)
			switch i {
			case 4: // 64 on 1 January 2025: past the pension age
				p.IDNumber = residentID(t, string(code.County()), 1960, time.June, 1, 40+i)
			case 5: // household registered in Ürümqi, not in Changji
				p.HukouRegion = "650102"
			}
			if err := ab.svc.CreatePerson(ab.ctx, p); err != nil {
				t.Fatal(err)
			}
			ps = append(ps, p)
			if i != 3 { // ps[3] is not enrolled in the resident pension
				ab.enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 10000, Start: start})
			}
		}
		for i, grade := range map[int]int{1: 1, 2: 3} { // ps[1] severe, ps[2] not
			d := &registry.Disability{PersonID: ps[i].ID, Kind: registry.DisVisual, Grade: grade, Issued: period.MustDate(2020, time.January, 1)}
			if err := ab.svc.CreateDisability(ab.ctx, d); err != nil {
				t.Fatalf("CreateDisability: %v", err)
			}
		}
		rec := func(line int, p *registry.Person, g insurance.HardshipGroup) insurance.HardshipRecord {
			return insurance.HardshipRecord{Line: line, IDNumber: p.IDNumber, Name: p.Name, Group: g}
		}
		unknown := residentID(t, "652301", 1990, time.May, 5, 999)
		bad := []insurance.HardshipRecord{rec(2, ps[0], insurance.GroupDibao), {Line: 3, IDNumber: unknown, Name: "无此人", Group: insurance.GroupDibao},
			{Line: 4, IDNumber: ps[3].IDNumber, Name: "别的名字", Group: insurance.GroupTekun}}
		_, err := ab.acc.ImportHardship(ab.ctx, ab.db, 2025, "民政 2025.xlsx", bad)
		fields := fault.FieldsOf(err)
		if fault.CodeOf(err) != fault.Invalid || fields["row 3: id_number"] == "" || fields["row 4: name"] == "" || len(fields) != 2 {
			t.Fatalf("bad list: %v %v, want rows 3 and 4 named", err, fields)
		}
		if strings.Contains(fmt.Sprint(fields), string(unknown)) {
			t.Errorf("the report shows an ID number in full: %v", fields)
		}
		good := []insurance.HardshipRecord{rec(2, ps[0], insurance.GroupDibao), rec(3, ps[0], insurance.GroupTekun),
			rec(4, ps[3], insurance.GroupDibao), rec(5, ps[4], insurance.GroupDibao), rec(6, ps[5], insurance.GroupTekun)}
		imp, err := ab.acc.ImportHardship(ab.ctx, ab.db, 2025, "民政 2025.xlsx", good)
		if err != nil || imp.Added != 5 || imp.Known != 0 {
			t.Fatalf("ImportHardship = %+v, %v", imp, err)
		}
		if imp, err = ab.acc.ImportHardship(ab.ctx, ab.db, 2025, "民政 2025.xlsx", good); err != nil || imp.Added != 0 || imp.Known != 5 {
			t.Errorf("second import = %+v, %v; want nothing added", imp, err)
		}

		b, err := ab.acc.PayHardshipPremiums(ab.ctx, 2025, "")
		if err != nil {
			t.Fatalf("PayHardshipPremiums: %v", err)
		}
		// ps[0] for two reasons, once; ps[1] severely disabled; not ps[2]
		// (grade 3), ps[3] (not enrolled), ps[4] (past pension age) or ps[5]
		// (no local hukou).
		if b.ID == 0 || b.Persons != 2 || b.Amount != 10000 || b.Total != 20000 || len(b.Items) != 2 || b.AlreadyPaid != 0 {
			t.Fatalf("batch = %+v", b)
		}
		if it := b.Items[0]; it.PersonID != ps[0].ID || fmt.Sprint(it.Groups) != "[dibao tekun]" || it.Name != ps[0].Name {
			t.Errorf("item 0 = %+v", it)
		}
		if it := b.Items[1]; it.PersonID != ps[1].ID || fmt.Sprint(it.Groups) != "[severe_disability]" {
			t.Errorf("item 1 = %+v", it)
		}
		es := ab.entries(t, ps[0], insurance.ResidentPension)
		if len(es) != 1 || es[0].Kind != insurance.EntryHardship || es[0].Amount != 10000 || !es[0].Government || es[0].Ref != "hardship:2025" ||
			es[0].Period != calMonth(2025, time.January) {
			t.Errorf("ps[0] entries = %+v", es)
		}
		again, err := ab.acc.PayHardshipPremiums(ab.ctx, 2025, "")
		if err != nil || again.ID != 0 || again.Persons != 0 || again.AlreadyPaid != 2 {
			t.Errorf("second run = %+v, %v; want nobody new", again, err)
		}
		// ps[2] is tagged low-income later: the next run pays for ps[2] alone.
		if _, err := ab.acc.ImportHardship(ab.ctx, ab.db, 2025, "民政补充", []insurance.HardshipRecord{rec(2, ps[2], insurance.GroupLowIncome)}); err != nil {
			t.Fatal(err)
		}
		b2, err := ab.acc.PayHardshipPremiums(ab.ctx, 2025, "")
		if err != nil || b2.Persons != 1 || b2.Items[0].PersonID != ps[2].ID || b2.AlreadyPaid != 2 || b2.ID == b.ID {
			t.Errorf("third run = %+v, %v", b2, err)
		}
		got, err := ab.acc.HardshipBatch(ab.ctx, b.ID)
		if err != nil || got.Year != 2025 || got.Persons != 2 || len(got.Items) != 2 || fmt.Sprint(got.Items[0].Groups) != "[dibao tekun]" || got.CreatedAt.IsZero() {
			t.Errorf("HardshipBatch = %+v, %v", got, err)
		}
		if _, err := ab.acc.HardshipBatch(ab.ctx, 9999); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("unknown batch: %v", err)
		}
		if n := auditActions(t, ab.db); n["hardship.pay"] != 2 || n["hardship.import"] != 2 {
			t.Errorf("audit = %v, want 2 hardship.pay and 2 hardship.import", n)
		}
	})
}

func TestBackPaymentAndTierUpgrade(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		code := village(t, "652301", 3)
		old := newPerson(t, code, 70) // 48 when the scheme began in 2014: may back-pay
		old.IDNumber = residentID(t, "652301", 1965, time.June, 1, 70)
		if err := ab.svc.CreatePerson(ab.ctx, old); err != nil {
			t.Fatal(err)
		}
		young := ab.person(t, code, 71) // born 1980: neither rule applies
		o := ab.org(t, code, 70)
		flex := ab.enrol(t, &insurance.Enrolment{PersonID: old.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: calMonth(2018, time.January)})
		if _, err := ab.ins.Transition(ab.ctx, flex.ID, flex.Version, insurance.Terminated, calMonth(2019, time.January), "left"); err != nil {
			t.Fatal(err)
		}
		for _, p := range []*registry.Person{old, young} {
			ab.enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.ResidentPension, Kind: insurance.Resident, Tier: 10000, Start: calMonth(2024, time.January)})
		}
		ab.pay(t, old, insurance.ResidentPension, calMonth(2024, time.March), 0, 0, 10000, insurance.Posted)
		if _, err := ab.acc.Credit(ab.ctx, calMonth(2024, time.March), ""); err != nil {
			t.Fatal(err)
		}
		bpErr := func(ctx context.Context, id registry.PersonID, years []int, tier money.Fen) error {
			_, err := ab.acc.BackPay(ctx, id, years, tier)
			return err
		}
		upErr := func(ctx context.Context, id registry.PersonID, year int, tier money.Fen) error {
			_, err := ab.acc.UpgradeTier(ctx, id, year, tier)
			return err
		}

		bp, err := ab.acc.BackPay(ab.ctx, old.ID, []int{2016, 2015}, 50000)
		if err != nil {
			t.Fatalf("BackPay: %v", err)
		}
		if bp.Total != 100000 || len(bp.Payments) != 2 || bp.Payments[0].Period != calMonth(2015, time.January) || bp.Payments[0].ID == 0 ||
			bp.Payments[0].Source != insurance.BackPaymentSource || bp.ContributionYears != 3 {
			t.Errorf("BackPay = %+v", bp)
		}
		es := ab.entries(t, old, insurance.ResidentPension)
		if len(es) != 4 || es[0].Kind != insurance.EntryBackPayment || es[0].Amount != 50000 || es[0].Government ||
			es[0].Ref != fmt.Sprintf("payment:%d", bp.Payments[0].ID) {
			t.Errorf("entries after back payment = %+v (no subsidy for back-paid years)", es)
		}
		problems := func(err error) map[string]string {
			t.Helper()
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			return fault.FieldsOf(err)
		}
		f := problems(bpErr(ab.ctx, old.ID, []int{2013, 2015, 2018, 2024, 2026}, 50000))
		for _, k := range []string{"years.2013", "years.2015", "years.2018", "years.2024", "years.2026"} {
			if f[k] == "" {
				t.Errorf("problems %v lack %s", f, k)
			}
		}
		if f := problems(bpErr(ab.ctx, old.ID, []int{2017}, 5000)); f["tier"] == "" {
			t.Errorf("a tier below the lowest: %v", f)
		}
		if f := problems(bpErr(ab.ctx, young.ID, []int{2017}, 50000)); f["person_id"] == "" {
			t.Errorf("a person neither 60 nor within 15 years of 60 at the start: %v", f)
		}
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 9, Username: "cw", Role: auth.RoleCaseworker, Scope: "652302"})
		if _, err := ab.acc.BackPay(cw, old.ID, []int{2017}, 50000); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("BackPay outside scope: %v", err)
		}

		// 2024 paid at 100 yuan, upgraded to 500: no subsidy (a past year).
		up, err := ab.acc.UpgradeTier(ab.ctx, old.ID, 2024, 50000)
		if err != nil || up.Paid != 10000 || up.Difference != 40000 || up.Subsidy != 0 || up.Payment.Source != insurance.TierUpgradeSource {
			t.Fatalf("UpgradeTier(2024) = %+v, %v", up, err)
		}
		if f := problems(upErr(ab.ctx, old.ID, 2024, 50000)); f["tier"] == "" {
			t.Errorf("upgrade to the tier held: %v", f)
		}
		if f := problems(upErr(ab.ctx, old.ID, 2020, 50000)); f["year"] == "" {
			t.Errorf("upgrade of an unpaid year: %v", f)
		}
		// The current year (2026): 200 yuan paid and credited (subsidy 40),
		// upgraded to 1,000 (subsidy 80): the subsidy difference of 40.
		ab.pay(t, old, insurance.ResidentPension, calMonth(2026, time.March), 0, 0, 20000, insurance.Posted)
		if _, err := ab.acc.Credit(ab.ctx, calMonth(2026, time.March), ""); err != nil {
			t.Fatal(err)
		}
		up, err = ab.acc.UpgradeTier(ab.ctx, old.ID, 2026, 100000)
		if err != nil || up.Difference != 80000 || up.Subsidy != 4000 {
			t.Fatalf("UpgradeTier(2026) = %+v, %v", up, err)
		}
		st, err := ab.acc.Statement(ab.ctx, old.ID, insurance.ResidentPension)
		if err != nil {
			t.Fatal(err)
		}
		// 2 × 500 back-paid; 100 + 30 + 400 (2024); 200 + 40 + 800 + 40 (2026).
		if st.Balance != 100000+10000+3000+40000+20000+4000+80000+4000 || st.Government != 11000 || st.ContributionYears != 4 {
			t.Errorf("statement = balance %s, government %s, years %d", st.Balance, st.Government, st.ContributionYears)
		}
		if n := auditActions(t, ab.db); n["account.back_payment"] != 1 || n["account.tier_upgrade"] != 2 {
			t.Errorf("audit = %v", n)
		}
	})
}

func TestTransfers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := setupAccounts(t, open)
		code := village(t, "652301", 4)
		a := ab.person(t, code, 81)
		b := ab.person(t, code, 82)
		for _, m := range []period.Month{calMonth(2024, time.January), calMonth(2024, time.February), calMonth(2024, time.March)} {
			ab.pay(t, a, insurance.EmployeePension, m, 500000, 80000, 40000, insurance.Posted)
		}
		ab.pay(t, a, insurance.EmployeePension, calMonth(2025, time.January), 600000, 96000, 48000, insurance.Posted)
		ab.pay(t, a, insurance.EmployeePension, calMonth(2025, time.January), 600000, 96000, 0, insurance.Posted) // employer part alone
		for _, m := range []period.Month{calMonth(2024, time.January), calMonth(2024, time.February), calMonth(2024, time.March), calMonth(2025, time.January)} {
			if _, err := ab.acc.Credit(ab.ctx, m, ""); err != nil {
				t.Fatal(err)
			}
		}
		on := period.MustDate(2026, time.October, 1)
		problems := func(err error) map[string]string {
			t.Helper()
			if fault.CodeOf(err) != fault.Invalid {
				t.Fatalf("err = %v, want Invalid", err)
			}
			return fault.FieldsOf(err)
		}
		_, err := ab.acc.TransferOut(ab.ctx, a.ID, "652302", on)
		if f := problems(err); f["region"] == "" {
			t.Errorf("a transfer within Changji: %v", f)
		}
		_, err = ab.acc.TransferOut(ab.ctx, a.ID, "深圳市", period.MustDate(2027, time.January, 1))
		if f := problems(err); f["on"] == "" {
			t.Errorf("a transfer in the future: %v", f)
		}
		tr, err := ab.acc.TransferOut(ab.ctx, a.ID, "440300 深圳市", on)
		if err != nil {
			t.Fatalf("TransferOut: %v", err)
		}
		// 12% of 15,000 (2024) and of 6,000 (2025).
		if tr.ID == 0 || tr.Balance != 168000 || tr.Pooled != 180000+72000 || tr.Months != 4 || len(tr.Years) != 2 ||
			tr.Years[0] != (insurance.TransferYear{Year: 2024, Base: 1500000, Pooled: 180000, Months: 3}) {
			t.Errorf("transfer = %+v", tr)
		}
		if bal, _ := ab.acc.AccountBalance(ab.ctx, a.ID, insurance.EmployeePension, 0); bal != 0 {
			t.Errorf("balance after the transfer = %s, want 0", bal)
		}
		es := ab.entries(t, a, insurance.EmployeePension)
		if last := es[len(es)-1]; last.Kind != insurance.EntryTransferOut || last.Amount != -168000 || last.Ref != fmt.Sprintf("transfer:%d", tr.ID) {
			t.Errorf("transfer entry = %+v", last)
		}
		_, err = ab.acc.TransferOut(ab.ctx, a.ID, "深圳市", on)
		if f := problems(err); !strings.Contains(f["person_id"], "no balance") {
			t.Errorf("a second transfer: %v", f)
		}

		in := insurance.TransferInRequest{FromRegion: "北京市", On: on, Balance: 100000, Pooled: 50000, Months: 24}
		ti, err := ab.acc.TransferIn(ab.ctx, b.ID, in)
		if err != nil || ti.ID == 0 || ti.Direction != insurance.TransferInward {
			t.Fatalf("TransferIn = %+v, %v", ti, err)
		}
		if _, err := ab.acc.TransferIn(ab.ctx, b.ID, in); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("the same transfer in again: %v, want Conflict", err)
		}
		bad := in
		bad.Balance, bad.Months = 0, 0
		_, err = ab.acc.TransferIn(ab.ctx, b.ID, bad)
		if f := problems(err); f["balance"] == "" || f["months"] == "" {
			t.Errorf("bad transfer in: %v", f)
		}
		st, err := ab.acc.Statement(ab.ctx, b.ID, insurance.EmployeePension)
		if err != nil || st.Balance != 100000 || len(st.Years) != 1 || st.Years[0].Transfers != 100000 || st.ContributionMonths != 24 ||
			st.ContributionYears != 2 || len(st.Transfers) != 1 || st.Transfers[0].OtherRegion != "北京市" {
			t.Errorf("statement after transfer in = %+v, %v", st, err)
		}
		if n := auditActions(t, ab.db); n["account.transfer_out"] != 1 || n["account.transfer_in"] != 1 {
			t.Errorf("audit = %v", n)
		}
	})
}
