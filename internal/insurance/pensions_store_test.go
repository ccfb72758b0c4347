package insurance_test

import (
	"fmt"
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func variable(d *policy.Decision, name string) string {
	for _, v := range d.Variables {
		if v.Name == name {
			return v.Value
		}
	}
	for _, v := range d.Inputs {
		if v.Name == name {
			return v.Value
		}
	}
	return "(none)"
}

func TestPensionAwardWorkedExamples(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		// docs/domain.md 2.3: C 8,000 (2023), Z 1.0, N 30, balance 150,000 at 60.
		// Two months paid on the 2023 average wage give Z = 1.0; 358
		// deemed months with index 0 complete N = 30 without a
		// transitional pension.
		p := pb.Retiree(t, v, period.MustDate(1963, time.March, 10), 1)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2023, time.January), 800000)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2023, time.February), 800000)
		pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2022, time.December), 15000000)
		a, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 358})
		if err != nil {
			t.Fatalf("Award: %v", err)
		}
		if a.Start != period.NewMonth(2023, time.March) || a.Amount != 347914 || a.ContributionMonths != 360 {
			t.Fatalf("award start %s amount %s N %d, want 2023-03, 3,479.14 (2,400.00 + 1,079.14), 360", a.Start, a.Amount, a.ContributionMonths)
		}
		for name, want := range map[string]string{"basic_pension": "240000", "account_pension": "107914", "months_divisor": "139",
			"avg_wage_index": "1", "contribution_months": "2", "account_balance": "150,000.00 yuan"} {
			if got := variable(a.Decision, name); got != want {
				t.Errorf("%s = %s, want %s", name, got, want)
			}
		}
		got, err := pb.Pen.FindAward(pb.Ctx, a.ID)
		if err != nil || got.Decision == nil || got.Decision.Amount != 347914 || len(got.Decision.Parameters) == 0 {
			t.Fatalf("FindAward = %+v, %v", got, err)
		}
		// Z is the mean of the yearly indexes: 1.0 in 2023 and 1.5 in 2024.
		q := pb.Retiree(t, v, period.MustDate(1964, time.December, 5), 3)
		pb.Pay(t, q, insurance.EmployeePension, period.NewMonth(2023, time.June), 800000)
		pb.Pay(t, q, insurance.EmployeePension, period.NewMonth(2024, time.June), 1249800)
		a, err = pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: q.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 240})
		if err != nil {
			t.Fatalf("Award: %v", err)
		}
		if z := variable(a.Decision, "avg_wage_index"); z != "1.25" || a.Start != period.NewMonth(2024, time.December) {
			t.Errorf("Z = %s start %s, want 1.25 from 2024-12", z, a.Start)
		}
		// The published retirement ages of the 2025 reform (docs/domain.md 2.5).
		for i, tt := range []struct {
			birth      period.Date
			group      string
			start, age string
		}{
			{period.MustDate(1967, time.May, 20), insurance.GroupMale, "2028-01", "728"},           // 60y8m
			{period.MustDate(1974, time.October, 3), insurance.GroupFemaleCadre, "2031-01", "675"}, // 56y3m
			{period.MustDate(1983, time.February, 1), insurance.GroupMale, "2046-02", "756"},       // 63y0m
		} {
			seq := 11 + 2*i
			if tt.group != insurance.GroupMale {
				seq++
			}
			r := pb.Retiree(t, v, tt.birth, seq)
			a, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: r.ID, Scheme: insurance.EmployeePension, Group: tt.group, DeemedMonths: 240})
			if err != nil {
				t.Fatalf("Award(born %s): %v", tt.birth, err)
			}
			if a.Start.String() != tt.start || variable(a.Decision, "age_months_at_start") != tt.age {
				t.Errorf("born %s %s: start %s age %s months, want %s at %s", tt.birth, tt.group, a.Start, variable(a.Decision, "age_months_at_start"), tt.start, tt.age)
			}
		}
		// The months divisor table by age at the start (docs/domain.md 2.4).
		for i, tt := range []struct {
			birth   period.Date
			group   string
			start   period.Month
			divisor string
		}{
			{period.MustDate(1962, time.June, 1), insurance.GroupMale, period.NewMonth(2023, time.June), "132"},               // 61, late
			{period.MustDate(1961, time.June, 1), insurance.GroupMale, period.NewMonth(2023, time.June), "125"},               // 62, late
			{period.MustDate(1968, time.June, 1), insurance.GroupFemaleCadre, period.NewMonth(2023, time.June), "170"},        // 55
			{period.MustDate(1973, time.June, 1), insurance.GroupFemaleWorker, period.NewMonth(2023, time.June), "195"},       // 50
			{period.MustDate(1964, time.December, 1), insurance.GroupMale, period.NewMonth(2025, time.January), "138.416667"}, // 60y1m
		} {
			seq := 31 + 2*i
			if tt.group != insurance.GroupMale {
				seq++
			}
			r := pb.Retiree(t, v, tt.birth, seq)
			a, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: r.ID, Scheme: insurance.EmployeePension, Group: tt.group, Start: tt.start, DeemedMonths: 240})
			if err != nil {
				t.Fatalf("Award(born %s, from %s): %v", tt.birth, tt.start, err)
			}
			if got := variable(a.Decision, "months_divisor"); got != tt.divisor {
				t.Errorf("born %s %s from %s: divisor %s, want %s", tt.birth, tt.group, tt.start, got, tt.divisor)
			}
		}
	})
}

func TestPensionAwardRefusals(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		man := pb.Retiree(t, v, period.MustDate(1963, time.March, 10), 1)
		woman := pb.Retiree(t, v, period.MustDate(1963, time.March, 10), 2)
		tests := []struct {
			name  string
			req   insurance.AwardRequest
			code  fault.Code
			field string
		}{
			{"no scheme", insurance.AwardRequest{PersonID: man.ID}, fault.Invalid, "scheme"},
			{"no group", insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.EmployeePension}, fault.Invalid, "retirement_group"},
			{"group against the registry gender", insurance.AwardRequest{PersonID: woman.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 360}, fault.Invalid, "retirement_group"},
			{"unknown person", insurance.AwardRequest{PersonID: 99999, Scheme: insurance.EmployeePension, Group: insurance.GroupMale}, fault.Invalid, "person_id"},
			{"too few months", insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 179}, fault.Invalid, "contributed_minimum_period"},
			{"too early", insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 360, Start: period.NewMonth(2023, time.February)}, fault.Invalid, "reached_retirement_age"},
			{"after the latest flexible month", insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 360, Start: period.NewMonth(2026, time.April)}, fault.Invalid, "start"},
			{"resident without enrolment", insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.ResidentPension}, fault.Invalid, "enrolled_in_resident_pension"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := pb.Pen.Award(pb.Ctx, tt.req)
				if fault.CodeOf(err) != tt.code || fault.FieldsOf(err)[tt.field] == "" {
					t.Fatalf("Award = %v (fields %v), want %s naming %s", err, fault.FieldsOf(err), tt.code, tt.field)
				}
			})
		}
		before := sqlstoretest.AuditCount(t, pb.DB)
		if _, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 360}); err != nil {
			t.Fatal(err)
		}
		_, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale, DeemedMonths: 360})
		if fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("second award = %v, want Conflict", err)
		}
		// The resident programme refuses someone drawing an employee pension.
		if err := pb.DB.ExecRaw(pb.Ctx, fmt.Sprintf(`INSERT INTO enrolments (region_code, person_id, scheme, kind, start_month, status, tier)
			VALUES ('%s', %d, 'resident_pension', 'resident', '2010-01', 'terminated', 10000)`, man.RegionCode, man.ID)); err != nil {
			t.Fatal(err)
		}
		_, err = pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: man.ID, Scheme: insurance.ResidentPension})
		if fault.FieldsOf(err)["no_employee_pension"] == "" {
			t.Fatalf("resident award beside an employee one = %v, want no_employee_pension refused", err)
		}
		if n := sqlstoretest.AuditCount(t, pb.DB); n != before+1 {
			t.Errorf("audit events %d → %d, want one for the one award", before, n)
		}
	})
}

func TestPensionResidentAward(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		v := sqlstoretest.Village(t, "652323", 0)
		p := pb.Retiree(t, v, period.MustDate(1964, time.May, 15), 2)
		if err := pb.DB.ExecRaw(pb.Ctx, fmt.Sprintf(`INSERT INTO enrolments (region_code, person_id, scheme, kind, start_month, status, tier)
			VALUES ('%s', %d, 'resident_pension', 'resident', '2009-01', 'active', 10000)`, p.RegionCode, p.ID)); err != nil {
			t.Fatal(err)
		}
		for y := 2009; y < 2024; y++ {
			pb.Pay(t, p, insurance.ResidentPension, period.NewMonth(y, time.June), 10000)
		}
		pb.Credit(t, p, insurance.ResidentPension, period.NewMonth(2023, time.December), 13900000)
		a, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.ResidentPension})
		if err != nil {
			t.Fatalf("Award: %v", err)
		}
		basic, _, err := pb.PK.Value("resident_pension.basic_pension", period.NewMonth(2024, time.June).First(), p.RegionCode)
		if err != nil {
			t.Fatal(err)
		}
		// 60 on 2024-05-15, paid from June; 139,000 / 139 = 1,000.00.
		if a.Start != period.NewMonth(2024, time.June) || a.Amount != money.Fen(basic)+100000 || variable(a.Decision, "resident_contribution_years") != "15" {
			t.Fatalf("award from %s of %s (%s years), want 2024-06, %s + 1,000.00, 15 years", a.Start, a.Amount,
				variable(a.Decision, "resident_contribution_years"), money.Fen(basic))
		}
		// Nobody draws both pensions.
		_, err = pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupFemaleWorker, DeemedMonths: 360})
		if fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("employee award beside a resident one = %v, want Conflict", err)
		}
	})
}

func TestPayrollIdempotent(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		jan := period.NewMonth(2025, time.January)
		var want money.Fen
		for i := range 3 {
			a := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", i), period.MustDate(1964, time.December, 5), 1+2*i, jan)
			want += a.Amount
		}
		// Another county's award is outside a run of 652301.
		pb.EmployeeAward(t, sqlstoretest.Village(t, "652302", 0), period.MustDate(1964, time.December, 5), 9, jan)
		s1, err := pb.Pen.Payroll(pb.Ctx, jan, "652301")
		if err != nil {
			t.Fatal(err)
		}
		if s1.Awards != 3 || s1.NewLines != 3 || s1.Lines != 3 || s1.Regular != want || s1.Arrears != 0 {
			t.Fatalf("first run %+v, want 3 awards, 3 new lines, regular %s", s1.PayrollRun, want)
		}
		before := sqlstoretest.AuditCount(t, pb.DB)
		s2, err := pb.Pen.Payroll(pb.Ctx, jan, "652301")
		if err != nil {
			t.Fatal(err)
		}
		if s2.NewLines != 0 || s2.Lines != 3 || s2.Regular != want || s2.Arrears != 0 || !s2.NothingNew || s2.ID != 0 {
			t.Fatalf("second run %+v, want nothing new, no run recorded and the same totals", s2.PayrollRun)
		}
		if n := sqlstoretest.AuditCount(t, pb.DB); n != before {
			t.Errorf("audit events %d → %d, want none: a run that pays nothing new records nothing", before, n)
		}
		// The prefecture run pays the fourth award only.
		s3, err := pb.Pen.Payroll(pb.Ctx, jan, "652300")
		if err != nil || s3.NewLines != 1 || s3.Lines != 4 {
			t.Fatalf("prefecture run %+v, %v: want 1 new line of 4", s3, err)
		}
		// A late award is paid its months since the start as arrears.
		late := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 3), period.MustDate(1964, time.October, 5), 21, period.NewMonth(2024, time.October))
		s4, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.February), "652301")
		if err != nil {
			t.Fatal(err)
		}
		if s4.NewLines != 5 || s4.Arrears != 4*late.Amount {
			t.Fatalf("February run %+v: want 4 regular and 1 arrears line of 4 × %s", s4.PayrollRun, late.Amount)
		}
	})
}

func TestPensionAdjustmentArrears(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		a := pb.EmployeeAward(t, v, period.MustDate(1964, time.June, 10), 1, period.NewMonth(2024, time.June))
		// Started in 2025: not adjusted in 2025.
		fresh := pb.EmployeeAward(t, v, period.MustDate(1964, time.December, 5), 3, period.NewMonth(2025, time.January))
		for m := period.NewMonth(2025, time.January); m <= period.NewMonth(2025, time.May); m = m.Add(1) {
			if _, err := pb.Pen.Payroll(pb.Ctx, m, "652301"); err != nil {
				t.Fatalf("Payroll(%s): %v", m, err)
			}
		}
		sum, err := pb.Pen.Adjust(pb.Ctx, 2025, period.NewMonth(2025, time.June), "652301")
		if err != nil {
			t.Fatal(err)
		}
		adjs, err := pb.Pen.AwardAdjustments(pb.Ctx, a.ID)
		if err != nil || len(adjs) != 1 {
			t.Fatalf("adjustments %v, %v", adjs, err)
		}
		adj := adjs[0]
		// 2025 placeholders: 27 + 0.70 × 30 years + 0.55% of the pension;
		// age 61, not remote.
		inc := money.Fen(2700) + 70*30 + a.Amount.MulRate(5500)
		if sum.New != 1 || sum.Awards != 1 || adj.Amount != inc || adj.Years != 30 || adj.Own != a.Amount || adj.Age != 61 || adj.AgeExtra != 0 || adj.RemoteExtra != 0 {
			t.Fatalf("adjustment %+v (run %+v), want one of %s", adj, sum, inc)
		}
		if fresh, _ := pb.Pen.AwardAdjustments(pb.Ctx, fresh.ID); len(fresh) != 0 {
			t.Errorf("an award started in 2025 was adjusted for 2025: %+v", fresh)
		}
		if again, err := pb.Pen.Adjust(pb.Ctx, 2025, period.NewMonth(2025, time.June), "652301"); err != nil || again.New != 0 || again.Awards != 1 {
			t.Fatalf("second adjustment run %+v, %v: want nothing new", again, err)
		}
		june, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.June), "652301")
		if err != nil {
			t.Fatal(err)
		}
		if june.Regular != a.Amount+inc+fresh.Amount || june.Arrears != 5*inc || june.NewLines != 3 {
			t.Fatalf("June run %+v: want regular %s + %s + %s and arrears 5 × %s", june.PayrollRun, a.Amount, inc, fresh.Amount, inc)
		}
		again, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.June), "652301")
		if err != nil || again.NewLines != 0 || again.Regular != june.Regular || again.Arrears != june.Arrears {
			t.Fatalf("June again %+v, %v: want nothing new, the same totals", again, err)
		}
		july, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.July), "652301")
		if err != nil || july.Arrears != 0 || july.Regular != june.Regular {
			t.Fatalf("July run %+v, %v: want no arrears", july, err)
		}
		_, err = pb.Pen.Adjust(pb.Ctx, 2022, period.NewMonth(2022, time.June), "652301")
		if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)["year"] == "" {
			t.Errorf("adjustment of 2022 with no scheme = %v, want Invalid naming year", err)
		}
		// The averages before and after the year's adjustment.
		rep, err := pb.Pen.Report(pb.Ctx, period.NewMonth(2025, time.June), "652301")
		if err != nil {
			t.Fatal(err)
		}
		emp := rep.Rows[0]
		wantBefore := money.Fen(money.DivRound(int64(a.Amount+fresh.Amount), 2))
		wantAfter := money.Fen(money.DivRound(int64(a.Amount+fresh.Amount+inc), 2))
		if emp.Scheme != insurance.EmployeePension || emp.Awards != 2 || emp.Before != wantBefore || emp.After != wantAfter || rep.Rows[1].Awards != 0 {
			t.Errorf("report %+v, want 2 employee awards averaging %s → %s", rep.Rows, wantBefore, wantAfter)
		}
	})
}

func TestPensionCertificationSuspends(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		a := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 0), period.MustDate(1964, time.January, 10), 1, period.NewMonth(2024, time.January))
		run := func(m period.Month) *insurance.PayrollSummary {
			t.Helper()
			s, err := pb.Pen.Payroll(pb.Ctx, m, "652301")
			if err != nil {
				t.Fatalf("Payroll(%s): %v", m, err)
			}
			return s
		}
		run(period.NewMonth(2024, time.January))
		// 12 months after the first payment: still paid, with the 11 months
		// not run as arrears.
		if s := run(period.NewMonth(2025, time.January)); s.Suspended != 0 || s.Arrears != 11*a.Amount {
			t.Fatalf("2025-01 %+v, want paid with 11 months of arrears", s.PayrollRun)
		}
		for _, m := range []period.Month{period.NewMonth(2025, time.February), period.NewMonth(2025, time.March)} {
			if s := run(m); s.Suspended != 1 || s.NewLines != 0 {
				t.Fatalf("%s %+v, want suspended and unpaid", m, s.PayrollRun)
			}
		}
		if got, _ := pb.Pen.FindAward(pb.Ctx, a.ID); got.Status != insurance.AwardSuspended {
			t.Fatalf("status %s, want suspended", got.Status)
		}
		err := pb.Pen.Certify(pb.Ctx, &insurance.Certification{PersonID: a.PersonID, Date: period.MustDate(2025, time.March, 20), Method: "phone"})
		if fault.FieldsOf(err)["method"] == "" {
			t.Fatalf("Certify(method phone) = %v, want method refused", err)
		}
		if err := pb.Pen.Certify(pb.Ctx, &insurance.Certification{PersonID: a.PersonID, Date: period.MustDate(2025, time.March, 20), Method: insurance.CertFace}); err != nil {
			t.Fatal(err)
		}
		s := run(period.NewMonth(2025, time.April))
		if s.Resumed != 1 || s.Regular != a.Amount || s.Arrears != 2*a.Amount {
			t.Fatalf("2025-04 %+v, want resumed with 2 months of back pay", s.PayrollRun)
		}
		if got, _ := pb.Pen.FindAward(pb.Ctx, a.ID); got.Status != insurance.AwardActive {
			t.Fatalf("status %s, want active", got.Status)
		}
	})
}

func TestPensionStopsOnDeath(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		a := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 0), period.MustDate(1964, time.December, 5), 1, period.NewMonth(2025, time.January))
		other := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 1), period.MustDate(1964, time.December, 5), 3, period.NewMonth(2025, time.January))
		for m := period.NewMonth(2025, time.January); m <= period.NewMonth(2025, time.March); m = m.Add(1) {
			if _, err := pb.Pen.Payroll(pb.Ctx, m, "652301"); err != nil {
				t.Fatal(err)
			}
		}
		// Death in January, recorded after February and March were paid.
		p, err := pb.Svc.Person(pb.Ctx, a.PersonID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := pb.Svc.RecordDeath(pb.Ctx, p.ID, period.MustDate(2025, time.January, 15), "public_security"); err != nil {
			t.Fatal(err)
		}
		s, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.April), "652301")
		if err != nil {
			t.Fatal(err)
		}
		if s.Stopped != 1 || s.NewLines != 1 || s.Regular != other.Amount || len(s.Overpayments) != 2 {
			t.Fatalf("April run %+v with overpayments %+v, want the award stopped and two months overpaid", s.PayrollRun, s.Overpayments)
		}
		for i, o := range s.Overpayments {
			if o.AwardID != a.ID || o.Period != period.NewMonth(2025, time.February+time.Month(i)) || o.Amount != a.Amount || o.Status != insurance.OverpaymentOutstanding {
				t.Errorf("overpayment %d = %+v, want %s of %s", i, o, period.NewMonth(2025, time.February+time.Month(i)), a.Amount)
			}
		}
		if got, _ := pb.Pen.FindAward(pb.Ctx, a.ID); got.Status != insurance.AwardStopped || got.StopMonth != period.NewMonth(2025, time.January) {
			t.Fatalf("award %s stop %s, want stopped after 2025-01", got.Status, got.StopMonth)
		}
		s, err = pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.April), "652301")
		if err != nil || s.NewLines != 0 || s.Stopped != 0 || len(s.Overpayments) != 2 {
			t.Fatalf("April again %+v, %v: want nothing new", s, err)
		}
		s, err = pb.Pen.Payroll(pb.Ctx, period.NewMonth(2025, time.May), "652301")
		if err != nil || s.Awards != 1 || s.NewLines != 1 || len(s.Overpayments) != 2 {
			t.Fatalf("May run %+v, %v: want only the living award paid, overpayments unchanged", s, err)
		}
		list, err := pb.Pen.Overpayments(pb.Ctx, "652301", "")
		if err != nil || len(list) != 2 {
			t.Fatalf("Overpayments = %v, %v", list, err)
		}
	})
}

func TestPensionDuplicates(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		jan := period.NewMonth(2025, time.January)
		a := pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 0), period.MustDate(1964, time.December, 5), 1, jan)
		pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 1), period.MustDate(1964, time.December, 5), 3, jan)
		// A resident award of the same person in another county, as
		// migrated data might hold: the service refuses to make one.
		if err := pb.DB.ExecRaw(pb.Ctx, fmt.Sprintf(`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status, decision,
			policy_version, created_by, created_at) VALUES (%d, 'resident_pension', '%s', '2025-01', 30000, 'active', '{}', 'test', 'test', '2025-01-01T00:00:00Z')`,
			a.PersonID, sqlstoretest.Village(t, "652302", 0))); err != nil {
			t.Fatal(err)
		}
		if _, err := pb.Pen.Payroll(pb.Ctx, jan, "652300"); err != nil {
			t.Fatal(err)
		}
		ds, err := pb.Pen.Duplicates(pb.Ctx, "652301")
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 2 || ds[0].Rule != insurance.DupBothSchemes || ds[1].Rule != insurance.DupTwoRegions || ds[1].Period != jan {
			t.Fatalf("Duplicates = %+v, want both schemes and two regions for person %d", ds, a.PersonID)
		}
		for _, d := range ds {
			if d.PersonID != a.PersonID || len(d.AwardIDs) != 2 || d.Regions[0] == d.Regions[1] {
				t.Errorf("duplicate %+v, want person %d with two awards in two regions", d, a.PersonID)
			}
		}
		if ds, err := pb.Pen.Duplicates(pb.Ctx, "652323"); err != nil || len(ds) != 0 {
			t.Errorf("Duplicates(652323) = %+v, %v, want none", ds, err)
		}
	})
}

// TestPensionReportPublishedFigure reproduces the published Changji
// average (docs/domain.md 2.6): 2,830.91 → 2,971.62 in 2023 (+140.71), for a
// retiree of 72 with 37 contribution years under the 2023 placeholders:
// 48 + 1.20 × 37 + 1% × 2,830.91 (28.31) + 20 for age 70+.
func TestPensionReportPublishedFigure(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		p := pb.Retiree(t, sqlstoretest.Village(t, "652301", 0), period.MustDate(1951, time.March, 1), 1)
		// An award taken over from the old system, so its amount is as
		// published rather than decided here.
		if err := pb.DB.ExecRaw(pb.Ctx, fmt.Sprintf(`INSERT INTO awards (person_id, scheme, region_code, start_month, amount, status,
			retirement_group, contribution_months, decision, policy_version, created_by, created_at)
			VALUES (%d, 'employee_pension', '%s', '2011-03', 283091, 'active', 'male', 444, '{}', 'migrated', 'test', '2020-01-01T00:00:00Z')`,
			p.ID, p.RegionCode)); err != nil {
			t.Fatal(err)
		}
		sum, err := pb.Pen.Adjust(pb.Ctx, 2023, period.NewMonth(2023, time.May), "652300")
		if err != nil || sum.New != 1 || sum.Increase != 14071 {
			t.Fatalf("Adjust(2023) = %+v, %v: want one increase of 140.71", sum, err)
		}
		rep, err := pb.Pen.Report(pb.Ctx, period.NewMonth(2023, time.June), "652300")
		if err != nil {
			t.Fatal(err)
		}
		if r := rep.Rows[0]; r.Awards != 1 || r.Before != 283091 || r.After != 297162 {
			t.Errorf("report %+v, want 2,830.91 → 2,971.62", r)
		}
		// In 2022 the award stands at its amount; in 2024 the 2023 increase
		// is part of the amount before that year's adjustment.
		rep, err = pb.Pen.Report(pb.Ctx, period.NewMonth(2024, time.March), "652300")
		if err != nil || rep.Rows[0].Before != 297162 || rep.Rows[0].After != 297162 {
			t.Errorf("2024 report %+v, %v: want 2,971.62 with no 2024 adjustment yet", rep, err)
		}
	})
}
