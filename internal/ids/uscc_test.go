package ids

import (
	"errors"
	"strings"
	"testing"
)

func TestParseUSCC(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		mode        Mode
		want        USCC
		wantFlags   Flags
		wantReason  Reason
		wantErr     string
		wantOrgCode string
	}{
		// Vectors from docs/domain.md 1.3.
		{name: "valid M000100Y4", in: "91350100M000100Y43", mode: Strict, want: "91350100M000100Y43", wantOrgCode: "M000100Y4"},
		{name: "valid 776049653", in: "91350200776049653A", mode: Strict, want: "91350200776049653A", wantOrgCode: "776049653"},
		{name: "bad check strict", in: "91350203M0001QAY9B", mode: Strict, wantReason: ReasonCheckChar,
			wantErr: `unified social credit code "91350203M0001QAY9B": check character is B, want 9`},
		{name: "bad check lenient", in: "91350203M0001QAY9B", mode: Lenient, want: "91350203M0001QAY9B", wantFlags: FlagCheckChar},
		{name: "valid lenient", in: "91350100M000100Y43", mode: Lenient, want: "91350100M000100Y43"},

		{name: "lower case", in: " 91350100m000100y43 ", mode: Strict, want: "91350100M000100Y43"},
		{name: "org check X", in: "9165230100000006X7", mode: Strict, want: "9165230100000006X7", wantOrgCode: "00000006X"}, // made with MakeUSCC
		{name: "authority A", in: "A16523010000000193", mode: Strict, want: "A16523010000000193"},
		{name: "bad org check strict", in: "91350100M000100Y53", mode: Strict, wantReason: ReasonOrgCodeCheck,
			wantErr: "organisation code check character is 5, want 4"},
		{name: "bad org check lenient", in: "91350100M000100Y53", mode: Lenient, want: "91350100M000100Y53", wantFlags: FlagOrgCodeCheck | FlagCheckChar},
		{name: "bad org check, good check char", in: "91350100M000100Y56", mode: Lenient, want: "91350100M000100Y56", wantFlags: FlagOrgCodeCheck},

		{name: "empty", in: "", mode: Lenient, wantReason: ReasonLength, wantErr: "unified social credit code: empty"},
		{name: "17 chars", in: "91350100M000100Y4", mode: Lenient, wantReason: ReasonLength, wantErr: "length 17, want 18"},
		{name: "19 chars", in: "91350100M000100Y433", mode: Lenient, wantReason: ReasonLength, wantErr: "length 19, want 18"},
		{name: "letter I", in: "91350100I000100Y43", mode: Lenient, wantReason: ReasonCharacters, wantErr: "character 'I' at position 9 is not in the code's character set"},
		{name: "letter O", in: "9135010OM000100Y43", mode: Lenient, wantReason: ReasonCharacters, wantErr: "position 8"},
		{name: "letter S", in: "S1350100M000100Y43", mode: Lenient, wantReason: ReasonCharacters, wantErr: "position 1"},
		{name: "letter Z", in: "91350100M000100YZ3", mode: Lenient, wantReason: ReasonCharacters, wantErr: "position 17"},
		{name: "letter V", in: "91350100M000100Y4V", mode: Lenient, wantReason: ReasonCharacters, wantErr: "position 18"},
		{name: "hyphen", in: "91350100-M000100Y4", mode: Lenient, wantReason: ReasonCharacters, wantErr: "'-' at position 9"},
		{name: "full-width", in: "９1350100M000100Y43", mode: Lenient, wantReason: ReasonCharacters, wantErr: "'９' at position 1"},
		{name: "authority 0", in: "01350100M000100Y43", mode: Lenient, wantReason: ReasonAuthority, wantErr: "registration authority code 0 is not one of 1-9, A, N, Y"},
		{name: "authority B", in: "B1350100M000100Y43", mode: Lenient, wantReason: ReasonAuthority, wantErr: "authority code B"},
		{name: "division letter", in: "9135010AM000100Y43", mode: Lenient, wantReason: ReasonDivision, wantErr: "division code 35010A is not 6 digits"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, flags, err := ParseUSCC(tt.in, tt.mode)
			if tt.wantReason != 0 {
				var e *USCCError
				if !errors.As(err, &e) {
					t.Fatalf("ParseUSCC(%q, %d) = %q, %v, want *USCCError", tt.in, tt.mode, got, err)
				}
				if e.Reason != tt.wantReason || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("ParseUSCC(%q, %d) error = %v (%s), want %q (%s)", tt.in, tt.mode, err, e.Reason, tt.wantErr, tt.wantReason)
				}
				return
			}
			if err != nil || got != tt.want || flags != tt.wantFlags {
				t.Fatalf("ParseUSCC(%q, %d) = %q, %s, %v, want %q, %s", tt.in, tt.mode, got, flags, err, tt.want, tt.wantFlags)
			}
			if tt.wantOrgCode != "" && got.OrgCode() != tt.wantOrgCode {
				t.Errorf("%q.OrgCode() = %q, want %q", got, got.OrgCode(), tt.wantOrgCode)
			}
			if got.DivisionCode() != string(tt.want[2:8]) {
				t.Errorf("%q.DivisionCode() = %q, want %q", got, got.DivisionCode(), tt.want[2:8])
			}
		})
	}
}

func TestMakeUSCC(t *testing.T) {
	tests := []struct {
		name      string
		authority byte
		orgType   byte
		division  string
		org8      string
		want      USCC
		wantErr   string
	}{
		{name: "vector 1", authority: '9', orgType: '1', division: "350100", org8: "M000100Y", want: "91350100M000100Y43"},
		{name: "vector 2", authority: '9', orgType: '1', division: "350200", org8: "77604965", want: "91350200776049653A"},
		{name: "vector 3 corrected", authority: '9', orgType: '1', division: "350203", org8: "M0001QAY", want: "91350203M0001QAY99"},
		{name: "org check X", authority: '9', orgType: '1', division: "652301", org8: "00000006", want: "9165230100000006X7"},
		{name: "civil affairs", authority: '5', orgType: '3', division: "652300"},
		{name: "authority Y", authority: 'Y', orgType: '1', division: "652301", org8: "ABCDEFGH"},
		{name: "bad authority", authority: 'Z', orgType: '1', division: "652301", org8: "00000001", wantErr: "registration authority code 'Z'"},
		{name: "bad type", authority: '9', orgType: 'I', division: "652301", org8: "00000001", wantErr: "organisation type 'I'"},
		{name: "bad division", authority: '9', orgType: '1', division: "65230", org8: "00000001", wantErr: `division code "65230" is not 6 digits`},
		{name: "short org code", authority: '9', orgType: '1', division: "652301", org8: "0000001", wantErr: "is not 8 characters"},
		{name: "lower-case org code", authority: '9', orgType: '1', division: "652301", org8: "0000000a", wantErr: "character 'a' is not in the code's character set"},
		{name: "org code with O", authority: '9', orgType: '1', division: "652301", org8: "0000000O", wantErr: "character 'O'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org8 := tt.org8
			if org8 == "" && tt.wantErr == "" {
				org8 = "MA7N3K2Q"
			}
			got, err := MakeUSCC(tt.authority, tt.orgType, tt.division, org8)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("MakeUSCC(%c, %c, %q, %q) = %q, %v, want error containing %q", tt.authority, tt.orgType, tt.division, org8, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || (tt.want != "" && got != tt.want) {
				t.Fatalf("MakeUSCC(%c, %c, %q, %q) = %q, %v, want %q", tt.authority, tt.orgType, tt.division, org8, got, err, tt.want)
			}
			if p, flags, err := ParseUSCC(string(got), Strict); err != nil || p != got || flags != 0 {
				t.Errorf("ParseUSCC(%q, Strict) = %q, %s, %v, want it back", got, p, flags, err)
			}
		})
	}
}

func TestFlagsString(t *testing.T) {
	tests := []struct {
		name string
		in   Flags
		want string
	}{
		{name: "none", in: 0, want: ""},
		{name: "check char", in: FlagCheckChar, want: "check_char"},
		{name: "org code", in: FlagOrgCodeCheck, want: "org_code_check"},
		{name: "both", in: FlagCheckChar | FlagOrgCodeCheck, want: "org_code_check,check_char"},
		{name: "unknown bit", in: FlagCheckChar | 0x10, want: "check_char,0x10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("Flags(%d).String() = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseUSCC(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91350200776049653A", "91350203M0001QAY9B", " 91350100m000100y43 ",
		"9165230100000006X7", "A16523010000000193", "91350100M000100Y53", "91350100M000100Y56", "",
		"91350100M000100Y4", "91350100I000100Y43", "91350100-M000100Y4", "９1350100M000100Y43",
		"01350100M000100Y43", "9135010AM000100Y43",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		strict, sflags, serr := ParseUSCC(s, Strict)
		lenient, lflags, lerr := ParseUSCC(s, Lenient)
		for _, err := range []error{serr, lerr} {
			var e *USCCError
			if err != nil && (!errors.As(err, &e) || e.Reason.String() == "unknown" || e.Detail == "") {
				t.Fatalf("ParseUSCC(%q) error = %#v, want a *USCCError with a reason", s, err)
			}
		}
		if serr == nil {
			if sflags != 0 || lerr != nil || lflags != 0 || lenient != strict {
				t.Fatalf("ParseUSCC(%q): strict = %q, %s; lenient = %q, %s, %v; want the same, no flags", s, strict, sflags, lenient, lflags, lerr)
			}
			again, _, err := ParseUSCC(string(strict), Strict)
			if err != nil || again != strict {
				t.Fatalf("ParseUSCC(%q) = %q, %v, want it back", strict, again, err)
			}
			made, err := MakeUSCC(strict[0], strict[1], string(strict[2:8]), string(strict[8:16]))
			if err != nil || made != strict {
				t.Fatalf("MakeUSCC(parts of %q) = %q, %v, want it back", strict, made, err)
			}
			return
		}
		if lerr == nil {
			// Only a check failure may separate the modes.
			var e *USCCError
			errors.As(serr, &e)
			if lflags == 0 || (e.Reason != ReasonCheckChar && e.Reason != ReasonOrgCodeCheck) {
				t.Fatalf("ParseUSCC(%q): strict error %v, lenient flags %s", s, serr, lflags)
			}
			made, err := MakeUSCC(lenient[0], lenient[1], string(lenient[2:8]), string(lenient[8:16]))
			if err != nil || (made == lenient) {
				t.Fatalf("MakeUSCC(parts of %q) = %q, %v, want a corrected code", lenient, made, err)
			}
		}
	})
}
