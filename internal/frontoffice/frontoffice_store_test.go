package frontoffice_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// bank is the bank outlet the tests receive at.
const bank = "bank-652301-01"

// office is a front office over a real store with its users: a counter
// clerk at the bank outlet's township, a county caseworker who reviews, a
// county approver, and a user holding both a caseworker and an approver
// post.
type office struct {
	pb      sqlstoretest.Pensions
	a       *app.App
	fo      *frontoffice.Service
	clock   *clock.Settable
	point   matters.Point
	village region.Code
	clerk   context.Context
	cw      context.Context
	ap      context.Context
	ap2     context.Context
	// both is the two-post user acting in its caseworker post; bothAp
	// the same user in its approver post.
	both, bothAp context.Context
}

func newOffice(t *testing.T, open func(testing.TB) *sqlstore.DB) *office {
	t.Helper()
	pb := sqlstoretest.NewPensions(t, open)
	a := pb.App
	a.Auth.SetFastHashing()
	off, err := a.FrontOffice.Office()
	if err != nil {
		t.Fatal(err)
	}
	pt, ok := off.Points.Point(bank)
	if !ok {
		t.Fatalf("no point %s", bank)
	}
	vs := a.Juris.Tree.Descendants(pt.Region, region.Village)
	if len(vs) == 0 {
		t.Fatalf("no village under %s", pt.Region)
	}
	o := &office{pb: pb, a: a, fo: a.FrontOffice, clock: pb.Clock, point: pt, village: vs[0].Code}
	user := func(name string, posts ...auth.PostSpec) (*auth.User, []context.Context) {
		u, err := a.Auth.CreateUser(sqlstoretest.Admin(), auth.NewUser{Username: name, DisplayName: name, Password: "a-long-password-1", Posts: posts})
		if err != nil {
			t.Fatalf("CreateUser(%s): %v", name, err)
		}
		var ctxs []context.Context
		for _, post := range u.LivePosts() {
			p, err := a.Auth.ActAs(context.Background(), u.ID, post.ID)
			if err != nil {
				t.Fatal(err)
			}
			ctxs = append(ctxs, auth.WithPrincipal(context.Background(), p))
		}
		return u, ctxs
	}
	_, c := user("clerk.bank", auth.PostSpec{Role: auth.RoleClerk, Region: pt.Region})
	o.clerk = c[0]
	_, c = user("cw.fo", auth.PostSpec{Role: auth.RoleCaseworker, Region: "652301"})
	o.cw = c[0]
	_, c = user("ap.fo", auth.PostSpec{Role: auth.RoleApprover, Region: "652301"})
	o.ap = c[0]
	_, c = user("ap.fo2", auth.PostSpec{Role: auth.RoleApprover, Region: "652301"})
	o.ap2 = c[0]
	_, c = user("both.fo", auth.PostSpec{Role: auth.RoleCaseworker, Region: "652301"}, auth.PostSpec{Role: auth.RoleApprover, Region: "652301"})
	o.both, o.bothAp = c[0], c[1]
	return o
}

// at moves every service's clock to ten in the morning of d.
func (o *office) at(d period.Date) {
	o.clock.Set(func() time.Time { return d.Time().Add(10 * time.Hour) })
}

// pensioner awards an employee pension to a man of the bank's village.
func (o *office) pensioner(t *testing.T, seq int) *insurance.Award {
	t.Helper()
	return o.pb.EmployeeAward(t, o.village, period.MustDate(1964, time.December, 5), seq, period.NewMonth(2026, time.January))
}

// certification is a receipt of the employee pensioner's certification at
// the bank outlet.
func (o *office) certification(person int64, on period.Date) frontoffice.Receipt {
	form, _ := json.Marshal(map[string]string{"date": on.String(), "method": "visit"})
	return frontoffice.Receipt{Matter: "employee_pension_certification", Channel: matters.Bank, Point: bank,
		PersonID: registryID(person), Form: form}
}

// certifications are the person's certifications, as the pension service
// reads them.
func (o *office) certifications(t *testing.T, person int64) []insurance.Certification {
	t.Helper()
	cs, err := o.a.Pensions.Certifications(o.pb.Ctx, registryID(person), 50)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestBankOutletCertificationFinishedByItsAction receives a pensioner's
// certification at a bank outlet (社银合作), reviews and approves it, and
// finds the certification recorded by the pension service, once, with the
// applicant told at receipt and at 办结.
func TestBankOutletCertificationFinishedByItsAction(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if a.Status != frontoffice.Received || !strings.HasPrefix(a.No, "SNB65230101"+"20261122") || a.Point != bank {
			t.Fatalf("received %+v; want received at %s, numbered SNB6523010120261122…", a, bank)
		}
		// Accepted on Sunday 22 November 2026: one working day is Monday.
		if want := period.MustDate(2026, time.November, 23); a.DueDate != want {
			t.Errorf("due %s, want %s", a.DueDate, want)
		}
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass", Version: a.Version}); err != nil {
			t.Fatalf("Review: %v", err)
		}
		got, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve", Version: a.Version + 1})
		if err != nil {
			t.Fatalf("Approve: %v", err)
		}
		if got.Status != frontoffice.Completed || !strings.HasPrefix(got.ResultRef, "certification:") {
			t.Fatalf("approved %+v; want completed with the certification", got)
		}
		cs := o.certifications(t, int64(aw.PersonID))
		if len(cs) != 1 || cs[0].Method != insurance.CertVisit || !strings.Contains(cs[0].Note, a.No) || cs[0].CreatedBy != "cw.fo" {
			t.Fatalf("certifications %+v; want one visit by the reviewer cw.fo naming %s", cs, a.No)
		}
		// The executor is idempotent: running the action again finds it.
		ex, _ := o.a.Executors.For("insurance.pension.certify")
		m, _ := o.mustOffice(t).Catalogue.Matter("employee_pension_certification")
		if _, err := ex.Execute(o.cw, executeRequest(a, m)); err != nil {
			t.Fatal(err)
		}
		if n := len(o.certifications(t, int64(aw.PersonID))); n != 1 {
			t.Errorf("%d certifications after a second run, want 1", n)
		}
		d, err := o.fo.Get(o.cw, a.No)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, e := range d.Events {
			steps = append(steps, e.Action)
		}
		if strings.Join(steps, ",") != "receive,review,approve,complete" {
			t.Errorf("timeline %v", steps)
		}
		notices := o.notices(t, a.No)
		if len(notices) != 2 || !strings.Contains(notices[1], "已办结") {
			t.Errorf("notices %q; want receipt and 办结", notices)
		}
	})
}

// TestMakerChecker refuses the approval of the receiver or the reviewer,
// and keeps a caseworker of another county out.
func TestMakerChecker(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Review(o.clerk, a.No, frontoffice.Decision{Outcome: "pass"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("clerk reviews: %v, want Forbidden", err)
		}
		if _, err := o.fo.Review(o.both, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Approve(o.bothAp, a.No, frontoffice.Decision{Outcome: "approve"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("reviewer approves in another post: %v, want Forbidden", err)
		}
		// The receiver approves in another post: refused too.
		r, err := o.fo.Receive(o.both, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Review(o.cw, r.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Approve(o.bothAp, r.No, frontoffice.Decision{Outcome: "approve"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("receiver approves in another post: %v, want Forbidden", err)
		}
		other := o.user(t, "cw.other", auth.RoleApprover, "652302")
		if _, err := o.fo.Approve(other, a.No, frontoffice.Decision{Outcome: "approve"}); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("approver of another county: %v, want NotFound", err)
		}
	})
}

// TestDeferredMaterialHoldsTheMatter accepts an employer's enrolment of an
// employee with the labour contract to follow (容缺受理): approved, it is
// held and nothing is enrolled until the contract comes, then finished.
func TestDeferredMaterialHoldsTheMatter(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		org := o.pb.Org(t, o.village, 1)
		p := o.pb.Person(t, o.village, 3)
		form, _ := json.Marshal(map[string]any{"person_id": p.ID, "start": "2026-11"})
		promise := sqlstoretest.Today.AddDays(10)
		a, err := o.fo.Receive(o.clerk, frontoffice.Receipt{Matter: "employee_pension_enrol", Channel: matters.Bank, Point: bank,
			OrganisationID: org.ID, Form: form,
			Materials: map[string]frontoffice.MaterialIn{"labour_contract": {How: "deferred", Promised: promise}}})
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if a.Status != frontoffice.Received || len(a.Outstanding()) != 1 {
			t.Fatalf("received %+v; want accepted with the contract deferred", a)
		}
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		held, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve"})
		if err != nil || held.Status != frontoffice.Held {
			t.Fatalf("Approve = %+v, %v; want held", held, err)
		}
		if es := o.enrolments(t, p.ID); len(es) != 0 {
			t.Fatalf("enrolled before the contract came: %+v", es)
		}
		done, err := o.fo.SupplyDeferred(o.clerk, a.No, "labour_contract", 0)
		if err != nil || done.Status != frontoffice.Completed {
			t.Fatalf("SupplyDeferred = %+v, %v; want completed", done, err)
		}
		es := o.enrolments(t, p.ID)
		if len(es) != 1 || es[0].OrgID != org.ID || es[0].Start != period.NewMonth(2026, time.November) || done.ResultRef != fmt.Sprintf("enrolment:%d", es[0].ID) {
			t.Fatalf("enrolments %+v, result %s; want one through the employer from 2026-11", es, done.ResultRef)
		}
		// The timeline names the material as the applicant knows it.
		d, err := o.fo.Get(o.cw, a.No)
		if err != nil {
			t.Fatal(err)
		}
		supplied := false
		for _, e := range d.Events {
			if e.Action == "supply" {
				supplied = e.Note == "补交容缺材料：劳动合同"
			}
		}
		if !supplied {
			t.Errorf("timeline %+v; want the supply of 劳动合同 named", d.Events)
		}
	})
}

// TestNotAcceptedTellsEverythingOnce receives an agent's application for
// a flexible worker's enrolment with no authorisation and a form lacking
// its kind and first month: not accepted (不予受理), with every missing
// material and every problem of the form told at once.
func TestNotAcceptedTellsEverythingOnce(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		p := o.pb.Person(t, o.village, 3)
		agent := sqlstoretest.ResidentID(t, "652301", 1990, time.May, 1, 7)
		a, err := o.fo.Receive(o.clerk, frontoffice.Receipt{Matter: "flexible_employment_enrol", Channel: matters.Bank, Point: bank,
			PersonID: p.ID, Agent: &frontoffice.Agent{Name: "李四", IDNumber: string(agent)}, Form: json.RawMessage(`{}`)})
		if err != nil {
			t.Fatalf("Receive: %v", err)
		}
		if a.Status != frontoffice.NotAccepted || !a.DueDate.IsZero() {
			t.Fatalf("status %s due %s; want not_accepted without a due date", a.Status, a.DueDate)
		}
		for _, want := range []string{"授权委托书", "申请信息「参保类型」", "申请信息「参保起始月份」", "一次性"} {
			if !strings.Contains(a.Reason, want) {
				t.Errorf("告知 %q lacks %s", a.Reason, want)
			}
		}
		// The applicant reads Chinese: the form's keys and the decoder's
		// English reasons are put into words.
		for _, unwanted := range []string{"form.", "is required", "one of"} {
			if strings.Contains(a.Reason, unwanted) {
				t.Errorf("告知 %q shows %q", a.Reason, unwanted)
			}
		}
		if strings.Contains(a.Agent.IDNumber, string(agent)[6:14]) {
			t.Errorf("agent's ID number kept unmasked: %s", a.Agent.IDNumber)
		}
		if n := o.notices(t, a.No); len(n) != 1 || n[0] != a.Reason {
			t.Errorf("notices %q; want the 告知", n)
		}
		// A receipt naming no applicant records nothing: 422.
		_, err = o.fo.Receive(o.clerk, frontoffice.Receipt{Matter: "flexible_employment_enrol", Channel: matters.Bank, Point: bank})
		if fault.FieldsOf(err)["person_id"] == "" {
			t.Errorf("no applicant: %v, want a problem of person_id", err)
		}
	})
}

// TestSuspendedClockAcrossNationalDay asks for a correction on the day of
// acceptance before the 2026 National Day holiday and has it supplied on
// Friday 9 October: the clock stood still on the working days between, and
// the due date is Saturday 10 October, a working Saturday (调休).
func TestSuspendedClockAcrossNationalDay(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		o.at(period.MustDate(2026, time.September, 28))
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), period.MustDate(2026, time.September, 28)))
		if err != nil {
			t.Fatal(err)
		}
		if want := period.MustDate(2026, time.September, 29); a.DueDate != want {
			t.Fatalf("due %s, want %s", a.DueDate, want)
		}
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "correction", Items: []string{"认证照片"}}); err != nil {
			t.Fatal(err)
		}
		o.at(period.MustDate(2026, time.October, 9))
		r, err := o.fo.Resume(o.cw, a.No, 0, "照片已补")
		if err != nil {
			t.Fatal(err)
		}
		if want := period.MustDate(2026, time.October, 10); r.Status != frontoffice.Reviewing || r.DueDate != want {
			t.Fatalf("resumed %s due %s, want reviewing due %s", r.Status, r.DueDate, want)
		}
		if n := o.notices(t, a.No); len(n) != 2 || !strings.Contains(n[1], "认证照片") {
			t.Errorf("notices %q; want the correction asking for 认证照片", n)
		}
	})
}

// TestDueDateIn2027IsPending accepts a matter on the last day of 2026: its
// due date falls in 2027, whose holidays are not published, and is left
// pending with the reason, listed apart among the overdue.
func TestDueDateIn2027IsPending(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		o.at(period.MustDate(2026, time.December, 31))
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), period.MustDate(2026, time.December, 31)))
		if err != nil {
			t.Fatal(err)
		}
		if !a.DueDate.IsZero() || a.DuePending != "待公布2027年节假日安排后计算" {
			t.Fatalf("due %s pending %q; want pending for 2027", a.DueDate, a.DuePending)
		}
		list, err := o.fo.OverdueList(o.cw, frontoffice.OverdueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Pending) != 1 || list.Pending[0].No != a.No || len(list.Overdue) != 0 {
			t.Errorf("overdue list %+v; want the application pending apart", list)
		}
	})
}

// TestOverdueAndDueSoon lists an application overdue after its due date
// and due soon before it, counted per point and department.
func TestOverdueAndDueSoon(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatal(err)
		}
		aw2 := o.pensioner(t, 3)
		if _, err := o.fo.Receive(o.clerk, o.certification(int64(aw2.PersonID), sqlstoretest.Today)); err != nil {
			t.Fatal(err)
		}
		list, err := o.fo.OverdueList(o.cw, frontoffice.OverdueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.DueSoon) != 2 || len(list.Overdue) != 0 {
			t.Fatalf("on the day of receipt: %+v; want due soon", list)
		}
		o.at(period.MustDate(2026, time.November, 25))
		list, err = o.fo.OverdueList(o.cw, frontoffice.OverdueFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Overdue) != 2 || list.Overdue[0].No != a.No || len(list.ByPoint) != 1 || list.ByPoint[0].Key != bank ||
			list.ByPoint[0].Count != 2 || list.ByDepartment[0].Key != "sibao" || list.ByDepartment[0].Count != 2 {
			t.Fatalf("after the due date: %+v; want two overdue at %s, sibao", list, bank)
		}
		// A page of one still counts every overdue application per point
		// and department.
		list, err = o.fo.OverdueList(o.cw, frontoffice.OverdueFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(list.Overdue) != 1 || len(list.ByPoint) != 1 || list.ByPoint[0].Count != 2 || list.ByDepartment[0].Count != 2 {
			t.Fatalf("a page of one: %+v; want one listed and two counted", list)
		}
	})
}

// TestConcurrentApprovalRunsOnce approves one application from two
// approvers at the same moment: one approval runs the action, the other is
// refused, and one certification is recorded.
func TestConcurrentApprovalRunsOnce(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatal(err)
		}
		r, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, ctx := range []context.Context{o.ap, o.ap2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = o.fo.Approve(ctx, a.No, frontoffice.Decision{Outcome: "approve", Version: r.Version})
			}()
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case fault.CodeOf(err) != fault.Conflict:
				t.Errorf("losing approval: %v, want Conflict", err)
			}
		}
		if ok != 1 {
			t.Fatalf("%d approvals succeeded (%v), want 1", ok, errs)
		}
		if n := len(o.certifications(t, int64(aw.PersonID))); n != 1 {
			t.Errorf("%d certifications, want 1", n)
		}
	})
}

// TestReceiptNumbersUniqueUnderConcurrency receives ten applications at
// one point at once: ten numbers, the day's sequence 1 to 10.
func TestReceiptNumbersUniqueUnderConcurrency(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		var wg sync.WaitGroup
		nos := make([]string, 10)
		errs := make([]error, 10)
		for i := range nos {
			wg.Add(1)
			go func() {
				defer wg.Done()
				a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
				if err == nil {
					nos[i] = a.No
				}
				errs[i] = err
			}()
		}
		wg.Wait()
		seen := map[string]bool{}
		for i, no := range nos {
			if errs[i] != nil {
				t.Fatalf("Receive: %v", errs[i])
			}
			seen[no] = true
		}
		for i := 1; i <= 10; i++ {
			if no := fmt.Sprintf("SNB6523010120261122%04d", i); !seen[no] {
				t.Errorf("no application %s among %v", no, nos)
			}
		}
	})
}

// TestFailedActionRefusedOrWithdrawnNever approves an employer's enrolment
// of a person enrolled meanwhile: the domain refuses the action, the
// application waits in completing (neither finished nor withdrawn) and the
// approver refuses it with the reason, the applicant told.
func TestFailedActionRefusedOrWithdrawnNever(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		org := o.pb.Org(t, o.village, 1)
		p := o.pb.Person(t, o.village, 3)
		form, _ := json.Marshal(map[string]any{"person_id": p.ID, "start": "2026-11"})
		a, err := o.fo.Receive(o.clerk, frontoffice.Receipt{Matter: "employee_pension_enrol", Channel: matters.Bank, Point: bank,
			OrganisationID: org.ID, Form: form, Materials: map[string]frontoffice.MaterialIn{"labour_contract": {How: "copy"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Take(o.cw, a.No, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		o.pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible,
			Start: period.NewMonth(2026, time.October), Base: 450000})
		if _, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve"}); err == nil {
			t.Fatal("Approve enrolled a person enrolled already")
		}
		if _, err := o.fo.Withdraw(o.clerk, a.No, 0, "不办了"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Withdraw while completing: %v, want Conflict", err)
		}
		r, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "refuse", Note: "该人员已以灵活就业身份参保"})
		if err != nil || r.Status != frontoffice.Refused {
			t.Fatalf("refuse after the failed action = %+v, %v", r, err)
		}
		if n := o.notices(t, a.No); len(n) != 2 || !strings.Contains(n[1], "已以灵活就业身份参保") {
			t.Errorf("notices %q", n)
		}
	})
}
