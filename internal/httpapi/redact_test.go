package httpapi

import (
	"encoding/json"
	"testing"
)

func TestRedacted(t *testing.T) {
	ex := householdExplanationResponse{
		Reasons: []string{"tekun (特困): not eligible: old fails (age >= 60) with age = 46, birth_date = 1980-05-17; — read dibao.standard.rural = 515.00 yuan from 2025-07-01"},
		Test:    meansTestResponse{Members: []memberResponse{{PersonID: 1, BirthDate: "1980-05-17", BirthYear: 1980}}},
		Dibao: decisionResponse{Inputs: []valueResponse{{Name: "birth_date", Type: "date", Value: "1980-05-17"}, {Name: "own_income", Type: "int", Value: "0"}},
			Variables: []valueResponse{{Name: "statutory_retirement_date", Type: "date", Value: "2040-05-17"}}},
	}
	got := redacted(ex)
	raw, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{got.Reasons[0], "tekun (特困): not eligible: old fails (age >= 60) with age = 46, birth_date = 1980; — read dibao.standard.rural = 515.00 yuan from 2025-07-01"},
		{got.Test.Members[0].BirthDate, ""},
		{got.Dibao.Inputs[0].Value + " " + got.Dibao.Inputs[0].Type, "1980 year"},
		{got.Dibao.Inputs[1].Value + " " + got.Dibao.Inputs[1].Type, "0 int"},
		{got.Dibao.Variables[0].Value, "2040"},
	} {
		if c.got != c.want {
			t.Errorf("redacted %q, want %q (in %s)", c.got, c.want, raw)
		}
	}
	if got.Test.Members[0].BirthYear != 1980 {
		t.Errorf("birth year %d, want 1980", got.Test.Members[0].BirthYear)
	}
}
