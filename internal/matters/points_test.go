package matters_test

import (
	"errors"
	"strings"
	"testing"

	"safetynet/internal/matters"
	"safetynet/internal/region"
	"safetynet/policies"
)

func shippedPoints(t *testing.T) (*matters.Points, *matters.Catalogue) {
	t.Helper()
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := shipped(t)
	ps, err := matters.LoadPoints(policies.FS, "changji/service_points.yaml", tree, cat)
	if err != nil {
		t.Fatal(err)
	}
	return ps, cat
}

// The published counts: 83 township and street platforms, 614 village and
// community points and 149 bank outlets, and the halls.
func TestShippedPoints(t *testing.T) {
	t.Parallel()
	ps, cat := shippedPoints(t)
	got := ps.Count()
	want := map[matters.Kind]int{matters.Hall: 9, matters.TownshipPoint: 83, matters.VillagePoint: 614, matters.BankOutlet: 149}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%s: %d points; want %d", k, got[k], n)
		}
	}
	p, ok := ps.Point("township-652301001")
	if !ok || p.Kind != matters.TownshipPoint || !strings.HasSuffix(p.Name.ZH, "便民服务中心") || p.Opening.Days != "working_days" {
		t.Errorf("township-652301001 = %+v, %v", p, ok)
	}
	// A bank outlet receives the bank matters and nothing else.
	b, ok := ps.Point("bank-652301-01")
	if !ok || !b.Synthetic || b.Region.County() != "652301" || b.Region.Level() != region.Township {
		t.Fatalf("bank-652301-01 = %+v, %v", b, ok)
	}
	bm := ps.Matters(b)
	if len(bm) != len(cat.Matters(matters.Filter{Channel: matters.Bank})) || len(bm) == 0 {
		t.Errorf("a bank outlet receives %d matters", len(bm))
	}
	for _, m := range bm {
		if !m.Open(matters.Bank) {
			t.Errorf("bank outlet receives %s, not open at banks", m.ID)
		}
	}
	// A county's subtree: its hall, townships, villages and outlets.
	in := ps.List(matters.PointFilter{Region: "652302"})
	for _, p := range in {
		if p.Region.County() != "652302" {
			t.Errorf("%s (%s) is outside Fukang", p.ID, p.Region)
		}
	}
	if len(ps.List(matters.PointFilter{Region: "652302", Kind: matters.BankOutlet})) != 20 {
		t.Error("Fukang should have 20 bank outlets")
	}
	// The points that receive a matter open only at windows and online
	// are the halls.
	only := ps.List(matters.PointFilter{Matter: "employer_closing"})
	if len(only) != 9 {
		t.Errorf("employer_closing is received at %d points; want the 9 halls", len(only))
	}
	if got := ps.List(matters.PointFilter{Matter: "no_such_matter"}); len(got) != 0 {
		t.Errorf("an unknown matter is received at %d points", len(got))
	}
}

func TestParsePointsErrors(t *testing.T) {
	t.Parallel()
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	cat := shipped(t)
	data, err := policies.FS.ReadFile("changji/service_points.yaml")
	if err != nil {
		t.Fatal(err)
	}
	good := string(data)
	tests := []struct{ name, from, to, item, field string }{
		{"a count off the published one", `{county: "652390", count: 2}`, `{county: "652390", count: 3}`, "expect", "bank"},
		{"a hall outside the tree", `region: "652390"`, `region: "652399"`, "halls[8]", "region"},
		{"bad hours", `{from: "10:00", to: "18:00"}`, `{from: "18:00", to: "10:00"}`, "opening.bank", "hours[0]"},
		{"an outlet in a township", `county: "652301"`, `county: "652301001"`, "bank_outlets.outlets[0]", "county"},
	}
	for _, tt := range tests {
		text := strings.Replace(good, tt.from, tt.to, 1)
		if text == good {
			t.Fatalf("%s: nothing replaced", tt.name)
		}
		_, err := matters.ParsePoints("sp.yaml", []byte(text), tree, cat)
		var le *matters.LoadError
		if !errors.As(err, &le) || le.Item != tt.item || le.Field != tt.field {
			t.Errorf("%s: %v; want item %q field %q", tt.name, err, tt.item, tt.field)
		}
	}
}

// Another jurisdiction without a catalogue has an empty front office, and
// the national calendar still; a broken catalogue stops the load naming
// the matter.
func TestLoadOffice(t *testing.T) {
	t.Parallel()
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	off, err := matters.LoadOffice(policies.FS, "xj", tree)
	if err != nil {
		t.Fatal(err)
	}
	if off.Catalogue.Len() != 0 || len(off.Points.List(matters.PointFilter{})) != 0 || len(off.Calendar.Years()) < 2 {
		t.Errorf("xj office: %d matters, calendar %v", off.Catalogue.Len(), off.Calendar.Years())
	}
	off, err = matters.LoadOffice(policies.FS, "changji", tree)
	if err != nil || off.Catalogue.Len() == 0 || off.Points.Count()[matters.BankOutlet] != 149 {
		t.Fatalf("changji office: %v", err)
	}
	data, err := policies.FS.ReadFile("changji/matters.yaml")
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(data), "action: insurance.account.transfer_out", "action: insurance.account.teleport", 1)
	_, err = matters.Parse("changji/matters.yaml", []byte(broken))
	var le *matters.LoadError
	if !errors.As(err, &le) || le.Item != "pension_transfer_out" || le.Field != "action" || le.Line == 0 {
		t.Errorf("a broken action: %v", err)
	}
}
