package assistance

import (
	"errors"
	"math"
	"testing"

	"safetynet/internal/fault"
	"safetynet/internal/money"
)

// TestComputeOverflow: incomes that add up past int64 are an Invalid error
// on lines, never a wrapped (negative) household income.
func TestComputeOverflow(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lines []Line
	}{
		{"household incomes", []Line{{Kind: IncomeWage, Amount: math.MaxInt64}, {Kind: IncomeTransfer, Amount: 1}}},
		{"a member's incomes", []Line{{PersonID: 1, Kind: IncomeWage, Amount: math.MaxInt64 / 2}, {PersonID: 1, Kind: IncomeBusiness, Amount: math.MaxInt64/2 + 2}}},
		{"expenses", []Line{{Kind: ExpenseMedical, Amount: math.MaxInt64}, {Kind: ExpenseLiving, Amount: math.MaxInt64}}},
		{"assets", []Line{{Kind: AssetDeposit, Amount: math.MaxInt64}, {Kind: AssetSecurities, Amount: 5}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mt := &MeansTest{Members: []Member{{PersonID: 1}}, Lines: tc.lines}
			err := mt.Compute()
			if fault.CodeOf(err) != fault.Invalid || !errors.Is(err, money.ErrOverflow) {
				t.Fatalf("Compute() = %v (totals %+v), want an Invalid overflow", err, mt.Totals)
			}
			if _, ok := fault.FieldsOf(err)["lines"]; !ok {
				t.Errorf("error %v does not name lines", err)
			}
		})
	}
	mt := &MeansTest{Members: []Member{{PersonID: 1}}, Lines: []Line{{PersonID: 1, Kind: IncomeWage, Amount: 1_200_000}, {Kind: IncomeTransfer, Amount: 1}}}
	if err := mt.Compute(); err != nil || mt.Income12m != 1_200_001 || mt.Members[0].OwnIncome != 100_000 {
		t.Errorf("Compute() = %v, income %d, own %d; want 1200001 and 100000", err, mt.Income12m, mt.Members[0].OwnIncome)
	}
}
