package frontoffice_test

import (
	"strings"
	"testing"

	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/matters"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// finished receives a certification at the bank outlet and finishes it
// (办结) through review and approval.
func (o *office) finished(t *testing.T, seq int) *frontoffice.Application {
	t.Helper()
	aw := o.pensioner(t, seq)
	a, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
		t.Fatal(err)
	}
	got, err := o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != frontoffice.Completed {
		t.Fatalf("status %s, want completed", got.Status)
	}
	return got
}

// TestRateCopiesTheApplication rates finished applications through the
// front office: a good rating opens no follow-up, a poor one opens it in
// the bank outlet's region for the point's head, a second rating and the
// receiving clerk's are refused, and an application not yet finished
// cannot be rated.
func TestRateCopiesTheApplication(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		good := o.finished(t, 1)
		r, err := o.fo.Rate(o.cw, good.No, ratings.VerySatisfied, "很快", ratings.ViaCounter)
		if err != nil {
			t.Fatalf("Rate: %v", err)
		}
		if r.ApplicationNo != good.No || r.MatterID != good.Matter || r.PointID != bank || r.Channel != good.Channel ||
			r.ClerkUserID != good.ReceivedBy || r.PersonID != int64(good.PersonID) || r.RegionCode != good.RegionCode || r.FollowUpID != 0 {
			t.Fatalf("rating %+v; want the application's facts copied and no follow-up", r)
		}
		if _, err := o.fo.Rate(o.cw, good.No, ratings.Dissatisfied, "", ratings.ViaCounter); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("second rating: %v, want Conflict", err)
		}

		poor := o.finished(t, 3)
		if _, err := o.fo.Rate(o.clerk, poor.No, ratings.VeryDissatisfied, "", ratings.ViaCounter); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("the receiving clerk rates: %v, want Forbidden", err)
		}
		r, err = o.fo.Rate(o.cw, poor.No, ratings.VeryDissatisfied, "等了很久", ratings.ViaMobile)
		if err != nil {
			t.Fatalf("Rate poor: %v", err)
		}
		if r.FollowUpID == 0 {
			t.Fatalf("poor rating %+v opened no follow-up", r)
		}
		f, err := o.a.Ratings.FollowUp(o.cw, r.FollowUpID)
		if err != nil {
			t.Fatal(err)
		}
		if f.Status != ratings.StatusOpen || f.PointID != bank || f.RegionCode != o.point.Region || f.ApplicationNo != poor.No {
			t.Errorf("follow-up %+v; want open at %s in %s", f, bank, o.point.Region)
		}

		aw := o.pensioner(t, 5)
		running, err := o.fo.Receive(o.clerk, o.certification(int64(aw.PersonID), sqlstoretest.Today))
		if err != nil {
			t.Fatal(err)
		}
		_, err = o.fo.Rate(o.cw, running.No, ratings.Satisfied, "", ratings.ViaCounter)
		if fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "finished") {
			t.Errorf("rating before 办结: %v, want Conflict saying it is rated once finished", err)
		}
		if _, err := o.a.Ratings.Rating(o.cw, running.No); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("a rating was recorded before 办结: %v", err)
		}
	})
}

// TestOnlineApplicationIsRatedAtTheCountyHall rates an application
// received online, which has no service point: the rating is counted at
// the service hall of the applicant's county, whose head follows a poor
// one up.
func TestOnlineApplicationIsRatedAtTheCountyHall(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		o := newOffice(t, open)
		aw := o.pensioner(t, 7)
		in := o.certification(int64(aw.PersonID), sqlstoretest.Today)
		in.Channel, in.Point = matters.Online, ""
		a, err := o.fo.Receive(o.clerk, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.fo.Review(o.cw, a.No, frontoffice.Decision{Outcome: "pass"}); err != nil {
			t.Fatal(err)
		}
		if a, err = o.fo.Approve(o.ap, a.No, frontoffice.Decision{Outcome: "approve"}); err != nil || a.Status != frontoffice.Completed {
			t.Fatalf("approve: %v, %+v", err, a)
		}
		r, err := o.fo.Rate(o.cw, a.No, ratings.Dissatisfied, "网上办理等待太久", ratings.ViaOnline)
		if err != nil {
			t.Fatalf("Rate: %v", err)
		}
		hall := "hall-" + string(a.RegionCode)[:6]
		if a.Point != "" || r.PointID != hall || r.Channel != matters.Online || r.FollowUpID == 0 {
			t.Fatalf("rating %+v of an application at point %q; want it counted at %s with a follow-up", r, a.Point, hall)
		}
	})
}
