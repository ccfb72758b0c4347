package money

import (
	"errors"
	"fmt"
	"math"
)

// ErrOverflow is the error of a sum or product of amounts that does not fit
// in an int64 number of fen. The checked operations ([Add], [Sub], [Sum],
// [Mul], [Total]) return it, wrapped with the operands; test for it with
// errors.Is. An amount never wraps around silently.
var ErrOverflow = errors.New("amount overflows int64 fen")

// Add returns a + b, or an error wrapping [ErrOverflow] if the sum does not
// fit in an int64. Use it for every sum of amounts that come from outside.
func Add(a, b Fen) (Fen, error) {
	s := a + b
	// Overflow happened iff both operands have the same sign and the sum's
	// sign differs from it.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, fmt.Errorf("%d + %d: %w", a, b, ErrOverflow)
	}
	return s, nil
}

// Sub returns a - b, or an error wrapping [ErrOverflow] if the difference
// does not fit in an int64.
func Sub(a, b Fen) (Fen, error) {
	d := a - b
	if (a >= 0) != (b >= 0) && (d >= 0) != (a >= 0) {
		return 0, fmt.Errorf("%d - %d: %w", a, b, ErrOverflow)
	}
	return d, nil
}

// Sum returns the sum of fs, or an error wrapping [ErrOverflow] as soon as a
// partial sum does not fit in an int64. The sum of no amounts is 0.
func Sum(fs ...Fen) (Fen, error) {
	var t Total
	for _, f := range fs {
		t.Add(f)
	}
	return t.Result()
}

// Mul returns f × n (an amount times a count, such as a monthly amount
// times months), or an error wrapping [ErrOverflow] if the product does not
// fit in an int64. For rates and shares use [Fen.MulRate] and [Fen.MulDiv].
func Mul(f Fen, n int64) (Fen, error) {
	if f == 0 || n == 0 {
		return 0, nil
	}
	p := int64(f) * n
	if p/n != int64(f) || (f == math.MinInt64 && n == -1) || (n == math.MinInt64 && f == -1) {
		return 0, fmt.Errorf("%d × %d: %w", f, n, ErrOverflow)
	}
	return Fen(p), nil
}

// Total accumulates a sum of amounts and remembers an overflow, for loops
// that add many amounts and check once at the end:
//
//	var t money.Total
//	for _, l := range lines {
//		t.Add(l.Amount)
//	}
//	sum, err := t.Result()
//
// Once an addition overflows, the Total stays overflowed and [Total.Result]
// returns an error wrapping [ErrOverflow]. The zero Total is 0.
type Total struct {
	sum      Fen
	overflow error
}

// Add adds f to the total.
func (t *Total) Add(f Fen) {
	if t.overflow != nil {
		return
	}
	s, err := Add(t.sum, f)
	if err != nil {
		t.overflow = err
		return
	}
	t.sum = s
}

// Sub subtracts f from the total.
func (t *Total) Sub(f Fen) {
	if t.overflow != nil {
		return
	}
	s, err := Sub(t.sum, f)
	if err != nil {
		t.overflow = err
		return
	}
	t.sum = s
}

// Overflowed reports whether an addition has overflowed.
func (t *Total) Overflowed() bool { return t.overflow != nil }

// Result returns the sum, or an error wrapping [ErrOverflow] if any
// addition overflowed.
func (t *Total) Result() (Fen, error) {
	if t.overflow != nil {
		return 0, fmt.Errorf("sum: %w", t.overflow)
	}
	return t.sum, nil
}
