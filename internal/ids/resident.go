package ids

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"safetynet/internal/period"
)

// ResidentID is a resident identity number (公民身份号码, GB 11643-1999) in its
// normalised form: 18 characters, the last of which may be an upper-case X.
// Values from [ParseResidentID] and [MakeResidentID] are always valid; its
// methods return zero values for a ResidentID that is not.
//
// A ResidentID is personal data. It implements [slog.LogValuer] so that a
// logged ID is masked, but it must still not be logged on purpose (see
// docs/conventions.md). Use [ResidentID.Masked] to display it.
type ResidentID string

// Gender is the gender encoded in a resident ID.
type Gender byte

// The genders. The 17th digit of a resident ID is odd for men and even for
// women.
const (
	Male   Gender = 'M'
	Female Gender = 'F'
)

// String returns "M" or "F", or "" for any other value.
func (g Gender) String() string {
	switch g {
	case Male:
		return "M"
	case Female:
		return "F"
	}
	return ""
}

// MarshalText encodes g as "M" or "F" (empty text for the zero Gender).
func (g Gender) MarshalText() ([]byte, error) {
	return []byte(g.String()), nil
}

// UnmarshalText decodes "M" or "F"; empty text decodes to the zero Gender.
func (g *Gender) UnmarshalText(text []byte) error {
	switch string(text) {
	case "M":
		*g = Male
	case "F":
		*g = Female
	case "":
		*g = 0
	default:
		return fmt.Errorf("decode gender: want M or F, got %.10q", text)
	}
	return nil
}

// provinces marks the valid first two digits of an address code: the
// provinces, autonomous regions and municipalities of GB/T 2260, plus 71
// (Taiwan) and 81, 82 and 83 (Hong Kong, Macao and Taiwan residence permits).
var provinces = [100]bool{
	11: true, 12: true, 13: true, 14: true, 15: true,
	21: true, 22: true, 23: true,
	31: true, 32: true, 33: true, 34: true, 35: true, 36: true, 37: true,
	41: true, 42: true, 43: true, 44: true, 45: true, 46: true,
	50: true, 51: true, 52: true, 53: true, 54: true,
	61: true, 62: true, 63: true, 64: true, 65: true,
	71: true, 81: true, 82: true, 83: true,
}

// residentWeights are 2^(17-i) mod 11 for i = 0..16 (ISO 7064 MOD 11-2).
var residentWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// minBirth is the earliest birth date accepted: 1900-01-01.
var minBirth = period.MustDate(1900, time.January, 1)

// ParseResidentID validates a resident ID and returns it normalised.
//
// It trims surrounding white space and accepts a lower-case x as the check
// digit, storing it as X. It accepts a legacy 15-digit number (issued before
// 1999, with a two-digit year and no check digit) and upgrades it to 18
// digits by inserting "19" before the year and computing the check digit.
//
// The checks are, in order: the length, the characters, the province of the
// address code, the birth date (a real date, not before 1900 and not after
// today) and the check digit. The first that fails gives a
// [*ResidentIDError] with the matching [Reason]. A zero today skips the
// future-date check.
func ParseResidentID(s string, today period.Date) (ResidentID, error) {
	t := strings.TrimSpace(s)
	id, reason, detail := parseResidentID(t, today)
	if reason != 0 {
		return "", &ResidentIDError{Input: Mask(t), Reason: reason, Detail: detail}
	}
	return id, nil
}

func parseResidentID(t string, today period.Date) (ResidentID, Reason, string) {
	if len(t) != 18 && len(t) != 15 || !isASCII(t) {
		n := utf8.RuneCountInString(t)
		switch {
		case n == 0:
			return "", ReasonLength, "empty"
		case n != 18 && n != 15:
			return "", ReasonLength, fmt.Sprintf("length %d, want 18 (or 15 for a legacy number)", n)
		}
		// Right number of characters, but some are not ASCII.
		for i, r := range []rune(t) {
			if r >= utf8.RuneSelf {
				return "", ReasonCharacters, fmt.Sprintf("character %q at position %d is not a digit", r, i+1)
			}
		}
	}
	legacy := len(t) == 15
	digitsEnd := len(t)
	if !legacy {
		digitsEnd = 17
	}
	for i := 0; i < digitsEnd; i++ {
		if c := t[i]; c < '0' || c > '9' {
			return "", ReasonCharacters, fmt.Sprintf("character %q at position %d is not a digit", c, i+1)
		}
	}
	if !legacy {
		if c := t[17]; (c < '0' || c > '9') && c != 'X' && c != 'x' {
			return "", ReasonCharacters, fmt.Sprintf("character %q at position 18 is not a digit or X", c)
		}
	}
	if p := int(t[0]-'0')*10 + int(t[1]-'0'); !provinces[p] {
		return "", ReasonRegion, fmt.Sprintf("province code %02d does not exist", p)
	}
	var y, m, d int
	if legacy {
		y, m, d = 1900+num(t[6:8]), num(t[8:10]), num(t[10:12])
	} else {
		y, m, d = num(t[6:10]), num(t[10:12]), num(t[12:14])
	}
	birth, err := period.NewDate(y, time.Month(m), d)
	switch {
	case err != nil:
		return "", ReasonBirthDate, "birth date is not a real calendar date"
	case birth < minBirth:
		return "", ReasonBirthDate, "birth date is before 1900"
	case today != 0 && birth > today:
		return "", ReasonBirthDate, "birth date is in the future"
	}
	if legacy {
		var b [18]byte
		copy(b[:6], t[:6])
		b[6], b[7] = '1', '9'
		copy(b[8:17], t[6:15])
		b[17] = checkDigit(b[:17])
		return ResidentID(b[:]), 0, ""
	}
	got, want := t[17], checkDigit(t)
	if got == 'x' {
		got = 'X'
	}
	if got != want {
		return "", ReasonCheckDigit, fmt.Sprintf("check digit is %c, want %c", got, want)
	}
	if t[17] == 'x' {
		return ResidentID(t[:17] + "X"), 0, ""
	}
	return ResidentID(t), 0, ""
}

// isASCII reports whether s has only ASCII bytes.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// num returns the value of s, which is all ASCII digits.
func num(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// checkDigit returns the ISO 7064 MOD 11-2 check digit of the first 17 bytes
// of b, which are ASCII digits.
func checkDigit[T string | []byte](b T) byte {
	sum := 0
	for i, w := range residentWeights {
		sum += int(b[i]-'0') * w
	}
	return "10X98765432"[sum%11]
}

// CheckDigit returns the check digit ('0'-'9' or 'X') for the first 17 digits
// of a resident ID, using ISO 7064:1983 MOD 11-2. It returns an error if
// first17 is not exactly 17 ASCII digits.
func CheckDigit(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, fmt.Errorf("check digit: got %d bytes, want 17 digits", len(first17))
	}
	for i := 0; i < 17; i++ {
		if c := first17[i]; c < '0' || c > '9' {
			return 0, fmt.Errorf("check digit: character at position %d is not a digit", i+1)
		}
	}
	return checkDigit(first17), nil
}

// MakeResidentID builds a valid resident ID from a six-digit division code,
// a birth date (1900-01-01 to 9999-12-31) and a sequence number from 0 to
// 999. The sequence number's parity sets the gender: odd is male, even is
// female. It is meant for the synthetic population generator.
func MakeResidentID(division string, birth period.Date, seq int) (ResidentID, error) {
	if len(division) != 6 || !allDigits(division) {
		return "", fmt.Errorf("make resident ID: division code %q is not 6 digits", division)
	}
	if p := num(division[:2]); !provinces[p] {
		return "", fmt.Errorf("make resident ID: province code %02d does not exist", p)
	}
	if birth.IsZero() || birth < minBirth {
		return "", fmt.Errorf("make resident ID: birth date %q is before 1900", birth.String())
	}
	if seq < 0 || seq > 999 {
		return "", fmt.Errorf("make resident ID: sequence number %d out of range 0-999", seq)
	}
	y, m, d := birth.YMD()
	var b [18]byte
	copy(b[:6], division)
	b[6], b[7], b[8], b[9] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[10], b[11] = byte('0'+int(m)/10), byte('0'+int(m)%10)
	b[12], b[13] = byte('0'+d/10), byte('0'+d%10)
	b[14], b[15], b[16] = byte('0'+seq/100), byte('0'+seq/10%10), byte('0'+seq%10)
	b[17] = checkDigit(b[:17])
	return ResidentID(b[:]), nil
}

// allDigits reports whether s is all ASCII digits.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// valid reports whether id has the shape of a normalised resident ID, which
// the accessor methods need.
func (id ResidentID) valid() bool {
	return len(id) == 18 && allDigits(string(id[:17]))
}

// BirthDate returns the birth date encoded in positions 7-14, or the zero
// Date if id is not valid.
func (id ResidentID) BirthDate() period.Date {
	if !id.valid() {
		return 0
	}
	d, err := period.NewDate(num(string(id[6:10])), time.Month(num(string(id[10:12]))), num(string(id[12:14])))
	if err != nil {
		return 0
	}
	return d
}

// Gender returns the gender encoded in the 17th digit (odd is [Male], even is
// [Female]), or the zero Gender if id is not valid.
func (id ResidentID) Gender() Gender {
	if !id.valid() {
		return 0
	}
	if (id[16]-'0')%2 == 1 {
		return Male
	}
	return Female
}

// DivisionCode returns the six-digit address code (GB/T 2260) of the place of
// household registration when the number was issued, such as "652301". It
// returns "" if id is not valid.
func (id ResidentID) DivisionCode() string {
	if !id.valid() {
		return ""
	}
	return string(id[:6])
}

// Masked returns id with its birth date and sequence code hidden, such as
// "652301********1235", for display. See [Mask].
func (id ResidentID) Masked() string { return Mask(string(id)) }

// LogValue implements [slog.LogValuer]: a ResidentID passed to a logger is
// logged masked.
func (id ResidentID) LogValue() slog.Value { return slog.StringValue(id.Masked()) }

// Legacy15 returns the 15-digit form of id (no century digits, no check
// digit) used on cards issued before 1999, for matching old records. ok is
// false if the birth year is not in 1900-1999 or id is not valid.
func (id ResidentID) Legacy15() (legacy string, ok bool) {
	if !id.valid() || id[6:8] != "19" {
		return "", false
	}
	return string(id[:6] + id[8:17]), true
}
