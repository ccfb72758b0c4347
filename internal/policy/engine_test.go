package policy

import (
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"safetynet/internal/period"
)

func loadBasic(t testing.TB) *Package {
	t.Helper()
	pk, err := Load(os.DirFS("testdata/basic"), PensionFuncs()...)
	if err != nil {
		t.Fatalf("Load(testdata/basic): %v", err)
	}
	return pk
}

func TestBasicPolicyTests(t *testing.T) {
	pk := loadBasic(t)
	results := pk.RunTests()
	if len(results) == 0 {
		t.Fatal("no policy tests ran")
	}
	for _, r := range results {
		if len(r.Failures) > 0 {
			t.Errorf("%s: %s (%s:%d): %s", r.Programme, r.Test.Name, r.Test.File, r.Test.Line, strings.Join(r.Failures, "; "))
		}
	}
}

func household(members, income, assets int64, local bool) Case {
	in := map[string]json.RawMessage{}
	set := func(k string, v any) { b, _ := json.Marshal(v); in[k] = b }
	set("members", members)
	set("total_income", income)
	set("financial_assets", assets)
	set("hukou_local", local)
	set("hukou_type", "urban")
	return Case{Entity: "household", Region: "652301001001", Inputs: in}
}

func TestExplanation(t *testing.T) {
	pk := loadBasic(t)
	d, err := pk.Evaluate("dibao", period.NewMonth(2025, time.January), household(3, 150000, 1000, true))
	if err != nil {
		t.Fatal(err)
	}
	if !d.Eligible || d.Amount != 3*78000-150000 {
		t.Fatalf("decision = eligible %v amount %d, want eligible with %d", d.Eligible, d.Amount, 3*78000-150000)
	}
	if d.Version != pk.Version || d.AsOf != period.MustDate(2025, 1, 1) {
		t.Errorf("version %q as of %s", d.Version, d.AsOf)
	}
	var std *ParamRead
	for i := range d.Parameters {
		if d.Parameters[i].Key == "dibao.standard" {
			std = &d.Parameters[i]
		}
	}
	if std == nil || std.From != period.MustDate(2025, 1, 1) || std.Layer != "local" || !strings.Contains(std.Value, "780") {
		t.Errorf("dibao.standard read = %+v, want 780 from 2025-01-01 in layer local", std)
	}
	if len(d.Conditions) != 3 || d.Conditions[1].Name != "income_below_standard" || !d.Conditions[1].Value {
		t.Errorf("conditions = %+v", d.Conditions)
	}
	if len(d.Variables) != 1 || d.Variables[0].Value != "50000" {
		t.Errorf("variables = %+v, want per_capita_income 50000", d.Variables)
	}
	if len(d.Inputs) != 4 {
		t.Errorf("inputs read = %+v, want 4", d.Inputs)
	}
	// The parameter change shows up on exactly its date: December 2024 still
	// reads 720.
	d, err = pk.Evaluate("dibao", period.NewMonth(2024, time.December), household(3, 150000, 1000, true))
	if err != nil {
		t.Fatal(err)
	}
	if d.Amount != 3*72000-150000 {
		t.Errorf("December 2024 amount = %d, want %d", d.Amount, 3*72000-150000)
	}
}

func TestRequirements(t *testing.T) {
	pk := loadBasic(t)
	// Income under the standard: dibao, so not edge.
	d, err := pk.Evaluate("dibao_edge", period.NewMonth(2025, 3), household(2, 100000, 0, true))
	if err != nil {
		t.Fatal(err)
	}
	if d.Eligible || len(d.Requirements) != 1 || d.Requirements[0].Holds {
		t.Errorf("edge for a dibao household = %+v", d)
	}
	// Between 1× and 1.5×: edge.
	d, _ = pk.Evaluate("dibao_edge", period.NewMonth(2025, 3), household(2, 2*100000, 0, true))
	if !d.Eligible {
		t.Errorf("edge at 1000/person (standard 780): %s", d.Why())
	}
}

func TestCaseErrorsNameTheInput(t *testing.T) {
	pk := loadBasic(t)
	c := household(2, 1, 0, true)
	delete(c.Inputs, "total_income")
	c.Inputs["totl_income"] = json.RawMessage("5")
	c.Inputs["members"] = json.RawMessage(`"two"`)
	_, err := pk.Evaluate("dibao", period.NewMonth(2025, 1), c)
	var fe interface{ Error() string }
	if err == nil {
		t.Fatal("no error")
	}
	fe = err
	msg := fe.Error()
	for _, want := range []string{"inputs.total_income: is missing", "inputs.totl_income", "inputs.members: want a whole number"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q lacks %q", msg, want)
		}
	}
	if _, err := pk.Evaluate("dibao", period.NewMonth(2019, 1), household(2, 1, 0, true)); err == nil || !strings.Contains(err.Error(), "no value on 2019-01-01") {
		t.Errorf("before the first value: %v", err)
	}
}

// broken returns testdata/basic with one file replaced.
func broken(t *testing.T, name, content string) error {
	t.Helper()
	m := fstest.MapFS{}
	root := os.DirFS("testdata/basic")
	for _, f := range []string{"layers.yaml", "entities.yaml", "labels.yaml", "cn/parameters/base.yaml", "local/parameters/local.yaml",
		"cn/programmes/dibao.yaml", "cn/programmes/dibao_test.yaml", "local/programmes/dibao_edge.yaml",
		"cn/programmes/high_age_allowance.yaml", "cn/programmes/pension_basic.yaml"} {
		b, err := fsReadFile(root, f)
		if err != nil {
			t.Fatal(err)
		}
		m[f] = &fstest.MapFile{Data: b}
	}
	m[name] = &fstest.MapFile{Data: []byte(content)}
	_, err := Load(m, PensionFuncs()...)
	return err
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	prog := func(cond string) string {
		return "id: dibao\nname: {zh: 低保, en: Dibao}\nentity: household\nperiod: month\nconditions:\n  c: " + cond + "\namount: 0\n"
	}
	tests := []struct {
		name, file, content string
		want                []string
	}{
		{"unknown input", "cn/programmes/dibao.yaml", prog("totl_income > 0"), []string{"cn/programmes/dibao.yaml:6", "c:", "unknown name totl_income"}},
		{"unknown parameter", "cn/programmes/dibao.yaml", prog("total_income < p.dibao.standrd"), []string{":6", "unknown parameter dibao.standrd"}},
		{"wrong type", "cn/programmes/dibao.yaml", prog("total_income + 1"), []string{":6", "must be bool"}},
		{"str compared with int", "cn/programmes/dibao.yaml", prog("hukou_type == 3"), []string{":6", "cannot combine str and int"}},
		{"bad enum value", "cn/programmes/dibao.yaml", prog(`hukou_type in ["urbn"]`), []string{":6", `"urbn" is not a value of hukou_type`}},
		{"syntax", "cn/programmes/dibao.yaml", prog("total_income <"), []string{":6", "syntax"}},
		{"unknown function", "cn/programmes/dibao.yaml", prog("frob(members) > 0"), []string{":6", "unknown function frob"}},
		{"amount not int", "cn/programmes/dibao.yaml", "id: dibao\nname: {zh: 低保, en: Dibao}\nentity: household\nperiod: month\namount: total_income / 2\n", []string{":5", "amount must be int"}},
		{"bad money", "cn/parameters/base.yaml", "x.y:\n  type: money\n  description: d\n  values:\n    - {from: 2024-01-01, value: \"1.234\", source: s, status: confirmed}\n", []string{"cn/parameters/base.yaml:5", "x.y"}},
		{"bad status", "cn/parameters/base.yaml", "x.y:\n  type: int\n  description: d\n  values:\n    - {from: 2024-01-01, value: \"1\", source: s, status: maybe}\n", []string{":5", "status"}},
		{"dates out of order", "cn/parameters/base.yaml", "x.y:\n  type: int\n  description: d\n  values:\n    - {from: 2024-01-01, value: \"1\", source: s, status: confirmed}\n    - {from: 2023-01-01, value: \"2\", source: s, status: confirmed}\n", []string{":6", "date order"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := broken(t, tt.file, tt.content)
			if err == nil {
				t.Fatalf("Load with %s: no error", tt.name)
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Errorf("error %T is not a *LoadError", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
