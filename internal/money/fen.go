// Package money holds amounts of renminbi in fen ([Fen]), exact decimal
// rates ([Rate]) and the one rounding rule the platform uses ([DivRound],
// [Fen.MulRate], [Fen.MulDiv]).
//
// Everything is integer arithmetic: the package uses no floating point. All
// rounding is half away from zero (四舍五入): 0.5 fen rounds to 1 fen and
// -0.5 fen to -1 fen. Products are computed with 128-bit intermediates, so
// they are exact for every int64 input; a result that does not fit in an
// int64 panics rather than wrapping silently. Sums and products of amounts
// that come from outside go through the checked operations ([Add], [Sub],
// [Sum], [Mul], [Total]), which return [ErrOverflow] instead of wrapping.
package money

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Fen is an amount of renminbi in fen (分), the smallest unit: 100 fen make
// one yuan (元). Fen may be negative (refunds, corrections).
//
// In JSON a Fen is an integer number of fen: the API carries money as integer
// fen, never as decimal yuan, so that no client ever rounds it. ¥1,234.56 is
// 123456 in JSON. Use [Fen.String] or [Fen.Plain] for display and files.
type Fen int64

// Yuan returns y yuan as Fen. It panics if the result does not fit in an
// int64; it is meant for constants and tests.
func Yuan(y int64) Fen {
	if y > math.MaxInt64/100 || y < math.MinInt64/100 {
		panic(fmt.Sprintf("money.Yuan(%d): overflows int64 fen", y))
	}
	return Fen(y * 100)
}

// Parse parses an amount of yuan written as text, such as "1234.56",
// "1,234.56", "-12.5", "0.05", "¥1,234.00" or "1234", and returns it in fen.
//
// It accepts surrounding white space, one leading sign ('-' or '+') and one
// currency symbol ('¥' or the full-width '￥') in either order, and thousands
// separators (',') only between groups of three digits. At most two decimal
// places may be non-zero: "1.234" is an error, because parsing never rounds,
// but "1.2300" is 1.23 yuan. The amount must fit in an int64 number of fen.
func Parse(s string) (Fen, error) {
	f, reason := parse(s)
	if reason != "" {
		return 0, fmt.Errorf("parse amount %q: %s", s, reason)
	}
	return f, nil
}

func parse(s string) (Fen, string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "empty"
	}
	neg, sawSign, sawSymbol := false, false, false
prefix:
	for {
		switch {
		case !sawSign && (t[0] == '-' || t[0] == '+'):
			neg, sawSign = t[0] == '-', true
			t = t[1:]
		case !sawSymbol && strings.HasPrefix(t, "¥"):
			sawSymbol = true
			t = t[len("¥"):]
		case !sawSymbol && strings.HasPrefix(t, "￥"):
			sawSymbol = true
			t = t[len("￥"):]
		default:
			break prefix
		}
		if t == "" {
			return 0, "no digits"
		}
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if intPart == "" {
		return 0, "no digits before the decimal point"
	}
	if hasPoint && frac == "" {
		return 0, "no digits after the decimal point"
	}
	if strings.IndexByte(intPart, ',') >= 0 {
		if reason := checkGroups(intPart); reason != "" {
			return 0, reason
		}
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var mag uint64
	add := func(c byte) string {
		d := uint64(c - '0')
		if mag > (limit-d)/10 {
			return "out of range (the limit is 92,233,720,368,547,758.07 yuan)"
		}
		mag = mag*10 + d
		return ""
	}
	for i := 0; i < len(intPart); i++ {
		c := intPart[i]
		if c == ',' {
			continue
		}
		if c < '0' || c > '9' {
			return 0, unexpected(intPart[i:])
		}
		if r := add(c); r != "" {
			return 0, r
		}
	}
	for i := 0; i < len(frac); i++ {
		if c := frac[i]; c < '0' || c > '9' {
			return 0, unexpected(frac[i:])
		}
	}
	if len(frac) > 2 {
		if strings.TrimRight(frac[2:], "0") != "" {
			return 0, fmt.Sprintf("%d decimal places, at most 2 allowed (fen is the smallest unit; parsing never rounds)",
				len(strings.TrimRight(frac, "0")))
		}
		frac = frac[:2]
	}
	for len(frac) < 2 {
		frac += "0"
	}
	for i := 0; i < 2; i++ {
		if r := add(frac[i]); r != "" {
			return 0, r
		}
	}
	if neg {
		return Fen(-mag), "" // -mag wraps correctly for 1<<63
	}
	return Fen(mag), ""
}

// checkGroups reports a misplaced thousands separator in s, which contains
// at least one ','.
func checkGroups(s string) string {
	groups := strings.Split(s, ",")
	if first := groups[0]; len(first) < 1 || len(first) > 3 || first[0] == '0' {
		return "misplaced thousands separator"
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "misplaced thousands separator"
		}
	}
	return ""
}

// unexpected describes the first character of s as unexpected.
func unexpected(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	return fmt.Sprintf("unexpected character %q", r)
}

// String formats f as yuan with thousands separators and two decimals, such as
// "1,234.56", "0.05" or "-0.05". It is for display; use [Fen.Plain] for files.
func (f Fen) String() string {
	var b [32]byte
	return string(f.format(b[:], true))
}

// Plain formats f as yuan with two decimals and no separators, such as
// "1234.56" or "-0.05", for files and exchange messages. [Parse] reads it back.
func (f Fen) Plain() string {
	var b [32]byte
	return string(f.format(b[:], false))
}

// format writes f into the end of b and returns the written part.
func (f Fen) format(b []byte, commas bool) []byte {
	u := uint64(f)
	if f < 0 {
		u = -u
	}
	i := len(b)
	cents := u % 100
	u /= 100
	i--
	b[i] = byte('0' + cents%10)
	i--
	b[i] = byte('0' + cents/10)
	i--
	b[i] = '.'
	for n := 0; ; n++ {
		if commas && n > 0 && n%3 == 0 {
			i--
			b[i] = ','
		}
		i--
		b[i] = byte('0' + u%10)
		u /= 10
		if u == 0 {
			break
		}
	}
	if f < 0 {
		i--
		b[i] = '-'
	}
	return b[i:]
}

// MarshalJSON encodes f as an integer number of fen.
func (f Fen) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(f), 10), nil
}

// UnmarshalJSON decodes an integer number of fen. It rejects decimals and
// exponents ("12.5", "1e3") and strings; null leaves f unchanged.
func (f *Fen) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	v, err := strconv.ParseInt(string(data), 10, 64)
	if err != nil {
		return fmt.Errorf("decode amount: want an integer number of fen, got %.40s", data)
	}
	*f = Fen(v)
	return nil
}

// MulRate returns f × r, rounded half away from zero to the fen. For example
// 123.45 yuan at 8% is 9.876 yuan, which is 9.88 yuan. It is exact for every
// input and panics if the result does not fit in an int64.
func (f Fen) MulRate(r Rate) Fen {
	return Fen(mulDiv(int64(f), int64(r), rateScale))
}

// MulDiv returns f × num / den, rounded half away from zero to the fen, for
// shares and pro-rating such as f × days / 31. It is exact for every input,
// using a 128-bit intermediate product. It panics if den is zero or if the
// result does not fit in an int64.
func (f Fen) MulDiv(num, den int64) Fen {
	if den == 0 {
		panic("money: MulDiv by zero")
	}
	return Fen(mulDiv(int64(f), num, den))
}
