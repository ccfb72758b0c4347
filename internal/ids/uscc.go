package ids

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// USCC is a unified social credit code (统一社会信用代码, GB 32100-2015) in its
// normalised form: 18 upper-case characters.
//
// Its positions are: 1, the registration authority (9 = market regulation,
// 5 = civil affairs, ...); 2, the organisation type; 3-8, the division code
// of the registering authority; 9-17, the organisation code (GB 11714) with
// its own check character at position 17; 18, the check character of the
// whole code.
type USCC string

// Mode chooses how [ParseUSCC] treats a wrong check character.
type Mode uint8

// The parse modes.
const (
	// Strict rejects a code whose check character (position 18) or embedded
	// organisation-code check (position 17) is wrong.
	Strict Mode = iota
	// Lenient accepts such a code and reports the failed checks in [Flags],
	// so that it can be held for review against the tax or market registry.
	// Codes that fail the checksum do exist in real registers.
	Lenient
)

// Flags records the checks a code failed but that [Lenient] parsing accepted.
type Flags uint8

// The flags.
const (
	FlagCheckChar    Flags = 1 << iota // the check character (position 18) is wrong
	FlagOrgCodeCheck                   // the organisation-code check (position 17) is wrong
)

// String lists the set flags by their [Reason] codes, comma-separated, such as
// "org_code_check,check_char", or returns "" when no flag is set.
func (f Flags) String() string {
	var parts []string
	if f&FlagOrgCodeCheck != 0 {
		parts = append(parts, ReasonOrgCodeCheck.String())
	}
	if f&FlagCheckChar != 0 {
		parts = append(parts, ReasonCheckChar.String())
	}
	if rest := f &^ (FlagCheckChar | FlagOrgCodeCheck); rest != 0 {
		parts = append(parts, fmt.Sprintf("0x%x", uint8(rest)))
	}
	return strings.Join(parts, ",")
}

// usccCharset is the 31-character set of GB 32100: digits and upper-case
// letters without I, O, S, V and Z. A character's index is its value.
const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccValue maps a byte to its index in usccCharset, or -1.
var usccValue = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := 0; i < len(usccCharset); i++ {
		t[usccCharset[i]] = int8(i)
	}
	return t
}()

// usccWeights are 3^i mod 31 for i = 0..16.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// orgWeights are the GB 11714 weights for the eight body characters of an
// organisation code.
var orgWeights = [8]int{3, 7, 9, 10, 5, 8, 4, 2}

// isAuthority reports whether c is a registration authority code of
// GB 32100-2015: 1-9, A (military), N (agriculture) or Y (other).
func isAuthority(c byte) bool {
	return c >= '1' && c <= '9' || c == 'A' || c == 'N' || c == 'Y'
}

// ParseUSCC validates a unified social credit code and returns it normalised
// (trimmed and upper-cased).
//
// The structural checks always apply: the length (18), the character set
// (I, O, S, V and Z never appear), the registration authority code at
// position 1 and the six-digit division code at positions 3-8. The checks of
// the organisation code (position 17, GB 11714) and of the whole code
// (position 18) are errors in [Strict] mode; in [Lenient] mode the code is
// accepted and the failures are reported in the returned [Flags]. Errors are
// [*USCCError] values with a [Reason].
func ParseUSCC(s string, mode Mode) (USCC, Flags, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	flags, reason, detail := checkUSCC(t, mode)
	if reason != 0 {
		return "", 0, &USCCError{Input: t, Reason: reason, Detail: detail}
	}
	return USCC(t), flags, nil
}

func checkUSCC(t string, mode Mode) (Flags, Reason, string) {
	if len(t) != 18 || !isASCII(t) {
		n := utf8.RuneCountInString(t)
		switch {
		case n == 0:
			return 0, ReasonLength, "empty"
		case n != 18:
			return 0, ReasonLength, fmt.Sprintf("length %d, want 18", n)
		}
	}
	pos := 0
	for _, r := range t {
		pos++
		if r >= utf8.RuneSelf || usccValue[r] < 0 {
			return 0, ReasonCharacters, fmt.Sprintf("character %q at position %d is not in the code's character set", r, pos)
		}
	}
	if !isAuthority(t[0]) {
		return 0, ReasonAuthority, fmt.Sprintf("registration authority code %c is not one of 1-9, A, N, Y", t[0])
	}
	if !allDigits(t[2:8]) {
		return 0, ReasonDivision, fmt.Sprintf("division code %s is not 6 digits", t[2:8])
	}
	var flags Flags
	if got, want := t[16], orgCheck(t[8:16]); got != want {
		if mode != Lenient {
			return 0, ReasonOrgCodeCheck, fmt.Sprintf("organisation code check character is %c, want %c", got, want)
		}
		flags |= FlagOrgCodeCheck
	}
	if got, want := t[17], usccCheck(t); got != want {
		if mode != Lenient {
			return 0, ReasonCheckChar, fmt.Sprintf("check character is %c, want %c", got, want)
		}
		flags |= FlagCheckChar
	}
	return flags, 0, ""
}

// orgCheck returns the GB 11714 check character for the eight body
// characters of an organisation code: r = 11 - Σ value×weight mod 11, where
// 0-9 are worth 0-9 and A-Z 10-35; r = 10 is written X and r = 11 is 0.
func orgCheck[T string | []byte](body T) byte {
	sum := 0
	for i, w := range orgWeights {
		c := body[i]
		v := int(c - '0')
		if c >= 'A' {
			v = int(c-'A') + 10
		}
		sum += v * w
	}
	switch r := 11 - sum%11; r {
	case 10:
		return 'X'
	case 11:
		return '0'
	default:
		return byte('0' + r)
	}
}

// usccCheck returns the GB 32100 check character for the first 17
// characters of code, which are in usccCharset.
func usccCheck[T string | []byte](code T) byte {
	sum := 0
	for i, w := range usccWeights {
		sum += int(usccValue[code[i]]) * w
	}
	return usccCharset[(31-sum%31)%31]
}

// MakeUSCC builds a valid unified social credit code from a registration
// authority code (1-9, A, N or Y), an organisation type (any character of the
// code's character set), a six-digit division code and the eight body
// characters of an organisation code (digits and upper-case letters other
// than I, O, S, V and Z). It computes the organisation-code check (position
// 17) and the check character (position 18). It is meant for the synthetic
// generator.
func MakeUSCC(authority, orgType byte, division string, orgCode8 string) (USCC, error) {
	if !isAuthority(authority) {
		return "", fmt.Errorf("make USCC: registration authority code %q is not one of 1-9, A, N, Y", authority)
	}
	if usccValue[orgType] < 0 {
		return "", fmt.Errorf("make USCC: organisation type %q is not in the code's character set", orgType)
	}
	if len(division) != 6 || !allDigits(division) {
		return "", fmt.Errorf("make USCC: division code %q is not 6 digits", division)
	}
	if len(orgCode8) != 8 {
		return "", fmt.Errorf("make USCC: organisation code %q is not 8 characters", orgCode8)
	}
	for i := 0; i < 8; i++ {
		if usccValue[orgCode8[i]] < 0 {
			return "", fmt.Errorf("make USCC: organisation code %q: character %q is not in the code's character set", orgCode8, orgCode8[i])
		}
	}
	var b [18]byte
	b[0], b[1] = authority, orgType
	copy(b[2:8], division)
	copy(b[8:16], orgCode8)
	b[16] = orgCheck(b[8:16])
	b[17] = usccCheck(b[:17])
	return USCC(b[:]), nil
}

// DivisionCode returns positions 3-8, the division code of the registering
// authority, or "" if c is not 18 characters long.
func (c USCC) DivisionCode() string {
	if len(c) != 18 {
		return ""
	}
	return string(c[2:8])
}

// OrgCode returns positions 9-17, the organisation code (组织机构代码) with its
// check character, or "" if c is not 18 characters long.
func (c USCC) OrgCode() string {
	if len(c) != 18 {
		return ""
	}
	return string(c[8:17])
}
