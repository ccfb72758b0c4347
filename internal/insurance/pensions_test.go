package insurance

import (
	"errors"
	"math"
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

func TestAwardRequestRules(t *testing.T) {
	tests := []struct {
		name  string
		r     AwardRequest
		field string
	}{
		{"employee", AwardRequest{PersonID: 1, Scheme: EmployeePension, Group: GroupMale}, ""},
		{"resident", AwardRequest{PersonID: 1, Scheme: ResidentPension}, ""},
		{"no person", AwardRequest{Scheme: ResidentPension}, "person_id"},
		{"unemployment is not a pension", AwardRequest{PersonID: 1, Scheme: Unemployment}, "scheme"},
		{"unknown group", AwardRequest{PersonID: 1, Scheme: EmployeePension, Group: "female"}, "retirement_group"},
		{"group on a resident pension", AwardRequest{PersonID: 1, Scheme: ResidentPension, Group: GroupMale}, "retirement_group"},
		{"deemed months on a resident pension", AwardRequest{PersonID: 1, Scheme: ResidentPension, DeemedMonths: 12}, "deemed_months"},
		{"negative deemed months", AwardRequest{PersonID: 1, Scheme: EmployeePension, Group: GroupMale, DeemedMonths: -1}, "deemed_months"},
		{"index above 3", AwardRequest{PersonID: 1, Scheme: EmployeePension, Group: GroupMale, DeemedMonths: 12, DeemedWageIndex: 3_000_001}, "deemed_wage_index"},
		{"index without months", AwardRequest{PersonID: 1, Scheme: EmployeePension, Group: GroupMale, DeemedWageIndex: 1_000_000}, "deemed_wage_index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pr := tt.r.validate()
			if tt.field == "" && len(pr) != 0 || tt.field != "" && pr[tt.field] == "" {
				t.Errorf("validate = %v, want a problem with %q", pr, tt.field)
			}
		})
	}
}

func TestPensionAmountInForce(t *testing.T) {
	it := PayrollItem{Award: Award{Amount: 300000}, Adjustments: []YearAmount{{2024, 9000}, {2025, 7000}}}
	for _, tt := range []struct {
		m    period.Month
		want money.Fen
	}{
		{period.NewMonth(2023, time.December), 300000},
		{period.NewMonth(2024, time.January), 309000},
		{period.NewMonth(2024, time.December), 309000},
		{period.NewMonth(2025, time.January), 316000},
	} {
		if got, err := it.amountAt(tt.m); err != nil || got != tt.want {
			t.Errorf("amountAt(%s) = %s, %v, want %s", tt.m, got, err, tt.want)
		}
	}
	// An adjustment that takes the amount past int64 is an error, not a
	// wrapped (negative) amount.
	big := PayrollItem{Award: Award{Amount: math.MaxInt64 - 5}, Adjustments: []YearAmount{{2024, 9000}}}
	if got, err := big.amountAt(period.NewMonth(2024, time.March)); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("amountAt past int64 = %s, %v, want an ErrOverflow", got, err)
	}
}

func TestWageIndex(t *testing.T) {
	s := &Pensions{policy: loadPolicies(t)}
	// 2024: average wage 8,332; a mean base of 12,498 is 1.5. 2023: 8,000
	// at 8,000 is 1.0. Z is the mean, 1.25; one year of 4,000 at 8,000 is
	// 0.5 and 2/3 of the 2024 average rounds half up in millionths.
	for _, tt := range []struct {
		years []YearBase
		want  int64
	}{
		{[]YearBase{{2023, 2, 1600000}, {2024, 1, 1249800}}, 1_250_000},
		{[]YearBase{{2023, 12, 12 * 400000}}, 500_000},
		{[]YearBase{{2024, 3, 3 * 555467}}, 666_667},
		{nil, 0},
	} {
		got, err := s.wageIndex(tt.years, "652301")
		if err != nil || got != tt.want {
			t.Errorf("wageIndex(%v) = %d, %v, want %d", tt.years, got, err, tt.want)
		}
	}
	if _, err := s.wageIndex([]YearBase{{2015, 12, 100}}, "652301"); err == nil {
		t.Error("a year with no average wage: no error")
	}
	if decText(1_250_000) != "1.250000" || decText(-500) != "-0.000500" {
		t.Errorf("decText = %s, %s", decText(1_250_000), decText(-500))
	}
}
