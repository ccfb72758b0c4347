package money

import (
	"fmt"
	"math"
	"math/big"
	"strings"
	"testing"
)

func TestDivRound(t *testing.T) {
	tests := []struct {
		name     string
		num, den int64
		want     int64
	}{
		{name: "exact", num: 10, den: 2, want: 5},
		{name: "half up", num: 5, den: 2, want: 3},
		{name: "half negative num", num: -5, den: 2, want: -3},
		{name: "half negative den", num: 5, den: -2, want: -3},
		{name: "half both negative", num: -5, den: -2, want: 3},
		{name: "below half", num: 4, den: 3, want: 1},
		{name: "above half", num: 5, den: 3, want: 2},
		{name: "below half negative", num: -4, den: 3, want: -1},
		{name: "above half negative", num: -5, den: 3, want: -2},
		{name: "one and a half", num: 15, den: 10, want: 2},
		{name: "minus one and a half", num: -15, den: 10, want: -2},
		{name: "just below half", num: 149, den: 100, want: 1},
		{name: "zero", num: 0, den: 7, want: 0},
		{name: "max over 1", num: math.MaxInt64, den: 1, want: math.MaxInt64},
		{name: "min over 1", num: math.MinInt64, den: 1, want: math.MinInt64},
		{name: "max over 2", num: math.MaxInt64, den: 2, want: 1 << 62},               // 2^62 - 0.5 rounds up
		{name: "min over 2", num: math.MinInt64, den: 2, want: -(1 << 62)},            // exact
		{name: "min over -2", num: math.MinInt64, den: -2, want: 1 << 62},             // exact
		{name: "min+1 over 2", num: math.MinInt64 + 1, den: 2, want: -(1 << 62)},      // -2^62 + 0.5 rounds away
		{name: "max over max", num: math.MaxInt64, den: math.MaxInt64, want: 1},       //
		{name: "min over min", num: math.MinInt64, den: math.MinInt64, want: 1},       //
		{name: "max over min", num: math.MaxInt64, den: math.MinInt64, want: -1},      // -(1 - 2^-63)
		{name: "1 over min", num: 1, den: math.MinInt64, want: 0},                     //
		{name: "half of min over min", num: -(1 << 62), den: math.MinInt64, want: 1},  // exactly 0.5
		{name: "half of max+1 over min", num: 1 << 62, den: math.MinInt64, want: -1},  // exactly -0.5
		{name: "just under half over max", num: 1 << 62, den: math.MaxInt64, want: 1}, // 2^62/(2^63-1) > 0.5
		{name: "min over 3", num: math.MinInt64, den: 3, want: -3074457345618258603},  // -3074457345618258602.67
		{name: "min over -1 minus one", num: math.MinInt64 + 1, den: -1, want: math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DivRound(tt.num, tt.den); got != tt.want {
				t.Errorf("DivRound(%d, %d) = %d, want %d", tt.num, tt.den, got, tt.want)
			}
			if ref, ok := refMulDiv(tt.num, 1, tt.den); !ok || ref != tt.want {
				t.Errorf("reference DivRound(%d, %d) = %d, %v, want %d", tt.num, tt.den, ref, ok, tt.want)
			}
		})
	}
}

func TestDivRoundPanics(t *testing.T) {
	tests := []struct {
		name     string
		num, den int64
		want     string
	}{
		{name: "zero", num: 1, den: 0, want: "by zero"},
		{name: "min over -1", num: math.MinInt64, den: -1, want: "overflows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := panicMessage(func() { DivRound(tt.num, tt.den) })
			if !strings.Contains(got, tt.want) {
				t.Errorf("DivRound(%d, %d) panic = %q, want containing %q", tt.num, tt.den, got, tt.want)
			}
		})
	}
}

func TestMulRate(t *testing.T) {
	tests := []struct {
		name string
		f    Fen
		r    Rate
		want Fen
	}{
		{name: "8% of 123.45", f: 12345, r: 80_000, want: 988},    // 987.6
		{name: "16% of 5000", f: 500000, r: 160_000, want: 80000}, // exact
		{name: "8.31% of 1", f: 100, r: 83_100, want: 8},          // 8.31
		{name: "half up", f: 25, r: 500_000, want: 13},            // 12.5
		{name: "half away negative", f: -25, r: 500_000, want: -13},
		{name: "negative rate half", f: 25, r: -500_000, want: -13},
		{name: "both negative half", f: -25, r: -500_000, want: 13},
		{name: "below half", f: 24, r: 520_000, want: 12},    // 12.48
		{name: "0.2% of 1 fen", f: 1, r: 2_000, want: 0},     // 0.002
		{name: "0.2% of 250 fen", f: 250, r: 2_000, want: 1}, // 0.5
		{name: "zero rate", f: 123456, r: 0, want: 0},
		{name: "100%", f: math.MaxInt64, r: rateScale, want: math.MaxInt64},
		{name: "100% of min", f: math.MinInt64, r: rateScale, want: math.MinInt64},
		{name: "-100% of max", f: math.MaxInt64, r: -rateScale, want: -math.MaxInt64},
		{name: "50% of max", f: math.MaxInt64, r: 500_000, want: 1 << 62},         // 2^62 - 0.5
		{name: "50% of min", f: math.MinInt64, r: 500_000, want: -(1 << 62)},      // exact
		{name: "1 millionth of max", f: math.MaxInt64, r: 1, want: 9223372036855}, // 9223372036854.775807
		{name: "max rate of 1 fen", f: 1, r: math.MaxInt64, want: 9223372036855},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.MulRate(tt.r); got != tt.want {
				t.Errorf("Fen(%d).MulRate(%s) = %d, want %d", int64(tt.f), tt.r, got, tt.want)
			}
		})
	}
}

func TestMulDiv(t *testing.T) {
	tests := []struct {
		name     string
		f        Fen
		num, den int64
		want     Fen
	}{
		{name: "pro rata", f: 100000, num: 10, den: 31, want: 32258}, // 32258.06
		{name: "half", f: 1, num: 1, den: 2, want: 1},
		{name: "negative half", f: -1, num: 1, den: 2, want: -1},
		{name: "negative den half", f: 3, num: 1, den: -2, want: -2},
		{name: "large product", f: math.MaxInt64, num: math.MaxInt64, den: math.MaxInt64, want: math.MaxInt64},
		{name: "min by min over min", f: math.MinInt64, num: math.MinInt64, den: math.MinInt64, want: math.MinInt64},
		{name: "min by -1 over -1", f: math.MinInt64, num: -1, den: -1, want: math.MinInt64},
		{name: "max by 3 over 4", f: math.MaxInt64, num: 3, den: 4, want: 6917529027641081855}, // ...855.25
		{name: "min by 3 over 4", f: math.MinInt64, num: 3, den: 4, want: -6917529027641081856},
		{name: "rounds to min", f: -(1<<32 + 1), num: 1<<32 - 1, den: 2, want: math.MinInt64},                               // -(2^63 - 0.5)
		{name: "max by max over min", f: math.MaxInt64, num: math.MaxInt64, den: math.MinInt64, want: -9223372036854775806}, // -(2^63-1)^2/2^63 = -9223372036854775806.0000000000000000001
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.f.MulDiv(tt.num, tt.den); got != tt.want {
				t.Errorf("Fen(%d).MulDiv(%d, %d) = %d, want %d", int64(tt.f), tt.num, tt.den, got, tt.want)
			}
			if ref, ok := refMulDiv(int64(tt.f), tt.num, tt.den); !ok || Fen(ref) != tt.want {
				t.Errorf("reference MulDiv(%d, %d, %d) = %d, %v, want %d", tt.f, tt.num, tt.den, ref, ok, tt.want)
			}
		})
	}
}

func TestMulPanics(t *testing.T) {
	tests := []struct {
		name string
		f    func()
		want string
	}{
		{name: "MulDiv by zero", f: func() { Fen(1).MulDiv(1, 0) }, want: "MulDiv by zero"},
		{name: "MulDiv overflow", f: func() { Fen(math.MaxInt64).MulDiv(2, 1) }, want: "overflows int64"},
		{name: "MulDiv min by -1", f: func() { Fen(math.MinInt64).MulDiv(-1, 1) }, want: "overflows int64"},
		{name: "MulDiv min over -1", f: func() { Fen(math.MinInt64).MulDiv(1, -1) }, want: "overflows int64"},
		{name: "MulDiv rounds over max", f: func() { Fen(1<<32+1).MulDiv(1<<32-1, 2) }, want: "overflows int64"}, // 2^63 - 0.5
		{name: "MulRate 200% of max", f: func() { Fen(math.MaxInt64).MulRate(2 * rateScale) }, want: "overflows int64"},
		{name: "MulRate -100% of min", f: func() { Fen(math.MinInt64).MulRate(-rateScale) }, want: "overflows int64"},
		{name: "MulRate huge", f: func() { Fen(math.MaxInt64).MulRate(math.MaxInt64) }, want: "overflows int64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := panicMessage(tt.f); !strings.Contains(got, tt.want) {
				t.Errorf("%s panic = %q, want containing %q", tt.name, got, tt.want)
			}
		})
	}
}

// panicMessage runs f and returns the message it panicked with, or "".
func panicMessage(f func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	f()
	return ""
}

// refMulDiv is the reference for mulDiv: a × b / c rounded half away from
// zero, with arbitrary precision. ok is false if the result overflows int64.
func refMulDiv(a, b, c int64) (int64, bool) {
	p := new(big.Int).Mul(big.NewInt(a), big.NewInt(b))
	den := big.NewInt(c)
	q, r := new(big.Int).QuoRem(p, den, new(big.Int)) // truncated
	twice := new(big.Int).Abs(r)
	twice.Lsh(twice, 1)
	if twice.Cmp(new(big.Int).Abs(den)) >= 0 {
		if p.Sign()*den.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}

func FuzzMulDiv(f *testing.F) {
	f.Add(int64(5), int64(1), int64(2))
	f.Add(int64(-5), int64(1), int64(2))
	f.Add(int64(12345), int64(80_000), int64(rateScale))
	f.Add(int64(math.MaxInt64), int64(math.MaxInt64), int64(math.MaxInt64))
	f.Add(int64(math.MinInt64), int64(math.MinInt64), int64(math.MinInt64))
	f.Add(int64(math.MinInt64), int64(1), int64(-1))
	f.Add(int64(math.MaxInt64), int64(3), int64(4))
	f.Add(int64(math.MaxInt64), int64(1), int64(2))
	f.Fuzz(func(t *testing.T, a, b, c int64) {
		if c == 0 {
			return
		}
		want, ok := refMulDiv(a, b, c)
		var got Fen
		msg := panicMessage(func() { got = Fen(a).MulDiv(b, c) })
		switch {
		case !ok && msg == "":
			t.Fatalf("Fen(%d).MulDiv(%d, %d) = %d, want overflow panic", a, b, c, got)
		case ok && msg != "":
			t.Fatalf("Fen(%d).MulDiv(%d, %d) panicked %q, want %d", a, b, c, msg, want)
		case ok && int64(got) != want:
			t.Fatalf("Fen(%d).MulDiv(%d, %d) = %d, want %d", a, b, c, got, want)
		}
		// DivRound and MulRate are checked on the same inputs.
		wantD, okD := refMulDiv(a, 1, c)
		var q int64
		msg = panicMessage(func() { q = DivRound(a, c) })
		if (msg != "") == okD || (okD && q != wantD) {
			t.Fatalf("DivRound(%d, %d) = %d (panic %q), want %d (ok %v)", a, c, q, msg, wantD, okD)
		}
		wantR, okR := refMulDiv(a, b, rateScale)
		var r Fen
		msg = panicMessage(func() { r = Fen(a).MulRate(Rate(b)) })
		if (msg != "") == okR || (okR && int64(r) != wantR) {
			t.Fatalf("Fen(%d).MulRate(%d) = %d (panic %q), want %d (ok %v)", a, b, r, msg, wantR, okR)
		}
	})
}
