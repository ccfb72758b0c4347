package region

import (
	"errors"
	"fmt"
	"strings"
)

// Code is an administrative division code (行政区划代码) of variable length:
//
//   - 6 digits for province, prefecture and county levels (GB/T 2260), with
//     unused trailing pairs set to zero: 650000, 652300, 652301;
//   - 9 digits for a township: the county code plus 3 digits (652301001);
//   - 12 digits for a village: the township code plus 3 digits
//     (652301001001).
//
// Unlike the statistical division codes (统计用区划代码), a code is never
// padded with zeros to 12 digits: 652301 is Changji City, and 652301000000
// is rejected. This keeps every ancestor's code a prefix of its descendants'
// codes, which is what Prefix, Range and Contains rely on.
//
// A Code obtained from ParseCode is valid. The methods treat any other
// invalid value as belonging to no level and return zero values for it.
type Code string

// Significant prefix length of a code at each level.
var prefixLen = [...]int{Province: 2, Prefecture: 4, County: 6, Township: 9, Village: 12}

// ParseCode checks that s is a well-formed division code and returns it.
// It accepts 6, 9 or 12 ASCII digits with:
//
//   - a first digit from 1 to 8 (the GB/T 2260 region digit);
//   - in a 6-digit code, a non-zero prefecture part (digits 3-4) whenever
//     the county part (digits 5-6) is non-zero;
//   - in a 9- or 12-digit code, a county-level first 6 digits and no
//     all-zero 3-digit township or village part.
func ParseCode(s string) (Code, error) {
	if _, err := check(s); err != nil {
		return "", fmt.Errorf("parse division code %s: %w", quote(s), err)
	}
	return Code(s), nil
}

// check validates s and returns its level.
func check(s string) (Level, error) {
	pos := 0
	for _, r := range s {
		pos++
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("character %d (%q) is not a digit 0-9", pos, r)
		}
	}
	switch len(s) {
	case 6, 9, 12:
	default:
		return 0, fmt.Errorf("has %d digits, want 6, 9 or 12", len(s))
	}
	if s[0] < '1' || s[0] > '8' {
		return 0, errors.New("first digit must be 1-8 (the GB/T 2260 region digit)")
	}
	pref, cnty := s[2:4], s[4:6]
	if len(s) > 6 && (pref == "00" || cnty == "00") {
		return 0, fmt.Errorf("first 6 digits %s are not a county-level code", s[:6])
	}
	switch len(s) {
	case 6:
		switch {
		case pref == "00" && cnty == "00":
			return Province, nil
		case cnty == "00":
			return Prefecture, nil
		case pref == "00":
			return 0, errors.New("county part is set but prefecture part is 00")
		default:
			return County, nil
		}
	case 9:
		if s[6:9] == "000" {
			return 0, fmt.Errorf("township part is 000 (use the 6-digit code %s for the county)", s[:6])
		}
		return Township, nil
	default: // 12
		if s[6:9] == "000" {
			return 0, fmt.Errorf("township part is 000 (zero-padded statistical codes are not accepted; use the 6-digit code %s)", s[:6])
		}
		if s[9:12] == "000" {
			return 0, fmt.Errorf("village part is 000 (use the 9-digit code %s for the township)", s[:9])
		}
		return Village, nil
	}
}

// quote quotes untrusted input for an error message, shortening long input.
func quote(s string) string {
	const max = 24
	if len(s) > max {
		return fmt.Sprintf("%q...", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// Level returns the code's level, derived from its shape alone: "xx0000" is
// a province, "xxxx00" a prefecture, any other 6-digit code a county (this
// includes internal codes such as 652390 for the Zhundong development zone),
// 9 digits a township and 12 digits a village. It returns 0 for an invalid
// code.
func (c Code) Level() Level {
	l, err := check(string(c))
	if err != nil {
		return 0
	}
	return l
}

// Prefix returns the significant prefix that every descendant's code starts
// with: "65" for 650000, "6523" for 652300, "652301" for 652301, and the
// whole code at township and village levels. It returns "" for an invalid
// code.
func (c Code) Prefix() string {
	l := c.Level()
	if l == 0 {
		return ""
	}
	return string(c)[:prefixLen[l]]
}

// Range returns a half-open string range [lo, hi) that holds exactly the
// code itself and its descendants among all valid codes, for index-friendly
// SQL filters such as
//
//	region_code >= lo AND region_code < hi
//
// lo is the prefix. hi is the smallest digit string greater than every
// string starting with the prefix: trailing 9s are dropped and the last
// remaining digit is incremented, so 652301 gives [652301, 652302), 6529
// gives [6529, 653) and 652301999 gives [652301999, 652302). (Keeping the
// zeros, as in 652302000, would wrongly take in the county code 652302.)
// Both bounds are digit strings, so the filter works under byte-wise (C)
// collation and under any collation that orders digit strings as bytes.
// Range returns "", "" for an invalid code; that range matches nothing.
func (c Code) Range() (lo, hi string) {
	p := c.Prefix()
	if p == "" {
		return "", ""
	}
	t := strings.TrimRight(p, "9")
	// A valid code starts with 1-8, so t is never empty.
	return p, t[:len(t)-1] + string(t[len(t)-1]+1)
}

// Contains reports whether other is c itself or one of its descendants,
// judged by code prefix. It is false if either code is invalid.
func (c Code) Contains(other Code) bool {
	p := c.Prefix()
	return p != "" && other.Level() != 0 && strings.HasPrefix(string(other), p)
}

// County returns the county-level code that c lies in: the first 6 digits
// of a township or village code, or c itself for a county code. It returns
// "" for province and prefecture codes and for an invalid code.
func (c Code) County() Code {
	if c.Level() < County {
		return ""
	}
	return c[:6]
}

// Parent returns the code of the division directly above c, derived from
// its shape: 652301001001 → 652301001 → 652301 → 652300 → 650000. It
// returns "" for a province code and for an invalid code.
func (c Code) Parent() Code {
	switch c.Level() {
	case Prefecture:
		return c[:2] + "0000"
	case County:
		return c[:4] + "00"
	case Township:
		return c[:6]
	case Village:
		return c[:9]
	default:
		return ""
	}
}
