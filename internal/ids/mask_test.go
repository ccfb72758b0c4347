package ids

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMask(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "resident ID", in: "652301199001011235", want: "652301********1235"},
		{name: "legacy", in: "652301900101123", want: "652301*****1123"},
		{name: "eleven", in: "12345678901", want: "123456*8901"},
		{name: "ten", in: "1234567890", want: "**********"},
		{name: "short", in: "12345", want: "*****"},
		{name: "empty", in: "", want: ""},
		{name: "multi-byte", in: "身份证号码是六五二三零一一九九零", want: "身份证号码是******一九九零"},
		{name: "long", in: strings.Repeat("1", 100), want: "111111" + strings.Repeat("*", 24) + "1111"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "mobile", in: "13812345678", want: "138****5678"},
		{name: "landline", in: "0994-2345678", want: "099*****5678"},
		{name: "with country code", in: "+8613812345678", want: "+86*******5678"},
		{name: "short", in: "2345678", want: "*******"},
		{name: "ten", in: "1381234567", want: "**********"},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskPhone(tt.in); got != tt.want {
				t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMaskAccount(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "card", in: "6222021234567891234", want: "***************1234"},
		{name: "sixteen", in: "6222021234561234", want: "************1234"},
		{name: "eight", in: "12345678", want: "****5678"},
		{name: "short", in: "1234567", want: "*******"},
		{name: "empty", in: "", want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MaskAccount(tt.in); got != tt.want {
				t.Errorf("MaskAccount(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"652301199001011235", "13812345678", "6222021234567891234", "", "身份证号码是六五二三零一一九九零", "\xff\xfe12345678901"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		for _, m := range []func(string) string{Mask, MaskPhone, MaskAccount} {
			out := m(s)
			if utf8.ValidString(s) && !utf8.ValidString(out) {
				t.Fatalf("mask of %q = %q, not valid UTF-8", s, out)
			}
			if n > 0 && !strings.Contains(out, "*") {
				t.Fatalf("mask of %q = %q, masks nothing", s, out)
			}
			if n >= 7 && out == s && !strings.Contains(s, "*") {
				t.Fatalf("mask of %q returned it unchanged", s)
			}
		}
	})
}
