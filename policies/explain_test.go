package policies_test

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/policies"
)

// snake matches a rule identifier left in text for people.
var snake = regexp.MustCompile(`[a-z]+_[a-z]+`)

// explanationText is every string of an explanation, one per line.
func explanationText(ex *policy.Explanation) string {
	var b strings.Builder
	fmt.Fprintln(&b, ex.Programme, ex.Period, ex.Summary)
	lines := append(append(append(append(append([]policy.Line{}, ex.Requirements...), ex.Conditions...), ex.Variables...), ex.Amount), ex.Inputs...)
	for _, l := range append(lines, ex.Parameters...) {
		fmt.Fprintln(&b, l.Label, "|", l.Text, "|", l.Formula, "|", l.Values, "|", l.Value, "|", l.From, "|", l.Status)
	}
	return b.String()
}

// TestEveryDecisionExplainsInWords explains the decision of every policy
// test case of every programme, in Chinese and in English: no rule
// identifier (snake_case) is left, and no amount of money shows as its raw
// number of fen.
func TestEveryDecisionExplainsInWords(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range pk.Programmes() {
		for _, tc := range pk.Tests[p.ID] {
			if tc.Error != "" {
				continue
			}
			d, err := pk.Evaluate(p.ID, tc.Period, tc.Case)
			if err != nil {
				t.Fatalf("%s: %s: %v", p.ID, tc.Name, err)
			}
			var fen []string // raw money inputs, as integers
			for name, raw := range tc.Case.Inputs {
				if in := pk.Entities[p.Entity].Inputs[name]; in.Kind == "money" {
					if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil && v >= 1000 {
						fen = append(fen, string(raw))
					}
				}
			}
			if d.Amount >= 1000 {
				fen = append(fen, strconv.FormatInt(int64(d.Amount), 10))
			}
			for _, lang := range []policy.Lang{policy.ZH, policy.EN} {
				ex, err := pk.Explain(d, policy.ExplainOptions{Lang: lang})
				if err != nil {
					t.Fatalf("%s: %s: explain: %v", p.ID, tc.Name, err)
				}
				if ex.Partial {
					t.Errorf("%s: %s: %s explanation is partial", p.ID, tc.Name, lang)
				}
				text := explanationText(ex)
				if m := snake.FindString(text); m != "" {
					t.Errorf("%s: %s: %s explanation shows %q:\n%s", p.ID, tc.Name, lang, m, text)
				}
				for _, f := range fen {
					if regexp.MustCompile(`(^|[^\d.,])` + f + `($|[^\d.,])`).MatchString(text) {
						t.Errorf("%s: %s: %s explanation shows %s fen as a raw number:\n%s", p.ID, tc.Name, lang, f, text)
					}
				}
				n++
			}
		}
	}
	if n < 300 {
		t.Errorf("explained %d decisions, want every policy test case twice", n)
	}
}

// TestPensionExplanation is the sentence: the basic pension as
// the formula is written, with the yuan amounts.
func TestPensionExplanation(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	var tc *policy.TestCase
	for _, c := range pk.Tests["employee_pension"] {
		if strings.HasPrefix(c.Name, "docs/domain.md 2.3 worked example") {
			tc = c
		}
	}
	if tc == nil {
		t.Fatal("no worked example among the employee pension's tests")
	}
	d, err := pk.Evaluate("employee_pension", tc.Period, tc.Case)
	if err != nil {
		t.Fatal(err)
	}
	ex, err := pk.Explain(d, policy.ExplainOptions{Lang: policy.ZH})
	if err != nil {
		t.Fatal(err)
	}
	var basic policy.Line
	for _, v := range ex.Variables {
		if v.Name == "basic_pension" {
			basic = v
		}
	}
	want := "基础养老金 = 计发基数 × (1 + 平均缴费指数) ÷ 2 × 缴费年限 × 1% = 8,000.00 元 × (1 + 1) ÷ 2 × 30 年 × 1% = 2,400.00 元"
	if basic.Text != want {
		t.Errorf("basic pension:\n got %s\nwant %s", basic.Text, want)
	}
	t.Log(explanationText(ex))
	en, err := pk.Explain(d, policy.ExplainOptions{Lang: policy.EN})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(explanationText(en))
}

// TestExplainNegationAndChains: "not" with values shows the negation's
// value, a chain of 且 needs no brackets, and 或 inside 且 is bracketed.
func TestExplainNegationAndChains(t *testing.T) {
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]json.RawMessage{}
	for k, v := range map[string]any{"kind": "hospital_bill", "amount": 1600000, "disability_grade": 0, "household_layer": "none",
		"household_income_known": true, "household_income_12m": 3000000, "members": 3} {
		in[k], _ = json.Marshal(v)
	}
	d, err := pk.Evaluate("low_income_risk", tcPeriod(t, "2025-03"), policy.Case{Entity: "signal", Region: "652301001001", Inputs: in})
	if err != nil {
		t.Fatal(err)
	}
	ex, err := pk.Explain(d, policy.ExplainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, v := range ex.Variables {
		lines[v.Name] = v.Text
	}
	for name, want := range map[string]string{
		"trigger_hospital_bill_orange": "= 是 且 是 且 16,000.00 元 ≥ 50% × 30,000.00 元 = 是",
		"trigger_hospital_bill_yellow": "= 是 且 （否 或 16,000.00 元 ≥ 30% × 30,000.00 元） = 是",
		"hospital_bill_level":          "否则为 0）） = 2 级",
	} {
		if !strings.HasSuffix(lines[name], want) {
			t.Errorf("%s:\n got %s\nwant … %s", name, lines[name], want)
		}
	}
	if ex.Summary != "符合条件，风险等级 2 级" {
		t.Errorf("summary %q", ex.Summary)
	}
}

func tcPeriod(t *testing.T, s string) period.Month {
	t.Helper()
	m, err := period.ParseMonth(s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
