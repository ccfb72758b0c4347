package mobile

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestEveryMessageTranslated finds a message without both languages, and a
// literal key a template asks for that has no message.
func TestEveryMessageTranslated(t *testing.T) {
	for k, m := range messages {
		if m.zh == "" || m.en == "" {
			t.Errorf("message %s lacks a language", k)
		}
	}
	key := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		b, err := fs.ReadFile(files, n)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s asks for message %s, which has none", n, m[1])
			}
		}
	}
}
