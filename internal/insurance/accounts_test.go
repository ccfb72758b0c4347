package insurance

import (
	"errors"
	"math"
	"testing"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

func TestYearInterest(t *testing.T) {
	tests := []struct {
		name   string
		b      InterestBasis
		rate   money.Rate
		method int64
		want   money.Fen
	}{
		{"opening only", InterestBasis{Opening: 1_000_000}, 26_200, 1, 26_200},
		// 80 yuan in March: 9 months after it (method 1), 10 with it (2).
		{"after the month", InterestBasis{InYear: 8000, ByMonth: 8000 * 3}, 39_700, 1, 238}, // 8000 × 9 × 3.97% / 12 = 238.2
		{"with the month", InterestBasis{InYear: 8000, ByMonth: 8000 * 3}, 39_700, 2, 265},  // 8000 × 10 × 3.97% / 12 = 264.67
		{"no intra-year interest", InterestBasis{Opening: 100, InYear: 8000, ByMonth: 8000 * 3}, 30_000, 0, 3},
		{"December earns nothing after it", InterestBasis{InYear: 100_000, ByMonth: 100_000 * 12}, 30_000, 1, 0},
		{"half rounds up", InterestBasis{Opening: 50}, 10_000, 1, 1}, // 0.5 fen
		{"just under half rounds down", InterestBasis{Opening: 49}, 10_000, 1, 0},
		// A transfer out in October: the money held until then still earns.
		{"debit during the year", InterestBasis{Opening: 120_000, InYear: -120_000, ByMonth: -120_000 * 10}, 30_000, 1, 3000}, // 10 months of 3% on 1,200
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := YearInterest(&tt.b, tt.rate, tt.method)
			if err != nil || got != tt.want {
				t.Errorf("YearInterest = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
	if _, err := YearInterest(&InterestBasis{}, 30_000, 3); err == nil {
		t.Error("an unknown method: no error")
	}
	// A balance whose fen × months pass int64 is an error, never a
	// wrapped (negative) interest.
	for _, b := range []InterestBasis{{Opening: math.MaxInt64 / 11}, {InYear: math.MaxInt64 / 12}, {Opening: math.MaxInt64 / 24, InYear: math.MaxInt64 / 24, ByMonth: -1}} {
		if got, err := YearInterest(&b, 30_000, 2); !errors.Is(err, money.ErrOverflow) {
			t.Errorf("YearInterest(%+v) = %s, %v; want an ErrOverflow", b, got, err)
		}
	}
}

func TestBuildStatement(t *testing.T) {
	m := func(y int, mo time.Month) period.Month { return period.NewMonth(y, mo) }
	es := []AccountEntry{
		{Scheme: ResidentPension, Period: m(2022, 1), Kind: EntryBackPayment, Amount: 50000},
		{Scheme: ResidentPension, Period: m(2024, 1), Kind: EntryHardship, Amount: 10000, Government: true},
		{Scheme: ResidentPension, Period: m(2024, 3), Kind: EntryContribution, Amount: 20000},
		{Scheme: ResidentPension, Period: m(2024, 3), Kind: EntrySubsidy, Amount: 4000, Government: true},
		{Scheme: ResidentPension, Period: m(2024, 12), Kind: EntryInterest, Amount: 1234},
		{Scheme: ResidentPension, Period: m(2025, 6), Kind: EntryRefund, Amount: -20000},
	}
	st, err := BuildStatement(es)
	if err != nil {
		t.Fatal(err)
	}
	if st.Balance != 65234 || st.Government != 14000 || st.ContributionYears != 2 || len(st.Years) != 3 {
		t.Fatalf("statement = %+v", st)
	}
	y := st.Years[1]
	if y.Year != 2024 || y.Opening != 50000 || y.Hardship != 10000 || y.Contributions != 20000 || y.Subsidies != 4000 ||
		y.Interest != 1234 || y.Closing != 85234 || y.Months != 1 {
		t.Errorf("2024 = %+v", y)
	}
	if last := st.Years[2]; last.Opening != 85234 || last.Refunds != -20000 || last.Closing != st.Balance {
		t.Errorf("2025 = %+v", last)
	}
	empty, err := BuildStatement(nil)
	if err != nil || empty.Balance != 0 || empty.Entries == nil || empty.Years == nil {
		t.Errorf("empty statement = %+v, %v", empty, err)
	}
	// A transfer-in of int64-max fen on top of a contribution used to wrap
	// the balance negative; now it is an overflow error.
	huge := []AccountEntry{
		{Scheme: EmployeePension, Period: m(2025, 1), Kind: EntryContribution, Amount: 80000},
		{Scheme: EmployeePension, Period: m(2025, 2), Kind: EntryTransferIn, Amount: math.MaxInt64},
	}
	if st, err := BuildStatement(huge); !errors.Is(err, money.ErrOverflow) {
		t.Errorf("statement of a contribution and an int64-max transfer = %+v, %v; want an overflow error", st, err)
	}
}
