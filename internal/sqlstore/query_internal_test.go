package sqlstore

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestPrefixEnd checks that [s, prefixEnd(s)) holds exactly the strings
// that start with s, in byte order.
func TestPrefixEnd(t *testing.T) {
	for _, s := range []string{"袁", "张伟", "a", "Zz", "\uD7FF", "x" + string(utf8.MaxRune)} {
		end, ok := prefixEnd(s)
		if !ok {
			t.Fatalf("prefixEnd(%q) has no end", s)
		}
		for _, v := range []string{s, s + "明", s + "a", s + string(utf8.MaxRune)} {
			if !(v >= s && v < end) {
				t.Errorf("prefixEnd(%q) = %q leaves out %q", s, end, v)
			}
		}
		for _, v := range []string{end, end + "a"} {
			if strings.HasPrefix(v, s) {
				t.Errorf("prefixEnd(%q) = %q starts with the prefix", s, end)
			}
		}
		if !utf8.ValidString(end) {
			t.Errorf("prefixEnd(%q) = %q is not UTF-8", s, end)
		}
	}
	if _, ok := prefixEnd(string(utf8.MaxRune)); ok {
		t.Error("a prefix of the last character has an end")
	}
	// The strings after the prefix in order are past the end.
	if end, _ := prefixEnd("袁"); !("袂" >= end) {
		t.Errorf("the next character 袂 falls before prefixEnd(袁)")
	}
}
