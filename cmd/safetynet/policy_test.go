package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// basicPolicies is the small policy package of the engine's tests.
const basicPolicies = "../../internal/policy/testdata/basic"

// runCLIWithStdin is runCLI with stdin.
func runCLIWithStdin(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"safetynet"}, args...), func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

// brokenPolicies copies the basic package to a temporary folder and
// replaces old with new in one of its files.
func brokenPolicies(t *testing.T, file, old, new string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(basicPolicies)); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, file)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s does not contain %q", file, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPolicyTest(t *testing.T) {
	out, errOut, err := runCLI(t, "policy", "test", basicPolicies)
	if err != nil {
		t.Fatalf("policy test %s: %v\n%s%s", basicPolicies, err, out, errOut)
	}
	for _, want := range []string{"ok  dibao ", "5 passed, 0 failed\n", "no tests"} {
		if !strings.Contains(out, want) {
			t.Errorf("policy test output lacks %q:\n%s", want, out)
		}
	}
}

func TestPolicyTestFailures(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		old, new   string
		wantOut    []string // in stdout
		wantStderr []string
	}{
		{
			name: "a test fails",
			file: "cn/programmes/dibao_test.yaml",
			old:  "eligible: true, amount: 66000", new: "eligible: true, amount: 1",
			wantOut: []string{"FAIL  dibao", "4 passed, 1 failed\n",
				filepath.Join("cn", "programmes", "dibao_test.yaml") + ":1: dibao: under the standard: amount = 66000 fen, want 1\n"},
		},
		{
			name: "an expression does not type-check",
			file: "cn/programmes/dibao.yaml",
			old:  "per_capita_income < p.dibao.standard", new: "per_capita_income < p.dibao.standrad",
			wantStderr: []string{filepath.Join("cn", "programmes", "dibao.yaml") + ":9: income_below_standard: ", "dibao.standrad"},
		},
		{
			name: "a parameter value is malformed",
			file: "cn/parameters/base.yaml",
			old:  `value: "24"`, new: `value: "two dozen"`,
			wantStderr: []string{filepath.Join("cn", "parameters", "base.yaml") + ":14: dibao.asset_months: "},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := brokenPolicies(t, tt.file, tt.old, tt.new)
			out, errOut, err := runCLI(t, "policy", "test", dir)
			if ee, ok := err.(exitError); !ok || ee != 1 {
				t.Fatalf("policy test of %s: err = %v, want exit status 1\n%s%s", tt.name, err, out, errOut)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.wantStderr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			// Every file:line names the file as it lies on disk.
			for _, w := range append(tt.wantOut, tt.wantStderr...) {
				if strings.Contains(w, ".yaml:") && !strings.Contains(out+errOut, filepath.Join(dir, w)) {
					t.Errorf("output does not name %s under %s:\n%s%s", w, dir, out, errOut)
				}
			}
		})
	}
}

// decisionOut is the part of a decision the tests read.
type decisionOut struct {
	Programme  string `json:"programme"`
	Eligible   bool   `json:"eligible"`
	Amount     int64  `json:"amount"`
	Conditions []struct {
		Name  string `json:"name"`
		Expr  string `json:"expr"`
		Value bool   `json:"value"`
	} `json:"conditions"`
	Parameters []struct {
		Key   string `json:"key"`
		Value string `json:"value"`
		From  string `json:"from"`
	} `json:"parameters"`
}

const dibaoCase = `{"entity": "household", "region": "652301001001",
	"inputs": {"members": 3, "total_income": 150000, "financial_assets": 0, "hukou_local": true}}`

func TestPolicyEval(t *testing.T) {
	caseFile := filepath.Join(t.TempDir(), "case.json")
	if err := os.WriteFile(caseFile, []byte(dibaoCase), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"from a file": {"--case", caseFile},
		"from stdin":  {"--case", "-"},
		"by default":  nil,
	} {
		t.Run(name, func(t *testing.T) {
			all := append([]string{"policy", "eval", "--programme", "dibao", "--period", "2025-01", "--dir", basicPolicies}, args...)
			out, errOut, err := runCLIWithStdin(t, dibaoCase, all...)
			if err != nil {
				t.Fatalf("policy eval: %v\n%s", err, errOut)
			}
			var d decisionOut
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatalf("policy eval printed no decision: %v\n%s", err, out)
			}
			// The local standard of 2025, 780 yuan: (780 - 500) × 3.
			if !d.Eligible || d.Amount != 84000 || d.Programme != "dibao" {
				t.Errorf("decision %+v: want eligible for 84000 fen", d)
			}
			if len(d.Conditions) != 3 || d.Conditions[1].Name != "income_below_standard" || !d.Conditions[1].Value {
				t.Errorf("conditions = %+v, want income_below_standard true among three", d.Conditions)
			}
			if len(d.Parameters) == 0 || d.Parameters[0].Key != "dibao.standard" || d.Parameters[0].From != "2025-01-01" || d.Parameters[0].Value != "780.00 yuan" {
				t.Errorf("parameters = %+v, want dibao.standard 780.00 yuan from 2025-01-01", d.Parameters)
			}
			if !strings.Contains(out, "per_capita_income < p.dibao.standard") || !strings.Contains(out, "\n  \"eligible\": true,\n") {
				t.Errorf("the decision is not indented JSON with its expressions as written:\n%s", out)
			}
		})
	}
}

func TestPolicyEvalInvalid(t *testing.T) {
	tests := []struct {
		name   string
		stdin  string
		args   []string
		status exitError
		want   []string // in stderr
	}{
		{"missing and ill-typed inputs", `{"inputs": {"members": "three", "hukou_local": true}}`, nil, 1,
			[]string{"invalid case for dibao", "  inputs.members: want a whole number", "  inputs.total_income: is missing", "  inputs.financial_assets: is missing"}},
		{"not JSON", `{"inputs": `, nil, 1, []string{"read the case from stdin"}},
		{"unknown case field", `{"inputs": {}, "pets": 1}`, nil, 1, []string{`unknown field "pets"`}},
		{"unknown programme", dibaoCase, []string{"--programme", "nothing"}, 1, []string{`programme "nothing" not found`}},
		{"bad period", dibaoCase, []string{"--period", "2025-13"}, 2, []string{"--period"}},
		{"no programme", dibaoCase, []string{"--programme", ""}, 2, []string{"--programme and --period are required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"policy", "eval", "--programme", "dibao", "--period", "2025-01", "--dir", basicPolicies}, tt.args...)
			out, errOut, err := runCLIWithStdin(t, tt.stdin, args...)
			if ee, ok := err.(exitError); !ok || ee != tt.status {
				t.Fatalf("err = %v, want exit status %d\n%s%s", err, tt.status, out, errOut)
			}
			if out != "" {
				t.Errorf("stdout = %q, want nothing", out)
			}
			for _, w := range tt.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
		})
	}
}

func TestPolicyWhatIf(t *testing.T) {
	args := []string{"policy", "whatif", "--programme", "dibao", "--period", "2025-01", "--set", "dibao.standard=900@2025-01",
		"--persons", "2000", "--seed", "3", "--dir", basicPolicies}
	out, errOut, err := runCLI(t, args...)
	if err != nil {
		t.Fatalf("policy whatif: %v\n%s", err, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	total := lines[len(lines)-1]
	if f := strings.Fields(total); len(f) != 8 || f[0] != "total" || f[7] != "合计" || !strings.HasPrefix(f[3], "+") || !strings.HasPrefix(f[6], "+") {
		t.Errorf("last line %q: want the total row, with more beneficiaries and more cost", total)
	}
	for _, w := range []string{"dibao.standard = 900 from 2025-01-01", "2000 synthetic household cases", "652301", "昌吉市", "652328", "cost before (yuan)"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	again, _, _ := runCLI(t, args...)
	if again != out {
		t.Errorf("the same seed gave another report:\n%s\n%s", out, again)
	}

	out, _, err = runCLI(t, append(args, "--json")...)
	if err != nil {
		t.Fatal(err)
	}
	var rep policy.WhatIfReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if rep.Cases != 2000 || len(rep.Rows) < 7 || rep.Rows[0].Name != "昌吉市" || rep.Total.DeltaCount <= 0 {
		t.Errorf("--json report: %d cases, %d rows, first %+v, total %+v: want 2000 cases in the named counties, more beneficiaries",
			rep.Cases, len(rep.Rows), rep.Rows[0], rep.Total)
	}
}

func TestPolicyWhatIfInvalid(t *testing.T) {
	base := []string{"policy", "whatif", "--programme", "dibao", "--period", "2025-01", "--dir", basicPolicies}
	tests := []struct {
		name   string
		args   []string
		status exitError
		want   string
	}{
		{"unknown key", []string{"--set", "dibao.nothing=900@2025-01"}, 1, "overrides[0].key: unknown parameter dibao.nothing"},
		{"bad value", []string{"--set", "dibao.standard=lots@2025-01"}, 1, "overrides[0].value"},
		{"no change", nil, 2, "give at least one --set"},
		{"no persons", []string{"--set", "dibao.standard=900@2025-01", "--persons", "0"}, 2, "--persons"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, append(base, tt.args...)...)
			if ee, ok := err.(exitError); !ok || ee != tt.status {
				t.Fatalf("err = %v, want exit status %d\n%s%s", err, tt.status, out, errOut)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errOut)
			}
		})
	}
	// A --set that does not parse is a usage error.
	if _, _, err := runCLI(t, append(base, "--set", "dibao.standard=900")...); err == nil {
		t.Error("--set without a date: no error")
	}
}

func TestPolicyList(t *testing.T) {
	out, _, err := runCLI(t, "policy", "list", "--dir", basicPolicies)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"dibao ", "household", "month", "最低生活保障", "Minimum living guarantee", "high_age_allowance", "person", "4 programmes"} {
		if !strings.Contains(out, w) {
			t.Errorf("policy list lacks %q:\n%s", w, out)
		}
	}
	help, _, _ := runCLI(t, "help")
	if !strings.Contains(help, "  policy ") {
		t.Errorf("help does not list policy:\n%s", help)
	}
	if _, _, err := runCLI(t, "policy", "frobnicate"); err != exitError(2) {
		t.Errorf("unknown subcommand: err = %v, want exit status 2", err)
	}
}

func TestSyntheticPopulation(t *testing.T) {
	pk, err := loadPolicies(defaultEnv(), basicPolicies)
	if err != nil {
		t.Fatal(err)
	}
	pop, err := syntheticPopulation(defaultEnv(), pk, "household", 5000, 42)
	if err != nil {
		t.Fatal(err)
	}
	again, err := syntheticPopulation(defaultEnv(), pk, "household", 5000, 42)
	if err != nil {
		t.Fatal(err)
	}
	other, err := syntheticPopulation(defaultEnv(), pk, "household", 5000, 43)
	if err != nil {
		t.Fatal(err)
	}
	members, _ := pop.Column("members")
	if lo, hi := slices.Min(members), slices.Max(members); lo != 1 || hi != 6 {
		t.Errorf("members from %d to %d, want 1 to 6", lo, hi)
	}
	income, _ := pop.Column("total_income")
	if lo := slices.Min(income); lo < 0 {
		t.Errorf("total_income from %d fen, want no negative income", lo)
	}
	for _, name := range pk.Entities["household"].InputNames() {
		a, _ := pop.Column(name)
		b, _ := again.Column(name)
		c, _ := other.Column(name)
		if !slices.Equal(a, b) {
			t.Errorf("column %s differs for the same seed", name)
		}
		if slices.Equal(a, c) {
			t.Errorf("column %s is the same for another seed", name)
		}
	}
	counties := map[region.Code]bool{}
	for _, ri := range pop.RegionIdx {
		code := pop.Regions[ri]
		if code.Level() != region.Village || !region.Changji.Contains(code) {
			t.Fatalf("a case lives in %s, want a village of Changji", code)
		}
		counties[code.County()] = true
	}
	if len(counties) < 7 {
		t.Errorf("cases live in %d counties, want the seven and the Zhundong zone", len(counties))
	}
	persons, err := syntheticPopulation(defaultEnv(), pk, "person", 100, 1)
	if err != nil {
		t.Fatal(err)
	}
	born, _ := persons.Column("birth_date")
	gender, _ := persons.Column("gender")
	if c := pk.Case(persons, 0); !strings.HasPrefix(string(c.Inputs["birth_date"]), `"19`) && !strings.HasPrefix(string(c.Inputs["birth_date"]), `"20`) {
		t.Errorf("birth date %s, want one from 1920 to 2020 (%d)", c.Inputs["birth_date"], born[0])
	}
	if c := pk.Case(persons, 0); string(c.Inputs["gender"]) != `"M"` && string(c.Inputs["gender"]) != `"F"` {
		t.Errorf("gender %s (%d), want M or F", c.Inputs["gender"], gender[0])
	}
	if _, err := syntheticPopulation(defaultEnv(), pk, "organisation", 10, 1); err == nil {
		t.Error("a population of an entity the package lacks: no error")
	}
	if _, err := syntheticPopulation(defaultEnv(), pk, "person", 0, 1); err == nil {
		t.Error("a population of 0: no error")
	}
}

// TestCaseExamples holds docs/cases.md to the policy package built into the
// binary: each example case is decided by every programme of its entity.
func TestCaseExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cases.md")
	if err != nil {
		t.Fatal(err)
	}
	pk, err := loadPolicies(defaultEnv(), "")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, block := range strings.Split(string(doc), "```json\n")[1:] {
		block, _, _ = strings.Cut(block, "```")
		if strings.Contains(block, `"..."`) {
			continue // the sketch at the top
		}
		var c policy.Case
		if err := json.Unmarshal([]byte(block), &c); err != nil {
			t.Fatalf("an example in docs/cases.md is not JSON: %v\n%s", err, block)
		}
		seen[c.Entity] = true
		for _, p := range pk.Programmes() {
			if p.Entity != c.Entity {
				continue
			}
			if _, err := pk.Evaluate(p.ID, period.NewMonth(2025, time.June), c); err != nil {
				t.Errorf("docs/cases.md: the %s example for %s: %v", c.Entity, p.ID, err)
			}
		}
	}
	for _, e := range policy.EntityNames {
		if !seen[e] {
			t.Errorf("docs/cases.md has no example of a %s", e)
		}
	}
}

// TestProgrammeOneSpelling: the CLI spells programme as the API does; the
// old --program flag is refused, in policy and in screen.
func TestProgrammeOneSpelling(t *testing.T) {
	for _, args := range [][]string{
		{"policy", "eval", "--program", "dibao", "--period", "2025-01", "--dir", basicPolicies},
		{"screen", "--db", filepath.Join(t.TempDir(), "sn.db"), "--program", "all", "--period", "2025-01"},
	} {
		_, errOut, err := runCLIWithStdin(t, dibaoCase, args...)
		if err == nil || !strings.Contains(errOut, "flag provided but not defined: -program") || !strings.Contains(errOut, "-programme") {
			t.Errorf("%v: err %v, stderr:\n%s\nwant the old flag refused and --programme in the usage", args, err, errOut)
		}
	}
}
