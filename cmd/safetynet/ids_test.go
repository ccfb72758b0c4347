package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// runCLI runs the binary in-process and returns its exit error and output.
func runCLI(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"safetynet"}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestIDsCheck(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  []string // substrings of the value's output line
		ok    bool
	}{
		{"valid", "652301199001011235", []string{"valid resident ID", "1990-01-01", "male", "652301"}, true},
		{"valid female", "652325196512310023", []string{"valid resident ID", "female"}, true},
		{"annex example with X", "11010519491231002X", []string{"valid resident ID"}, true},
		{"lower-case x", "11010519491231002x", []string{"valid resident ID", "11010519491231002X", "normalised"}, true},
		{"legacy 15 digits", "110105491231002", []string{"valid resident ID", "11010519491231002X", "upgraded from 15 digits"}, true},
		{"bad check digit", "652301199001011234", []string{"invalid resident ID (check_digit)", "check digit is 4, want 5"}, false},
		{"impossible date", "652301199002301230", []string{"invalid resident ID (birth_date)"}, false},
		{"future date", "652301209901011234", []string{"invalid resident ID (birth_date)"}, false},
		{"wrong length", "65230119900101123", []string{"invalid resident ID (length)"}, false},
		{"bad characters", "6523011990010112.5", []string{"invalid resident ID (characters)"}, false},
		{"letter at the end reads as a USCC", "65230119900101123A", []string{"invalid USCC"}, false},
		{"valid USCC", "91350100M000100Y43", []string{"valid USCC"}, true},
		{"valid USCC 2", "91350200776049653A", []string{"valid USCC"}, true},
		{"bad USCC check", "91350203M0001QAY9B", []string{"invalid USCC (check_char)"}, false},
		{"USCC excluded letter", "91350100M000100I43", []string{"invalid USCC (characters)"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCLI(t, "ids", "check", tt.value)
			if (err == nil) != tt.ok {
				t.Fatalf("ids check %s: err = %v, want ok = %v\n%s", tt.value, err, tt.ok, out)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("ids check %s output %q lacks %q", tt.value, out, w)
				}
			}
		})
	}
}

func TestIDsCheckLenientAndMixed(t *testing.T) {
	out, _, err := runCLI(t, "ids", "check", "--lenient", "91350203M0001QAY9B")
	if err != nil || !strings.Contains(out, "accepted for review") || !strings.Contains(out, "check_char") {
		t.Errorf("lenient check: err %v, output %q", err, out)
	}
	// One bad value among good ones fails the whole call, and every value
	// gets its line.
	out, _, err = runCLI(t, "ids", "check", "652301199001011235", "652301199001011234", "91350100M000100Y43")
	if err == nil {
		t.Error("mixed check: no error, want exit 1")
	}
	if n := strings.Count(out, "\n"); n != 3 {
		t.Errorf("mixed check printed %d lines, want 3:\n%s", n, out)
	}
}

func TestHelpListsCommands(t *testing.T) {
	out, _, err := runCLI(t, "help")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"version", "demo", "serve", "migrate", "gen", "ids", "audit"} {
		if !strings.Contains(out, "  "+c+" ") {
			t.Errorf("help does not list %s:\n%s", c, out)
		}
	}
	if _, _, err := runCLI(t, "frobnicate"); err == nil {
		t.Error("unknown command: no error")
	}
}
