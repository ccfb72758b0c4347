package money

import (
	"errors"
	"math"
	"math/big"
	"testing"
)

func TestAddSubMul(t *testing.T) {
	const max, min = Fen(math.MaxInt64), Fen(math.MinInt64)
	tests := []struct {
		name string
		op   func() (Fen, error)
		want Fen
		ok   bool
	}{
		{"add", func() (Fen, error) { return Add(1, 2) }, 3, true},
		{"add to max", func() (Fen, error) { return Add(max-1, 1) }, max, true},
		{"add past max", func() (Fen, error) { return Add(max, 1) }, 0, false},
		{"add max to max", func() (Fen, error) { return Add(max, max) }, 0, false},
		{"add past min", func() (Fen, error) { return Add(min, -1) }, 0, false},
		{"add opposite signs", func() (Fen, error) { return Add(max, min) }, -1, true},
		{"sub", func() (Fen, error) { return Sub(5, 7) }, -2, true},
		{"sub past min", func() (Fen, error) { return Sub(min, 1) }, 0, false},
		{"sub past max", func() (Fen, error) { return Sub(0, min) }, 0, false},
		{"sub to min", func() (Fen, error) { return Sub(-1, max) }, min, true},
		{"mul", func() (Fen, error) { return Mul(12_000, 12) }, 144_000, true},
		{"mul zero", func() (Fen, error) { return Mul(max, 0) }, 0, true},
		{"mul past max", func() (Fen, error) { return Mul(max/2+1, 2) }, 0, false},
		{"mul min by -1", func() (Fen, error) { return Mul(min, -1) }, 0, false},
		{"mul -1 by min", func() (Fen, error) { return Mul(-1, math.MinInt64) }, 0, false},
		{"mul to min", func() (Fen, error) { return Mul(min/2, 2) }, min, true},
		{"sum", func() (Fen, error) { return Sum(1, 2, 3) }, 6, true},
		{"sum of none", func() (Fen, error) { return Sum() }, 0, true},
		{"sum wrapping to positive", func() (Fen, error) { return Sum(max, max, 2) }, 0, false},
		{"sum of int64-max line and a wage", func() (Fen, error) { return Sum(1_200_000, max) }, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op()
			switch {
			case tt.ok && err != nil:
				t.Fatalf("got error %v, want %d", err, tt.want)
			case !tt.ok && !errors.Is(err, ErrOverflow):
				t.Fatalf("got %d, %v, want an ErrOverflow", got, err)
			case tt.ok && got != tt.want:
				t.Fatalf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTotalStaysOverflowed(t *testing.T) {
	var tot Total
	tot.Add(math.MaxInt64)
	tot.Add(1)
	tot.Add(-2) // would bring a wrapped sum back into range
	if !tot.Overflowed() {
		t.Fatal("MaxInt64 + 1 - 2: not overflowed")
	}
	if got, err := tot.Result(); !errors.Is(err, ErrOverflow) {
		t.Fatalf("Result() = %d, %v, want an ErrOverflow", got, err)
	}
	var ok Total
	ok.Add(100)
	ok.Sub(30)
	if got, err := ok.Result(); err != nil || got != 70 {
		t.Fatalf("100 - 30 = %d, %v, want 70", got, err)
	}
}

// fits reports whether x fits in an int64.
func fits(x *big.Int) bool { return x.IsInt64() }

func FuzzChecked(f *testing.F) {
	f.Add(int64(1), int64(2))
	f.Add(int64(math.MaxInt64), int64(1))
	f.Add(int64(math.MinInt64), int64(-1))
	f.Add(int64(math.MinInt64), int64(math.MinInt64))
	f.Add(int64(-1), int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, a, b int64) {
		check := func(op string, got Fen, err error, want *big.Int) {
			t.Helper()
			switch {
			case fits(want) && err != nil:
				t.Fatalf("%d %s %d: error %v, want %s", a, op, b, err, want)
			case fits(want) && int64(got) != want.Int64():
				t.Fatalf("%d %s %d = %d, want %s", a, op, b, got, want)
			case !fits(want) && !errors.Is(err, ErrOverflow):
				t.Fatalf("%d %s %d = %d, %v, want ErrOverflow (exact %s)", a, op, b, got, err, want)
			}
		}
		x, y := big.NewInt(a), big.NewInt(b)
		s, err := Add(Fen(a), Fen(b))
		check("+", s, err, new(big.Int).Add(x, y))
		d, err := Sub(Fen(a), Fen(b))
		check("-", d, err, new(big.Int).Sub(x, y))
		p, err := Mul(Fen(a), b)
		check("×", p, err, new(big.Int).Mul(x, y))
		s, err = Sum(Fen(a), Fen(b), Fen(a))
		check("+ b +", s, err, new(big.Int).Add(new(big.Int).Add(x, y), x))
	})
}
