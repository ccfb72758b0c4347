package execute_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/bundles"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

// reviewer is the back-office caseworker whose principal the core runs an
// executor with; approver the second user who decides what needs one.
func users() (reviewer, approver context.Context) {
	p := func(id int64, role auth.Role) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: fmt.Sprint("user", id), Role: role, Scope: "652300"})
	}
	return p(2, auth.RoleCaseworker), p(3, auth.RoleApprover)
}

func matter(t *testing.T, id string) matters.Matter {
	t.Helper()
	c, err := matters.Load(policies.FS, "changji/matters.yaml")
	if err != nil {
		t.Fatal(err)
	}
	m, ok := c.Matter(id)
	if !ok {
		t.Fatalf("no matter %s", id)
	}
	return m
}

func executor(t *testing.T, a *app.App, action string) execute.Executor {
	t.Helper()
	ex, ok := a.Executors.For(action)
	if !ok {
		t.Fatalf("no executor for %s", action)
	}
	return ex
}

func form(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// changes counts the audit events by action, leaving out the reads of
// persons' files (every read is audited): what a run changed.
func changes(t *testing.T, db *sqlstore.DB) map[string]int {
	t.Helper()
	out := map[string]int{}
	for a, n := range sqlstoretest.AuditActions(t, db) {
		if !strings.HasSuffix(a, ".read") {
			out[a] = n
		}
	}
	return out
}

// wantProblem fails unless err is Invalid with a problem at field whose
// text contains each of words.
func wantProblem(t *testing.T, err error, field string, words ...string) {
	t.Helper()
	if fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("err = %v, want Invalid at %s", err, field)
	}
	got, ok := fault.FieldsOf(err)[field]
	if !ok {
		t.Fatalf("problems %v, want one at %s", fault.FieldsOf(err), field)
	}
	for _, w := range words {
		if !strings.Contains(got, w) {
			t.Errorf("problem at %s = %q, want it to say %q", field, got, w)
		}
	}
}

// TestBundleEnterpriseOpening opens an enterprise in one application: the
// check at receipt refuses a USCC with a bad check character and a staff
// member listed twice, naming each; after an interruption that left the
// employer registered and one enrolment made, Execute makes the other
// eight enrolments and the three spells without repeating anything, and
// a third run changes nothing.
func TestBundleEnterpriseOpening(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		cw, _ := users()
		ex := executor(t, ib.App, "bundle.enterprise_open")
		v := sqlstoretest.Village(t, "652301", 3)
		var staff []bundles.Staff
		var names []string
		for i := range 3 {
			p := ib.Person(t, v, 61+i)
			staff = append(staff, bundles.Staff{PersonID: p.ID, MonthlyWage: money.Yuan(int64(5000 + 500*i))})
			names = append(names, p.Name)
		}
		uscc, err := ids.MakeUSCC('9', '1', "652301", "MA000901")
		if err != nil {
			t.Fatal(err)
		}
		from := period.NewMonth(2026, time.November)
		in := bundles.OpenRequest{USCC: string(uscc), Name: "昌吉开办测试有限公司", IndustryCode: "C1711", Size: registry.SizeSmall,
			RegionCode: v, From: from, RiskClass: 2, Staff: staff}
		req := execute.Request{ApplicationNo: "SN6523012026112200001", Matter: matter(t, "enterprise_opening_bundle"), Form: form(t, in)}

		// At receipt: a wrong check character and a person listed twice.
		bad := in
		last := uscc[len(uscc)-1]
		bad.USCC = string(uscc[:len(uscc)-1]) + map[bool]string{true: "0", false: "1"}[last != '0']
		bad.Staff = append(append([]bundles.Staff{}, staff...), staff[0], bundles.Staff{PersonID: staff[1].PersonID + 1000, MonthlyWage: money.Yuan(10_000_000)})
		err = ex.Check(cw, execute.Request{Matter: req.Matter, Form: form(t, bad)})
		wantProblem(t, err, "form.uscc", "统一社会信用代码")
		wantProblem(t, err, "form.staff[3].person_id", "重复")
		wantProblem(t, err, "form.staff[4].person_id", "未登记")
		if _, ok := fault.FieldsOf(err)["form.staff[4].monthly_wage"]; !ok {
			t.Errorf("problems %v: want the implausible wage of staff[4] named", fault.FieldsOf(err))
		}
		if err := ex.Check(cw, req); err != nil {
			t.Fatalf("Check: %v", err)
		}

		// An interruption after the registration and the first enrolment.
		o := &registry.Organisation{USCC: uscc, Name: in.Name, IndustryCode: "C1711", Size: registry.SizeSmall, RegionCode: v}
		if err := ib.App.Registry.CreateOrganisation(cw, o); err != nil {
			t.Fatal(err)
		}
		if err := ib.App.Insurance.Enrol(cw, &insurance.Enrolment{PersonID: staff[0].PersonID, Scheme: insurance.EmployeePension,
			Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: from}); err != nil {
			t.Fatal(err)
		}
		// Registered now, the USCC is refused to a new application.
		wantProblem(t, ex.Check(cw, req), "form.uscc", "已登记")

		res, err := ex.Execute(cw, req)
		if err != nil {
			t.Fatalf("Execute: %v", err)
		}
		if res.Ref != fmt.Sprintf("organisation:%d", o.ID) || res.Pending {
			t.Errorf("result %+v, want organisation:%d", res, o.ID)
		}
		for _, w := range append([]string{"昌吉开办测试有限公司", string(uscc), "自2026年11月起参加企业职工基本养老保险、失业保险、工伤保险", "共办理 9 项参保登记"}, names...) {
			if !strings.Contains(res.Summary, w) {
				t.Errorf("summary %q lacks %q", res.Summary, w)
			}
		}
		check := func() {
			t.Helper()
			ens, err := ib.App.Insurance.Enrolments(cw, insurance.EnrolmentFilter{OrgID: o.ID, Page: registry.Page{Limit: 100}})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, e := range ens {
				if e.Start != from || e.Status != insurance.Active || e.Kind != insurance.ThroughEmployer {
					t.Errorf("enrolment %+v", e)
				}
				if e.Scheme == insurance.WorkInjury && e.RiskClass != 2 {
					t.Errorf("work injury risk class %d, want 2", e.RiskClass)
				}
				got[fmt.Sprint(e.PersonID, e.Scheme)]++
			}
			if len(ens) != 9 {
				t.Errorf("%d enrolments, want 3 staff × 3 schemes", len(ens))
			}
			for _, st := range staff {
				for _, sc := range bundles.OpeningSchemes {
					if got[fmt.Sprint(st.PersonID, sc)] != 1 {
						t.Errorf("person %d in %s: %d enrolments, want 1", st.PersonID, sc, got[fmt.Sprint(st.PersonID, sc)])
					}
				}
			}
			sps, err := ib.App.Registry.Employments(cw, registry.EmploymentFilter{OrgID: o.ID, Page: registry.Page{Limit: 100}})
			if err != nil || len(sps) != 3 {
				t.Fatalf("spells %d, %v; want 3", len(sps), err)
			}
			for _, sp := range sps {
				if sp.Start != from.First() || sp.MonthlyWage < money.Yuan(5000) {
					t.Errorf("spell %+v", sp)
				}
			}
		}
		check()
		before := changes(t, ib.DB)
		again, err := ex.Execute(cw, req)
		if err != nil || again != res {
			t.Fatalf("second Execute = %+v, %v; want %+v", again, err, res)
		}
		check()
		if after := changes(t, ib.DB); !maps.Equal(after, before) {
			t.Errorf("the second run changed something: %v, then %v", before, after)
		}
	})
}

// TestBundleEnterpriseClosing closes an employer with a month unpaid:
// under settle, the check and the execution refuse and list the month;
// once it is paid the closing terminates every enrolment, ends the spells
// and closes the employer, and a second run returns the same decision.
// Under list, another employer is closed with its arrears listed.
func TestBundleEnterpriseClosing(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		cw, _ := users()
		ex := executor(t, ib.App, "bundle.enterprise_close")
		jan := period.NewMonth(2026, time.January)
		v := sqlstoretest.Village(t, "652301", 2)
		setup := func(n, seq int) *registry.Organisation {
			o := ib.Org(t, v, n)
			for i := range 2 {
				p := ib.Person(t, v, seq+i)
				ib.Employ(t, p, o, period.MustDate(2020, time.January, 1), 0, money.Yuan(6000))
				for _, sc := range []insurance.Scheme{insurance.EmployeePension, insurance.Unemployment} {
					ib.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: sc, Kind: insurance.ThroughEmployer, OrgID: o.ID, Start: period.NewMonth(2024, time.January)})
				}
			}
			return o
		}
		settle, list := setup(71, 71), setup(72, 75)
		if _, err := ib.Ins.Assess(ib.Ctx, jan, ""); err != nil {
			t.Fatal(err)
		}
		on := period.MustDate(2026, time.June, 15)
		req := func(o *registry.Organisation, mode string) execute.Request {
			return execute.Request{ApplicationNo: fmt.Sprintf("SN-close-%d", o.ID), Matter: matter(t, "enterprise_closing_bundle"), Organisation: o.ID,
				Form: form(t, map[string]any{"on": on, "reason": "市场监管部门注销登记", "arrears": mode})}
		}

		// At receipt: a date to come, no treatment of the arrears chosen,
		// a field the bundle does not take.
		err := ex.Check(cw, execute.Request{Matter: matter(t, "enterprise_closing_bundle"), Organisation: settle.ID,
			Form: form(t, map[string]any{"on": period.MustDate(2027, time.January, 1), "reason": "注销"})})
		wantProblem(t, err, "form.on", "晚于今天")
		wantProblem(t, err, "form.arrears", "settle")
		err = ex.Check(cw, execute.Request{Matter: matter(t, "enterprise_closing_bundle"), Organisation: settle.ID,
			Form: form(t, map[string]any{"on": on, "reason": "注销", "arrears": "list", "force": true})})
		wantProblem(t, err, "form.force")

		// Settle first: January is due and unpaid.
		wantProblem(t, ex.Check(cw, req(settle, bundles.ArrearsSettle)), "form.arrears", "2026年1月", "企业职工基本养老保险", "结清后方可注销")
		if _, err := ex.Execute(cw, req(settle, bundles.ArrearsSettle)); fault.CodeOf(err) != fault.Invalid {
			t.Fatalf("Execute with arrears under settle: %v, want Invalid", err)
		}
		var batch []insurance.Payment
		for i, a := range ib.Assessments(t, jan, "") {
			if a.OrgID == settle.ID {
				batch = append(batch, insurance.Payment{ReceiptNo: fmt.Sprintf("R-close-%d", i), PersonID: a.PersonID, OrgID: settle.ID, Scheme: a.Scheme, Period: jan,
					Base: a.Base, Employer: a.Employer, Individual: a.Individual, PaidOn: period.MustDate(2026, time.February, 10)})
			}
		}
		if len(batch) != 4 {
			t.Fatalf("%d assessments of the employer, want 4", len(batch))
		}
		if err := ib.Ins.Post(ib.Ctx, batch); err != nil {
			t.Fatal(err)
		}
		if err := ex.Check(cw, req(settle, bundles.ArrearsSettle)); err != nil {
			t.Fatalf("Check once paid: %v", err)
		}
		res, err := ex.Execute(cw, req(settle, bundles.ArrearsSettle))
		if err != nil {
			t.Fatalf("Execute: %v", err)
		}
		for _, w := range []string{"已于2026年6月15日注销社会保险登记", "4 项参保关系自2026年6月起终止", "2 段劳动关系终止", "无欠费"} {
			if !strings.Contains(res.Summary, w) {
				t.Errorf("summary %q lacks %q", res.Summary, w)
			}
		}
		o, err := ib.Svc.Organisation(ib.Ctx, settle.ID)
		if err != nil || !o.Closed() || o.ClosedOn != on {
			t.Fatalf("employer %+v, %v: want closed on %s", o, err, on)
		}
		ens, err := ib.Ins.Enrolments(ib.Ctx, insurance.EnrolmentFilter{OrgID: settle.ID, Page: registry.Page{Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ens {
			if e.Status != insurance.Terminated || e.End != period.NewMonth(2026, time.May) {
				t.Errorf("enrolment %d: %s to %s, want terminated with 2026-05", e.ID, e.Status, e.End)
			}
		}
		// Again (a crash before the application was finished): the same.
		if again, err := ex.Execute(cw, req(settle, bundles.ArrearsSettle)); err != nil || again != res {
			t.Errorf("second Execute = %+v, %v; want %+v", again, err, res)
		}

		// List: closed with its January listed for the liquidation.
		res, err = ex.Execute(cw, req(list, bundles.ArrearsList))
		if err != nil {
			t.Fatalf("Execute under list: %v", err)
		}
		c, err := ib.App.Closings.FindClosing(ib.Ctx, list.ID)
		if err != nil || c.ArrearsTotal <= 0 || len(c.Arrears) != 2 || len(c.Terminated) != 4 {
			t.Fatalf("closing %+v, %v: want January's two schemes listed and 4 terminated", c, err)
		}
		if w := fmt.Sprintf("列明欠费 %s 元", c.ArrearsTotal); !strings.Contains(res.Summary, w) {
			t.Errorf("summary %q lacks %q", res.Summary, w)
		}
	})
}

// TestBundleRetirement awards a pension in one application: the award
// with its calculation, the first payroll month (the month after the
// last payroll run, with the months since the start paid as back pay) and
// the first certification due one interval later, the interval being the
// dated parameter in force; a second run awards nothing more, and a new
// application for the same person is refused at receipt.
func TestBundleRetirement(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver := users()
		ex := executor(t, pb.App, "bundle.retirement")
		v := sqlstoretest.Village(t, "652301", 0)
		p := pb.Retiree(t, v, period.MustDate(1964, time.December, 5), 1)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.January), 800000)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.February), 800000)
		pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2025, time.March), 15000000)
		// November's payroll has run (for another pensioner of the
		// county): the pension is first paid in December.
		pb.EmployeeAward(t, sqlstoretest.Village(t, "652301", 1), period.MustDate(1964, time.June, 5), 3, period.NewMonth(2025, time.January))
		if _, err := pb.Pen.Payroll(pb.Ctx, period.NewMonth(2026, time.November), "652301"); err != nil {
			t.Fatal(err)
		}
		req := execute.Request{ApplicationNo: "SN-retire-1", Matter: matter(t, "retirement_bundle"), Person: p.ID,
			Form: form(t, map[string]any{"retirement_group": "female_worker", "start": "2026-01", "deemed_months": 358})}
		wantProblem(t, ex.Check(cw, req), "form.retirement_group", "female")
		req.Form = form(t, map[string]any{"retirement_group": "male", "start": "2026-01", "deemed_months": 358})
		if err := ex.Check(cw, req); err != nil {
			t.Fatalf("Check: %v", err)
		}
		// The domain's rules hold: an approver (no insurance.write) awards
		// nothing.
		if _, err := ex.Execute(approver, req); fault.CodeOf(err) != fault.Forbidden {
			t.Fatalf("Execute as an approver: %v, want Forbidden", err)
		}
		res, err := ex.Execute(cw, req)
		if err != nil {
			t.Fatalf("Execute: %v", err)
		}
		awards, err := pb.Pen.Awards(cw, insurance.AwardFilter{PersonID: p.ID, Page: registry.Page{Limit: 10}})
		if err != nil || len(awards) != 1 {
			t.Fatalf("awards %+v, %v; want one", awards, err)
		}
		a, err := pb.Pen.FindAward(cw, awards[0].ID)
		if err != nil || a.Decision == nil || a.Start != period.NewMonth(2026, time.January) || a.Amount <= 0 {
			t.Fatalf("award %+v, %v", a, err)
		}
		interval, _, err := pb.App.Policy.Value(bundles.CertificationInterval, period.MustDate(2026, time.December, 1), v)
		if err != nil {
			t.Fatal(err)
		}
		due := period.NewMonth(2026, time.December).Add(int(interval))
		if res.Ref != fmt.Sprintf("pension_award:%d", a.ID) || res.Pending {
			t.Errorf("result %+v", res)
		}
		for _, w := range []string{fmt.Sprintf("自2026年1月起每月 %s 元", a.Amount), "首次随2026年12月养老金发放", "2026年1月至2026年11月的待遇随之补发",
			fmt.Sprintf("每 %d 个月一次", interval), fmt.Sprintf("首次认证须在%d年%d月底前完成", due.Year(), int(due.MonthOfYear()))} {
			if !strings.Contains(res.Summary, w) {
				t.Errorf("summary %q lacks %q", res.Summary, w)
			}
		}
		if again, err := ex.Execute(cw, req); err != nil || again != res {
			t.Errorf("second Execute = %+v, %v; want %+v", again, err, res)
		}
		if n, _ := pb.Pen.Awards(cw, insurance.AwardFilter{PersonID: p.ID, Page: registry.Page{Limit: 10}}); len(n) != 1 {
			t.Errorf("%d awards after a second run, want 1", len(n))
		}
		wantProblem(t, ex.Check(cw, req), "person_id", "已核定")
	})
}

// TestBundleDeath settles a retiree's death in one application: after an
// interruption that left the death recorded, Execute proposes the
// settlement and waits (Pending) for a second user, proposing nothing more
// when run again; once approved, it completes with the funeral grant and
// survivors' benefit of the policy's parameters, the inheritable balance
// and the recovered pension, explained in words, the deceased's allowance
// stopped with the month of death and the household's 低保 set for
// review on the first day of the month after.
func TestBundleDeath(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		pb := sqlstoretest.NewPensions(t, open)
		cw, approver := users()
		ex := executor(t, pb.App, "bundle.death")
		v := sqlstoretest.Village(t, "652301", 0)
		p := pb.Retiree(t, v, period.MustDate(1964, time.December, 5), 1)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.January), 800000)
		pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.February), 800000)
		pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2025, time.March), 15000000)
		if _, err := pb.Pen.Award(pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale,
			Start: period.NewMonth(2026, time.January), DeemedMonths: 358}); err != nil {
			t.Fatal(err)
		}
		// Paid through September; the death on 15 July is reported late.
		for m := period.NewMonth(2026, time.July); m <= period.NewMonth(2026, time.September); m = m.Add(1) {
			if _, err := pb.Pen.Payroll(pb.Ctx, m, "652301"); err != nil {
				t.Fatal(err)
			}
		}
		s := pb.Person(t, v, 2)
		sqlstoretest.AddAccount(t, pb.Svc, pb.Ctx, &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(s.ID), BankCode: "ICBC",
			BankName: "ICBC 昌吉分行", AccountNo: "6222000000000002", AccountName: s.Name, Primary: true})
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
		death := period.MustDate(2026, time.July, 15)
		req := execute.Request{ApplicationNo: "SN-death-1", Matter: matter(t, "death_bundle"), Person: s.ID,
			Form: form(t, map[string]any{"deceased_id": p.ID, "death_date": death, "source": "family_report"})}

		// At receipt: the survivor cannot be the deceased, the source is
		// one of the registry's.
		bad := form(t, map[string]any{"deceased_id": p.ID, "death_date": death, "source": "rumour", "survivor_id": p.ID})
		err := ex.Check(cw, execute.Request{Matter: req.Matter, Person: s.ID, Form: bad})
		wantProblem(t, err, "form.source", "死亡信息来源")
		wantProblem(t, err, "form.survivor_id", "死者本人")
		if err := ex.Check(cw, req); err != nil {
			t.Fatalf("Check: %v", err)
		}

		// An interruption after the first step: the death is recorded.
		if _, err := pb.App.Registry.RecordDeath(cw, p.ID, death, "family_report"); err != nil {
			t.Fatal(err)
		}
		res, err := ex.Execute(cw, req)
		if err != nil {
			t.Fatalf("Execute: %v", err)
		}
		var id insurance.DeathSettlementID
		if _, err := fmt.Sscanf(res.Ref, "death_settlement:%d", &id); err != nil || !res.Pending {
			t.Fatalf("result %+v (%v), want pending on a death settlement", res, err)
		}
		// Run again while it waits: the same proposal, nothing new.
		if again, err := ex.Execute(cw, req); err != nil || again != res {
			t.Fatalf("second Execute = %+v, %v; want %+v", again, err, res)
		}
		if _, err := pb.App.Deaths.Decide(approver, id, true, ""); err != nil {
			t.Fatalf("Decide: %v", err)
		}
		res, err = ex.Execute(cw, req)
		if err != nil || res.Pending || res.Ref != fmt.Sprintf("death_settlement:%d", id) {
			t.Fatalf("Execute after the decision = %+v, %v", res, err)
		}
		d, err := pb.App.Deaths.Find(cw, id)
		if err != nil {
			t.Fatal(err)
		}

		// The amounts, from the parameters in force in the month of death:
		// the base is the previous year's urban disposable income ÷ 12,
		// rounded; the grant is the base × the grant's months; 30 years of
		// contributions give 24 months of benefit (人社部发〔2021〕18号).
		dm := death
		income, read, err := pb.App.Policy.Value("survivor.urban_disposable_income_prev_year", dm, v)
		if err != nil {
			t.Fatal(err)
		}
		// The base is a dated parameter: its status is said when it is
		// not confirmed.
		if note := "注：参数 survivor.urban_disposable_income_prev_year（" + read.Value; (read.Status != "confirmed") != strings.Contains(res.Summary, note) {
			t.Errorf("status %s of the base; summary:\n%s", read.Status, res.Summary)
		}
		grantMonths, _, err := pb.App.Policy.Value("survivor.funeral_grant_months", dm, v)
		if err != nil {
			t.Fatal(err)
		}
		base := money.Fen(money.DivRound(income, 12))
		grant := base * money.Fen(grantMonths)
		if d.FuneralGrant != grant || d.SurvivorsBenefit != base*24 {
			t.Errorf("grant %s, benefit %s; want %s × %d = %s and %s × 24", d.FuneralGrant, d.SurvivorsBenefit, base, grantMonths, grant, base)
		}
		if d.Detail.AccountCredited != 15000000 || d.Detail.MonthsDrawn != 7 || d.Inheritable != d.Detail.AccountCredited-d.Detail.AccountDrawn {
			t.Errorf("account: credited %s, drawn %s over %d months, inheritable %s", d.Detail.AccountCredited, d.Detail.AccountDrawn, d.Detail.MonthsDrawn, d.Inheritable)
		}
		var over money.Fen
		for _, o := range d.Detail.Overpayments {
			over += o.Amount
		}
		if len(d.Detail.Overpayments) != 2 || d.Overpayment != over || d.Recovered != over || over <= 0 {
			t.Errorf("overpayments %+v: %s, recovered %s; want August and September recovered", d.Detail.Overpayments, d.Overpayment, d.Recovered)
		}
		if d.Net != d.FuneralGrant+d.SurvivorsBenefit+d.Inheritable-d.Recovered || d.Status != insurance.SettlementApproved {
			t.Errorf("net %s (%s)", d.Net, d.Status)
		}
		for _, w := range []string{
			"已登记" + p.Name + "于2026年7月15日死亡", "自2026年8月起停发",
			"丧葬补助金 " + grant.String() + " 元", "抚恤金 " + (base * 24).String() + " 元",
			"个人账户可继承余额 " + d.Inheritable.String() + " 元", "扣回死亡后多发养老金 " + over.String() + " 元",
			"支付遗属" + s.Name + " " + d.Net.String() + " 元",
			"丧葬补助金 = 上一年度城镇居民月人均可支配收入 " + base.String() + " 元 × 2 个月",
			"本人 1 项救助待遇已停发", "家庭 1 项社会救助待遇列入复核，复核日期2026年8月1日",
		} {
			if !strings.Contains(res.Summary, w) {
				t.Errorf("summary lacks %q:\n%s", w, res.Summary)
			}
		}
		// The household's 低保 is due for review; the allowance stopped.
		dib, err := pb.App.Assistance.FindAward(cw, 501)
		if err != nil || dib.ReviewDue != period.MustDate(2026, time.August, 1) {
			t.Errorf("household award %+v, %v: want review due 2026-08-01", dib, err)
		}
		al, err := pb.App.Assistance.FindAward(cw, 502)
		if err != nil || al.Status != assistance.AwardStopped || al.End != period.NewMonth(2026, time.July) {
			t.Errorf("allowance %+v, %v: want stopped with 2026-07", al, err)
		}
		// And once more: nothing proposed or paid twice.
		before := changes(t, pb.DB)
		if again, err := ex.Execute(cw, req); err != nil || again != res {
			t.Errorf("Execute after completion = %+v, %v; want %+v", again, err, res)
		}
		if after := changes(t, pb.DB); !maps.Equal(after, before) {
			t.Errorf("the run after completion changed something: %v, then %v", before, after)
		}
	})
}

// TestBundleDeathUninsured records the death of a person never insured in
// a pension: nothing to settle, the application completes with the death
// recorded and says so.
func TestBundleDeathUninsured(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ib := sqlstoretest.NewInsurance(t, open)
		cw, _ := users()
		ex := executor(t, ib.App, "bundle.death")
		v := sqlstoretest.Village(t, "652302", 0)
		p, s := ib.Person(t, v, 81), ib.Person(t, v, 82)
		death := period.MustDate(2026, time.October, 3)
		req := execute.Request{ApplicationNo: "SN-death-2", Matter: matter(t, "death_bundle"), Person: s.ID,
			Form: form(t, map[string]any{"deceased_id": p.ID, "death_date": death, "source": "civil_affairs_funeral"})}
		res, err := ex.Execute(cw, req)
		if err != nil || res.Pending || res.Ref != fmt.Sprintf("person:%d", p.ID) || !strings.Contains(res.Summary, "未参加基本养老保险") ||
			!strings.Contains(res.Summary, "自2026年11月起停发") {
			t.Fatalf("Execute = %+v, %v", res, err)
		}
		got, err := ib.Svc.Person(ib.Ctx, p.ID)
		if err != nil || got.DeathDate != death || got.DeathSource != "civil_affairs_funeral" {
			t.Fatalf("person %+v, %v: want the death recorded", got, err)
		}
		if again, err := ex.Execute(cw, req); err != nil || again != res {
			t.Errorf("second Execute = %+v, %v; want %+v", again, err, res)
		}
	})
}
