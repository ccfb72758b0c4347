package money

import (
	"fmt"
	"math"
	"math/bits"
)

// DivRound returns num / den rounded half away from zero (四舍五入): 5/2 is 3,
// -5/2 is -3, 4/3 is 1. It is the one rounding rule of the platform; round
// with it, never with floating point. It is exact for every int64 input. It
// panics if den is zero, and for math.MinInt64 / -1, whose result does not
// fit in an int64.
func DivRound(num, den int64) int64 {
	if den == 0 {
		panic("money: DivRound by zero")
	}
	if num == math.MinInt64 && den == -1 {
		panic("money: DivRound(math.MinInt64, -1) overflows int64")
	}
	q, r := num/den, num%den
	if r == 0 {
		return q
	}
	// |r| < |den| ≤ 2^63, so neither magnitude overflows a uint64, and
	// |q| ≤ 2^62 whenever r ≠ 0 (|den| ≥ 2), so q ± 1 cannot overflow.
	ur, ud := abs(r), abs(den)
	if ur >= ud-ur {
		if (num < 0) != (den < 0) {
			q--
		} else {
			q++
		}
	}
	return q
}

// abs returns |x| as a uint64; abs(math.MinInt64) is 1<<63.
func abs(x int64) uint64 {
	if x < 0 {
		return -uint64(x)
	}
	return uint64(x)
}

// mulDiv returns a × b / c rounded half away from zero, using a 128-bit
// intermediate. c must not be zero. It panics if the result does not fit in
// an int64.
func mulDiv(a, b, c int64) int64 {
	neg := (a < 0) != (b < 0) != (c < 0)
	uc := abs(c)
	hi, lo := bits.Mul64(abs(a), abs(b))
	if hi >= uc {
		panic(overflow(a, b, c))
	}
	q, rem := bits.Div64(hi, lo, uc)
	if rem >= uc-rem { // rem ≥ uc/2: round the magnitude up
		q++
		if q == 0 {
			panic(overflow(a, b, c))
		}
	}
	if neg {
		if q > 1<<63 {
			panic(overflow(a, b, c))
		}
		return int64(-q) // wraps to math.MinInt64 for 1<<63
	}
	if q > math.MaxInt64 {
		panic(overflow(a, b, c))
	}
	return int64(q)
}

func overflow(a, b, c int64) string {
	return fmt.Sprintf("money: %d × %d / %d overflows int64", a, b, c)
}
