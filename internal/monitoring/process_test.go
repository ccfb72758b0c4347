package monitoring

import (
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/clock"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/policies"
)

var loadPolicies = sync.OnceValues(func() (*policy.Package, error) {
	return policy.Load(policies.FS, policy.PensionFuncs()...)
})

func testService(t *testing.T) *Service {
	t.Helper()
	pk, err := loadPolicies()
	if err != nil {
		t.Fatal(err)
	}
	j := region.DefaultJurisdiction()
	return NewService(nil, pk, j, clock.Fixed(time.Date(2025, time.June, 30, 10, 0, 0, 0, j.Zone), j.Zone))
}

const village region.Code = "652301001001"

// pending returns a signal of March 2025 for household hh whose means test
// found 30,000 yuan over 12 months for 3 members, outside any layer.
func pending(id int, hh int, kind Kind, amount money.Fen) Pending {
	return Pending{ID: SignalID(id), Kind: kind, PersonID: registry.PersonID(id), HouseholdID: registry.HouseholdID(hh), RegionCode: village,
		OccurredOn: period.MustDate(2025, time.March, 10), Amount: amount, Layer: "none", IncomeKnown: true, Income12m: money.Yuan(30000), Members: 3}
}

// TestTriggersAtThresholds grades each trigger at its threshold and just
// below it; the explanation names the threshold that decided.
func TestTriggersAtThresholds(t *testing.T) {
	s := testService(t)
	unknown := func(p Pending) Pending { p.IncomeKnown, p.Income12m = false, 0; return p }
	with := func(p Pending, f func(*Pending)) Pending { f(&p); return p }
	for _, tc := range []struct {
		name      string
		p         Pending
		want      Level
		trigger   string
		threshold string
	}{
		{"bill of half the income", pending(1, 1, HospitalBill, money.Yuan(15000)), Orange, "trigger_hospital_bill_orange", "monitoring.hospital_bill.share.orange"},
		{"bill one fen under half", pending(1, 1, HospitalBill, money.Yuan(15000)-1), Yellow, "trigger_hospital_bill_yellow", "monitoring.hospital_bill.share.yellow"},
		{"bill of the whole income", pending(1, 1, HospitalBill, money.Yuan(30000)), Red, "trigger_hospital_bill_red", "monitoring.hospital_bill.share.red"},
		{"bill one fen under the whole income", pending(1, 1, HospitalBill, money.Yuan(30000)-1), Orange, "trigger_hospital_bill_orange", "monitoring.hospital_bill.share.orange"},
		{"bill of 30% of the income", pending(1, 1, HospitalBill, money.Yuan(9000)), Yellow, "trigger_hospital_bill_yellow", "monitoring.hospital_bill.share.yellow"},
		{"bill one fen under 30%", pending(1, 1, HospitalBill, money.Yuan(9000)-1), None, "", ""},
		{"bill of the floor, income unknown", unknown(pending(1, 1, HospitalBill, money.Yuan(5000))), Yellow, "trigger_hospital_bill_yellow", "monitoring.hospital_bill.floor"},
		{"bill one fen under the floor, income unknown", unknown(pending(1, 1, HospitalBill, money.Yuan(5000)-1)), None, "", ""},
		{"loss of the whole income", pending(1, 1, Disaster, money.Yuan(30000)), Red, "trigger_disaster_red", "monitoring.disaster.share.red"},
		{"loss one fen under the whole income", pending(1, 1, Disaster, money.Yuan(30000)-1), Orange, "trigger_disaster_orange", "monitoring.disaster.share.orange"},
		{"loss of a fifth of the income", pending(1, 1, Disaster, money.Yuan(6000)), Yellow, "trigger_disaster_yellow", "monitoring.disaster.share.yellow"},
		{"loss one fen under a fifth", pending(1, 1, Disaster, money.Yuan(6000)-1), None, "", ""},
		{"loss of the floor, income unknown", unknown(pending(1, 1, Disaster, money.Yuan(2000))), Yellow, "trigger_disaster_yellow", "monitoring.disaster.floor"},
		{"loss one fen under the floor, income unknown", unknown(pending(1, 1, Disaster, money.Yuan(2000)-1)), None, "", ""},
		{"income drop of 80%", pending(1, 1, IncomeDrop, money.Yuan(24000)), Red, "trigger_income_drop_red", "monitoring.income_drop.share.red"},
		{"income drop one fen under 80%", pending(1, 1, IncomeDrop, money.Yuan(24000)-1), Orange, "trigger_income_drop_orange", "monitoring.income_drop.share.orange"},
		{"income drop of 30%", pending(1, 1, IncomeDrop, money.Yuan(9000)), Yellow, "trigger_income_drop_yellow", "monitoring.income_drop.share.yellow"},
		{"income drop one fen under 30%", pending(1, 1, IncomeDrop, money.Yuan(9000)-1), None, "", ""},
		{"income drop of the floor, income unknown", unknown(pending(1, 1, IncomeDrop, money.Yuan(3000))), Yellow, "trigger_income_drop_yellow", "monitoring.income_drop.floor"},
		{"income drop one fen under the floor, income unknown", unknown(pending(1, 1, IncomeDrop, money.Yuan(3000)-1)), None, "", ""},
		{"new disability of the severe grade", with(pending(1, 1, NewDisability, 0), func(p *Pending) { p.Grade = 2 }), Orange, "trigger_new_disability_severe", "monitoring.new_disability.severe_grade"},
		{"new disability one grade milder", with(pending(1, 1, NewDisability, 0), func(p *Pending) { p.Grade = 3 }), Yellow, "trigger_new_disability", "monitoring.new_disability.level.other"},
		{"earner death with a survivor", with(pending(1, 1, EarnerDeath, 0), func(p *Pending) { p.Members = 2 }), Red, "trigger_earner_death", "monitoring.earner_death.level"},
		{"earner death of a person living alone", with(pending(1, 1, EarnerDeath, 0), func(p *Pending) { p.Members = 1 }), None, "", ""},
		{"unemployment", pending(1, 1, Unemployment, 0), Yellow, "trigger_unemployment", "monitoring.unemployment.level"},
		{"unemployment in a 低保 household", with(pending(1, 1, Unemployment, 0), func(p *Pending) { p.Layer = "dibao" }), Orange, "layer_uplift", "monitoring.layer_uplift"},
		{"red bill in a 特困 household stays red", with(pending(1, 1, HospitalBill, money.Yuan(30000)), func(p *Pending) { p.Layer = "tekun" }), Red, "trigger_hospital_bill_red", "monitoring.hospital_bill.share.red"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.decide(&Basis{Pending: []Pending{tc.p}})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == None {
				if len(out.New) != 0 || out.Summary.NoRisk != 1 || len(out.Links) != 0 {
					t.Fatalf("%+v: opened %d alerts, no risk %d; want none and no risk", tc.p, len(out.New), out.Summary.NoRisk)
				}
				return
			}
			if len(out.New) != 1 {
				t.Fatalf("%+v: opened %d alerts, want 1", tc.p, len(out.New))
			}
			a := out.New[0]
			if a.Level != tc.want || a.Explanation == nil || a.Explanation.Level != tc.want {
				t.Fatalf("%+v: level %s, want %s", tc.p, a.Level, tc.want)
			}
			s.explain(a)
			if !a.Explanation.Reproduced || a.Decision == nil || Level(a.Decision.Amount) != tc.want {
				t.Fatalf("%+v: the row-wise engine does not reproduce level %s: %+v", tc.p, tc.want, a.Decision)
			}
			var found *Reason
			for i, r := range a.Explanation.Reasons {
				if r.Trigger == tc.trigger {
					found = &a.Explanation.Reasons[i]
				}
			}
			if found == nil {
				t.Fatalf("%+v: reasons %+v, want %s", tc.p, a.Explanation.Reasons, tc.trigger)
			}
			named := false
			for _, th := range found.Thresholds {
				named = named || th.Key == tc.threshold
			}
			if !named {
				t.Errorf("%s: thresholds %+v, want %s named", tc.trigger, found.Thresholds, tc.threshold)
			}
		})
	}
}

// TestReasonsKeepTheHighestLevel: a red bill also meets the orange and
// yellow shares, but only the red trigger is a reason.
func TestReasonsKeepTheHighestLevel(t *testing.T) {
	s := testService(t)
	p := pending(1, 1, HospitalBill, money.Yuan(40000))
	p.Layer = "dibao_edge"
	out, err := s.decide(&Basis{Pending: []Pending{p}})
	if err != nil {
		t.Fatal(err)
	}
	s.explain(out.New[0])
	var got []string
	for _, r := range out.New[0].Explanation.Reasons {
		got = append(got, r.Trigger)
	}
	if strings.Join(got, ",") != "trigger_hospital_bill_red,layer_uplift" {
		t.Errorf("reasons %v, want the red trigger and the uplift", got)
	}
	e := out.New[0].Explanation
	if e.DueDays != 7 || e.Due.Key != "monitoring.due_days.red" || e.Due.Value != "7" || e.Period != period.NewMonth(2025, time.March) || e.Version == "" ||
		string(e.Inputs["household_layer"]) != `"dibao_edge"` {
		t.Errorf("explanation %+v: want 7 red days, March 2025, the version and the inputs", e)
	}

	// Stored, the explanation keeps the case, not what is evaluated again.
	raw, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Explanation
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	stored := &Alert{Explanation: &back}
	out2, _ := s.decide(&Basis{Pending: []Pending{p}})
	if raw2, _ := json.Marshal(out2.New[0].Explanation); strings.Contains(string(raw2), "reasons") || len(raw2) > 400 {
		t.Errorf("stored explanation %s: want the case only, compact", raw2)
	}
	s.explain(stored)
	if len(stored.Explanation.Reasons) != 2 || !stored.Explanation.Reproduced {
		t.Errorf("explanation read back and evaluated again: %+v", stored.Explanation)
	}
	// Another policy version is evaluated, not reproduced.
	back.Version, back.Reasons, back.Reproduced = "0123456789abcdef", nil, false
	s.explain(stored)
	if stored.Explanation.Reproduced || len(stored.Explanation.Reasons) != 2 {
		t.Errorf("explanation of another version: %+v, want evaluated but not reproduced", stored.Explanation)
	}
}

// TestAttachAndRaise takes a household's signals in date order, whatever
// their order in the basis: the first risk opens the alert, a higher one
// raises it and brings the due date forward, a lower one attaches, and a
// household with an open alert gets no second one.
func TestAttachAndRaise(t *testing.T) {
	s := testService(t)
	d := func(day int) period.Date { return period.MustDate(2025, time.March, day) }
	yellow := pending(10, 1, Unemployment, 0)
	yellow.OccurredOn = d(1) // due 31 March
	orange := pending(11, 1, NewDisability, 0)
	orange.Grade, orange.OccurredOn = 1, d(20) // due 20 + 15 = 4 April, later than... no: min(31 March, 4 April)
	red := pending(12, 1, EarnerDeath, 0)
	red.OccurredOn = d(22) // due 29 March
	low := pending(13, 1, Unemployment, 0)
	low.OccurredOn = d(25)
	none := pending(14, 1, HospitalBill, money.Yuan(100))
	none.OccurredOn = d(26)
	out, err := s.decide(&Basis{Pending: []Pending{low, red, none, orange, yellow}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.New) != 1 || len(out.Raised) != 0 {
		t.Fatalf("opened %d, raised %d; want one alert opened", len(out.New), len(out.Raised))
	}
	a := out.New[0]
	if a.Level != Red || a.OpenedOn != d(1) || a.DueOn != d(29) || a.Explanation.SignalID != 12 {
		t.Errorf("alert %+v: want red, opened 1 March, due 29 March, explained by signal 12", a)
	}
	want := map[SignalID][2]any{10: {Yellow, true}, 11: {Orange, true}, 12: {Red, true}, 13: {Yellow, false}, 14: {None, false}}
	if len(out.Links) != len(want) {
		t.Fatalf("links %+v, want 5", out.Links)
	}
	for _, l := range out.Links {
		if w := want[l.SignalID]; l.Alert != a || l.Level != w[0] || l.Raised != w[1] {
			t.Errorf("link %+v, want level %v raised %v", l, w[0], w[1])
		}
	}
	if sum := out.Summary; sum.Signals != 5 || sum.AtRisk != 4 || sum.Opened != 1 || sum.Attached != 2 || sum.NoRisk != 0 || sum.ByLevel["red"] != 1 {
		t.Errorf("summary %+v", sum)
	}

	// An open orange alert: a yellow signal attaches, a red one raises it,
	// never lowering the due date of the orange level.
	open := &Alert{ID: 7, HouseholdID: 1, Level: Orange, OpenedOn: d(1), DueOn: d(16), Status: Visited, Version: 3}
	y := pending(20, 1, Unemployment, 0)
	y.OccurredOn = d(2)
	r := pending(21, 1, EarnerDeath, 0)
	r.OccurredOn = d(12) // due 19 March: later than the 16th
	out, err = s.decide(&Basis{Pending: []Pending{y, r}, Open: map[registry.HouseholdID]*Alert{1: open}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.New) != 0 || len(out.Raised) != 1 || out.Raised[0] != open || open.Level != Red || open.DueOn != d(16) || open.Status != Visited {
		t.Errorf("open alert after a red signal: %+v, raised %d; want red, still due 16 March, still visited", open, len(out.Raised))
	}
	// A lower or equal signal changes nothing.
	eq := pending(22, 1, Disaster, money.Yuan(30000))
	out, err = s.decide(&Basis{Pending: []Pending{eq}, Open: map[registry.HouseholdID]*Alert{1: open}})
	if err != nil || len(out.Raised) != 0 || len(out.Links) != 1 || out.Links[0].Raised || out.Summary.Attached != 1 {
		t.Errorf("equal signal: %v, raised %d, links %+v; want attached only", err, len(out.Raised), out.Links)
	}
}

// TestGradeAcrossMonths reads the thresholds of each signal's own month:
// a signal dated before the monitoring parameters took effect cannot be
// graded.
func TestGradeAcrossMonths(t *testing.T) {
	s := testService(t)
	a := pending(1, 1, HospitalBill, money.Yuan(30000))
	b := pending(2, 2, HospitalBill, money.Yuan(15000))
	b.OccurredOn = period.MustDate(2024, time.December, 31)
	levels, err := s.grade([]Pending{a, b})
	if err != nil || levels[0] != Red || levels[1] != Orange {
		t.Fatalf("grade = %v, %v; want red and orange", levels, err)
	}
	old := pending(3, 3, HospitalBill, money.Yuan(15000))
	old.OccurredOn = period.MustDate(2023, time.December, 31)
	if _, err := s.grade([]Pending{a, old}); err == nil || !strings.Contains(err.Error(), "2023-12") {
		t.Errorf("grade(a signal of 2023-12) = %v, want an error naming the month", err)
	}
}

func TestLevelNames(t *testing.T) {
	for s, want := range map[string]Level{"yellow": Yellow, "2": Orange, "red": Red} {
		if l, ok := ParseLevel(s); !ok || l != want {
			t.Errorf("ParseLevel(%q) = %v, %v; want %v", s, l, ok, want)
		}
	}
	for _, s := range []string{"", "none", "0", "4", "purple"} {
		if l, ok := ParseLevel(s); ok {
			t.Errorf("ParseLevel(%q) = %v, want refused", s, l)
		}
	}
	if Red.NameZH() != "高" || Yellow.String() != "yellow" {
		t.Errorf("names: %s %s", Red.NameZH(), Yellow)
	}
	if township("652301001001") != "652301001" || township("652301001") != "652301001" || township("652301") != "652301" {
		t.Error("township of a village, a township and a county")
	}
}

// TestAppendStored writes what json.Unmarshal reads back, for any text.
func TestAppendStored(t *testing.T) {
	e := &Explanation{Programme: Programme, SignalID: 42, Period: period.NewMonth(2025, time.March), Region: village, Level: Orange, DueDays: 15,
		Inputs:  map[string]json.RawMessage{"kind": []byte(`"hospital_bill"`), "members": []byte("3"), "zeta": []byte("true"), "alpha": []byte(`"x"`)},
		Version: "v\"1\\\n\t<&>中文", Reasons: []Reason{{Trigger: "x"}}, Reproduced: true}
	raw := e.AppendStored(nil)
	var back Explanation
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	want := *e
	want.Reasons, want.Reproduced = nil, false
	if back.Version != want.Version || back.SignalID != 42 || back.Period != want.Period || back.Level != Orange || back.DueDays != 15 ||
		back.Region != village || len(back.Inputs) != 4 || string(back.Inputs["zeta"]) != "true" || back.Reasons != nil {
		t.Errorf("read back %+v from %s, want %+v", back, raw, want)
	}
	if !strings.HasPrefix(string(raw), `{"programme":"low_income_risk","signal_id":42,"period":"2025-03"`) ||
		!strings.Contains(string(raw), `"inputs":{"kind":"hospital_bill","members":3,"alpha":"x","zeta":true}`) {
		t.Errorf("stored form %s", raw)
	}
}
