package ids

import (
	"strings"
	"unicode/utf8"
)

// maxStars caps the asterisks [Mask] writes, so that a huge bad input does
// not make a huge error message.
const maxStars = 24

// Mask masks an identifier for display and logging. It keeps the first six
// characters (the address or division code) and the last four, and replaces
// the rest with '*', so an 18-character resident ID becomes
// "652301********1235" and a 15-character one "652301*****1123". Input of ten
// characters or fewer is masked completely. At most 24 asterisks are written,
// so a very long input is shortened. Mask counts characters, not bytes, and
// never splits a multi-byte character.
func Mask(s string) string {
	n := utf8.RuneCountInString(s)
	if n <= 10 {
		return strings.Repeat("*", n)
	}
	return keep(s, n, 6, 4)
}

// MaskPhone masks a telephone number, keeping the first three and the last
// four characters: "13812345678" becomes "138****5678". Input of fewer than
// eleven characters (too short to be a mobile number) is masked completely.
func MaskPhone(s string) string {
	n := utf8.RuneCountInString(s)
	if n < 11 {
		return strings.Repeat("*", n)
	}
	return keep(s, n, 3, 4)
}

// MaskAccount masks a bank account or card number, keeping only the last four
// characters: "6222021234567891234" becomes "***************1234". Input of
// fewer than eight characters is masked completely, since four characters
// would then reveal too much of it.
func MaskAccount(s string) string {
	n := utf8.RuneCountInString(s)
	if n < 8 {
		return strings.Repeat("*", n)
	}
	return keep(s, n, 0, 4)
}

// keep returns the first head and last tail runes of s, which has n runes,
// with the runes between replaced by at most maxStars asterisks.
func keep(s string, n, head, tail int) string {
	stars := min(n-head-tail, maxStars)
	var b strings.Builder
	b.Grow(len(s))
	i := 0
	for r := 0; r < head; r++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	b.WriteString(s[:i])
	for range stars {
		b.WriteByte('*')
	}
	j := len(s)
	for r := 0; r < tail; r++ {
		_, size := utf8.DecodeLastRuneInString(s[:j])
		j -= size
	}
	b.WriteString(s[j:])
	return b.String()
}
