package region

import (
	"strings"
	"testing"
)

func TestParseCode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Level
		wantErr string // substring of the error; "" means valid
	}{
		{"province", "650000", Province, ""},
		{"prefecture", "652300", Prefecture, ""},
		{"county", "652301", County, ""},
		{"development zone internal code", "652390", County, ""},
		{"XPCC city", "659004", County, ""},
		{"township", "652301001", Township, ""},
		{"village", "652301001001", Village, ""},
		{"township 999", "652301999", Township, ""},

		{"empty", "", 0, "has 0 digits"},
		{"5 digits", "65230", 0, "has 5 digits"},
		{"7 digits", "6523011", 0, "has 7 digits"},
		{"13 digits", "6523010010011", 0, "has 13 digits"},
		{"letter", "65230a", 0, "character 6 ('a') is not a digit"},
		{"leading space", " 65230", 0, "character 1 (' ') is not a digit"},
		{"sign", "+65230", 0, "not a digit"},
		{"full-width digits", "６５２３０１", 0, "character 1 ('６') is not a digit"},
		{"region digit 0", "052301", 0, "first digit"},
		{"region digit 9", "952301", 0, "first digit"},
		{"county without prefecture", "650001", 0, "prefecture part is 00"},
		{"township under prefecture", "652300001", 0, "not a county-level code"},
		{"township under province", "650000001", 0, "not a county-level code"},
		{"zero township part", "652301000", 0, "township part is 000"},
		{"zero-padded 12-digit county", "652301000000", 0, "zero-padded"},
		{"zero village part", "652301001000", 0, "village part is 000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCode(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseCode(%q) = %q, nil; want error containing %q", tt.in, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseCode(%q) error = %q, want it to contain %q", tt.in, err, tt.wantErr)
				}
				if got != "" {
					t.Errorf("ParseCode(%q) code = %q on error, want empty", tt.in, got)
				}
				if l := Code(tt.in).Level(); l != 0 {
					t.Errorf("Code(%q).Level() = %v, want 0 for an invalid code", tt.in, l)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseCode(%q) error = %v, want nil", tt.in, err)
			}
			if string(got) != tt.in {
				t.Errorf("ParseCode(%q) = %q, want the input back", tt.in, got)
			}
			if l := got.Level(); l != tt.want {
				t.Errorf("Code(%q).Level() = %v, want %v", tt.in, l, tt.want)
			}
		})
	}
}

func TestCodeMethods(t *testing.T) {
	tests := []struct {
		code          Code
		prefix        string
		lo, hi        string
		county, paren Code
	}{
		{"650000", "65", "65", "66", "", ""},
		{"652300", "6523", "6523", "6524", "", "650000"},
		{"652900", "6529", "6529", "653", "", "650000"}, // prefix ends in 9
		{"659900", "6599", "6599", "66", "", "650000"},  // two trailing 9s
		{"889900", "8899", "8899", "89", "", "880000"},
		{"652301", "652301", "652301", "652302", "652301", "652300"},
		{"652329", "652329", "652329", "65233", "652329", "652300"},
		{"652390", "652390", "652390", "652391", "652390", "652300"},
		{"652399", "652399", "652399", "6524", "652399", "652300"},
		{"652301001", "652301001", "652301001", "652301002", "652301", "652301"},
		{"652301009", "652301009", "652301009", "65230101", "652301", "652301"},
		{"652301999", "652301999", "652301999", "652302", "652301", "652301"},
		{"652301001001", "652301001001", "652301001001", "652301001002", "652301", "652301001"},
		{"652301001999", "652301001999", "652301001999", "652301002", "652301", "652301001"},
		{"652399999999", "652399999999", "652399999999", "6524", "652399", "652399999"},
		{"not a code", "", "", "", "", ""},
		{"652301000000", "", "", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			if got := tt.code.Prefix(); got != tt.prefix {
				t.Errorf("Code(%q).Prefix() = %q, want %q", tt.code, got, tt.prefix)
			}
			lo, hi := tt.code.Range()
			if lo != tt.lo || hi != tt.hi {
				t.Errorf("Code(%q).Range() = [%q, %q), want [%q, %q)", tt.code, lo, hi, tt.lo, tt.hi)
			}
			if got := tt.code.County(); got != tt.county {
				t.Errorf("Code(%q).County() = %q, want %q", tt.code, got, tt.county)
			}
			if got := tt.code.Parent(); got != tt.paren {
				t.Errorf("Code(%q).Parent() = %q, want %q", tt.code, got, tt.paren)
			}
		})
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		code, other Code
		want        bool
	}{
		{"650000", "652301001001", true},
		{"652300", "652390", true},
		{"652300", "652301001001", true},
		{"652301", "652301", true},
		{"652301", "652301001", true},
		{"652301", "652301001001", true},
		{"652301001", "652301001001", true},
		{"652301001001", "652301001001", true},

		{"652301", "652302001001", false}, // neighbouring county
		{"652301", "652302", false},
		{"652301", "652300", false}, // child does not contain parent
		{"652301001", "652301", false},
		{"652301001", "652301002001", false},
		{"652301999", "652302", false}, // prefix ending in 9
		{"652329", "652330", false},
		{"652300", "652400", false},
		{"652300", "659004", false}, // Wujiaqu (XPCC) is outside Changji
		{"650000", "660000", false},

		{"652301", "65230100", false}, // invalid other
		{"652301", "652301000000", false},
		{"bad", "652301", false},
		{"", "", false},
	}
	for _, tt := range tests {
		if got := tt.code.Contains(tt.other); got != tt.want {
			t.Errorf("Code(%q).Contains(%q) = %v, want %v", tt.code, tt.other, got, tt.want)
		}
	}
}

// edgeCodes returns valid codes rich in 0s and 9s at every segment, where
// string ranges are easiest to get wrong.
func edgeCodes() []Code {
	var out []Code
	for _, p := range []string{"18", "65", "89"} {
		out = append(out, Code(p+"0000"))
		for _, f := range []string{"01", "09", "10", "23", "90", "99"} {
			out = append(out, Code(p+f+"00"))
			for _, c := range []string{"01", "09", "10", "90", "99"} {
				county := p + f + c
				out = append(out, Code(county))
				for _, tw := range []string{"001", "009", "099", "100", "999"} {
					out = append(out, Code(county+tw))
					for _, v := range []string{"001", "999"} {
						out = append(out, Code(county+tw+v))
					}
				}
			}
		}
	}
	return out
}

// TestRangeMatchesContains checks, over every pair of edge codes, that the
// string range of a code holds exactly the codes it contains.
func TestRangeMatchesContains(t *testing.T) {
	codes := edgeCodes()
	for _, c := range codes {
		if _, err := ParseCode(string(c)); err != nil {
			t.Fatalf("edge code %q is invalid: %v", c, err)
		}
	}
	for _, a := range codes {
		lo, hi := a.Range()
		for _, b := range codes {
			inRange := lo <= string(b) && string(b) < hi
			if got := a.Contains(b); got != inRange {
				t.Fatalf("Code(%q).Contains(%q) = %v, but %q in [%q, %q) = %v", a, b, got, b, lo, hi, inRange)
			}
		}
	}
}

func checkValidCode(t *testing.T, c Code) {
	t.Helper()
	l := c.Level()
	if !l.Valid() {
		t.Fatalf("Code(%q).Level() = %v for a parsed code", c, l)
	}
	if len(c) != map[Level]int{Province: 6, Prefecture: 6, County: 6, Township: 9, Village: 12}[l] {
		t.Fatalf("Code(%q) has level %v but length %d", c, l, len(c))
	}
	p := c.Prefix()
	if p == "" || !strings.HasPrefix(string(c), p) {
		t.Fatalf("Code(%q).Prefix() = %q, not a prefix of the code", c, p)
	}
	lo, hi := c.Range()
	if !(lo <= string(c) && string(c) < hi) {
		t.Fatalf("Code(%q).Range() = [%q, %q), does not hold the code", c, lo, hi)
	}
	if !c.Contains(c) {
		t.Fatalf("Code(%q).Contains(itself) = false", c)
	}
	if parent := c.Parent(); l == Province {
		if parent != "" {
			t.Fatalf("Code(%q).Parent() = %q, want empty for a province", c, parent)
		}
	} else {
		if parent.Level() != l-1 || !parent.Contains(c) || c.Contains(parent) {
			t.Fatalf("Code(%q).Parent() = %q (level %v), want the containing code one level up", c, parent, parent.Level())
		}
	}
	if county := c.County(); (l >= County) != (county != "") || (county != "" && (county.Level() != County || !county.Contains(c))) {
		t.Fatalf("Code(%q).County() = %q", c, county)
	}
}

func FuzzParseCode(f *testing.F) {
	for _, c := range edgeCodes() {
		f.Add(string(c))
	}
	for _, s := range []string{"", "652301000000", "65230a", "952301", "650001", "６５２３０１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCode(s)
		if err != nil {
			if c != "" || Code(s).Level() != 0 || Code(s).Prefix() != "" {
				t.Fatalf("ParseCode(%q) failed (%v) but the code is treated as valid", s, err)
			}
			return
		}
		if string(c) != s {
			t.Fatalf("ParseCode(%q) = %q", s, c)
		}
		checkValidCode(t, c)
	})
}

// FuzzRangeContains checks that Range and Contains agree for any two valid
// codes.
func FuzzRangeContains(f *testing.F) {
	f.Add("652301999", "652302")
	f.Add("652301", "652302001001")
	f.Add("652300", "652390")
	f.Add("659900", "660000")
	f.Fuzz(func(t *testing.T, a, b string) {
		ca, errA := ParseCode(a)
		cb, errB := ParseCode(b)
		if errA != nil || errB != nil {
			return
		}
		lo, hi := ca.Range()
		inRange := lo <= b && b < hi
		if got := ca.Contains(cb); got != inRange {
			t.Fatalf("Code(%q).Contains(%q) = %v, but in [%q, %q) = %v", a, b, got, lo, hi, inRange)
		}
	})
}
