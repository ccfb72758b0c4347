package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestEvaluateExplanation: a decision of the API carries an explanation for
// people, in Chinese unless the request asks for English, besides its
// fields for programs, which stay as they were.
func TestEvaluateExplanation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	body, err := json.Marshal(map[string]any{"programme": "dibao", "period": "2025-01",
		"case": map[string]any{"entity": "household", "region": "652301001001", "inputs": household(nil)}})
	if err != nil {
		t.Fatal(err)
	}
	type line struct {
		Name, Label, Text, Formula, Values, Value, From, Status string
		Holds                                                   *bool
	}
	type reply struct {
		Amount      int64 `json:"amount"`
		Conditions  []struct{ Name string }
		Explanation *struct {
			Lang, Programme, Period, Summary  string
			Conditions, Variables, Parameters []line
			Amount                            line
		}
	}
	ask := func(lang string) reply {
		req, err := http.NewRequest("POST", b.url+"/api/v1/evaluate", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+b.token(t, "cw1"))
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		var out reply
		res := send(t, req).want(t, http.StatusOK)
		res.decode(t, &out)
		return out
	}

	zh := ask("")
	if zh.Amount != 84000 || len(zh.Conditions) != 3 || zh.Conditions[1].Name != "income_below_standard" {
		t.Errorf("the decision's own fields changed: %+v", zh)
	}
	ex := zh.Explanation
	if ex == nil {
		t.Fatal("no explanation")
	}
	if ex.Lang != "zh" || ex.Programme != "最低生活保障" || ex.Period != "2025年1月" || ex.Summary != "符合条件，最低生活保障 840.00 元" {
		t.Errorf("zh header: %+v", ex)
	}
	if c := ex.Conditions[1]; c.Text != "家庭月人均收入低于低保标准：成立（家庭月人均收入 500.00 元 < 低保标准 780.00 元）" || c.Holds == nil || !*c.Holds {
		t.Errorf("zh condition: %+v", c)
	}
	if a := ex.Amount; a.Text != "最低生活保障 = (低保标准 − 家庭月人均收入) × 家庭人口数 = (780.00 元 − 500.00 元) × 3 人 = 840.00 元" {
		t.Errorf("zh amount: %s", a.Text)
	}
	if p := ex.Parameters[0]; p.Label != "低保标准" || p.Value != "780.00 元" || p.From != "2025年1月1日" || p.Status != "待确认" {
		t.Errorf("zh parameter: %+v", p)
	}

	en := ask("en-GB,en;q=0.9").Explanation
	if en == nil || en.Lang != "en" || en.Period != "January 2025" || !strings.HasPrefix(en.Summary, "eligible") {
		t.Fatalf("en explanation: %+v", en)
	}
	if c := en.Conditions[1]; c.Text != "income per member below the standard: holds (monthly income per member 500.00 yuan < dibao standard 780.00 yuan)" {
		t.Errorf("en condition: %s", c.Text)
	}
}
