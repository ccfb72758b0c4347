package synth

// Numbers that must be unique (phone numbers, bank account numbers,
// organisation codes) are derived from the record's key through a fixed
// bijection, so that they are unique within a run and across runs with
// other Start keys, and still look random. The bijections are keyed with
// constants, not with the seed: two runs with different seeds on one
// database must not collide either.

// mix64 is the splitmix64 finaliser, a good 64-bit mixing function.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// feistel is a bijection of [0, m²) built from four balanced Feistel
// rounds over the mixed radix (m, m).
type feistel struct {
	m    uint64
	keys [4]uint64
}

func newFeistel(m, salt uint64) feistel {
	f := feistel{m: m}
	for i := range f.keys {
		f.keys[i] = mix64(salt*4 + uint64(i) + 0x9e3779b97f4a7c15)
	}
	return f
}

// permute maps x (taken modulo m²) to a unique value in [0, m²).
func (f feistel) permute(x uint64) uint64 {
	x %= f.m * f.m
	l, r := x/f.m, x%f.m
	for _, k := range f.keys {
		l, r = r, (l+mix64(r^k)%f.m)%f.m
	}
	return l*f.m + r
}

var (
	phonePerm   = newFeistel(10_000, 1)    // 8-digit phone bodies
	accountPerm = newFeistel(1_000_000, 2) // 12-digit account bodies
	orgNumPerm  = newFeistel(10_000, 3)    // 8-digit numeric organisation codes
	orgMAPerm   = newFeistel(29_791, 4)    // 31³: 6 characters of "MA" codes
)

// appendDigits appends v as exactly n decimal digits.
func appendDigits(b []byte, v uint64, n int) []byte {
	start := len(b)
	for range n {
		b = append(b, 0)
	}
	for i := len(b) - 1; i >= start; i-- {
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return b
}

// luhn returns the Luhn check digit for the digits in b.
func luhn(b []byte) byte {
	sum := 0
	double := true
	for i := len(b) - 1; i >= 0; i-- {
		d := int(b[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// phoneNumber returns the 11-digit mobile number of person key k. The last
// eight digits are unique for keys below 10⁸.
func phoneNumber(prefix string, k int64) string {
	var buf [11]byte
	b := append(buf[:0], prefix...)
	b = appendDigits(b, phonePerm.permute(uint64(k)), 8)
	return string(b)
}

// accountNumber returns a bank account number: the prefix (a card BIN or
// a branch code), 12 digits unique for account keys below 10¹², and a Luhn
// check digit.
func accountNumber(prefix string, k int64) string {
	var buf [24]byte
	b := append(buf[:0], prefix...)
	b = appendDigits(b, accountPerm.permute(uint64(k)), 12)
	b = append(b, luhn(b))
	return string(b)
}

const usccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// orgCode returns the 8-character organisation code (组织机构代码, without
// its check character) of organisation key k: "MA" and six characters for
// codes issued since 2015 (modern), eight digits for older ones. Each form
// is unique for keys below 31⁶ and 10⁸ respectively, and the two forms
// never meet (one starts with a letter, the other with a digit).
func orgCode(k int64, modern bool) string {
	var b [8]byte
	if !modern {
		appendDigits(b[:0], orgNumPerm.permute(uint64(k)), 8)
		return string(b[:])
	}
	b[0], b[1] = 'M', 'A'
	v := orgMAPerm.permute(uint64(k))
	for i := 7; i >= 2; i-- {
		b[i] = usccCharset[v%31]
		v /= 31
	}
	return string(b[:])
}
