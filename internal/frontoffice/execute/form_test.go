package execute

import (
	"encoding/json"
	"errors"
	"testing"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

type testForm struct {
	Name   string       `json:"name"`
	Born   period.Date  `json:"born"`
	From   period.Month `json:"from"`
	Amount money.Fen    `json:"amount"`
	Count  int          `json:"count"`
	Flag   bool         `json:"flag"`
}

func TestDecodeForm(t *testing.T) {
	var f testForm
	err := decodeForm(json.RawMessage(`{"name":"张三","born":"1970-03-05","from":"2026-01","amount":12345,"count":2,"flag":true}`), &f)
	if err != nil {
		t.Fatalf("decodeForm: %v", err)
	}
	want := testForm{Name: "张三", Born: period.MustDate(1970, 3, 5), From: period.NewMonth(2026, 1), Amount: 12345, Count: 2, Flag: true}
	if f != want {
		t.Errorf("decoded %+v, want %+v", f, want)
	}
	for _, raw := range []string{"", "null", "{}"} {
		var z testForm
		if err := decodeForm(json.RawMessage(raw), &z); err != nil || z != (testForm{}) {
			t.Errorf("decodeForm(%q) = %+v, %v; want the zero form", raw, z, err)
		}
	}
}

func TestDecodeFormNamesEveryProblem(t *testing.T) {
	var f testForm
	err := decodeForm(json.RawMessage(`{"name":3,"born":"1970-02-30","from":"2026-13","amount":"12.5","count":"x","flag":1,"colour":"red"}`), &f)
	if fault.CodeOf(err) != fault.Invalid {
		t.Fatalf("decodeForm: %v, want Invalid", err)
	}
	got := fault.FieldsOf(err)
	for _, k := range []string{"form.name", "form.born", "form.from", "form.amount", "form.count", "form.flag", "form.colour"} {
		if got[k] == "" {
			t.Errorf("no problem for %s in %v", k, got)
		}
	}
	if len(got) != 7 {
		t.Errorf("problems %v, want 7", got)
	}
	if err := decodeForm(json.RawMessage(`[1]`), &f); fault.FieldsOf(err)["form"] == "" {
		t.Errorf("decodeForm of a list: %v, want a problem of form", err)
	}
}

func TestAddProblemsRenamesKeys(t *testing.T) {
	svc := fault.Problems{"national_id": "bad checksum", "person_id": "unknown", "name": "required"}.Err("invalid person")
	var p fault.Problems
	if err := addProblems(&p, svc, map[string]string{"name": "form.full_name"}); err != nil {
		t.Fatalf("addProblems: %v", err)
	}
	want := fault.Problems{"form.national_id": "bad checksum", "person_id": "unknown", "form.full_name": "required"}
	if len(p) != len(want) {
		t.Fatalf("problems %v, want %v", p, want)
	}
	for k, v := range want {
		if p[k] != v {
			t.Errorf("problem %s = %q, want %q", k, p[k], v)
		}
	}
	other := errors.New("disk on fire")
	if err := addProblems(&p, other, nil); err != other {
		t.Errorf("addProblems of a non-Invalid error = %v, want it returned", err)
	}
	fe := asFormError(svc, nil)
	if fault.CodeOf(fe) != fault.Invalid || fault.FieldsOf(fe)["form.name"] != "required" {
		t.Errorf("asFormError = %v", fe)
	}
}
