package matters_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"safetynet/internal/assistance"
	"safetynet/internal/bundles"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
	"safetynet/policies"
)

func shipped(t testing.TB) *matters.Catalogue {
	t.Helper()
	c, err := matters.Load(policies.FS, "changji/matters.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// The shipped catalogue opens at least as many matters online, on the
// phone and across provinces as the prefecture publishes (74, 38, 28).
func TestShippedCatalogueCounts(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	counts := c.CountByChannel()
	for ch, want := range map[matters.Channel]int{matters.Online: 74, matters.Mobile: 38, matters.CrossProvince: 28} {
		if counts[ch] < want {
			t.Errorf("%s: %d matters; want at least %d", ch, counts[ch], want)
		}
	}
	for _, ch := range matters.Channels() {
		if counts[ch] == 0 {
			t.Errorf("no matter open to %s", ch)
		}
	}
	// Every matter is carried out by an action of the closed list.
	for _, m := range c.Matters(matters.Filter{}) {
		if _, ok := matters.ActionByID(m.Action); !ok {
			t.Errorf("%s: unknown action %s", m.ID, m.Action)
		}
	}
}

// Every action names a method the domain services really have.
func TestActionsAreRealMethods(t *testing.T) {
	t.Parallel()
	types := map[string]reflect.Type{
		"registry.Service":   reflect.TypeOf(&registry.Service{}),
		"insurance.Service":  reflect.TypeOf(&insurance.Service{}),
		"insurance.Accounts": reflect.TypeOf(&insurance.Accounts{}),
		"insurance.Pensions": reflect.TypeOf(&insurance.Pensions{}),
		"insurance.Benefits": reflect.TypeOf(&insurance.Benefits{}),
		"insurance.Refunds":  reflect.TypeOf(&insurance.Refunds{}),
		"assistance.Service": reflect.TypeOf(&assistance.Service{}),
		"monitoring.Service": reflect.TypeOf(&monitoring.Service{}),
		"bundles.Service":    reflect.TypeOf(&bundles.Service{}),
	}
	seen := map[string]bool{}
	for _, a := range matters.Actions() {
		if seen[a.ID] {
			t.Errorf("action %s listed twice", a.ID)
		}
		seen[a.ID] = true
		i := strings.LastIndex(a.Method, ".")
		typ, ok := types[a.Method[:i]]
		if !ok {
			t.Errorf("%s: unknown service %s", a.ID, a.Method[:i])
			continue
		}
		if _, ok := typ.MethodByName(a.Method[i+1:]); !ok {
			t.Errorf("%s: %s has no method %s", a.ID, a.Method[:i], a.Method[i+1:])
		}
		if a.Does == "" {
			t.Errorf("%s: says nothing of what it does", a.ID)
		}
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	c := shipped(t)
	for _, m := range c.Matters(matters.Filter{Channel: matters.Bank}) {
		if !m.Open(matters.Bank) {
			t.Errorf("%s is not open at banks", m.ID)
		}
	}
	civil := c.Matters(matters.Filter{Department: "minzheng"})
	if len(civil) == 0 {
		t.Fatal("no civil-affairs matters")
	}
	for _, m := range civil {
		if m.Department.ID != "minzheng" {
			t.Errorf("%s is of %s", m.ID, m.Department.ID)
		}
	}
	got := c.Matters(matters.Filter{Q: "低保"})
	if len(got) == 0 {
		t.Fatal("no matter named 低保")
	}
	if got := c.Matters(matters.Filter{Q: "TRANSFER"}); len(got) < 2 {
		t.Errorf("English search found %d transfers; want both ways", len(got))
	}
	m, ok := c.Matter("pension_transfer_out")
	if !ok || !m.Open(matters.CrossProvince) || m.TimeLimit != 10 || m.LegalTimeLimit != 15 {
		t.Errorf("pension_transfer_out = %+v, %v", m, ok)
	}
	// 减材料: the identity card is read from the registry, not asked for.
	if m.Materials[0].ID != "id_card" || m.Materials[0].Asked() {
		t.Errorf("pension_transfer_out's first material %+v; want the identity card fetched from the registry", m.Materials[0])
	}
	if d, ok := c.Matter("dibao_application"); !ok || !d.Deferrable() {
		t.Errorf("dibao_application should allow a material supplied later (容缺)")
	}
}

const good = `departments:
  - {id: sibao, name: {zh: 社保中心, en: Social insurance centre}}
materials:
  id_card: {name: {zh: 身份证, en: ID card}, from_registry: person.id_number}
  contract: {name: {zh: 劳动合同, en: Labour contract}}
matters:
  - id: enrol
    name: {zh: 参保登记, en: Enrolment}
    department: sibao
    basis: 社会保险法第五十八条
    applicants: [employer]
    materials:
      - {id: id_card, form: original}
      - {id: contract, form: copy, deferrable: true}
    time_limit: 1
    channels: [window, online]
    action: insurance.enrol
    args: {scheme: unemployment}
`

func TestParseErrors(t *testing.T) {
	t.Parallel()
	if _, err := matters.Parse("m.yaml", []byte(good)); err != nil {
		t.Fatalf("the good file: %v", err)
	}
	tests := []struct {
		name, from, to, item, field string
	}{
		{"unknown channel", "[window, online]", "[window, fax]", "enrol", "channels"},
		{"unknown action", "insurance.enrol", "insurance.guess", "enrol", "action"},
		{"unknown scheme", "scheme: unemployment", "scheme: medical", "enrol", "args"},
		{"missing argument", "    args: {scheme: unemployment}\n", "", "enrol", "args"},
		{"zero time limit", "time_limit: 1", "time_limit: 0", "enrol", "time_limit"},
		{"unknown department", "department: sibao", "department: tax", "enrol", "department"},
		{"no English name", "en: Enrolment}", "en: \"\"}", "enrol", "name"},
		{"unknown material", "{id: contract,", "{id: licence,", "enrol", "materials[1]"},
		{"bad form", "form: copy", "form: scan", "enrol", "materials[1].form"},
		{"a registry fact supplied later", "{id: id_card, form: original}", "{id: id_card, form: original, deferrable: true}", "enrol", "materials[0].deferrable"},
		{"unknown applicant", "[employer]", "[robot]", "enrol", "applicants"},
		{"no basis", "basis: 社会保险法第五十八条", "basis: \"\"", "enrol", "basis"},
		{"bad id", "id: enrol", "id: Enrol", "Enrol", "id"},
	}
	for _, tt := range tests {
		text := strings.Replace(good, tt.from, tt.to, 1)
		if text == good {
			t.Fatalf("%s: nothing replaced", tt.name)
		}
		_, err := matters.Parse("m.yaml", []byte(text))
		var le *matters.LoadError
		if !errors.As(err, &le) {
			t.Errorf("%s: %v; want a LoadError", tt.name, err)
			continue
		}
		if le.Item != tt.item || le.Field != tt.field {
			t.Errorf("%s: item %q field %q (%v); want %q %q", tt.name, le.Item, le.Field, err, tt.item, tt.field)
		}
	}
	dup := good + strings.SplitN(good, "matters:\n", 2)[1]
	_, err := matters.Parse("m.yaml", []byte(dup))
	var le *matters.LoadError
	if !errors.As(err, &le) || le.Field != "id" || le.Line == 0 || !strings.Contains(err.Error(), "duplicate") {
		t.Errorf("duplicate id: %v", err)
	}
	if _, err := matters.Parse("m.yaml", []byte(good+"extra: 1\n")); err == nil {
		t.Error("an unknown field loaded")
	}
}

func FuzzParse(f *testing.F) {
	data, err := policies.FS.ReadFile("changji/matters.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(good))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := matters.Parse("fuzz.yaml", data)
		if err != nil {
			var le *matters.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a LoadError", err)
			}
			return
		}
		// What loads holds only known actions, channels and time limits.
		for _, m := range c.Matters(matters.Filter{}) {
			if _, ok := matters.ActionByID(m.Action); !ok || m.TimeLimit < 1 || len(m.Channels) == 0 {
				t.Fatalf("loaded a bad matter %+v", m)
			}
		}
	})
}
