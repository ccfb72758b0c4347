package money

import (
	"fmt"
	"math"
	"strings"
)

// rateScale is the number of Rate units in 1 (100%).
const rateScale = 1_000_000

// Rate is an exact decimal rate in millionths: 1% is 10_000, 16% is 160_000,
// 8.31% is 83_100 and 0.2% is 2_000. Every contribution rate, crediting
// rate and adjustment rate in the domain is exact at this precision, so no
// rate is ever approximated. Apply one with [Fen.MulRate].
type Rate int64

// RateOne is the rate 1 (100%).
const RateOne Rate = rateScale

// RateOf returns n / of as a Rate, rounded half up; 0 when of is 0.
func RateOf(n, of int64) Rate {
	if of == 0 {
		return 0
	}
	return Rate(DivRound(n*rateScale, of))
}

// ParseRate parses a rate written as a percentage ("16%", "8.31%", "0.2%") or
// as a fraction ("0.16", "0.0831"). Surrounding white space and a leading sign
// are accepted. Precision finer than a millionth (more than four decimals in
// a percentage, more than six in a fraction) is an error, because parsing
// never rounds; trailing zeros beyond that are accepted.
func ParseRate(s string) (Rate, error) {
	r, reason := parseRate(s)
	if reason != "" {
		return 0, fmt.Errorf("parse rate %q: %s", s, reason)
	}
	return r, nil
}

func parseRate(s string) (Rate, string) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, "empty"
	}
	places, form := 6, "a fraction"
	if p, ok := strings.CutSuffix(t, "%"); ok {
		t, places, form = p, 4, "a percentage"
	}
	neg := false
	if t != "" && (t[0] == '-' || t[0] == '+') {
		neg = t[0] == '-'
		t = t[1:]
	}
	intPart, frac, hasPoint := strings.Cut(t, ".")
	if intPart == "" {
		return 0, "no digits before the decimal point"
	}
	if hasPoint && frac == "" {
		return 0, "no digits after the decimal point"
	}
	for _, part := range []string{intPart, frac} {
		for i := 0; i < len(part); i++ {
			if c := part[i]; c < '0' || c > '9' {
				return 0, unexpected(part[i:])
			}
		}
	}
	if len(frac) > places {
		if strings.TrimRight(frac[places:], "0") != "" {
			return 0, fmt.Sprintf("%d decimal places in %s, at most %d allowed (a rate is exact to a millionth; parsing never rounds)",
				len(strings.TrimRight(frac, "0")), form, places)
		}
		frac = frac[:places]
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var mag uint64
	for i := 0; i < len(intPart)+places; i++ {
		var d uint64
		switch {
		case i < len(intPart):
			d = uint64(intPart[i] - '0')
		case i-len(intPart) < len(frac):
			d = uint64(frac[i-len(intPart)] - '0')
		}
		if mag > (limit-d)/10 {
			return 0, "out of range"
		}
		mag = mag*10 + d
	}
	if neg {
		return Rate(-mag), ""
	}
	return Rate(mag), ""
}

// String formats r as a percentage with no trailing zeros, such as "8.31%",
// "16%", "0.2%" or "-0.5%". [ParseRate] reads it back exactly.
func (r Rate) String() string {
	u := abs(int64(r))
	whole, frac := u/10_000, u%10_000
	var b [32]byte
	i := len(b)
	i--
	b[i] = '%'
	if frac != 0 {
		n := 4
		for frac%10 == 0 {
			frac /= 10
			n--
		}
		for ; n > 0; n-- {
			i--
			b[i] = byte('0' + frac%10)
			frac /= 10
		}
		i--
		b[i] = '.'
	}
	for {
		i--
		b[i] = byte('0' + whole%10)
		whole /= 10
		if whole == 0 {
			break
		}
	}
	if r < 0 {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// Percent formats r as a percentage rounded half up to places decimals
// (0 to 4), keeping trailing zeros: Rate(851_399).Percent(1) is "85.1%",
// Rate(160_000).Percent(1) is "16.0%". For reports; [Rate.String] is exact.
func (r Rate) Percent(places int) string {
	places = min(max(places, 0), 4)
	unit := int64(1)
	for range 4 - places {
		unit *= 10
	}
	v := DivRound(int64(r), unit)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if places == 0 {
		return fmt.Sprintf("%s%d%%", sign, v)
	}
	div := int64(1)
	for range places {
		div *= 10
	}
	return fmt.Sprintf("%s%d.%0*d%%", sign, v/div, places, v%div)
}
