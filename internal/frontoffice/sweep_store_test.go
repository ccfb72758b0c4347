package frontoffice_test

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/frontoffice"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/internal/workday"
)

// system is a system process's context (the sweeper's).
func (o *office) system() context.Context {
	return o.a.System(context.Background(), "frontoffice-sweep")
}

// crashedBeforeAction receives, reviews and claims a certification as the
// approval does (completing), and stops there, as a server killed between
// the claim and the action would.
func (o *office) crashedBeforeAction(t *testing.T, person int64) *frontoffice.Application {
	t.Helper()
	a, err := o.fo.Receive(o.clerk, o.certification(person, sqlstoretest.Today))
	if err != nil {
		t.Fatal(err)
	}
	if a, err = o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
		t.Fatal(err)
	}
	a.Status, a.ApproverID, a.ApproverName = frontoffice.Completing, 0, "ap.fo"
	if err := o.pb.DB.UpdateApplication(o.ap, a, frontoffice.Event{Action: "approve", From: frontoffice.Approving, To: frontoffice.Completing,
		ActorName: "ap.fo"}, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// TestSettlePendingTwoSweepersSettleEachOnce leaves three applications
// completing and has two processes sweep at once: each application is
// finished once (one application.complete audit event each) and its
// certification recorded once.
func TestSettlePendingTwoSweepersSettleEachOnce(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		var persons []int64
		for i := 1; i <= 5; i += 2 {
			aw := o.pensioner(t, i)
			persons = append(persons, int64(aw.PersonID))
			o.crashedBeforeAction(t, int64(aw.PersonID))
		}
		other := o.pb.OtherProcess()
		other.FrontOffice.SetOffice(o.mustOffice(t))
		var wg sync.WaitGroup
		reps := make([]*frontoffice.SettleReport, 2)
		errs := make([]error, 2)
		for i, fo := range []*frontoffice.Service{o.fo, other.FrontOffice} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				reps[i], errs[i] = fo.SettlePending(o.system(), 10)
			}()
		}
		wg.Wait()
		done := 0
		for i := range reps {
			if errs[i] != nil {
				t.Fatalf("SettlePending %d: %v", i, errs[i])
			}
			done += len(reps[i].Completed)
			if len(reps[i].Failed) > 0 {
				t.Errorf("sweeper %d failed: %v", i, reps[i].Failed)
			}
		}
		if done != 3 {
			t.Errorf("completed %d applications in all (%+v, %+v), want 3", done, reps[0], reps[1])
		}
		if n := sqlstoretest.AuditActions(t, o.pb.DB)["application.complete"]; n != 3 {
			t.Errorf("%d application.complete events, want 3", n)
		}
		for _, p := range persons {
			if n := len(o.certifications(t, p)); n != 1 {
				t.Errorf("person %d has %d certifications, want 1", p, n)
			}
		}
		again, err := o.fo.SettlePending(o.system(), 10)
		if err != nil || again.Claimed != 0 {
			t.Errorf("a third sweep = %+v, %v; want nothing left", again, err)
		}
	})
}

// TestSettlePendingAfterCrashDoesNotRepeatTheAction leaves an application
// completing whose action was done (kill -9 between the certification and
// the 办结): the sweeper finishes it with the certification found, not
// recorded twice, and the applicant told once.
func TestSettlePendingAfterCrashDoesNotRepeatTheAction(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		a := o.crashedBeforeAction(t, int64(aw.PersonID))
		ex, _ := o.a.Executors.For("insurance.pension.certify")
		m, _ := o.mustOffice(t).Catalogue.Matter("employee_pension_certification")
		first, err := ex.Execute(o.cw, executeRequest(a, m))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := o.fo.SettlePending(o.system(), 10)
		if err != nil || len(rep.Completed) != 1 || rep.Completed[0] != a.No {
			t.Fatalf("SettlePending = %+v, %v; want %s completed", rep, err, a.No)
		}
		got, err := o.fo.Get(o.cw, a.No)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != frontoffice.Completed || got.ResultRef != first.Ref {
			t.Errorf("settled %s with %s, want completed with %s", got.Status, got.ResultRef, first.Ref)
		}
		if n := len(o.certifications(t, int64(aw.PersonID))); n != 1 {
			t.Errorf("%d certifications, want 1", n)
		}
		ns := o.notices(t, a.No)
		if len(ns) != 2 || !strings.Contains(ns[1], "已办结") {
			t.Errorf("notices %q; want the receipt and one 办结", ns)
		}
	})
}

// TestRecomputePendingDue accepts an application whose due date falls in
// 2027, then publishes a 2027 calendar: the sweeper counts the due date,
// once, with the reason gone.
func TestRecomputePendingDue(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		o.at(period.MustDate(2026, time.December, 31))
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), period.MustDate(2026, time.December, 31)))
		if err != nil || a.DuePending == "" {
			t.Fatalf("Receive = %+v, %v; want the due date pending", a, err)
		}
		if done, err := o.fo.RecomputePendingDue(o.system()); err != nil || len(done) != 0 {
			t.Fatalf("RecomputePendingDue before 2027 is published = %v, %v; want nothing", done, err)
		}
		off := *o.mustOffice(t)
		cal := off.Calendar
		var years []workday.Year
		for _, y := range cal.Years() {
			yr, err := cal.Year(y)
			if err != nil {
				t.Fatal(err)
			}
			years = append(years, yr)
		}
		y2027, err := workday.ParseYear([]byte(`year: 2027
source: {title: 测试用2027年节假日安排, date: 2026-11-01, status: unconfirmed, note: synthetic}
holidays:
  - {name: 元旦, name_en: New Year's Day, from: 2027-01-01, to: 2027-01-03}
working_weekend_days: []
`))
		if err != nil {
			t.Fatalf("ParseYear: %v", err)
		}
		if off.Calendar, err = workday.New(append(years, y2027)...); err != nil {
			t.Fatal(err)
		}
		o.fo.SetOffice(&off)
		done, err := o.fo.RecomputePendingDue(o.system())
		if err != nil || len(done) != 1 || done[0] != a.No {
			t.Fatalf("RecomputePendingDue = %v, %v; want %s", done, err, a.No)
		}
		got, err := o.fo.Get(o.cw, a.No)
		if err != nil {
			t.Fatal(err)
		}
		// Accepted on Thursday 31 December 2026; 1-3 January are the
		// holiday: the one working day is Monday 4 January 2027.
		if want := period.MustDate(2027, time.January, 4); got.DueDate != want || got.DuePending != "" {
			t.Errorf("due %s pending %q, want %s", got.DueDate, got.DuePending, want)
		}
		if last := got.Events[len(got.Events)-1]; last.Action != "due" {
			t.Errorf("last event %+v, want the due date recorded", last)
		}
		if again, err := o.fo.RecomputePendingDue(o.system()); err != nil || len(again) != 0 {
			t.Errorf("a second run = %v, %v; want nothing", again, err)
		}
	})
}

// TestDeferredOverdueRemindedOnce accepts an enrolment with the labour
// contract deferred (容缺) and lets its promised date pass: the
// application is listed as deferred overdue and the applicant reminded
// once, however often the sweeper runs.
func TestDeferredOverdueRemindedOnce(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		org := o.pb.Org(t, o.village, 1)
		p := o.pb.Person(t, o.village, 3)
		form, _ := json.Marshal(map[string]any{"person_id": p.ID, "start": "2026-11"})
		promise := sqlstoretest.Today.AddDays(3)
		a, err := o.fo.Receive(o.clerk, frontoffice.Receipt{Matter: "employee_pension_enrol", Channel: matters.Bank, Point: bank,
			OrganisationID: org.ID, Form: form,
			Materials: map[string]frontoffice.MaterialIn{"labour_contract": {How: "deferred", Promised: promise}}})
		if err != nil {
			t.Fatal(err)
		}
		if late, err := o.fo.DeferredOverdue(o.cw, frontoffice.DeferredFilter{}); err != nil || len(late) != 0 {
			t.Fatalf("DeferredOverdue before the promise = %v, %v; want none", late, err)
		}
		o.at(promise.AddDays(1))
		late, err := o.fo.DeferredOverdue(o.cw, frontoffice.DeferredFilter{})
		if err != nil || len(late) != 1 || late[0].No != a.No {
			t.Fatalf("DeferredOverdue = %v, %v; want %s", late, err, a.No)
		}
		for i, want := range []int{1, 0} {
			n, err := o.fo.RemindDeferred(o.system())
			if err != nil || n != want {
				t.Fatalf("RemindDeferred run %d = %d, %v; want %d", i+1, n, err, want)
			}
		}
		ns := o.notices(t, a.No)
		if len(ns) != 2 || !strings.Contains(ns[1], "劳动合同") || !strings.Contains(ns[1], "尚未收到") {
			t.Errorf("notices %q; want the receipt and one reminder naming the contract", ns)
		}
		if _, err := o.fo.SupplyDeferred(o.clerk, a.No, "labour_contract", 0); err != nil {
			t.Fatal(err)
		}
		if late, err := o.fo.DeferredOverdue(o.cw, frontoffice.DeferredFilter{}); err != nil || len(late) != 0 {
			t.Errorf("DeferredOverdue after it came = %v, %v; want none", late, err)
		}
	})
}

// TestSettlePendingRetriesAFailedActionAfterItsLease approves an
// employer's enrolment of a person enrolled meanwhile: the action fails,
// the application stays completing; the sweeper reports it failed and
// keeps it claimed, so the next sweep passes it by, until the lease ends
// and it is tried again.
func TestSettlePendingRetriesAFailedActionAfterItsLease(t *testing.T) {
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
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		o.pb.Enrol(t, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.Flexible,
			Start: period.NewMonth(2026, time.October), Base: 450000})
		if _, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve"}); err == nil {
			t.Fatal("Approve enrolled a person enrolled already")
		}
		o.fo.SetSettleLease(time.Hour)
		rep, err := o.fo.SettlePending(o.system(), 10)
		if err != nil || rep.Claimed != 1 || rep.Failed[a.No] == "" {
			t.Fatalf("SettlePending = %+v, %v; want %s failed", rep, err, a.No)
		}
		if rep, err := o.fo.SettlePending(o.system(), 10); err != nil || rep.Claimed != 0 {
			t.Errorf("a sweep within the lease = %+v, %v; want it passed by", rep, err)
		}
		o.clock.Set(func() time.Time { return sqlstoretest.Today.Time().Add(10*time.Hour + 61*time.Minute) })
		if rep, err := o.fo.SettlePending(o.system(), 10); err != nil || rep.Claimed != 1 || rep.Failed[a.No] == "" {
			t.Errorf("a sweep after the lease = %+v, %v; want it tried again", rep, err)
		}
		if got, _ := o.fo.Get(o.cw, a.No); got.Status != frontoffice.Completing {
			t.Errorf("status %s, want completing", got.Status)
		}
	})
}
