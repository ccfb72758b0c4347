package policy

import (
	"errors"
	"math"
	"math/bits"
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
)

// The scalar operations shared by the row-wise and the columnar engine. Each
// returns ok = false on overflow or division by zero; callers turn that into
// an error naming the expression.

var (
	errOverflow = errors.New("overflow")
	errDivZero  = errors.New("division by zero")
)

func addOK(a, b int64) (int64, bool) {
	c := a + b
	return c, (c > a) == (b > 0) || b == 0
}

func subOK(a, b int64) (int64, bool) {
	c := a - b
	return c, (c < a) == (b > 0) || b == 0
}

// mulOK multiplies exactly.
func mulOK(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt64) || (b == -1 && a == math.MinInt64) {
		return 0, false
	}
	return c, true
}

// mulDivOK returns round_half_away(a × b / d) exactly, with a 128-bit
// intermediate.
func mulDivOK(a, b, d int64) (int64, bool) {
	if d == 0 {
		return 0, false
	}
	neg := (a < 0) != (b < 0) != (d < 0)
	ua, ub, ud := absU(a), absU(b), absU(d)
	hi, lo := bits.Mul64(ua, ub)
	if hi >= ud {
		return 0, false
	}
	q, r := bits.Div64(hi, lo, ud)
	if r >= ud-r { // r*2 >= ud without overflow
		q++
	}
	if q > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(q), true
	}
	return int64(q), true
}

func absU(a int64) uint64 {
	if a < 0 {
		return uint64(-a)
	}
	return uint64(a)
}

// decMulOK multiplies two decs.
func decMulOK(a, b int64) (int64, bool) { return mulDivOK(a, b, DecScale) }

// decDivOK divides two numbers of the same scale, giving a dec.
func decDivOK(a, b int64) (int64, bool) { return mulDivOK(a, DecScale, b) }

// toDecOK converts an int to a dec.
func toDecOK(a int64) (int64, bool) { return mulOK(a, DecScale) }

// roundDec rounds a dec half away from zero to an int: the one rounding rule.
func roundDec(a int64) int64 { return money.DivRound(a, DecScale) }

func floorDec(a int64) int64 {
	q := a / DecScale
	if a%DecScale != 0 && a < 0 {
		q--
	}
	return q
}

func ceilDec(a int64) int64 {
	q := a / DecScale
	if a%DecScale != 0 && a > 0 {
		q++
	}
	return q
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// ageAt returns completed years from birth to on, or ok = false for a
// missing date.
func ageAt(birth, on int64) (int64, bool) {
	if birth == 0 || on == 0 {
		return 0, false
	}
	return int64(period.AgeAt(period.Date(birth), period.Date(on))), true
}

func monthsBetween(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, false
	}
	return int64(period.MonthsBetween(period.Date(a), period.Date(b))), true
}

// lastDate is the last valid civil date.
var lastDate = period.MustDate(9999, time.December, 31)

// yearOf and monthOf read a date's calendar year and month (1-12).
func yearOf(a int64) (int64, bool) {
	if a <= 0 || a > int64(lastDate) {
		return 0, false
	}
	return int64(period.Date(a).Year()), true
}

func monthOf(a int64) (int64, bool) {
	if a <= 0 || a > int64(lastDate) {
		return 0, false
	}
	return int64(period.Date(a).MonthOfYear()), true
}
