package ratings_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

// fixture is a store with the services and the front office loaded, a
// person of Changji City who rates, and the users who act.
type fixture struct {
	db     *sqlstore.DB
	a      *app.App
	clk    *clock.Settable
	off    *matters.Office
	person *registry.Person
	// cw records counter ratings in Changji City (user 2); clerk (user 5)
	// received the applications; head and head2 are two point heads of
	// Changji City (users 10 and 11); fukang a point head of Fukang (12).
	cw, clerk, head, head2, fukang context.Context
}

func newFixture(t *testing.T, open func(testing.TB) *sqlstore.DB) *fixture {
	t.Helper()
	db := open(t)
	a, clk := sqlstoretest.NewApp(t, db, app.Options{})
	off, err := a.LoadOffice(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	as := func(id int64, name string, role auth.Role, scope string) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: id, Username: name, Role: role, Scope: region.Code(scope)})
	}
	f := &fixture{db: db, a: a, clk: clk, off: off,
		cw: as(2, "cw", auth.RoleCaseworker, "652301"), clerk: as(5, "clerk", auth.RoleCaseworker, "652301"),
		head: as(10, "head", auth.RolePointHead, "652301"), head2: as(11, "head2", auth.RolePointHead, "652301"),
		fukang: as(12, "head.fukang", auth.RolePointHead, "652302")}
	f.person = sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 2), 1)
	if err := a.Registry.CreatePerson(sqlstoretest.Admin(), f.person); err != nil {
		t.Fatal(err)
	}
	return f
}

// at sets the clock to ten in the morning (Beijing time) of day d.
func (f *fixture) at(d period.Date) {
	f.clk.Set(func() time.Time { return d.Time().Add(2 * time.Hour) })
}

// point returns the first point of a kind in Changji City.
func (f *fixture) point(t *testing.T, kind matters.Kind) matters.Point {
	t.Helper()
	ps := f.off.Points.List(matters.PointFilter{Region: "652301", Kind: kind})
	if len(ps) == 0 {
		t.Fatalf("no %s point in 652301", kind)
	}
	return ps[0]
}

// input is a rating of application no at point pt of matter id, received
// by the clerk.
func (f *fixture) input(no string, pt matters.Point, matterID string, level ratings.Level) ratings.Input {
	m, _ := f.off.Catalogue.Matter(matterID)
	return ratings.Input{ApplicationNo: no, MatterID: matterID, Department: m.Department.ID, PointID: pt.ID, Channel: pt.Channel,
		RatedVia: ratings.ViaCounter, ClerkUserID: 5, RegionCode: f.person.RegionCode, Level: level, Comment: "等候时间较长",
		PersonID: int64(f.person.ID)}
}

// rate records a rating as the caseworker, failing the test on an error.
func (f *fixture) rate(t *testing.T, in ratings.Input) *ratings.Rating {
	t.Helper()
	r, err := f.a.Ratings.Rate(f.cw, in)
	if err != nil {
		t.Fatalf("Rate(%s, level %d): %v", in.ApplicationNo, in.Level, err)
	}
	return r
}

// TestPoorRatingIsFollowedUpAcrossAHolidayAndClosedByASecondUser: a 不满意
// given on Tuesday 29 September 2026 opens a follow-up due five working
// days later across the National Day holiday (1-7 October) and its
// worked Saturday (10 October): on Monday 12 October, where the weekends
// alone would say 6 October. The head answers it; the same head may not
// close it; a second head does. Each step is audited.
func TestPoorRatingIsFollowedUpAcrossAHolidayAndClosedByASecondUser(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		f.at(period.MustDate(2026, time.September, 29))
		before := sqlstoretest.AuditActions(t, f.db)
		bank := f.point(t, matters.BankOutlet)
		r := f.rate(t, f.input("SN-TEST-0001", bank, "employer_registration", ratings.Dissatisfied))
		if r.FollowUpID == 0 {
			t.Fatalf("a 不满意 rating opened no follow-up: %+v", r)
		}
		fu, err := f.a.Ratings.FollowUp(f.head, r.FollowUpID)
		if err != nil {
			t.Fatal(err)
		}
		if want := period.MustDate(2026, time.October, 12); fu.DueOn != want || fu.Status != ratings.StatusOpen || fu.RegionCode != bank.Region {
			t.Fatalf("follow-up = due %s, %s in %s; want due %s, open, in the point's region %s", fu.DueOn, fu.Status, fu.RegionCode, want, bank.Region)
		}
		f.at(period.MustDate(2026, time.October, 9))
		if _, err := f.a.Ratings.Answer(f.head, fu.ID, ratings.Answer{}); fault.CodeOf(err) != fault.Invalid ||
			fault.FieldsOf(err)["measures"] == "" || fault.FieldsOf(err)["contact"] == "" || fault.FieldsOf(err)["contacted_on"] == "" {
			t.Fatalf("an empty answer = %v (%v); want Invalid naming measures, contact and contacted_on", err, fault.FieldsOf(err))
		}
		ans, err := f.a.Ratings.Answer(f.head, fu.ID, ratings.Answer{Measures: "增开一个综合窗口，高峰期引导分流", Contact: "电话回访申请人，表示认可",
			ContactedOn: period.MustDate(2026, time.October, 9), Version: fu.Version})
		if err != nil {
			t.Fatal(err)
		}
		if ans.Status != ratings.StatusAnswered || ans.AnsweredBy != 10 {
			t.Fatalf("answered = %s by %d; want answered by 10", ans.Status, ans.AnsweredBy)
		}
		if _, err := f.a.Ratings.Close(f.head, fu.ID, ratings.Close{}); fault.CodeOf(err) != fault.Forbidden {
			t.Fatalf("Close by the user who answered = %v; want Forbidden (maker-checker)", err)
		}
		closed, err := f.a.Ratings.Close(f.head2, fu.ID, ratings.Close{Note: "已核实整改", Version: ans.Version})
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != ratings.StatusClosed || closed.ClosedBy != 11 || closed.Overdue {
			t.Fatalf("closed = %s by %d, overdue %v; want closed by 11, not overdue", closed.Status, closed.ClosedBy, closed.Overdue)
		}
		after := sqlstoretest.AuditActions(t, f.db)
		for _, a := range []string{"ratings.rated", "ratings.follow_up_opened", "ratings.follow_up_answered", "ratings.follow_up_closed"} {
			if after[a]-before[a] != 1 {
				t.Errorf("audit %s: %d events, want 1", a, after[a]-before[a])
			}
		}
	})
}

// TestGoodRatingOpensNoFollowUpAndASecondRatingIsRefused: 基本满意 is not
// poor, so nothing is opened; the same application rated again is a
// Conflict that writes nothing.
func TestGoodRatingOpensNoFollowUpAndASecondRatingIsRefused(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		hall := f.point(t, matters.Hall)
		r := f.rate(t, f.input("SN-TEST-0002", hall, "employer_registration", ratings.Fair))
		if r.FollowUpID != 0 {
			t.Fatalf("a 基本满意 rating opened follow-up %d", r.FollowUpID)
		}
		n := sqlstoretest.AuditCount(t, f.db)
		_, err := f.a.Ratings.Rate(f.cw, f.input("SN-TEST-0002", hall, "employer_registration", ratings.VeryDissatisfied))
		if fault.CodeOf(err) != fault.Conflict {
			t.Fatalf("a second rating = %v; want Conflict", err)
		}
		if got := sqlstoretest.AuditCount(t, f.db); got != n {
			t.Errorf("the refused rating wrote %d audit events", got-n)
		}
		fus, err := f.a.Ratings.FollowUps(f.head, ratings.FollowUpFilter{})
		if err != nil || len(fus) != 0 {
			t.Fatalf("follow-ups = %d, %v; want none", len(fus), err)
		}
		got, err := f.a.Ratings.Rating(f.cw, "SN-TEST-0002")
		if err != nil || got.Level != ratings.Fair {
			t.Fatalf("Rating = %+v, %v; want the first, 基本满意", got, err)
		}
	})
}

// TestRateChecksItsInputAndWho: bad fields are named, nothing written; a
// caseworker of another county may not record at a Changji City point;
// the clerk who received the application may not record its rating.
func TestRateChecksItsInputAndWho(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		hall := f.point(t, matters.Hall)
		n := sqlstoretest.AuditCount(t, f.db)
		bad := f.input("", hall, "employer_registration", 6)
		bad.MatterID, bad.PointID, bad.RatedVia, bad.Comment = "no_such_matter", "no-such-point", "fax", string(make([]rune, 501))
		_, err := f.a.Ratings.Rate(f.cw, bad)
		for _, k := range []string{"application_no", "matter_id", "point_id", "rated_via", "level", "comment"} {
			if fault.FieldsOf(err)[k] == "" {
				t.Errorf("Rate(bad) problems %v: no problem with %s", fault.FieldsOf(err), k)
			}
		}
		wrongDept := f.input("SN-TEST-0003", hall, "employer_registration", ratings.Satisfied)
		wrongDept.Department = "minzheng"
		if _, err := f.a.Ratings.Rate(f.cw, wrongDept); fault.FieldsOf(err)["department"] == "" {
			t.Errorf("Rate(another department) = %v; want a problem with department", err)
		}
		other := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 7, Username: "cw.fukang", Role: auth.RoleCaseworker, Scope: "652302"})
		if _, err := f.a.Ratings.Rate(other, f.input("SN-TEST-0004", hall, "employer_registration", ratings.Satisfied)); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Rate by a caseworker of Fukang = %v; want Forbidden", err)
		}
		if _, err := f.a.Ratings.Rate(f.clerk, f.input("SN-TEST-0005", hall, "employer_registration", ratings.VerySatisfied)); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Rate recorded by the clerk who received it = %v; want Forbidden", err)
		}
		if _, err := f.a.Ratings.Rate(f.head, f.input("SN-TEST-0006", hall, "employer_registration", ratings.VerySatisfied)); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Rate by a point head (no registry.write) = %v; want Forbidden", err)
		}
		if got := sqlstoretest.AuditCount(t, f.db); got != n {
			t.Errorf("refused ratings wrote %d audit events", got-n)
		}
	})
}

// TestOverdueFollowUpIsListedAndOutOfScopeIsMissing: a follow-up not
// closed by its due date is listed as overdue and counted so; a head of
// another county neither sees nor answers it.
func TestOverdueFollowUpIsListedAndOutOfScopeIsMissing(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		f.at(period.MustDate(2026, time.November, 2))
		town := f.point(t, matters.TownshipPoint)
		r := f.rate(t, f.input("SN-TEST-0007", town, "employer_registration", ratings.VeryDissatisfied))
		f.at(period.MustDate(2026, time.November, 9)) // due 9 November: not yet overdue
		if fus, err := f.a.Ratings.FollowUps(f.head, ratings.FollowUpFilter{Overdue: true}); err != nil || len(fus) != 0 {
			t.Fatalf("overdue on the due date = %d, %v; want none", len(fus), err)
		}
		f.at(period.MustDate(2026, time.November, 10))
		fus, err := f.a.Ratings.FollowUps(f.head, ratings.FollowUpFilter{Overdue: true})
		if err != nil || len(fus) != 1 || fus[0].ID != r.FollowUpID || !fus[0].Overdue {
			t.Fatalf("overdue the day after = %+v, %v; want follow-up %d, overdue", fus, err, r.FollowUpID)
		}
		if fus, err := f.a.Ratings.FollowUps(f.fukang, ratings.FollowUpFilter{}); err != nil || len(fus) != 0 {
			t.Errorf("Fukang's head lists %d, %v; want none", len(fus), err)
		}
		if _, err := f.a.Ratings.Answer(f.fukang, r.FollowUpID, ratings.Answer{Measures: "x", Contact: "y", ContactedOn: f.a.Clock.Today()}); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("Answer by Fukang's head = %v; want NotFound", err)
		}
		cs, err := f.a.Ratings.Counts(f.head, ratings.Filter{From: period.MustDate(2026, time.November, 1), To: period.MustDate(2026, time.November, 30), By: ratings.ByPoint})
		if err != nil || len(cs) != 1 || cs[0].FollowUpsOverdue != 1 || cs[0].FollowUpsOpen != 1 {
			t.Fatalf("counts = %+v, %v; want one point with one open follow-up, overdue", cs, err)
		}
	})
}

// TestDueDateInAnUnpublishedYearIsPending: five working days from 28
// December 2026 run into 2027, whose holidays are not published: the
// follow-up is opened with its due date pending on 2027, not guessed.
func TestDueDateInAnUnpublishedYearIsPending(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		f.at(period.MustDate(2026, time.December, 28))
		r := f.rate(t, f.input("SN-TEST-0008", f.point(t, matters.Hall), "employer_registration", ratings.Dissatisfied))
		fu, err := f.a.Ratings.FollowUp(f.head, r.FollowUpID)
		if err != nil {
			t.Fatal(err)
		}
		if !fu.DueOn.IsZero() || fu.DuePendingYear != 2027 {
			t.Fatalf("due %s, pending year %d; want no due date, pending on 2027", fu.DueOn, fu.DuePendingYear)
		}
	})
}

// TestCountsByMatterPointClerkAndDepartment: seven ratings at two points,
// of two matters, received by two clerks; the counts per level, the
// 满意率 and the follow-ups per group, only in the dates and the scope.
func TestCountsByMatterPointClerkAndDepartment(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		f := newFixture(t, open)
		f.at(period.MustDate(2026, time.November, 2))
		hall, bank := f.point(t, matters.Hall), f.point(t, matters.BankOutlet)
		dibao := "dibao_application"
		rows := []struct {
			pt     matters.Point
			matter string
			clerk  int64
			level  ratings.Level
		}{
			{hall, "employer_registration", 5, ratings.VerySatisfied},
			{hall, "employer_registration", 5, ratings.Satisfied},
			{hall, "employer_registration", 6, ratings.Dissatisfied},
			{hall, dibao, 6, ratings.Fair},
			{bank, "employer_registration", 5, ratings.VerySatisfied},
			{bank, "employer_registration", 5, ratings.VeryDissatisfied},
			{bank, "employer_registration", 6, ratings.VerySatisfied},
		}
		for i, row := range rows {
			in := f.input(fmt.Sprintf("SN-COUNT-%02d", i), row.pt, row.matter, row.level)
			in.ClerkUserID = row.clerk
			if _, ok := f.off.Catalogue.Matter(row.matter); !ok {
				t.Fatalf("no matter %s", row.matter)
			}
			f.rate(t, in)
		}
		// Outside the dates: not counted.
		f.at(period.MustDate(2026, time.December, 1))
		f.rate(t, f.input("SN-COUNT-LATE", hall, "employer_registration", ratings.VeryDissatisfied))
		nov := ratings.Filter{From: period.MustDate(2026, time.November, 1), To: period.MustDate(2026, time.November, 30)}
		count := func(by ratings.By) map[string]ratings.Count {
			t.Helper()
			fl := nov
			fl.By = by
			cs, err := f.a.Ratings.Counts(f.head, fl)
			if err != nil {
				t.Fatalf("Counts(by %s): %v", by, err)
			}
			out := map[string]ratings.Count{}
			for _, c := range cs {
				out[c.Key] = c
			}
			return out
		}
		byPoint := count(ratings.ByPoint)
		if c := byPoint[hall.ID]; c.Levels != [5]int64{0, 1, 1, 1, 1} || c.Total != 4 || c.Satisfied != 3 || c.Percent() != "75.00%" || c.FollowUpsOpen != 1 {
			t.Errorf("hall = %+v (%s); want levels [0 1 1 1 1], 3 of 4 satisfied, 75.00%%, one follow-up open", c, c.Percent())
		}
		if c := byPoint[bank.ID]; c.Levels != [5]int64{1, 0, 0, 0, 2} || c.Percent() != "66.67%" || c.FollowUpsOpen != 1 {
			t.Errorf("bank = %+v (%s); want levels [1 0 0 0 2], 66.67%%, one follow-up open", c, c.Percent())
		}
		byMatter := count(ratings.ByMatter)
		if c := byMatter["employer_registration"]; c.Total != 6 || c.Satisfied != 4 {
			t.Errorf("employer_registration = %+v; want 4 of 6 satisfied", c)
		}
		if c := byMatter[dibao]; c.Total != 1 || c.Satisfied != 1 || c.Percent() != "100.00%" {
			t.Errorf("%s = %+v; want 1 of 1", dibao, c)
		}
		byClerk := count(ratings.ByClerk)
		if c5, c6 := byClerk["5"], byClerk["6"]; c5.Total != 4 || c5.Satisfied != 3 || c6.Total != 3 || c6.Satisfied != 2 {
			t.Errorf("clerk 5 = %+v, clerk 6 = %+v; want 3 of 4 and 2 of 3", c5, c6)
		}
		byDept := count(ratings.ByDepartment)
		if len(byDept) != 2 || byDept["sibao"].Total != 6 || byDept["minzheng"].Total != 1 {
			t.Errorf("by department = %+v; want sibao 6, minzheng 1", byDept)
		}
		if cs, err := f.a.Ratings.Counts(f.fukang, ratings.Filter{From: nov.From, To: nov.To, By: ratings.ByPoint}); err != nil || len(cs) != 0 {
			t.Errorf("Fukang's counts = %+v, %v; want none", cs, err)
		}
		if _, err := f.a.Ratings.Counts(f.head, ratings.Filter{From: nov.To, To: nov.From, By: "colour"}); fault.FieldsOf(err)["by"] == "" || fault.FieldsOf(err)["to"] == "" {
			t.Errorf("Counts(bad) = %v; want problems with by and to", err)
		}
	})
}
