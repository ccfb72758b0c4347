package policy

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"safetynet/internal/period"
)

func pensionCase() Case {
	in := map[string]json.RawMessage{}
	for k, v := range map[string]any{"birth_date": "1960-05-10", "retirement_group": "male", "alive": true, "wage_index": "1.0", "years": 30} {
		in[k], _ = json.Marshal(v)
	}
	return Case{Entity: "person", Region: "652301001001", Inputs: in}
}

// TestExplainFormulaInWords renders the basic pension from its compiled
// expression, in labels and with the values, in both languages.
func TestExplainFormulaInWords(t *testing.T) {
	pk, err := Load(os.DirFS("testdata/basic"), PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pk.Evaluate("pension_basic", period.NewMonth(2024, 6), pensionCase())
	if err != nil {
		t.Fatal(err)
	}
	zh, err := pk.Explain(d, ExplainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "基础养老金 = 计发基数 × (1 + 平均缴费指数) ÷ 2 × 缴费年限 × 1% = 8,000.00 元 × (1 + 1) ÷ 2 × 30 年 × 1% = 2,400.00 元"; zh.Amount.Text != want {
		t.Errorf("zh amount:\n got %s\nwant %s", zh.Amount.Text, want)
	}
	if zh.Period != "2024年6月" || zh.Summary != "符合条件，基础养老金 2,400.00 元" {
		t.Errorf("zh period %q, summary %q", zh.Period, zh.Summary)
	}
	en, err := pk.Explain(d, ExplainOptions{Lang: EN})
	if err != nil {
		t.Fatal(err)
	}
	if want := "Basic pension = pension base × (1 + average wage index) ÷ 2 × contribution years × 1% = 8,000.00 yuan × (1 + 1) ÷ 2 × 30 years × 1% = 2,400.00 yuan"; en.Amount.Text != want {
		t.Errorf("en amount:\n got %s\nwant %s", en.Amount.Text, want)
	}
	if en.Period != "June 2024" {
		t.Errorf("en period %q", en.Period)
	}
	var birth, base Line
	for _, l := range zh.Inputs {
		if l.Name == "birth_date" {
			birth = l
		}
	}
	for _, l := range zh.Parameters {
		if l.Name == "pension.base" {
			base = l
		}
	}
	if birth.Value != "1960年5月10日" {
		t.Errorf("birth date %q", birth.Value)
	}
	if base.Text != "计发基数：8,000.00 元，自2020年1月1日起执行（待确认）" || base.Status != "待确认" {
		t.Errorf("parameter line %q, status %q", base.Text, base.Status)
	}
	var cond Line
	for _, c := range zh.Conditions {
		if c.Name == "reached_retirement_age" {
			cond = c
		}
	}
	if cond.Holds == nil || !*cond.Holds || !strings.HasPrefix(cond.Text, "达到退休年龄：成立（年龄（月） 768 个月 ≥ 法定退休年龄（月）（出生日期 1960年5月10日，退休年龄类别 男职工）") {
		t.Errorf("condition %q", cond.Text)
	}

	// A reader without pii.view sees the year of a birth date only.
	masked, err := pk.Explain(d, ExplainOptions{YearOnlyDates: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range append(masked.Inputs, masked.Conditions...) {
		if strings.Contains(l.Text, "5月10日") {
			t.Errorf("a masked explanation shows the birth date: %s", l.Text)
		}
	}
}

// TestExplainConditionSentence: a refused dibao reads with its values and
// names what failed.
func TestExplainConditionSentence(t *testing.T) {
	pk, err := Load(os.DirFS("testdata/basic"), PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pk.Evaluate("dibao", period.NewMonth(2024, 6), household(2, 144000, 0, true))
	if err != nil {
		t.Fatal(err)
	}
	ex, err := pk.Explain(d, ExplainOptions{Lang: ZH})
	if err != nil {
		t.Fatal(err)
	}
	var c Line
	for _, l := range ex.Conditions {
		if l.Name == "income_below_standard" {
			c = l
		}
	}
	if want := "家庭月人均收入低于低保标准：不成立（家庭月人均收入 720.00 元 < 低保标准 720.00 元）"; c.Text != want {
		t.Errorf("condition:\n got %s\nwant %s", c.Text, want)
	}
	if ex.Summary != "不符合条件：家庭月人均收入低于低保标准" {
		t.Errorf("summary %q", ex.Summary)
	}
	if ex.Amount.Value != "不符合条件，不计发" {
		t.Errorf("amount of a refusal: %q", ex.Amount.Value)
	}
}

// TestExplainStoredDecisionOfOlderRules: a decision the rules loaded now
// would decide differently is explained from its stored values, marked
// partial, still in words.
func TestExplainStoredDecisionOfOlderRules(t *testing.T) {
	pk, err := Load(os.DirFS("testdata/basic"), PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pk.Evaluate("dibao", period.NewMonth(2024, 6), household(3, 150000, 0, true))
	if err != nil {
		t.Fatal(err)
	}
	d.Parameters[0].Value = "700.00 yuan" // as the standard stood then
	ex, err := pk.Explain(d, ExplainOptions{Lang: ZH})
	if err != nil {
		t.Fatal(err)
	}
	if !ex.Partial {
		t.Fatal("explained as if the rules had not changed")
	}
	if ex.Parameters[0].Label != "低保标准" || ex.Parameters[0].Value != "700.00 元" {
		t.Errorf("stored parameter: %+v", ex.Parameters[0])
	}
	if ex.Variables[0].Text != "家庭月人均收入 = 家庭月收入 ÷ 家庭人口数 = 500.00 元" {
		t.Errorf("stored variable: %s", ex.Variables[0].Text)
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"": ZH, "zh-CN,zh;q=0.9": ZH, "en": EN, "en-US,en;q=0.8": EN, "fr, en": ZH, "EN-gb": EN} {
		if got := ParseLang(in); got != want {
			t.Errorf("ParseLang(%q) = %s, want %s", in, got, want)
		}
	}
}
