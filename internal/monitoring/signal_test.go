package monitoring

import (
	"testing"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

func TestSignalValidate(t *testing.T) {
	today := period.MustDate(2025, time.June, 30)
	good := func() Signal {
		return Signal{Source: MedicalInsurance, Kind: HospitalBill, PersonID: 1, OccurredOn: today, Amount: money.Yuan(8000), Line: 7}
	}
	for _, tc := range []struct {
		name  string
		edit  func(*Signal)
		field string // "" for valid
	}{
		{"a hospital bill", func(*Signal) {}, ""},
		{"by ID number", func(s *Signal) { s.PersonID, s.IDNumber = 0, "652301197504020011" }, ""},
		{"a new disability with its grade", func(s *Signal) { s.Kind, s.Amount, s.Grade = NewDisability, 0, 4 }, ""},
		{"unknown source", func(s *Signal) { s.Source = "gossip" }, "row 7: source"},
		{"unknown kind", func(s *Signal) { s.Kind = "divorce" }, "row 7: kind"},
		{"nobody", func(s *Signal) { s.PersonID = 0 }, "row 7: person_id"},
		{"no date", func(s *Signal) { s.OccurredOn = 0 }, "row 7: occurred_on"},
		{"tomorrow", func(s *Signal) { s.OccurredOn = today.AddDays(1) }, "row 7: occurred_on"},
		{"a bill without an amount", func(s *Signal) { s.Amount = 0 }, "row 7: amount"},
		{"a negative loss", func(s *Signal) { s.Kind, s.Amount = Disaster, -1 }, "row 7: amount"},
		{"an amount on a death", func(s *Signal) { s.Kind = EarnerDeath }, "row 7: amount"},
		{"a disability without a grade", func(s *Signal) { s.Kind, s.Amount = NewDisability, 0 }, "row 7: grade"},
		{"a disability of grade 5", func(s *Signal) { s.Kind, s.Amount, s.Grade = NewDisability, 0, 5 }, "row 7: grade"},
		{"a grade on a bill", func(s *Signal) { s.Grade = 2 }, "row 7: grade"},
		{"a long detail", func(s *Signal) { s.Detail = string(make([]rune, 501)) }, "row 7: detail"},
	} {
		s := good()
		tc.edit(&s)
		var pr fault.Problems
		s.validate(&pr, rowPrefix(&s, 0), today)
		switch {
		case tc.field == "" && len(pr) > 0:
			t.Errorf("%s: problems %v, want none", tc.name, pr)
		case tc.field != "" && (pr[tc.field] == "" || len(pr) != 1):
			t.Errorf("%s: problems %v, want one for %s", tc.name, pr, tc.field)
		}
	}
	s := good()
	s.Line = 0
	if p := rowPrefix(&s, 3); p != "signals[3]." {
		t.Errorf("prefix of a batch item = %q", p)
	}
	if rowNumber("row 12: kind") != 12 || rowNumber("signals[3].kind") != 3 || rowNumber("signals") != 0 {
		t.Error("rowNumber")
	}
}
