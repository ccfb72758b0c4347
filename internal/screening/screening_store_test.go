package screening_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestAllowanceScreeningAndReport(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652323", 0)
		m := ab.Month() // 2026-11
		// 79 turning 80 in December, 85, 95, and 90 dead in October.
		_, young := ab.Household(t, v, 61, period.MustDate(1946, time.December, 10))
		_, ps := ab.Household(t, v, 62, period.MustDate(1941, time.May, 1), period.MustDate(1931, time.June, 1))
		_, dead := ab.Household(t, v, 64, period.MustDate(1936, time.January, 1))
		if _, err := ab.Svc.RecordDeath(ab.Ctx, dead[0].ID, period.MustDate(2026, time.October, 3), "public_security"); err != nil {
			t.Fatal(err)
		}
		run, err := ab.Sc.Screen(ab.CW, assistance.ProgHighAge, m, "652323")
		if fault.CodeOf(err) != fault.Forbidden {
			t.Fatalf("Screen outside the caseworker's county = %v, want forbidden", err)
		}
		own, err := ab.Sc.Screen(ab.CW, assistance.ProgHighAge, m, "652301")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ab.Sc.Decide(ab.SameUserAsApprover, own.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("a screening run approved by the user who made it = %v, want forbidden", err)
		}
		run, err = ab.Sc.Screen(ab.Ctx, assistance.ProgHighAge, m, "")
		if err != nil {
			t.Fatal(err)
		}
		if run.NewAwards != 2 || run.Eligible != 2 || run.Amount != 5_000+14_000 {
			t.Fatalf("run %+v; want 2 new (85: 50.00, 95: 140.00)", run)
		}
		if _, err := ab.Sc.Decide(ab.Ctx, run.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approve by admin (no approval permission) = %v, want forbidden", err)
		}
		if run, err = ab.Sc.Decide(ab.Approver, run.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := ab.Sc.Decide(ab.Other, run.ID, true, ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a second decision = %v, want conflict", err)
		}
		awards, err := ab.As.Awards(ab.Ctx, assistance.AwardFilter{Programme: assistance.ProgHighAge, Page: registry.Page{Limit: 10}})
		if err != nil || len(awards) != 2 || len(awards[0].Decision) == 0 || awards[0].Start != m {
			t.Fatalf("awards = %+v, %v; want 2 from %s with their decisions", awards, err, m)
		}
		if _, err := ab.As.Pay(ab.Ctx, m, ""); err != nil {
			t.Fatal(err)
		}
		// The next month the one turning 80 on 10 December appears without
		// applying: paid from the month of the birthday.
		ab.Advance(30) // 2026-12-22
		next, err := ab.Sc.Screen(ab.Ctx, assistance.ProgHighAge, m.Add(1), "")
		if err != nil {
			t.Fatal(err)
		}
		if next.NewAwards != 1 || next.Changed != 0 || next.Stopped != 0 || next.Items[0].PersonID != young[0].ID {
			t.Fatalf("December run %+v: want the new 80-year-old only", next)
		}
		if _, err := ab.Sc.Decide(ab.Approver, next.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		// A death in December: the month of death is paid, January is not.
		if _, err := ab.Svc.RecordDeath(ab.Ctx, ps[1].ID, period.MustDate(2026, time.December, 15), "civil_affairs_funeral"); err != nil {
			t.Fatal(err)
		}
		if sum, err := ab.As.Pay(ab.Ctx, m.Add(1), ""); err != nil || sum.Lines != 3 || sum.Stopped != 0 {
			t.Errorf("December pay %+v, %v: three lines, the month of death paid", sum, err)
		}
		ab.Advance(31) // 2027-01-22
		jan, err := ab.Sc.Screen(ab.Ctx, assistance.ProgHighAge, m.Add(2), "")
		if err != nil {
			t.Fatal(err)
		}
		if jan.NewAwards != 0 || jan.Stopped != 1 || jan.Items[0].PersonID != ps[1].ID || !strings.Contains(jan.Items[0].Reason, "not in the registry") {
			t.Fatalf("January run %+v, want the stop of the dead", jan)
		}
		// Whether or not the run is approved yet, the payment run stops
		// the award of the dead.
		sum, err := ab.As.Pay(ab.Ctx, m.Add(2), "")
		if err != nil || sum.Lines != 2 || sum.Stopped != 1 {
			t.Errorf("January pay %+v, %v: want two lines and the dead person's award stopped", sum, err)
		}
		rep, err := ab.As.Report(ab.Ctx, m, m.Add(2), "")
		if err != nil {
			t.Fatal(err)
		}
		var total assistance.ReportRow
		for _, r := range rep.Totals {
			if r.Programme == assistance.ProgHighAge {
				total = r
			}
		}
		// 50 + 140 in November; 50 + 140 + 50 in December; 50 + 50 in
		// January.
		if total.Beneficiaries != 3 || total.Lines != 7 || total.Amount != 5*5_000+2*14_000 {
			t.Errorf("report total %+v, want 3 persons, 7 lines, 530.00", total)
		}
		if len(rep.Rows) != 3 || rep.Rows[0].County != "652323" || rep.Rows[0].Layer != assistance.LayerNone || rep.Rows[1].Beneficiaries != 3 {
			t.Errorf("report rows %+v, want one per month in 652323, layer none", rep.Rows)
		}
	})
}

// TestScreeningReview: a caseworker accepts part of a run with the reason
// for the rest; an approver who neither made nor reviewed it approves, and
// only the accepted items become awards.
func TestScreeningReview(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 7)
		_, a := ab.Household(t, v, 81, period.MustDate(1940, time.March, 1))
		_, b := ab.Household(t, v, 82, period.MustDate(1941, time.April, 1))
		run, err := ab.Sc.Screen(ab.CW, assistance.ProgHighAge, ab.Month(), "652301")
		if err != nil || run.NewAwards != 2 {
			t.Fatalf("run %+v, %v; want 2 new", run, err)
		}
		keep := 0
		for _, it := range run.Items {
			if it.PersonID == a[0].ID {
				keep = it.Seq
			}
		}
		if _, err := ab.Sc.Review(ab.CW, run.ID, false, []int{keep}, "", nil); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("a partial review without a reason = %v, want invalid", err)
		}
		if _, err := ab.Sc.Review(ab.CW, run.ID, false, []int{9}, "x", nil); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("accepting item 9 of 2 = %v, want invalid", err)
		}
		if run, err = ab.Sc.Review(ab.CW, run.ID, false, []int{keep}, "户籍待核实 registration to be checked", nil); err != nil || run.Status != screening.RunReviewed {
			t.Fatalf("review: %+v, %v", run, err)
		}
		if _, err := ab.Sc.Decide(ab.SameUserAsApprover, run.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("approval by the reviewer = %v, want forbidden", err)
		}
		if _, err := ab.Sc.Decide(ab.Approver, run.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		awards, err := ab.As.Awards(ab.Ctx, assistance.AwardFilter{Programme: assistance.ProgHighAge, Page: registry.Page{Limit: 10}})
		if err != nil || len(awards) != 1 || awards[0].PersonID != a[0].ID {
			t.Errorf("awards %+v, %v; want only person %d's (person %d left out)", awards, err, a[0].ID, b[0].ID)
		}
		// The person granted is told, with no application made.
		ns, err := ab.DB.QueuedNotices(ab.Ctx, 10)
		if err != nil || len(ns) != 1 || ns[0].RecipientID != int64(a[0].ID) || ns[0].Kind != "granted" || !strings.Contains(ns[0].Message, "高龄津贴") {
			t.Errorf("notices %+v, %v; want one granted notice to person %d", ns, err, a[0].ID)
		}
		got, _ := ab.Sc.FindRun(ab.CW, run.ID)
		for _, it := range got.Items {
			if it.PersonID == b[0].ID && (it.Accepted || !strings.Contains(it.Note, "户籍待核实")) {
				t.Errorf("the item left out %+v, want not accepted with the reason", it)
			}
		}
	})
}

// TestScreenEvents: a person turning 80 next month and one with a new
// severe disability record are screened again without anybody applying;
// an 85-year-old nothing happened to is not in the targeted runs.
func TestScreenEvents(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652324", 2)
		next := ab.Month().Add(1) // 2026-12
		_, turning := ab.Household(t, v, 91, period.MustDate(1946, time.December, 20))
		_, old := ab.Household(t, v, 92, period.MustDate(1941, time.January, 5))
		_, disabled := ab.Household(t, v, 93, period.MustDate(1975, time.May, 5))
		first, err := ab.Sc.ScreenEvents(ab.Ctx, next, "")
		if err != nil {
			t.Fatal(err)
		}
		if first.Turning != 1 || first.Changed != 0 {
			t.Fatalf("first event screening %+v: want the one turning 80 and no change", first)
		}
		// While its runs wait for a decision, the month is not screened
		// again: the same persons' awards would be proposed twice.
		if _, err := ab.Sc.ScreenEvents(ab.Ctx, next, ""); fault.CodeOf(err) != fault.Conflict ||
			!strings.Contains(err.Error(), fmt.Sprintf("screening run %d ", first.Runs[0].ID)) {
			t.Fatalf("an event screening while run %d waits = %v, want conflict naming it", first.Runs[0].ID, err)
		}
		decideAll := func(runs []*screening.Run) {
			t.Helper()
			for _, r := range runs {
				if _, err := ab.Sc.Decide(ab.Approver, r.ID, false, "以下一次事件复筛为准 the next event screening stands"); err != nil {
					t.Fatal(err)
				}
			}
		}
		decideAll(first.Runs)
		if err := ab.Svc.CreateDisability(ab.Ctx, &registry.Disability{PersonID: disabled[0].ID, Kind: registry.DisPhysical, Grade: 1,
			Issued: period.DateOf(*ab.Now)}); err != nil {
			t.Fatal(err)
		}
		sum, err := ab.Sc.ScreenEvents(ab.Ctx, next, "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Changed != 1 || sum.Turning != 1 || len(sum.Runs) != 3 {
			t.Fatalf("event screening %+v: want the new disability and the one turning 80, three runs", sum)
		}
		news := map[string][]registry.PersonID{}
		for _, r := range sum.Runs {
			for _, it := range r.Items {
				news[r.Programme] = append(news[r.Programme], it.PersonID)
			}
			if r.Evaluated != 2 {
				t.Errorf("%s evaluated %d persons, want only the 2 concerned", r.Programme, r.Evaluated)
			}
		}
		if fmt.Sprint(news[assistance.ProgHighAge]) != fmt.Sprint([]registry.PersonID{turning[0].ID}) ||
			fmt.Sprint(news[assistance.ProgDisabilityCare]) != fmt.Sprint([]registry.PersonID{disabled[0].ID}) {
			t.Errorf("candidates %v, want %d for the high-age allowance and %d for the nursing subsidy (not %d)", news, turning[0].ID, disabled[0].ID, old[0].ID)
		}
		decideAll(sum.Runs)
		again, err := ab.Sc.ScreenEvents(ab.Ctx, next, "")
		if err != nil || again.Changed != 0 {
			t.Errorf("a third event screening %+v, %v: the cursor has moved past the disability", again, err)
		}
	})
}

// TestScreeningJob screens every programme of a month as a job: the tested
// households classified (a 低保 household nobody applied for is found), the
// household allowances, then the monthly person allowances. A job stopped
// in its persons phase is resumed there: its classification and household
// runs are not made twice, and it ends with the runs an uninterrupted job
// proposes. The database refuses a second run of a programme in one job.
func TestScreeningJob(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 4)
		m := ab.Month()
		_, old := ab.Household(t, v, 61, period.MustDate(1940, time.March, 1))
		h, ps := ab.Household(t, v, 62, period.MustDate(1985, time.March, 1), period.MustDate(1987, time.April, 1))
		_, _ = ab.Household(t, v, 64, period.MustDate(1990, time.May, 1))
		mt := sqlstoretest.MeansTest(ps, 40_000, 40_000) // 400 a month each: 低保
		mt.HouseholdID, mt.Period, mt.Source = h.ID, m.Add(-1), assistance.SourceInvestigation
		if _, err := ab.As.CreateMeansTest(ab.Ctx, mt); err != nil {
			t.Fatal(err)
		}

		job, resumed, err := ab.Sc.StartJob(ab.CW, m, "652301")
		if err != nil || resumed || job.Phase != screening.PhaseClassify || job.Region != "652301" {
			t.Fatalf("start: %+v, resumed %v, %v", job, resumed, err)
		}
		if _, _, err := ab.Sc.StartJob(ab.CW, 0, ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("a job with no period = %v, want invalid", err)
		}
		// Stopped once its persons phase has begun.
		ctx, cancel := context.WithCancel(ab.CW)
		var seen []string
		err = ab.Sc.RunJob(ctx, job, func(j *screening.Job) {
			seen = append(seen, j.Phase)
			if j.Phase == screening.PhasePersons {
				cancel()
			}
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the stopped job: %v, want canceled", err)
		}
		stored, err := ab.Sc.FindJob(ab.CW, job.ID)
		if err != nil || stored.Status != screening.JobRunning || stored.Phase != screening.PhasePersons || len(stored.RunIDs) != 2 {
			t.Fatalf("the stopped job as stored: %+v, %v; want running in its persons phase with the 2 household runs", stored, err)
		}
		if p := stored.Percent(); p <= 0 || p >= 100 {
			t.Errorf("the stopped job at %.1f%%, want part way", p)
		}
		// Taken up again where it stopped.
		again, resumed, err := ab.Sc.StartJob(ab.CW, m, "652301")
		if err != nil || !resumed || again.ID != job.ID || again.Phase != screening.PhasePersons || again.Attempts != 2 {
			t.Fatalf("resume: %+v, resumed %v, %v", again, resumed, err)
		}
		if err := ab.Sc.RunJob(ab.CW, again, nil); err != nil {
			t.Fatal(err)
		}
		done, err := ab.Sc.FindJob(ab.CW, job.ID)
		if err != nil || done.Status != screening.JobDone || done.Percent() != 100 || len(done.RunIDs) != 5 || done.FinishedAt.IsZero() {
			t.Fatalf("the resumed job: %+v, %v; want done with 5 runs", done, err)
		}
		c := done.Classification
		if c == nil || c.Households != 1 || c.ByLayer[assistance.LayerDibao] != 1 || c.Unserved[assistance.LayerDibao] != 1 {
			t.Errorf("classification %+v: want the one tested household, 低保, found with no case", c)
		}
		figures := func(ids []screening.RunID) map[string]string {
			out := map[string]string{}
			for _, id := range ids {
				r, err := ab.Sc.FindRun(ab.CW, id)
				if err != nil {
					t.Fatal(err)
				}
				items := []string{}
				for _, it := range r.Items {
					items = append(items, fmt.Sprintf("%s/%d/%d/%d", it.Change, it.HouseholdID, it.PersonID, it.Amount))
				}
				out[r.Programme] = fmt.Sprint(r.Evaluated, r.Eligible, r.Amount, items)
			}
			return out
		}
		got := figures(done.RunIDs)
		if !strings.Contains(got[assistance.ProgHighAge], fmt.Sprintf("new/0/%d/", old[0].ID)) {
			t.Errorf("high-age run %s: want person %d new", got[assistance.ProgHighAge], old[0].ID)
		}

		// A second job of the month is a new one; uninterrupted, it
		// proposes the same.
		fresh, resumed, err := ab.Sc.StartJob(ab.CW, m, "652301")
		if err != nil || resumed || fresh.ID == job.ID {
			t.Fatalf("a new job after a done one: %+v, resumed %v, %v", fresh, resumed, err)
		}
		var phases []string
		if err := ab.Sc.RunJob(ab.CW, fresh, func(j *screening.Job) { phases = append(phases, j.Phase) }); err != nil {
			t.Fatal(err)
		}
		if want := figures(fresh.RunIDs); fmt.Sprint(want) != fmt.Sprint(got) {
			t.Errorf("resumed job's runs\n%v\nuninterrupted job's\n%v", got, want)
		}
		if !slices.Contains(phases, screening.PhaseHouseholds) || phases[len(phases)-1] != screening.PhaseDone {
			t.Errorf("progress told in phases %v", phases)
		}

		// One run per programme and job, whatever the code does.
		dup := &screening.Run{JobID: fresh.ID, Programme: assistance.ProgHighAge, Period: m, Region: "652301", Status: screening.RunProposed,
			CreatedAt: *ab.Now}
		if err := ab.DB.CreateScreeningRuns(ab.Ctx, []*screening.Run{dup}, nil); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a second high-age run of job %d = %v, want conflict", fresh.ID, err)
		}
		if _, err := ab.Sc.FindJob(ab.CaseworkerOfElsewhere, fresh.ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("a job of Changji City read from Fukang = %v, want not found", err)
		}
	})
}

// TestHeatingScreeningNeedsHeatingType: a 低保 household with no means test
// has no known heating type, so screening does not grant it heating
// assistance (its heating_type_known condition fails), where it used to be
// taken for centrally heated and paid; a tested household that heats itself
// is granted it.
func TestHeatingScreeningNeedsHeatingType(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 6)
		tested, tps := ab.Household(t, v, 81, period.MustDate(1970, time.March, 5))
		untested, _ := ab.Household(t, v, 82, period.MustDate(1971, time.April, 6))
		for _, h := range []*registry.Household{tested, untested} {
			if err := ab.DB.ExecRaw(ab.Ctx, fmt.Sprintf(`INSERT INTO assistance_awards (programme, kind, household_id, person_id, region_code, amount, start_month, status, created_by, created_at)
				VALUES ('dibao', 'monthly', %d, 0, '%s', 66000, '2025-03', 'active', 'test', '2025-03-01T00:00:00Z')`, h.ID, v)); err != nil {
				t.Fatal(err)
			}
		}
		mt := sqlstoretest.MeansTest(tps, 30_000)
		mt.HouseholdID, mt.HeatingType = tested.ID, "self_heating"
		mt.Period, mt.Source = ab.Month(), "investigation"
		if _, err := ab.As.CreateMeansTest(ab.CW, mt); err != nil {
			t.Fatal(err)
		}
		m := period.NewMonth(ab.Month().Year()+1, time.October) // the batch month
		run, err := ab.Sc.Screen(ab.Ctx, assistance.ProgHeating, m, "")
		if err != nil {
			t.Fatal(err)
		}
		if run.Eligible != 1 || run.NewAwards != 1 || run.Items[0].HouseholdID != tested.ID {
			t.Fatalf("heating run %+v: want the tested household only", run)
		}
		// The decision of the untested household names the missing fact.
		pk := ab.As.Policy()
		d, err := pk.Evaluate(assistance.ProgHeating, m, policy.Case{Entity: "household", Region: v, Inputs: map[string]json.RawMessage{
			"members": json.RawMessage("1"), "hukou_local": json.RawMessage("true"),
			"assistance_status": json.RawMessage(`"dibao"`), "heating_type": json.RawMessage(`"unknown"`)}})
		if err != nil {
			t.Fatal(err)
		}
		var failed []string
		for _, c := range d.Conditions {
			if !c.Value {
				failed = append(failed, c.Name)
			}
		}
		if d.Eligible || !slices.Contains(failed, "heating_type_known") {
			t.Errorf("decision with the heating type unknown: eligible %v, failed %v; want not eligible for heating_type_known", d.Eligible, failed)
		}
	})
}

// TestScreeningJobPanicFails: a panic inside a screening job (here in its
// progress report) fails the job, stored failed with the panic as its
// error and its lease let go, rather than crashing the process or leaving
// the job running for a resume to repeat.
func TestScreeningJobPanicFails(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 4)
		ab.Household(t, v, 61, period.MustDate(1940, time.March, 1))
		job, _, err := ab.Sc.StartJob(ab.CW, ab.Month(), "652301")
		if err != nil || !job.Held() {
			t.Fatalf("start: %+v, %v", job, err)
		}
		err = ab.Sc.RunJob(ab.CW, job, func(j *screening.Job) {
			if j.Phase == screening.PhaseHouseholds {
				panic("boom")
			}
		})
		if err == nil || !strings.Contains(err.Error(), "panicked: boom") {
			t.Fatalf("a job that panics: %v, want its panic as the error", err)
		}
		stored, err := ab.Sc.FindJob(ab.CW, job.ID)
		if err != nil || stored.Status != screening.JobFailed || !strings.Contains(stored.Error, "boom") || stored.LeaseOwner != "" {
			t.Fatalf("the job as stored: %+v, %v; want failed with the panic, no lease holder", stored, err)
		}
		if js, err := ab.Sc.ResumeJobs(ab.CW, 0); err != nil || len(js) != 0 {
			t.Errorf("resume after the failure: %d jobs, %v; want none", len(js), err)
		}
	})
}
