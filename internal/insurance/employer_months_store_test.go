package insurance_test

import (
	"testing"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// liveEmployerMonths aggregates assessments and payments with an employer
// named as the arrears page did before employer_months: per employer,
// month and scheme, placed by the employer's region.
const liveEmployerMonths = `SELECT t.org_id, t.period, t.scheme, o.region_code, CAST(SUM(t.due) AS BIGINT), CAST(SUM(t.paid) AS BIGINT) FROM (
		SELECT org_id, period, scheme, employer + individual AS due, 0 AS paid FROM assessments WHERE org_id IS NOT NULL
		UNION ALL
		SELECT org_id, period, scheme, 0, employer + individual FROM payments WHERE org_id IS NOT NULL
	) t JOIN organisations o ON o.id = t.org_id
	GROUP BY t.org_id, t.period, t.scheme, o.region_code
	HAVING SUM(t.due) <> 0 OR SUM(t.paid) <> 0`

// storedEmployerMonths is employer_months in the columns of
// liveEmployerMonths.
const storedEmployerMonths = `SELECT org_id, period, scheme, region_code, due, paid FROM employer_months`

// checkEmployerMonths fails the test unless employer_months holds exactly
// the live aggregate, and returns how many rows it holds.
func checkEmployerMonths(t *testing.T, db *sqlstore.DB, when string) int {
	t.Helper()
	ctx := sqlstoretest.Admin()
	var missing, extra, rows int
	if err := db.QueryRowRaw(ctx, `SELECT
			(SELECT COUNT(*) FROM (`+liveEmployerMonths+` EXCEPT `+storedEmployerMonths+`) m),
			(SELECT COUNT(*) FROM (`+storedEmployerMonths+` EXCEPT `+liveEmployerMonths+`) x),
			(SELECT COUNT(*) FROM employer_months)`).Scan(&missing, &extra, &rows); err != nil {
		t.Fatalf("%s: compare employer_months: %v", when, err)
	}
	if missing != 0 || extra != 0 {
		t.Errorf("%s: employer_months lacks %d rows of the live aggregate and has %d rows it lacks", when, missing, extra)
	}
	return rows
}

// TestEmployerMonthsFollowWrites checks that employer_months equals a live
// aggregate of assessments and payments after every write of them: an
// assessment run, payments, a re-run with an employee gone, an account
// payment naming an employer and an employer's move; and that the arrears
// read from it page by employer.
func TestEmployerMonthsFollowWrites(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		tb := sqlstoretest.NewInsurance(t, open)
		jan, feb := period.NewMonth(2025, time.January), period.NewMonth(2025, time.February)
		o1 := tb.Org(t, sqlstoretest.Village(t, "652301", 2), 1)
		o2 := tb.Org(t, sqlstoretest.Village(t, "652302", 3), 2)
		var enrolments []*insurance.Enrolment
		var people []*registry.Person
		for i, o := range []*registry.Organisation{o1, o1, o2} {
			// Employees of the first employer live in two counties.
			p := tb.Person(t, sqlstoretest.Village(t, []region.Code{"652301", "652302", "652302"}[i], i+1), 41+i)
			tb.Employ(t, p, o, period.MustDate(2020, time.January, 1), 0, money.Yuan(int64(5000+1000*i)))
			enrolments = append(enrolments, tb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer,
				OrgID: o.ID, Start: period.NewMonth(2024, time.January)}))
			people = append(people, p)
		}
		if n := checkEmployerMonths(t, tb.DB, "before any run"); n != 0 {
			t.Errorf("employer_months before any run holds %d rows", n)
		}
		for _, m := range []period.Month{jan, feb} {
			if _, err := tb.Ins.Assess(tb.Ctx, m, ""); err != nil {
				t.Fatal(err)
			}
		}
		if n := checkEmployerMonths(t, tb.DB, "after the assessment runs"); n != 4 {
			t.Errorf("employer_months after two months of two employers holds %d rows, want 4", n)
		}
		as := map[period.Month]map[registry.PersonID]insurance.Assessment{}
		for _, m := range []period.Month{jan, feb} {
			as[m] = map[registry.PersonID]insurance.Assessment{}
			for _, a := range tb.Assessments(t, m, "") {
				as[m][a.PersonID] = a
			}
		}
		paidOn := period.MustDate(2025, time.March, 10)
		pay := func(receipt string, p *registry.Person, o *registry.Organisation, m period.Month) insurance.Payment {
			a := as[m][p.ID]
			return insurance.Payment{ReceiptNo: receipt, PersonID: p.ID, OrgID: o.ID, Scheme: insurance.EmployeePension, Period: m,
				Base: a.Base, Employer: a.Employer, Individual: a.Individual, PaidOn: paidOn}
		}
		// January paid in full by both; February by one employee of each.
		if err := tb.Ins.Post(tb.Ctx, []insurance.Payment{
			pay("EM-0001", people[0], o1, jan), pay("EM-0002", people[1], o1, jan), pay("EM-0003", people[2], o2, jan),
			pay("EM-0004", people[0], o1, feb),
		}); err != nil {
			t.Fatal(err)
		}
		checkEmployerMonths(t, tb.DB, "after payments")
		rows, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: feb})
		if err != nil || len(rows) != 2 || rows[0].OrgID != o1.ID || rows[1].OrgID != o2.ID {
			t.Fatalf("Arrears = %+v, %v; want February of both employers", rows, err)
		}

		// The first page of one employer, then the next after it.
		page, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: feb, Limit: 1})
		if err != nil || len(page) != 1 || page[0] != rows[0] {
			t.Errorf("Arrears(limit 1) = %+v, %v; want %+v", page, err, rows[:1])
		}
		page, err = tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: feb, After: o1.ID, Limit: 1})
		if err != nil || len(page) != 1 || page[0] != rows[1] {
			t.Errorf("Arrears(after %d, limit 1) = %+v, %v; want %+v", o1.ID, page, err, rows[1:])
		}
		if page, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{From: jan, To: feb, After: o2.ID, Limit: 1}); err != nil || len(page) != 0 {
			t.Errorf("Arrears(after the last) = %+v, %v; want none", page, err)
		}

		// The second employee of the first employer leaves in February:
		// the re-run of February (in the employer's county only) lowers
		// what the employer owes, and its arrears are gone.
		e := enrolments[1]
		if _, err := tb.Ins.Transition(tb.Ctx, e.ID, e.Version, insurance.Terminated, feb, "left"); err != nil {
			t.Fatal(err)
		}
		if _, err := tb.Ins.Assess(tb.Ctx, feb, "652301"); err != nil {
			t.Fatal(err)
		}
		checkEmployerMonths(t, tb.DB, "after a re-run with an employee gone")
		if rows, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{OrgID: o1.ID, From: jan, To: feb}); err != nil || len(rows) != 0 {
			t.Errorf("Arrears of the first employer after its employee left = %+v, %v; want none", rows, err)
		}

		// An account payment naming an employer counts as paid.
		rest := pay("EM-0005", people[2], o2, feb)
		rest.Source = insurance.BackPaymentSource
		rest.Employer -= 100
		if err := tb.DB.PostAccountPayments(tb.Ctx, "account.back_payment", []insurance.AccountPosting{{Payment: rest}}); err != nil {
			t.Fatal(err)
		}
		checkEmployerMonths(t, tb.DB, "after an account payment")
		rows, err = tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{Region: "652302", From: jan, To: feb})
		if err != nil || len(rows) != 1 || rows[0].OrgID != o2.ID || rows[0].Arrears != 100 {
			t.Errorf("Arrears of 652302 after the account payment = %+v, %v; want 100 fen of the second employer", rows, err)
		}

		// The employer moves: its months follow it to its new county.
		if _, err := tb.Svc.UpdateOrganisation(tb.Ctx, o2.ID, o2.Version, func(o *registry.Organisation) {
			o.RegionCode = sqlstoretest.Village(t, "652323", 1)
		}); err != nil {
			t.Fatal(err)
		}
		checkEmployerMonths(t, tb.DB, "after the employer moved")
		for county, want := range map[region.Code]int{"652302": 0, "652323": 1} {
			if rows, err := tb.Ins.Arrears(tb.Ctx, insurance.ArrearsFilter{Region: county, From: jan, To: feb}); err != nil || len(rows) != want {
				t.Errorf("Arrears of %s after the move = %+v, %v; want %d rows", county, rows, err, want)
			}
		}
	})
}
