package frontoffice_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/bundles"
	"safetynet/internal/frontoffice"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// materialsOf checks in every material matter id asks (not those the
// registry gives, nor an agent's when no agent applies) as originals:
// the one set of materials of a bundle.
func (o *office) materialsOf(t *testing.T, id string) map[string]frontoffice.MaterialIn {
	t.Helper()
	m, ok := o.mustOffice(t).Catalogue.Matter(id)
	if !ok {
		t.Fatalf("no matter %s", id)
	}
	out := map[string]frontoffice.MaterialIn{}
	for _, mat := range m.Materials {
		if mat.Asked() && mat.ID != "agent_id" && mat.ID != "authorisation" {
			out[mat.ID] = frontoffice.MaterialIn{How: frontoffice.MaterialOriginal}
		}
	}
	return out
}

// throughTheOffice receives in at the counter (or channel) as the clerk,
// has the county caseworker take and pass it and the approver approve
// it, and returns the application as the approval left it.
func (o *office) throughTheOffice(t *testing.T, in frontoffice.Receipt, formV any) *frontoffice.Application {
	t.Helper()
	raw, err := json.Marshal(formV)
	if err != nil {
		t.Fatal(err)
	}
	in.Form = raw
	in.Materials = o.materialsOf(t, in.Matter)
	a, err := o.fo.Receive(o.clerk, in)
	if err != nil {
		t.Fatalf("Receive %s: %v", in.Matter, err)
	}
	if a.Status != frontoffice.Received {
		t.Fatalf("received %s as %s (%s), want received", in.Matter, a.Status, a.Reason)
	}
	if _, err := o.fo.Take(o.cw, a.No, 0); err != nil {
		t.Fatalf("Take: %v", err)
	}
	if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomePass}); err != nil {
		t.Fatalf("Review: %v", err)
	}
	got, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: frontoffice.OutcomeApprove})
	if err != nil {
		t.Fatalf("Approve %s: %v", a.No, err)
	}
	return got
}

// wantToldReceivedAndDone checks the applicant's notices: the receipt
// and the 办结, in that order.
func (o *office) wantToldReceivedAndDone(t *testing.T, no string) {
	t.Helper()
	ns := o.notices(t, no)
	if len(ns) != 2 || !strings.Contains(ns[0], "已受理") || !strings.Contains(ns[1], "已办结") {
		t.Errorf("notices of %s %q; want received then completed", no, ns)
	}
}

// TestEnterpriseOpeningThroughTheApplication registers an employer and
// enrols its two staff in the three schemes from one application received
// at the bank outlet (企业开办一件事).
func TestEnterpriseOpeningThroughTheApplication(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		founder := o.pb.Person(t, o.village, 40)
		var staff []bundles.Staff
		for i := range 2 {
			p := o.pb.Person(t, o.village, 41+i)
			staff = append(staff, bundles.Staff{PersonID: p.ID, MonthlyWage: money.Yuan(int64(5000 + 500*i))})
		}
		uscc, err := ids.MakeUSCC('9', '1', "652301", "MA000931")
		if err != nil {
			t.Fatal(err)
		}
		a := o.throughTheOffice(t, frontoffice.Receipt{Matter: "enterprise_opening_bundle", Channel: matters.Bank, Point: bank, PersonID: founder.ID},
			bundles.OpenRequest{USCC: string(uscc), Name: "昌吉一窗开办有限公司", IndustryCode: "C1711", Size: registry.SizeSmall,
				RegionCode: o.village, From: period.NewMonth(2026, time.November), RiskClass: 2, Staff: staff})
		if a.Status != frontoffice.Completed || !strings.HasPrefix(a.ResultRef, "organisation:") {
			t.Fatalf("approved %+v; want completed with the employer", a)
		}
		var orgID registry.OrgID
		if _, err := fmt.Sscanf(a.ResultRef, "organisation:%d", &orgID); err != nil {
			t.Fatal(err)
		}
		org, err := o.a.Registry.Organisation(o.pb.Ctx, orgID)
		if err != nil || org.USCC != uscc {
			t.Fatalf("employer %+v, %v; want %s registered", org, err, uscc)
		}
		for _, s := range staff {
			es := o.enrolments(t, s.PersonID)
			schemes := map[insurance.Scheme]bool{}
			for _, e := range es {
				if e.OrgID == orgID && e.Start == period.NewMonth(2026, time.November) {
					schemes[e.Scheme] = true
				}
			}
			if !schemes[insurance.EmployeePension] || !schemes[insurance.Unemployment] || !schemes[insurance.WorkInjury] || len(es) != 3 {
				t.Errorf("person %d enrolments %+v; want pension, unemployment and work injury through %d", s.PersonID, es, orgID)
			}
		}
		if !strings.Contains(a.ResultSummary, "共办理 6 项参保登记") {
			t.Errorf("summary %q", a.ResultSummary)
		}
		o.wantToldReceivedAndDone(t, a.No)
	})
}

// TestEnterpriseClosingThroughTheApplication closes an employer with its
// arrears listed for the liquidation, every enrolment terminated, from one
// application received online (企业注销一件事).
func TestEnterpriseClosingThroughTheApplication(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		org := o.pb.Org(t, o.village, 71)
		var staff []*registry.Person
		for i := range 2 {
			p := o.pb.Person(t, o.village, 71+i)
			o.pb.Employ(t, p, org, period.MustDate(2020, time.January, 1), 0, money.Yuan(6000))
			for _, sc := range []insurance.Scheme{insurance.EmployeePension, insurance.Unemployment} {
				o.pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: sc, Kind: insurance.ThroughEmployer, OrgID: org.ID, Start: period.NewMonth(2024, time.January)})
			}
			staff = append(staff, p)
		}
		if _, err := o.pb.Ins.Assess(o.pb.Ctx, period.NewMonth(2026, time.January), ""); err != nil {
			t.Fatal(err)
		}
		on := period.MustDate(2026, time.June, 15)
		a := o.throughTheOffice(t, frontoffice.Receipt{Matter: "enterprise_closing_bundle", Channel: matters.Online, OrganisationID: org.ID},
			map[string]any{"on": on, "reason": "市场监管部门注销登记", "arrears": bundles.ArrearsList})
		if a.Status != frontoffice.Completed {
			t.Fatalf("approved %+v; want completed", a)
		}
		closed, err := o.a.Registry.Organisation(o.pb.Ctx, org.ID)
		if err != nil || closed.Status != registry.OrgClosed || closed.ClosedOn != on {
			t.Fatalf("employer %+v, %v; want closed on %s", closed, err, on)
		}
		for _, p := range staff {
			for _, e := range o.enrolments(t, p.ID) {
				if e.Status != insurance.Terminated || e.End != period.NewMonth(2026, time.May) {
					t.Errorf("enrolment %d of person %d: %s to %s, want terminated with 2026-05", e.ID, p.ID, e.Status, e.End)
				}
			}
		}
		if !strings.Contains(a.ResultSummary, "欠") {
			t.Errorf("summary %q; want the arrears listed", a.ResultSummary)
		}
		o.wantToldReceivedAndDone(t, a.No)
	})
}

// TestRetirementThroughTheApplication awards a pension with its
// calculation, its first payroll month and its certification date from one
// application received at the bank outlet (退休一件事).
func TestRetirementThroughTheApplication(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		p := o.pb.Retiree(t, o.village, period.MustDate(1964, time.December, 5), 1)
		o.pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.January), 800000)
		o.pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2025, time.March), 15000000)
		// November's payroll has run for another pensioner of the county:
		// the pension is first paid in December.
		o.pb.EmployeeAward(t, o.village, period.MustDate(1964, time.June, 5), 3, period.NewMonth(2025, time.January))
		if _, err := o.pb.Pen.Payroll(o.pb.Ctx, period.NewMonth(2026, time.November), "652301"); err != nil {
			t.Fatal(err)
		}
		a := o.throughTheOffice(t, frontoffice.Receipt{Matter: "retirement_bundle", Channel: matters.Bank, Point: bank, PersonID: p.ID},
			map[string]any{"retirement_group": "male", "start": "2026-01", "deemed_months": 358})
		if a.Status != frontoffice.Completed || !strings.HasPrefix(a.ResultRef, "pension_award:") {
			t.Fatalf("approved %+v; want completed with the award", a)
		}
		awards, err := o.a.Pensions.Awards(o.cw, insurance.AwardFilter{PersonID: p.ID, Page: registry.Page{Limit: 10}})
		if err != nil || len(awards) != 1 {
			t.Fatalf("awards %+v, %v; want one", awards, err)
		}
		aw, err := o.a.Pensions.FindAward(o.cw, awards[0].ID)
		if err != nil || aw.Decision == nil || aw.Start != period.NewMonth(2026, time.January) || aw.Amount <= 0 {
			t.Fatalf("award %+v, %v; want one from 2026-01 with its calculation", aw, err)
		}
		interval, _, err := o.a.Policy.Value(bundles.CertificationInterval, period.MustDate(2026, time.December, 1), o.village)
		if err != nil {
			t.Fatal(err)
		}
		due := period.NewMonth(2026, time.December).Add(int(interval))
		for _, w := range []string{fmt.Sprintf("自2026年1月起每月 %s 元", aw.Amount), "首次随2026年12月养老金发放",
			fmt.Sprintf("首次认证须在%d年%d月底前完成", due.Year(), int(due.MonthOfYear()))} {
			if !strings.Contains(a.ResultSummary, w) {
				t.Errorf("summary %q lacks %q", a.ResultSummary, w)
			}
		}
		o.wantToldReceivedAndDone(t, a.No)
	})
}

// TestDeathThroughTheApplication settles a pensioner's death from one
// application of the survivor received online (身后一件事): approved, it
// waits completing for the settlement's second user; decided, the sweeper
// finishes it, the amounts explained in words.
func TestDeathThroughTheApplication(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		p := o.pb.Retiree(t, o.village, period.MustDate(1964, time.December, 5), 1)
		o.pb.Pay(t, p, insurance.EmployeePension, period.NewMonth(2025, time.January), 800000)
		o.pb.Credit(t, p, insurance.EmployeePension, period.NewMonth(2025, time.March), 15000000)
		if _, err := o.pb.Pen.Award(o.pb.Ctx, insurance.AwardRequest{PersonID: p.ID, Scheme: insurance.EmployeePension, Group: insurance.GroupMale,
			Start: period.NewMonth(2026, time.January), DeemedMonths: 358}); err != nil {
			t.Fatal(err)
		}
		// Paid through September; the death on 15 July is reported late.
		for m := period.NewMonth(2026, time.July); m <= period.NewMonth(2026, time.September); m = m.Add(1) {
			if _, err := o.pb.Pen.Payroll(o.pb.Ctx, m, "652301"); err != nil {
				t.Fatal(err)
			}
		}
		s := o.pb.Person(t, o.village, 2)
		sqlstoretest.AddAccount(t, o.pb.Svc, o.pb.Ctx, &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(s.ID), BankCode: "ICBC",
			BankName: "ICBC 昌吉分行", AccountNo: "6222000000000002", AccountName: s.Name, Primary: true})
		h := &registry.Household{RegionCode: o.village, HukouType: registry.HukouUrban, Members: []registry.Member{
			{PersonID: p.ID, Relation: registry.RelHead}, {PersonID: s.ID, Relation: registry.RelSpouse}}}
		if err := o.pb.Svc.CreateHousehold(o.pb.Ctx, h); err != nil {
			t.Fatal(err)
		}
		death := period.MustDate(2026, time.July, 15)
		a := o.throughTheOffice(t, frontoffice.Receipt{Matter: "death_bundle", Channel: matters.Online, PersonID: s.ID},
			map[string]any{"deceased_id": p.ID, "death_date": death, "source": "family_report"})
		var id insurance.DeathSettlementID
		if _, err := fmt.Sscanf(a.ResultRef, "death_settlement:%d", &id); err != nil || a.Status != frontoffice.Completing {
			t.Fatalf("approved %+v (%v); want completing with the settlement pending", a, err)
		}
		// Nothing to do yet: the sweeper leaves it waiting.
		rep, err := o.fo.SettlePending(o.system(), 10)
		if err != nil || len(rep.Waiting) != 1 || len(rep.Completed) != 0 {
			t.Fatalf("SettlePending before the decision = %+v, %v; want it waiting", rep, err)
		}
		// The reviewer proposed the settlement: another user decides it.
		if _, err := o.a.Deaths.Decide(o.ap2, id, true, ""); err != nil {
			t.Fatalf("Decide: %v", err)
		}
		rep, err = o.fo.SettlePending(o.system(), 10)
		if err != nil || len(rep.Completed) != 1 || rep.Completed[0] != a.No {
			t.Fatalf("SettlePending = %+v, %v; want %s completed", rep, err, a.No)
		}
		got, err := o.fo.Get(o.cw, a.No)
		if err != nil || got.Status != frontoffice.Completed {
			t.Fatalf("application %+v, %v; want completed", got, err)
		}
		d, err := o.a.Deaths.Find(o.cw, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != insurance.SettlementApproved || d.FuneralGrant <= 0 || d.SurvivorsBenefit <= 0 || d.Inheritable <= 0 || d.Recovered <= 0 {
			t.Errorf("settlement %+v; want a grant, a benefit, an inheritable balance and a recovery", d)
		}
		for _, w := range []string{
			"丧葬补助金 " + d.FuneralGrant.String() + " 元", "抚恤金 " + d.SurvivorsBenefit.String() + " 元",
			"个人账户可继承余额 " + d.Inheritable.String() + " 元", "扣回死亡后多发养老金 " + d.Recovered.String() + " 元",
			"丧葬补助金 = 上一年度城镇居民月人均可支配收入", "自2026年8月起停发",
		} {
			if !strings.Contains(got.ResultSummary, w) {
				t.Errorf("summary lacks %q:\n%s", w, got.ResultSummary)
			}
		}
		o.wantToldReceivedAndDone(t, a.No)
	})
}
