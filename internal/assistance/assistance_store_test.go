package assistance_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

func TestAssistanceDibaoCase(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 3)
		h, ps := ab.Household(t, v, 1, period.MustDate(1980, time.March, 5), period.MustDate(1982, time.May, 1))
		c := &assistance.Case{Programme: assistance.ProgDibao, HouseholdID: h.ID, Channel: assistance.ChannelCounter}
		if err := ab.As.Apply(ab.CaseworkerOfElsewhere, c, ""); fault.FieldsOf(err)["household_id"] == "" {
			t.Fatalf("Apply by a caseworker of another county = %v, want the household unknown", err)
		}
		if err := ab.As.Apply(ab.CW, c, "家庭收入低，申请低保"); err != nil {
			t.Fatal(err)
		}
		if err := ab.As.Apply(ab.CW, &assistance.Case{Programme: assistance.ProgDibao, HouseholdID: h.ID, Channel: assistance.ChannelOnline}, ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a second open dibao case of the household = %v, want conflict", err)
		}
		// 昌吉市 urban standard in 2026: 780.00. Wages of 500 and 400 a
		// month: 450.00 per member, 330.00 × 2 = 660.00 a month.
		c, ex, err := ab.As.Investigate(ab.CW, c.ID, c.Version, sqlstoretest.MeansTest(ps, 50_000, 40_000), "入户调查: 夫妻二人, 打零工")
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != assistance.StatusInvestigated || ex.Layer != assistance.LayerDibao || ex.DibaoAmount != 66_000 {
			t.Fatalf("after investigation: status %s, layer %s, dibao %d; want investigated, dibao, 66000", c.Status, ex.Layer, ex.DibaoAmount)
		}
		if cl, err := ab.As.Classification(ab.CW, h.ID, ab.Month()); err != nil || cl.Layer != assistance.LayerDibao || cl.TestID != c.TestID {
			t.Errorf("stored classification = %+v, %v; want dibao from test %d", cl, err, c.TestID)
		}
		c, err = ab.As.Assess(ab.CW, c.ID, c.Version, "")
		if err != nil {
			t.Fatal(err)
		}
		todayD := period.DateOf(*ab.Now)
		if c.Status != assistance.StatusNotice || c.Amount != 66_000 || c.NoticeFrom != todayD || c.NoticeTo != todayD.AddDays(6) {
			t.Fatalf("assessed: status %s, amount %d, notice %s-%s; want notice, 66000, 7 days from %s", c.Status, c.Amount, c.NoticeFrom, c.NoticeTo, todayD)
		}
		if _, err := ab.As.Approve(ab.CW, c.ID, c.Version, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Approve by a caseworker = %v, want forbidden (no approval permission)", err)
		}
		if _, err := ab.As.Approve(ab.Approver, c.ID, c.Version, ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("Approve during the notice = %v, want conflict", err)
		}
		ab.Advance(2)
		o, err := ab.As.Object(ab.CW, c.ID, &assistance.Objection{Objector: "匿名", Content: "该户有一辆轿车"})
		if err != nil {
			t.Fatal(err)
		}
		ab.Advance(6)
		if view, err := ab.As.FindCase(ab.CW, c.ID); err != nil {
			t.Fatal(err)
		} else {
			c = view.Case
		}
		if _, err := ab.As.Approve(ab.Approver, c.ID, c.Version, ""); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "objection") {
			t.Errorf("Approve with an objection pending = %v, want conflict naming the objection", err)
		}
		if c, err = ab.As.ResolveObjection(ab.CW, c.ID, o.ID, false, "核实: 车辆登记在他人名下"); err != nil {
			t.Fatal(err)
		}
		if _, err := ab.As.Approve(ab.SameUserAsApprover, c.ID, c.Version, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("Approve by the user who assessed = %v, want forbidden", err)
		}
		c, err = ab.As.Approve(ab.Approver, c.ID, c.Version, "同意")
		if err != nil {
			t.Fatal(err)
		}
		a, err := ab.As.FindAward(ab.CW, c.AwardID)
		if err != nil {
			t.Fatal(err)
		}
		m := ab.Month()
		if c.Status != assistance.StatusApproved || a.Status != assistance.AwardActive || a.Amount != 66_000 || a.Start != m ||
			a.Category != assistance.ReviewOther || a.ReviewDue != m.First().AddMonths(6) || len(a.Decision) == 0 {
			t.Fatalf("award %+v; want active 66000 from %s, category other, review due %s, with its decision", a, m, m.First().AddMonths(6))
		}
		view, err := ab.As.FindCase(ab.CW, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range view.Events {
			actions = append(actions, e.Action)
		}
		want := "apply via counter|investigate|assess: eligible, on notice|objection received|objection dismissed|approve"
		if got := strings.Join(actions, "|"); got != want {
			t.Errorf("history = %s, want %s", got, want)
		}
		if len(view.Objections) != 1 || view.Objections[0].Outcome != "dismissed" || view.Objections[0].ResolvedBy != 2 {
			t.Errorf("objections = %+v, want one dismissed by user 2", view.Objections)
		}

		// The month's payment: one line; again, nothing new.
		sum, err := ab.As.Pay(ab.CW, m, "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Lines != 1 || sum.NewLines != 1 || sum.Amount != 66_000 {
			t.Errorf("first run: %+v, want one new line of 66000", sum)
		}
		if sum, err = ab.As.Pay(ab.CW, m, ""); err != nil || sum.NewLines != 0 {
			t.Errorf("second run of %s: %+v, %v; want no new line", m, sum, err)
		}
		lines, err := ab.As.AwardLines(ab.CW, a.ID)
		if err != nil || len(lines) != 1 || lines[0].Layer != assistance.LayerDibao {
			t.Errorf("lines = %+v, %v; want one, layer dibao", lines, err)
		}

		// The review six months on: the husband found steady work.
		ab.Advance(185)
		due, err := ab.As.ReviewsDue(ab.CW, period.DateOf(*ab.Now), "", registry.Page{})
		if err != nil || len(due) != 1 || due[0].ID != a.ID {
			t.Fatalf("reviews due = %v, %v; want award %d", due, err, a.ID)
		}
		r, _, err := ab.As.Review(ab.CW, a.ID, sqlstoretest.MeansTest(ps, 300_000, 40_000), "复核")
		if err != nil {
			t.Fatal(err)
		}
		if r.Outcome != assistance.ReviewStopProposed || !strings.Contains(r.Reason, "income_below_standard") {
			t.Fatalf("review: %s %q; want the stop proposed naming income_below_standard", r.Outcome, r.Reason)
		}
		if _, _, err := ab.As.Review(ab.CW, a.ID, sqlstoretest.MeansTest(ps, 300_000, 40_000), ""); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a second review while a proposal waits = %v, want conflict", err)
		}
		if _, err := ab.As.DecideReview(ab.SameUserAsApprover, r.ID, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("DecideReview by the reviewer = %v, want forbidden", err)
		}
		if r, err = ab.As.DecideReview(ab.Approver, r.ID, true, "同意停保"); err != nil || r.Outcome != assistance.ReviewStopped {
			t.Fatalf("DecideReview = %+v, %v; want stopped", r, err)
		}
		a, err = ab.As.FindAward(ab.CW, a.ID)
		if err != nil || a.Status != assistance.AwardStopped || a.End != ab.Month() || !strings.Contains(a.StopReason, "income_below_standard") {
			t.Errorf("award after the stop: %+v, %v; want stopped with %s, the reason kept", a, err, ab.Month())
		}
		if sum, err = ab.As.Pay(ab.CW, ab.Month().Add(1), ""); err != nil || sum.Lines != 0 {
			t.Errorf("run after the stop: %+v, %v; want no line", sum, err)
		}
		if rep, err := ab.DB.VerifyAudit(context.Background()); err != nil || rep.Break != nil {
			t.Errorf("audit chain: %+v %+v, %v", rep, rep.Break, err)
		}
	})
}

func TestAssistanceObjectionUpheldAndRefusal(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		h, ps := ab.Household(t, sqlstoretest.Village(t, "652301", 1), 11, period.MustDate(1975, time.January, 9))
		c := &assistance.Case{Programme: assistance.ProgDibao, HouseholdID: h.ID, Channel: assistance.ChannelOnline}
		if err := ab.As.Apply(ab.CW, c, ""); err != nil {
			t.Fatal(err)
		}
		c, _, err := ab.As.Investigate(ab.CW, c.ID, c.Version, sqlstoretest.MeansTest(ps, 30_000), "")
		if err != nil {
			t.Fatal(err)
		}
		if c, err = ab.As.Assess(ab.CW, c.ID, c.Version, ""); err != nil {
			t.Fatal(err)
		}
		o, err := ab.As.Object(ab.CW, c.ID, &assistance.Objection{Content: "申请人在企业有固定工作"})
		if err != nil {
			t.Fatal(err)
		}
		if c, err = ab.As.ResolveObjection(ab.CW, c.ID, o.ID, true, "核实属实: 月工资3,000元"); err != nil {
			t.Fatal(err)
		}
		if c.Status != assistance.StatusApplied {
			t.Fatalf("after an upheld objection the case is %s, want applied (investigate again)", c.Status)
		}
		// Investigated again with the wage found: not eligible, a refusal
		// is proposed, and an approver confirms it.
		if c, _, err = ab.As.Investigate(ab.CW, c.ID, c.Version, sqlstoretest.MeansTest(ps, 300_000), "再次调查"); err != nil {
			t.Fatal(err)
		}
		if c, err = ab.As.Assess(ab.CW, c.ID, c.Version, ""); err != nil {
			t.Fatal(err)
		}
		if c.Status != assistance.StatusProposed || c.Eligible || !strings.Contains(c.Reason, "income_below_standard") {
			t.Fatalf("assessed: %s eligible=%v %q; want a refusal proposed naming income_below_standard", c.Status, c.Eligible, c.Reason)
		}
		if c, err = ab.As.Approve(ab.Approver, c.ID, c.Version, ""); err != nil || c.Status != assistance.StatusRefused || c.AwardID != 0 {
			t.Fatalf("approve the refusal: %+v, %v; want refused without an award", c, err)
		}
	})
}

func TestAssistanceTemporaryFastTrack(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		h, ps := ab.Household(t, sqlstoretest.Village(t, "652301", 2), 21, period.MustDate(1970, time.June, 1), period.MustDate(1972, time.July, 1))
		// A fire: 20,000 yuan of loss; the emergency grant is at most 3
		// months of the standard per member (780 × 3 × 2 = 4,680.00), over
		// the fast-track limit of 3,000: it must be approved first.
		big := &assistance.Case{Programme: assistance.ProgTemporary, HouseholdID: h.ID, Channel: assistance.ChannelTownship,
			HardshipType: assistance.HardshipEmergency, Expense: 2_000_000}
		if err := ab.As.Apply(ab.CW, big, "火灾"); err != nil {
			t.Fatal(err)
		}
		big, _, err := ab.As.Investigate(ab.CW, big.ID, big.Version, sqlstoretest.MeansTest(ps, 150_000, 100_000), "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ab.As.FastTrack(ab.CW, big.ID, big.Version, ""); fault.CodeOf(err) != fault.Conflict || !strings.Contains(err.Error(), "fast-track limit") {
			t.Fatalf("FastTrack over the limit = %v, want conflict naming the limit", err)
		}
		if big, err = ab.As.Assess(ab.CW, big.ID, big.Version, ""); err != nil {
			t.Fatal(err)
		}
		if big.Status != assistance.StatusProposed || big.Amount != 468_000 {
			t.Fatalf("assessed: %s %d, want proposed 468000 (no public notice for temporary assistance)", big.Status, big.Amount)
		}
		if big, err = ab.As.Approve(ab.Approver, big.ID, big.Version, ""); err != nil {
			t.Fatal(err)
		}
		// A second emergency the same year: 2,500 yuan of medical bills,
		// within the limit and the yearly cap (10,000 - 4,680 left).
		small := &assistance.Case{Programme: assistance.ProgTemporary, HouseholdID: h.ID, Channel: assistance.ChannelVillage,
			HardshipType: assistance.HardshipEmergency, Expense: 250_000}
		if err := ab.As.Apply(ab.CW, small, "意外受伤"); err != nil {
			t.Fatal(err)
		}
		if small, _, err = ab.As.Investigate(ab.CW, small.ID, small.Version, sqlstoretest.MeansTest(ps, 150_000, 100_000), ""); err != nil {
			t.Fatal(err)
		}
		if small, err = ab.As.FastTrack(ab.CW, small.ID, small.Version, "先行救助"); err != nil {
			t.Fatal(err)
		}
		if small.Status != assistance.StatusGranted || small.Amount != 250_000 || small.AwardID == 0 {
			t.Fatalf("fast-tracked: %+v; want granted 250000 with an award", small)
		}
		sum, err := ab.As.Pay(ab.CW, ab.Month(), "")
		if err != nil || sum.NewLines != 2 || sum.Amount != 718_000 {
			t.Fatalf("pay: %+v, %v; want two one-offs, 7,180.00", sum, err)
		}
		if _, err := ab.As.ReviewGrant(ab.SameUserAsApprover, small.ID, small.Version, true, ""); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("ReviewGrant by who granted = %v, want forbidden", err)
		}
		if _, err := ab.As.ReviewGrant(ab.Approver, small.ID, small.Version, false, ""); fault.CodeOf(err) != fault.Invalid {
			t.Errorf("reversal without a reason = %v, want invalid", err)
		}
		if small, err = ab.As.ReviewGrant(ab.Approver, small.ID, small.Version, false, "医疗费已由商业保险赔付"); err != nil || small.Status != assistance.StatusReversed {
			t.Fatalf("ReviewGrant(reverse) = %+v, %v; want reversed", small, err)
		}
		a, err := ab.As.FindAward(ab.CW, small.AwardID)
		if err != nil || a.Status != assistance.AwardStopped || !strings.Contains(a.StopReason, "商业保险") {
			t.Errorf("reversed award %+v, %v; want stopped with the reason", a, err)
		}
		// The yearly cap counts what was granted and not reversed.
		received, err := ab.DB.TemporaryReceived(ab.Ctx, h.ID, ab.Month().Add(-11), ab.Month())
		if err != nil || received != 468_000 {
			t.Errorf("received in 12 months = %d, %v; want 468000", received, err)
		}
	})
}

func TestAssistanceInsuranceIncomeAndClassifyAll(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 4)
		// A widow of 70 living alone on a resident pension of 200 a month,
		// paid for the 12 months before: the pension comes in from the
		// insurance side.
		h1, ps1 := ab.Household(t, v, 31, period.MustDate(1956, time.February, 2))
		if err := ab.DB.ExecRaw(ab.Ctx, fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision,
			policy_version, created_by, created_at) VALUES (900, %d, 'resident_pension', '%s', '2021-03', 20000, 'active', '{}', 'test', 'test', '2021-03-01T00:00:00Z')`,
			ps1[0].ID, v)); err != nil {
			t.Fatal(err)
		}
		m := ab.Month()
		for i := 1; i <= 12; i++ {
			if err := ab.DB.ExecRaw(ab.Ctx, fmt.Sprintf(`INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id)
				VALUES (900, '%s', 'regular', 20000, '%s', %d, 1)`, m.Add(-i), v, ps1[0].ID)); err != nil {
				t.Fatal(err)
			}
		}
		mt := sqlstoretest.MeansTest(ps1)
		mt.HouseholdID, mt.Period = h1.ID, m
		mt.Source = assistance.SourceDataMatch
		mt.Members[0].UnableToWork, mt.Members[0].HasSupporter, mt.Members[0].SupporterStated = true, false, true
		ex, err := ab.As.CreateMeansTest(ab.CW, mt)
		if err != nil {
			t.Fatal(err)
		}
		stored, err := ab.As.MeansTest(ab.CW, ex.TestID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.Lines) != 1 || stored.Lines[0].Kind != assistance.IncomePension || stored.Lines[0].Amount != 240_000 ||
			!strings.Contains(stored.Lines[0].Note, "12 months") || stored.TotalIncome != 20_000 {
			t.Fatalf("lines %+v, monthly income %d; want the pension of 12 months (2,400.00) from the insurance side, 200.00 a month", stored.Lines, stored.TotalIncome)
		}
		// 70, unable to work, no supporter, own income 200 < 780: 特困.
		if ex.Layer != assistance.LayerTekun || ex.TekunMembers != 1 {
			t.Errorf("layer = %s (%d tekun), want tekun\n%s", ex.Layer, ex.TekunMembers, strings.Join(ex.Reasons, "\n"))
		}
		// Two more households: one at 低保 level, one comfortable.
		h2, ps2 := ab.Household(t, v, 41, period.MustDate(1985, time.March, 1), period.MustDate(1987, time.April, 1))
		h3, ps3 := ab.Household(t, sqlstoretest.Village(t, "652302", 0), 51, period.MustDate(1990, time.May, 1))
		for _, x := range []struct {
			h  *registry.Household
			mt *assistance.MeansTest
		}{{h2, sqlstoretest.MeansTest(ps2, 40_000, 40_000)}, {h3, sqlstoretest.MeansTest(ps3, 600_000)}} {
			x.mt.HouseholdID, x.mt.Period, x.mt.Source = x.h.ID, m.Add(-1), assistance.SourceInvestigation
			if _, err := ab.As.CreateMeansTest(ab.Ctx, x.mt); err != nil {
				t.Fatal(err)
			}
		}
		sum, err := ab.As.ClassifyAll(ab.Ctx, m, "")
		if err != nil {
			t.Fatal(err)
		}
		if sum.Households != 3 || sum.ByLayer[assistance.LayerTekun] != 1 || sum.ByLayer[assistance.LayerDibao] != 1 || sum.ByLayer[assistance.LayerNone] != 1 {
			t.Errorf("ClassifyAll = %+v, want 3: tekun, dibao, none", sum)
		}
		counts, err := ab.As.LayerCounts(ab.Ctx, m, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, c := range counts {
			got[string(c.County)+"/"+string(c.Layer)] = c.Persons
		}
		if len(got) != 2 || got["652301/tekun"] != 1 || got["652301/dibao"] != 2 {
			t.Errorf("layer counts = %v, want 652301 tekun 1 and dibao 2 persons, nothing for 652302 (not low-income)", got)
		}
		if c, err := ab.As.Classification(ab.Ctx, h3.ID, m); err != nil || c.Layer != assistance.LayerNone || c.PerCapitaIncome != 600_000 {
			t.Errorf("classification of the comfortable household = %+v, %v; want none from its test", c, err)
		}
		// A run of one county replaces only its rows.
		if sum, err = ab.As.ClassifyAll(ab.Ctx, m, "652302"); err != nil || sum.Households != 1 {
			t.Errorf("ClassifyAll(652302) = %+v, %v", sum, err)
		}
		if all, err := ab.As.Classifications(ab.Ctx, assistance.ClassificationFilter{Period: m, Page: registry.Page{Limit: 10}}); err != nil || len(all) != 2 {
			t.Errorf("low-income population after a county run = %d, %v; want the 2 of 652301", len(all), err)
		}
		if _, err := ab.As.ClassifyAll(ab.CaseworkerOfElsewhere, m, "652301"); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("ClassifyAll outside the scope = %v, want forbidden", err)
		}
	})
}

// TestHardshipPremiumsFromAssistance: the members of a household with 低保
// and a person supported as 特困 get their resident-pension premium paid by
// government (代缴) from civil affairs' own records, with no list imported.
func TestHardshipPremiumsFromAssistance(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		ab := sqlstoretest.NewAssistance(t, open)
		v := sqlstoretest.Village(t, "652301", 5)
		h, ps := ab.Household(t, v, 71, period.MustDate(1980, time.March, 5), period.MustDate(1983, time.April, 4))
		_, alone := ab.Household(t, v, 73, period.MustDate(1970, time.July, 7))
		_, other := ab.Household(t, v, 74, period.MustDate(1975, time.August, 8))
		for _, p := range append(append(ps, alone...), other...) {
			if err := ab.DB.ExecRaw(ab.Ctx, fmt.Sprintf(`INSERT INTO enrolments (region_code, person_id, scheme, kind, start_month, status, tier, version)
				VALUES ('%s', %d, 'resident_pension', 'resident', '2024-01', 'active', 10000, 1)`, v, p.ID)); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO assistance_awards (programme, kind, household_id, person_id, region_code, amount, start_month, status, created_by, created_at)
				VALUES ('dibao', 'monthly', %d, 0, '%s', 66000, '2025-03', 'active', 'test', '2025-03-01T00:00:00Z')`, h.ID, v),
			fmt.Sprintf(`INSERT INTO assistance_awards (programme, kind, household_id, person_id, region_code, amount, start_month, end_month, status, created_by, created_at)
				VALUES ('tekun', 'monthly', 0, %d, '%s', 120000, '2024-01', '2025-02', 'stopped', 'test', '2024-01-01T00:00:00Z')`, alone[0].ID, v),
		} {
			if err := ab.DB.ExecRaw(ab.Ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		b, err := ab.App.Accounts.PayHardshipPremiums(ab.Ctx, 2025, "")
		if err != nil {
			t.Fatal(err)
		}
		got := map[registry.PersonID]string{}
		for _, it := range b.Items {
			got[it.PersonID] = fmt.Sprint(it.Groups)
		}
		want := map[registry.PersonID]string{ps[0].ID: "[dibao]", ps[1].ID: "[dibao]", alone[0].ID: "[tekun]"}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("代缴 items %v, want %v (the 特困 award ran into 2025; the third household has none)", got, want)
		}
	})
}
