package monitoring_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

type monBundle struct {
	sqlstoretest.Registry
	mon *monitoring.Service
}

func setupMonitoring(t *testing.T, open func(testing.TB) *sqlstore.DB) monBundle {
	t.Helper()
	tb := sqlstoretest.NewRegistry(t, open)
	return monBundle{Registry: tb, mon: tb.App.Monitoring} // 2026-11-22
}

// household registers a household of n members living in village v, the
// first its head, with ID sequence numbers from seq.
func (mb monBundle) household(t *testing.T, v region.Code, seq, n int) (*registry.Household, []*registry.Person) {
	t.Helper()
	h := &registry.Household{RegionCode: v, HukouType: registry.HukouRural}
	var ps []*registry.Person
	for i := range n {
		p := sqlstoretest.NewPerson(t, v, seq+i)
		if err := mb.Svc.CreatePerson(mb.Ctx, p); err != nil {
			t.Fatalf("CreatePerson(%d): %v", seq+i, err)
		}
		rel := registry.RelChild
		if i == 0 {
			rel = registry.RelHead
		}
		h.Members = append(h.Members, registry.Member{PersonID: p.ID, Relation: rel})
		ps = append(ps, p)
	}
	if err := mb.Svc.CreateHousehold(mb.Ctx, h); err != nil {
		t.Fatalf("CreateHousehold: %v", err)
	}
	return h, ps
}

// meansTest stores a means test of month m finding income over 12 months
// for members, and, unless layer is "", the household's classification in
// that layer.
func (mb monBundle) meansTest(t *testing.T, h *registry.Household, m string, income money.Fen, members int, layer string) {
	t.Helper()
	if err := mb.DB.ExecRaw(context.Background(), fmt.Sprintf(`INSERT INTO means_tests (household_id, region_code, period, hukou_type, hukou_local,
		members, total_income, income_12m, financial_assets, vehicles, houses, business_entities, rigid_expenses_12m, source, created_by, created_at)
		VALUES (%d, '%s', '%s', 'rural', TRUE, %d, %d, %d, 0, 0, 1, 0, 0, 'test', 'test', '2026-01-01T00:00:00Z')`,
		h.ID, h.RegionCode, m, members, income/12, income)); err != nil {
		t.Fatal(err)
	}
	if layer == "" {
		return
	}
	if err := mb.DB.ExecRaw(context.Background(), fmt.Sprintf(`INSERT INTO classifications (period, household_id, region_code, test_id, layer,
		members, per_capita_income, dibao_amount, tekun_members, policy_version)
		VALUES ('%s', %d, '%s', (SELECT MAX(id) FROM means_tests), '%s', %d, 0, 0, 0, 'test')`, m, h.ID, h.RegionCode, layer, members)); err != nil {
		t.Fatal(err)
	}
}

func (mb monBundle) record(t *testing.T, ss ...monitoring.Signal) {
	t.Helper()
	if _, err := mb.mon.RecordSignals(mb.Ctx, "test", ss); err != nil {
		t.Fatalf("RecordSignals: %v %v", err, fault.FieldsOf(err))
	}
}

func (mb monBundle) process(t *testing.T) *monitoring.ProcessSummary {
	t.Helper()
	sum, err := mb.mon.Process(mb.Ctx, 0)
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return sum
}

// alertOf returns the alert of household h that is not closed, or nil.
func (mb monBundle) alertOf(t *testing.T, h *registry.Household) *monitoring.Alert {
	t.Helper()
	as, err := mb.mon.Alerts(mb.Ctx, monitoring.AlertFilter{Page: registry.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	var found *monitoring.Alert
	for _, a := range as {
		if a.HouseholdID == h.ID && a.Status != monitoring.Closed {
			if found != nil {
				t.Fatalf("household %d has two open alerts, %d and %d", h.ID, found.ID, a.ID)
			}
			found = a
		}
	}
	return found
}

func day(m time.Month, d int) period.Date { return period.MustDate(2026, m, d) }

func signal(p *registry.Person, kind monitoring.Kind, on period.Date, amount money.Fen) monitoring.Signal {
	src := map[monitoring.Kind]monitoring.Source{monitoring.HospitalBill: monitoring.MedicalInsurance, monitoring.NewDisability: monitoring.DisabledFederation,
		monitoring.EarnerDeath: monitoring.PublicSecurity, monitoring.Unemployment: monitoring.HRSocialSecurity, monitoring.Disaster: monitoring.EmergencyManagement,
		monitoring.IncomeDrop: monitoring.Tax}[kind]
	return monitoring.Signal{Source: src, Kind: kind, PersonID: p.ID, OccurredOn: on, Amount: amount}
}

// TestMonitorProcess grades signals with each household's context read
// from the database: the latest means test up to the signal's month
// gives the income and members, else the registered members and an
// unknown income; the latest classification gives the layer.
func TestMonitorProcess(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		mb := setupMonitoring(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		tested, tp := mb.household(t, v, 10, 3)
		mb.meansTest(t, tested, "2026-06", money.Yuan(30000), 3, "")
		mb.meansTest(t, tested, "2026-12", money.Yuan(1000), 3, "") // after the signal: not read
		untested, up := mb.household(t, v, 20, 2)
		alone, ap := mb.household(t, v, 30, 1)
		poor, pp := mb.household(t, v, 40, 2)
		mb.meansTest(t, poor, "2026-09", money.Yuan(8000), 2, "dibao")
		later, lp := mb.household(t, v, 50, 2)
		mb.meansTest(t, later, "2026-12", money.Yuan(8000), 2, "dibao") // classified after the signal's month
		mb.record(t,
			signal(tp[1], monitoring.HospitalBill, day(11, 1), money.Yuan(15000)), // half the income: orange
			signal(up[0], monitoring.HospitalBill, day(11, 2), money.Yuan(6000)),  // income unknown: yellow
			signal(ap[0], monitoring.EarnerDeath, day(11, 3), 0),                  // nobody left: no risk
			signal(pp[0], monitoring.Unemployment, day(11, 4), 0),                 // 低保: orange
			signal(lp[0], monitoring.Unemployment, day(11, 5), 0),                 // yellow
		)
		sum := mb.process(t)
		if sum.Signals != 5 || sum.AtRisk != 4 || sum.Opened != 4 || sum.NoRisk != 1 || sum.Raised != 0 || sum.ByLevel["orange"] != 2 || sum.ByLevel["yellow"] != 2 {
			t.Errorf("summary %+v", sum)
		}
		for _, tc := range []struct {
			h        *registry.Household
			level    monitoring.Level
			due      period.Date
			layer    string
			income   string
			members  string
			reasonIn string
		}{
			{tested, monitoring.Orange, day(11, 16), `"none"`, "3000000", "3", "trigger_hospital_bill_orange"},
			{untested, monitoring.Yellow, day(12, 2), `"none"`, "0", "2", "trigger_hospital_bill_yellow"},
			{poor, monitoring.Orange, day(11, 19), `"dibao"`, "800000", "2", "layer_uplift"},
			{later, monitoring.Yellow, day(12, 5), `"none"`, "0", "2", "trigger_unemployment"},
		} {
			a := mb.alertOf(t, tc.h)
			if a == nil {
				t.Errorf("household %d: no alert", tc.h.ID)
				continue
			}
			e := a.Explanation
			if a.Level != tc.level || a.DueOn != tc.due || a.Status != monitoring.Open || a.RegionCode != v || a.TownshipCode != v[:9] || e == nil {
				t.Errorf("household %d: alert %+v, want %s due %s in %s", tc.h.ID, a, tc.level, tc.due, v)
				continue
			}
			reasons := ""
			for _, r := range e.Reasons {
				reasons += r.Trigger + " "
			}
			if string(e.Inputs["household_layer"]) != tc.layer || string(e.Inputs["household_income_12m"]) != tc.income ||
				string(e.Inputs["members"]) != tc.members || !strings.Contains(reasons, tc.reasonIn) {
				t.Errorf("household %d: explanation inputs %s, reasons %s; want layer %s, income %s, members %s, %s",
					tc.h.ID, e.Inputs, reasons, tc.layer, tc.income, tc.members, tc.reasonIn)
			}
		}
		if a := mb.alertOf(t, alone); a != nil {
			t.Errorf("the death of a person living alone opened alert %+v", a)
		}

		// One alert in full: its person, township, signals and the whole
		// explanation evaluated again; the read is audited.
		a := mb.alertOf(t, tested)
		full, err := mb.mon.Alert(mb.Ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.PersonID != tp[1].ID || full.PersonIDNumber != tp[1].IDNumber || full.PersonName != tp[1].Name || full.TownshipName == "" ||
			len(full.Signals) != 1 || full.Signals[0].Level != monitoring.Orange || !full.Signals[0].Raised || !full.Signals[0].Processed ||
			full.Decision == nil || full.Decision.Amount != 2 || len(full.Decision.Conditions) != 1 {
			t.Errorf("Alert(%d) = %+v, decision %+v", a.ID, full, full.Decision)
		}
		var waiting, kept int
		if err := mb.DB.QueryRowRaw(context.Background(), "SELECT (SELECT COUNT(*) FROM signal_queue), (SELECT COUNT(*) FROM signals)").Scan(&waiting, &kept); err != nil || waiting != 0 || kept != 5 {
			t.Errorf("signals waiting %d, kept %d, %v; want 0 and 5", waiting, kept, err)
		}
		// Nothing waits: a second run changes nothing.
		if again := mb.process(t); again.Signals != 0 || again.Opened != 0 {
			t.Errorf("second run %+v, want nothing", again)
		}
		acts := sqlstoretest.AuditActions(t, mb.DB)
		if acts["signal.record"] != 1 || acts["alert.process"] != 2 || acts["alert.read"] != 1 {
			t.Errorf("audit actions %v", acts)
		}
		sqlstoretest.AuditCount(t, mb.DB)
	})
}

// TestMonitorAttachAndRaise: a later signal for a household with an open
// alert attaches to it, raising its level and bringing its due date
// forward when higher, never lowering it.
func TestMonitorAttachAndRaise(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		mb := setupMonitoring(t, open)
		v := sqlstoretest.Village(t, "652302", 0)
		h, ps := mb.household(t, v, 10, 3)
		mb.meansTest(t, h, "2026-06", money.Yuan(30000), 3, "")
		mb.record(t, signal(ps[0], monitoring.Unemployment, day(11, 1), 0))
		mb.process(t)
		first := mb.alertOf(t, h)
		if first == nil || first.Level != monitoring.Yellow || first.DueOn != day(12, 1) || first.Version != 1 {
			t.Fatalf("first alert %+v: want yellow due 1 December", first)
		}
		mb.record(t, signal(ps[1], monitoring.HospitalBill, day(11, 10), money.Yuan(15000)))
		if sum := mb.process(t); sum.Raised != 1 || sum.Opened != 0 {
			t.Errorf("second run %+v: want one alert raised", sum)
		}
		raised := mb.alertOf(t, h)
		if raised.ID != first.ID || raised.Level != monitoring.Orange || raised.DueOn != day(11, 25) || raised.Version != 2 ||
			raised.Explanation.SignalID == first.Explanation.SignalID {
			t.Errorf("raised alert %+v: want alert %d orange due 25 November, version 2, explained by the bill", raised, first.ID)
		}
		mb.record(t, signal(ps[2], monitoring.Unemployment, day(11, 12), 0))
		if sum := mb.process(t); sum.Attached != 1 || sum.Raised != 0 {
			t.Errorf("third run %+v: want one signal attached", sum)
		}
		same := mb.alertOf(t, h)
		if same.ID != first.ID || same.Level != monitoring.Orange || same.DueOn != day(11, 25) || same.Version != 2 {
			t.Errorf("alert after a lower signal %+v: want unchanged", same)
		}
		full, err := mb.mon.Alert(mb.Ctx, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, s := range full.Signals {
			got = append(got, fmt.Sprintf("%s/%t", s.Level, s.Raised))
		}
		if strings.Join(got, " ") != "yellow/true orange/true yellow/false" {
			t.Errorf("signals of the alert: %v", got)
		}

		// Two signals of one batch for a new household: one alert, at the
		// higher level.
		h2, ps2 := mb.household(t, v, 20, 2)
		mb.record(t, signal(ps2[0], monitoring.EarnerDeath, day(11, 5), 0), signal(ps2[1], monitoring.Unemployment, day(11, 4), 0))
		if sum := mb.process(t); sum.Opened != 1 || sum.Signals != 2 {
			t.Errorf("batch run %+v: want one alert opened from two signals", sum)
		}
		if a := mb.alertOf(t, h2); a == nil || a.Level != monitoring.Red || a.OpenedOn != day(11, 4) || a.DueOn != day(11, 12) {
			t.Errorf("alert of two signals %+v: want red, opened 4 November, due 12 November", a)
		}
	})
}

// TestMonitorOverdue is the acceptance test: an alert not disposed of by
// its due date shows as overdue for its township, and disappears once
// disposed of.
func TestMonitorOverdue(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		mb := setupMonitoring(t, open)
		tree, err := region.Default()
		if err != nil {
			t.Fatal(err)
		}
		va, vb := sqlstoretest.Village(t, "652301", 0), sqlstoretest.Village(t, "652302", 0)
		ha, pa := mb.household(t, va, 10, 3)
		hb, pb := mb.household(t, vb, 20, 2)
		mb.record(t, signal(pa[0], monitoring.EarnerDeath, day(11, 1), 0), // red: due 8 November
			signal(pb[0], monitoring.Unemployment, day(11, 15), 0)) // yellow: due 15 December
		mb.process(t)
		a, b := mb.alertOf(t, ha), mb.alertOf(t, hb)
		if a.DueOn != day(11, 8) || b.DueOn != day(12, 15) {
			t.Fatalf("due dates %s and %s", a.DueOn, b.DueOn)
		}
		overdue := func(on period.Date, code region.Code) []monitoring.TownshipOverdue {
			t.Helper()
			rows, err := mb.mon.Overdue(mb.Ctx, on, code)
			if err != nil {
				t.Fatal(err)
			}
			return rows
		}
		if rows := overdue(day(11, 8), ""); len(rows) != 0 {
			t.Errorf("on its due date: %+v, want nothing overdue yet", rows)
		}
		rows := overdue(day(11, 9), "")
		ta, _ := tree.Node(va[:9])
		if len(rows) != 1 || rows[0].Township != va[:9] || rows[0].Name != ta.NameZH || rows[0].Open != 1 || rows[0].Overdue != 1 ||
			rows[0].OldestDue != day(11, 8) || len(rows[0].AlertIDs) != 1 || rows[0].AlertIDs[0] != a.ID {
			t.Fatalf("the day after: %+v, want alert %d overdue in %s %s", rows, a.ID, va[:9], ta.NameZH)
		}
		if rows := overdue(day(11, 9), "652302"); len(rows) != 0 {
			t.Errorf("overdue in 阜康市: %+v, want none", rows)
		}
		if rows := overdue(day(12, 16), ""); len(rows) != 2 {
			t.Errorf("16 December: %+v, want both townships", rows)
		}
		list, err := mb.mon.Alerts(mb.Ctx, monitoring.AlertFilter{OverdueOn: day(11, 9), Page: registry.Page{Limit: 10}})
		if err != nil || len(list) != 1 || list[0].ID != a.ID {
			t.Errorf("Alerts(overdue on 9 November) = %v, %v; want alert %d", list, err, a.ID)
		}
		list, err = mb.mon.Alerts(mb.Ctx, monitoring.AlertFilter{Township: vb[:9], Level: monitoring.Yellow, Status: monitoring.Open, Page: registry.Page{Limit: 10}})
		if err != nil || len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("Alerts(township, yellow, open) = %v, %v; want alert %d", list, err, b.ID)
		}

		// A visit alone does not take it off the list; the disposition does.
		a, err = mb.mon.RecordVisit(mb.Ctx, a.ID, a.Version, monitoring.Visit{VisitedOn: day(11, 9), Outcome: monitoring.Met, Note: "家中仅余老人和学生"})
		if err != nil || a.Status != monitoring.Visited {
			t.Fatalf("RecordVisit = %+v, %v", a, err)
		}
		if rows := overdue(day(11, 9), ""); len(rows) != 1 || rows[0].Overdue != 1 {
			t.Errorf("after the visit: %+v, want still overdue", rows)
		}
		if _, err = mb.mon.Dispose(mb.Ctx, a.ID, a.Version, monitoring.Referred, "temporary_assistance", "转临时救助"); err != nil {
			t.Fatalf("Dispose: %v %v", err, fault.FieldsOf(err))
		}
		if rows := overdue(day(11, 9), ""); len(rows) != 0 {
			t.Errorf("after the disposition: %+v, want nothing overdue", rows)
		}
		if rows := overdue(day(12, 16), ""); len(rows) != 1 || rows[0].Township != vb[:9] {
			t.Errorf("16 December after the disposition: %+v, want only %s", rows, vb[:9])
		}
	})
}

// TestMonitorDisposition holds the rules of closing an alert.
func TestMonitorDisposition(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		mb := setupMonitoring(t, open)
		v := sqlstoretest.Village(t, "652301", 1)
		ha, pa := mb.household(t, v, 10, 2)
		hb, pb := mb.household(t, v, 20, 2)
		mb.record(t, signal(pa[0], monitoring.Unemployment, day(11, 2), 0), signal(pb[0], monitoring.Unemployment, day(11, 2), 0))
		mb.process(t)
		a, b := mb.alertOf(t, ha), mb.alertOf(t, hb)
		dispose := func(al *monitoring.Alert, d monitoring.Disposition, prog, note string) error {
			_, err := mb.mon.Dispose(mb.Ctx, al.ID, al.Version, d, prog, note)
			return err
		}
		wantField := func(name string, err error, field string) {
			t.Helper()
			if fault.CodeOf(err) != fault.Invalid || fault.FieldsOf(err)[field] == "" {
				t.Errorf("%s: %v %v, want Invalid naming %s", name, err, fault.FieldsOf(err), field)
			}
		}
		wantField("referred before any visit", dispose(a, monitoring.Referred, "dibao", ""), "disposition")
		wantField("no need before any visit", dispose(a, monitoring.NoNeed, "", "fine"), "disposition")
		wantField("unreachable before any attempt", dispose(a, monitoring.Unreachable, "", ""), "disposition")
		wantField("unknown disposition", dispose(a, "forgotten", "", ""), "disposition")
		_, err := mb.mon.RecordVisit(mb.Ctx, a.ID, a.Version, monitoring.Visit{VisitedOn: day(11, 1), Outcome: monitoring.Met})
		wantField("a visit before the alert opened", err, "visited_on")
		_, err = mb.mon.RecordVisit(mb.Ctx, a.ID, a.Version, monitoring.Visit{VisitedOn: day(11, 23), Outcome: monitoring.Met})
		wantField("a visit tomorrow", err, "visited_on")
		_, err = mb.mon.RecordVisit(mb.Ctx, a.ID, a.Version, monitoring.Visit{VisitedOn: day(11, 20), Outcome: "phoned"})
		wantField("an unknown outcome", err, "outcome")
		if _, err := mb.mon.RecordVisit(mb.Ctx, a.ID, a.Version+1, monitoring.Visit{VisitedOn: day(11, 20), Outcome: monitoring.Met}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("a visit with a stale version: %v, want Conflict", err)
		}
		a, err = mb.mon.RecordVisit(mb.Ctx, a.ID, a.Version, monitoring.Visit{VisitedOn: day(11, 20), Outcome: monitoring.Met})
		if err != nil {
			t.Fatal(err)
		}
		wantField("unreachable after meeting the household", dispose(a, monitoring.Unreachable, "", ""), "disposition")
		wantField("no need without saying why", dispose(a, monitoring.NoNeed, "", ""), "note")
		wantField("a referral without a programme", dispose(a, monitoring.Referred, "", ""), "programme")
		wantField("a referral to an unknown programme", dispose(a, monitoring.Referred, "charity", ""), "programme")
		wantField("a referral to the risk grading itself", dispose(a, monitoring.Referred, monitoring.Programme, ""), "programme")
		wantField("a programme on no need", dispose(a, monitoring.NoNeed, "dibao", "稳定就业"), "programme")
		if _, err := mb.mon.Dispose(mb.Ctx, a.ID, a.Version-1, monitoring.NoNeed, "", "已重新就业"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("no need with a stale version: %v, want Conflict", err)
		}
		a = mb.alertOf(t, ha)
		closed, err := mb.mon.Dispose(mb.Ctx, a.ID, a.Version, monitoring.NoNeed, "", "已重新就业")
		if err != nil || closed.Status != monitoring.Closed || closed.ClosedBy != "admin" || closed.ClosedAt.IsZero() {
			t.Fatalf("no need after a visit: %+v, %v", closed, err)
		}
		if err := dispose(closed, monitoring.NoNeed, "", "again"); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("disposing of a closed alert: %v, want Conflict", err)
		}
		if _, err := mb.mon.RecordVisit(mb.Ctx, a.ID, closed.Version, monitoring.Visit{VisitedOn: day(11, 21), Outcome: monitoring.Met}); fault.CodeOf(err) != fault.Conflict {
			t.Errorf("visiting a closed alert: %v, want Conflict", err)
		}
		got, err := mb.mon.Alert(mb.Ctx, a.ID)
		if err != nil || got.Disposition != monitoring.NoNeed || got.DispositionNote != "已重新就业" || len(got.Visits) != 1 || got.Visits[0].Seq != 1 || got.Visits[0].Username != "admin" {
			t.Errorf("closed alert %+v, %v", got, err)
		}

		// Unreachable after an attempt that found nobody.
		b, err = mb.mon.RecordVisit(mb.Ctx, b.ID, b.Version, monitoring.Visit{VisitedOn: day(11, 3), Outcome: monitoring.NotReached, Note: "家中无人"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := mb.mon.Dispose(mb.Ctx, b.ID, b.Version, monitoring.Unreachable, "", "外出务工，电话停机"); err != nil {
			t.Errorf("unreachable after an attempt: %v %v", err, fault.FieldsOf(err))
		}

		// A closed alert leaves room for a new one.
		mb.record(t, signal(pa[1], monitoring.Unemployment, day(11, 21), 0))
		mb.process(t)
		if again := mb.alertOf(t, ha); again == nil || again.ID == a.ID {
			t.Errorf("a signal after the closing: %+v, want a new alert", again)
		}
	})
}

// TestMonitorRecordAllOrNone: a batch with a bad row records nothing and
// names every bad row.
func TestMonitorRecordAllOrNone(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		mb := setupMonitoring(t, open)
		v := sqlstoretest.Village(t, "652301", 0)
		_, ps := mb.household(t, v, 10, 2)
		loner := sqlstoretest.NewPerson(t, v, 90)
		if err := mb.Svc.CreatePerson(mb.Ctx, loner); err != nil {
			t.Fatal(err)
		}
		row := func(line int, s monitoring.Signal) monitoring.Signal { s.Line = line; return s }
		byNumber := signal(ps[1], monitoring.HospitalBill, day(11, 1), money.Yuan(9000))
		byNumber.PersonID, byNumber.IDNumber, byNumber.Name = 0, ps[1].IDNumber, "别人"
		unknown := signal(ps[0], monitoring.Unemployment, day(11, 1), 0)
		unknown.PersonID, unknown.IDNumber = 0, sqlstoretest.ResidentID(t, "652301", 1990, time.May, 5, 77)
		old := signal(ps[0], monitoring.Unemployment, period.MustDate(2023, time.June, 1), 0)
		_, err := mb.mon.RecordSignals(mb.Ctx, "bad.csv", []monitoring.Signal{
			row(2, signal(ps[0], monitoring.Unemployment, day(11, 1), 0)), // good
			row(3, signal(loner, monitoring.Unemployment, day(11, 1), 0)), // no household
			row(4, byNumber), // wrong name
			row(5, unknown),  // nobody has this ID
			row(6, old),      // before the thresholds
			row(7, signal(ps[0], monitoring.NewDisability, day(11, 1), 0)), // no grade
		})
		f := fault.FieldsOf(err)
		if fault.CodeOf(err) != fault.Invalid || len(f) != 5 || f["row 3: id_number"] == "" || f["row 4: name"] == "" || f["row 5: id_number"] == "" ||
			f["row 6: occurred_on"] == "" || f["row 7: grade"] == "" || !strings.Contains(fault.MessageOf(err), "5 of 6") {
			t.Fatalf("bad batch: %v %v", err, f)
		}
		for _, msg := range f {
			if strings.Contains(msg, string(ps[1].IDNumber)) || strings.Contains(msg, string(unknown.IDNumber)) || strings.Contains(msg, string(loner.IDNumber)) {
				t.Errorf("a problem shows an ID number in clear: %s", msg)
			}
		}
		var n int
		if err := mb.DB.QueryRowRaw(context.Background(), "SELECT COUNT(*) FROM signals").Scan(&n); err != nil || n != 0 {
			t.Errorf("signals after a rejected batch = %d, %v; want 0", n, err)
		}

		// Out of scope: a caseworker of 阜康市 cannot report a 昌吉市 household.
		cw := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 9, Username: "cw2", Role: auth.RoleCaseworker, Scope: "652302"})
		_, err = mb.mon.RecordSignals(cw, "x", []monitoring.Signal{signal(ps[0], monitoring.Unemployment, day(11, 1), 0)})
		if fault.FieldsOf(err)["signals[0].person_id"] == "" {
			t.Errorf("out of scope: %v %v", err, fault.FieldsOf(err))
		}
		good := signal(ps[1], monitoring.HospitalBill, day(11, 1), money.Yuan(9000))
		good.PersonID, good.IDNumber, good.Name = 0, ids.ResidentID(ps[1].IDNumber), ps[1].Name
		if n, err := mb.mon.RecordSignals(mb.Ctx, "good.csv", []monitoring.Signal{good}); err != nil || n != 1 {
			t.Fatalf("good batch: %d, %v", n, err)
		}
		// An approver reads alerts but neither records nor processes.
		ap := auth.WithPrincipal(context.Background(), auth.Principal{UserID: 8, Username: "approver", Role: auth.RoleApprover, Scope: "652300"})
		if _, err := mb.mon.Process(ap, 0); fault.CodeOf(err) != fault.Forbidden {
			t.Errorf("an approver processing: %v, want Forbidden", err)
		}
		mb.process(t)
		if _, err := mb.mon.Alerts(ap, monitoring.AlertFilter{}); err != nil {
			t.Errorf("an approver listing alerts: %v", err)
		}
		list, _ := mb.mon.Alerts(mb.Ctx, monitoring.AlertFilter{})
		if len(list) != 1 {
			t.Fatalf("alerts: %v", list)
		}
		if _, err := mb.mon.Alert(cw, list[0].ID); fault.CodeOf(err) != fault.NotFound {
			t.Errorf("a caseworker of another county reading the alert: %v, want NotFound", err)
		}
	})
}
