package frontoffice_test

import (
	"context"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// seedApp stores an application as the store keeps it: received on
// received in region at the point (or through the channel), in status,
// with its due date and, completed, its day of 办结 and working days.
func (o *office) seedApp(t *testing.T, ch matters.Channel, point string, code region.Code, status frontoffice.Status,
	received, due, completed period.Date, days int) *frontoffice.Application {
	t.Helper()
	a := &frontoffice.Application{Matter: "employee_pension_certification", Department: "sibao", Channel: ch, Point: point,
		RegionCode: code, Status: status, ReceivedBy: 1, ReceivedByName: "admin", ReceivedAt: received.Time().Add(2 * time.Hour),
		AcceptedOn: received, TimeLimit: 1, DueDate: due}
	if status == frontoffice.Completed {
		a.CompletedOn, a.WorkingDays = completed, &days
	}
	if err := o.pb.DB.CreateApplication(sqlstoretest.Admin(), a, "SNTEST"+received.String(), frontoffice.Event{Action: "receive", To: status}, nil); err != nil {
		t.Fatal(err)
	}
	return a
}

// reportOf is the report of November 2026 by, for the caller ctx.
func (o *office) reportOf(t *testing.T, ctx context.Context, by report.By) *report.Report {
	t.Helper()
	r, err := o.a.Reports.Report(ctx, report.Filter{From: period.MustDate(2026, time.November, 1), To: period.MustDate(2026, time.November, 30), By: by})
	if err != nil {
		t.Fatalf("Report(%s): %v", by, err)
	}
	return r
}

// TestHandlingReportCounts counts a fixture of applications over channels,
// points and states in November 2026: four accepted, three of them online
// or mobile (线上办理率 75.00%), one not accepted, one completed on time
// and one late (按时办结率 50.00%, 2.0 working days on average), one
// running past its due date; those of October and of another county are
// not counted, and a caseworker of that county sees only its own.
func TestHandlingReportCounts(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		nov := func(d int) period.Date { return period.MustDate(2026, time.November, d) }
		o.at(period.MustDate(2026, time.December, 1))
		o.seedApp(t, matters.Bank, bank, o.village, frontoffice.Completed, nov(23), nov(25), nov(24), 1)
		o.seedApp(t, matters.Online, "", o.village, frontoffice.Completed, nov(23), nov(24), nov(26), 3)
		o.seedApp(t, matters.Mobile, "", o.village, frontoffice.Received, nov(2), nov(3), 0, 0)
		o.seedApp(t, matters.Online, "", o.village, frontoffice.Refused, nov(30), nov(31-30), 0, 0)
		o.seedApp(t, matters.Bank, bank, o.village, frontoffice.NotAccepted, nov(10), 0, 0, 0)
		o.seedApp(t, matters.Online, "", o.village, frontoffice.Received, period.MustDate(2026, time.October, 31), 0, 0, 0)
		fukang := sqlstoretest.Village(t, "652302", 1)
		o.seedApp(t, matters.Online, "", fukang, frontoffice.Received, nov(5), nov(6), 0, 0)

		r := o.reportOf(t, o.cw, report.ByChannel)
		tot := r.Total
		want := report.Counts{Received: 4, NotAccepted: 1, Completed: 2, Refused: 1, Running: 1, Online: 3, OnTime: 1, Late: 1,
			Overdue: 1, WorkingDays: 4, Timed: 2}
		if tot.Counts != want {
			t.Errorf("total %+v\nwant  %+v", tot.Counts, want)
		}
		if got := tot.OnlinePercent(); got != "75.00%" {
			t.Errorf("线上办理率 %s, want 75.00%%", got)
		}
		if got := tot.OnTimePercent(); got != "50.00%" {
			t.Errorf("按时办结率 %s, want 50.00%%", got)
		}
		if got := tot.AverageDaysText(); got != "2.0" {
			t.Errorf("average days %s, want 2.0", got)
		}
		byKey := func(r *report.Report) map[string]report.Group {
			m := map[string]report.Group{}
			for _, g := range r.Groups {
				m[g.Key] = g
			}
			return m
		}
		ch := byKey(r)
		if g := ch["online"]; g.Received != 2 || g.Online != 2 || g.Name.ZH != "网上办" || g.Late != 1 {
			t.Errorf("online %+v; want 2 received, 1 late, named 网上办", g)
		}

		pt := byKey(o.reportOf(t, o.cw, report.ByPoint))
		if len(pt) != 3 || pt[bank].Received != 1 || pt[bank].NotAccepted != 1 || pt[bank].Name.ZH != o.point.Name.ZH ||
			pt["mobile"].Received != 1 || pt["online"].Received != 2 {
			t.Errorf("by point %+v; want the bank outlet (1 + 1 not accepted), mobile 1, online 2", pt)
		}

		cl := o.reportOf(t, o.cw, report.ByClerk)
		if len(cl.Groups) != 1 || cl.Groups[0].Key != "1" || cl.Groups[0].Name.ZH == "" || cl.Groups[0].Received != 4 {
			t.Errorf("by clerk %+v; want the one receiving user, named", cl.Groups)
		}
		dep := o.reportOf(t, o.cw, report.ByDepartment)
		if len(dep.Groups) != 1 || dep.Groups[0].Key != "sibao" || dep.Groups[0].Name.ZH == "sibao" || dep.Groups[0].OnlinePercent() != "75.00%" {
			t.Errorf("by department %+v; want 社保 named, at 75.00%%", dep.Groups)
		}

		fk := o.user(t, "cw.fk.report", auth.RoleCaseworker, "652302")
		other := o.reportOf(t, fk, report.ByChannel)
		if other.Total.Received != 1 || other.Total.Online != 1 || len(other.Groups) != 1 {
			t.Errorf("Fukang's report %+v; want only its own application", other.Total)
		}
		if _, err := o.a.Reports.Report(fk, report.Filter{From: nov(1), To: nov(30), By: report.ByChannel, Region: "652301"}); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Fukang's caseworker asking for Changji: %v, want forbidden", err)
		}
		if _, err := o.a.Reports.Report(o.cw, report.Filter{From: nov(30), To: nov(1), By: "colour"}); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("bad filter: %v, want invalid", err)
		}
	})
}

// TestHandlingReportDaysNetOfSuspension receives a certification on 28
// September 2026, asks for a correction, resumes it on Friday 9 October
// and approves it on Monday 12 October: it took two working days net of
// the suspension (the working Saturday 10 October and the Monday), after
// its due date of 10 October, so the report counts it late with 2 days.
func TestHandlingReportDaysNetOfSuspension(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 1)
		o.at(period.MustDate(2026, time.September, 28))
		a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), period.MustDate(2026, time.September, 28)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "correction", Items: []string{"认证照片"}}); err != nil {
			t.Fatal(err)
		}
		o.at(period.MustDate(2026, time.October, 9))
		if _, err := o.fo.Resume(o.cw, a.No, 0, "照片已补"); err != nil {
			t.Fatal(err)
		}
		o.at(period.MustDate(2026, time.October, 12))
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		done, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve"})
		if err != nil {
			t.Fatal(err)
		}
		if done.Status != frontoffice.Completed || done.WorkingDays == nil || *done.WorkingDays != 2 ||
			done.CompletedOn != period.MustDate(2026, time.October, 12) {
			t.Fatalf("completed %s on %s in %v days; want completed on 12 October in 2", done.Status, done.CompletedOn, done.WorkingDays)
		}
		// The applicant rates it 不满意 at the counter, recorded by the
		// caseworker: the report by matter counts the rating, 满意率 0.00%.
		if _, err := o.a.Ratings.Rate(o.cw, ratings.Input{ApplicationNo: a.No, MatterID: a.Matter, Department: a.Department, PointID: bank,
			Channel: matters.Bank, RatedVia: ratings.Via("counter"), ClerkUserID: a.ReceivedBy, RegionCode: o.village, Level: 2,
			PersonID: int64(aw.PersonID)}); err != nil {
			t.Fatalf("Rate: %v", err)
		}
		r, err := o.a.Reports.Report(o.cw, report.Filter{From: period.MustDate(2026, time.September, 1), To: period.MustDate(2026, time.October, 31), By: report.ByMatter})
		if err != nil {
			t.Fatal(err)
		}
		want := report.Counts{Received: 1, Completed: 1, Late: 1, WorkingDays: 2, Timed: 1}
		if len(r.Groups) != 1 || r.Groups[0].Counts != want || r.Groups[0].AverageDaysText() != "2.0" {
			t.Fatalf("report %+v; want one matter completed late in 2.0 working days", r.Groups)
		}
		if rt := r.Groups[0].Ratings; rt == nil || rt.Total != 1 || rt.Levels[1] != 1 || rt.Percent() != "0.00%" ||
			r.Total.Ratings == nil || r.Total.Ratings.Total != 1 {
			t.Errorf("ratings %+v, total %+v; want the one 不满意 at 0.00%%", rt, r.Total.Ratings)
		}
		if r.Groups[0].Name.ZH == "employee_pension_certification" {
			t.Errorf("matter named by its id, not its name")
		}
	})
}
