package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// leafCommands returns every runnable command of the dispatcher, as its
// words on the command line, and every group.
func leafCommands() (leaves, groups [][]string) {
	var walk func(path []string, cs []command)
	walk = func(path []string, cs []command) {
		for _, c := range cs {
			p := append(slices.Clone(path), c.name)
			if c.subs != nil {
				groups = append(groups, p)
				walk(p, c.subs)
				continue
			}
			leaves = append(leaves, p)
		}
	}
	walk(nil, commands())
	return leaves, groups
}

// runCLI runs safetynet with args and returns its outputs and error.
func runArgs(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(string) string { return "" }
	err = run(context.Background(), append([]string{"safetynet"}, args...), getenv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// exitStatus is the status main exits with after err.
func exitStatus(err error) int {
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return int(ee)
	}
	return 2
}

var helpFlagLine = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)

// TestHelpEveryCommand asks every command and group of the dispatcher for
// its help, with --help and -h: the usage goes to stdout, the status is 0,
// a command's usage line names every flag it lists and its help lists
// only the flags it has, and every required flag is in the usage line.
func TestHelpEveryCommand(t *testing.T) {
	leaves, groups := leafCommands()
	if len(leaves) < 40 {
		t.Fatalf("only %d commands found", len(leaves))
	}
	for _, g := range append(groups, []string{}) {
		for _, h := range []string{"--help", "-h", "help"} {
			out, errOut, err := runArgs(t, append(slices.Clone(g), h)...)
			if err != nil || errOut != "" || !strings.Contains(out, "Usage") {
				t.Errorf("%v %s: err %v, stderr %q, stdout %q", g, h, err, errOut, out)
			}
		}
	}
	for _, l := range leaves {
		for _, h := range []string{"--help", "-h"} {
			out, errOut, err := runArgs(t, append(slices.Clone(l), h)...)
			if err != nil || errOut != "" {
				t.Errorf("%v %s: err %v, stderr %q", l, h, err, errOut)
				continue
			}
			line, _, _ := strings.Cut(out, "\n")
			name := strings.Join(l, " ")
			if name == "import hardship" {
				name = "accounts import-hardship" // the same command
			}
			if !strings.HasPrefix(line, "Usage: safetynet "+name) {
				t.Errorf("%v %s: usage line %q", l, h, line)
			}
			if strings.Contains(line, "[server flags]") {
				continue // serve's many server flags are only listed below
			}
			inLine := usageFlags(line)
			for _, m := range helpFlagLine.FindAllStringSubmatch(out, -1) {
				if !slices.Contains(inLine, m[1]) {
					t.Errorf("%v: flag --%s listed but not in the usage line %q", l, m[1], line)
				}
			}
		}
	}
}

// TestRequiredFlagsInUsageLine checks each command's flags marked
// required in its help are in its usage line, and that leaving one out is
// refused with its name.
func TestRequiredFlagsInUsageLine(t *testing.T) {
	leaves, _ := leafCommands()
	n := 0
	for _, l := range leaves {
		out, _, err := runArgs(t, append(slices.Clone(l), "--help")...)
		if err != nil {
			t.Fatalf("%v --help: %v", l, err)
		}
		line, _, _ := strings.Cut(out, "\n")
		for _, r := range requiredFlags(out) {
			n++
			if !slices.Contains(usageFlags(line), r) {
				t.Errorf("%v: required flag --%s not in the usage line %q", l, r, line)
			}
		}
	}
	if n < 20 {
		t.Fatalf("only %d required flags found", n)
	}
	for _, args := range [][]string{
		{"payroll", "--region", "652300"},
	} {
		_, _, err := runArgs(t, args...)
		if err == nil || !strings.Contains(err.Error(), "missing required flag --period") {
			t.Errorf("%v without --period: %v", args, err)
		}
	}
}

// requiredFlags returns the flags a help text marks "(required)".
func requiredFlags(help string) []string {
	var names []string
	blocks := helpFlagLine.FindAllStringSubmatchIndex(help, -1)
	for i, b := range blocks {
		end := len(help)
		if i+1 < len(blocks) {
			end = blocks[i+1][0]
		}
		if strings.Contains(help[b[0]:end], "(required)") {
			names = append(names, help[b[2]:b[3]])
		}
	}
	return names
}

// TestExtraArgumentsRefused checks a command that takes no positional
// argument names the one it was given, and one that does still takes it.
func TestExtraArgumentsRefused(t *testing.T) {
	for _, args := range [][]string{
		{"payroll", "--period", "2026-11", "extra"},
		{"version", "extra"},
		{"refund", "report", "--from", "2026-01", "--to", "2026-01", "extra"},
		{"import", "tax", "a.csv", "extra"},
	} {
		_, _, err := runArgs(t, args...)
		if err == nil || !strings.Contains(err.Error(), `unexpected argument "extra"`) {
			t.Errorf("%v: %v", args, err)
		}
	}
	out, _, err := runArgs(t, "ids", "check", "11010519491231002X")
	if err != nil || !strings.Contains(out, "valid resident ID") {
		t.Errorf("ids check VALUE: %v %q", err, out)
	}
}

// TestHelpListsOnlyOwnFlags checks commands that once shared a flag set.
func TestHelpListsOnlyOwnFlags(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		has, not []string
	}{
		{[]string{"import", "tax", "--help"}, []string{"-db"}, []string{"-source", "-department"}},
		{[]string{"import", "deaths", "--help"}, []string{"-source"}, []string{"-department"}},
		{[]string{"refund", "screen", "--help"}, []string{"-year"}, []string{"-by-county"}},
		{[]string{"refund", "report", "--help"}, []string{"-by-county"}, nil},
		{[]string{"accounts", "transfer-out", "--help"}, []string{"-to"}, []string{"-from", "-balance"}},
	} {
		out, _, _ := runArgs(t, tc.args...)
		for _, f := range tc.has {
			if !strings.Contains(out, "  "+f+" ") && !strings.Contains(out, "  "+f+"\n") {
				t.Errorf("%v: no %s in %q", tc.args, f, out)
			}
		}
		for _, f := range tc.not {
			if strings.Contains(out, "  "+f) {
				t.Errorf("%v: lists %s: %q", tc.args, f, out)
			}
		}
	}
}

// TestProgressPlainOffTerminal checks that progress written to a buffer,
// as to a log file, is plain lines: no carriage return redrawing a bar and
// no terminal escape sequences; one line a phase starts, one a tenth.
func TestProgressPlainOffTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "")
	for i := 0; i <= 100; i++ {
		p.set("classification", i, 100)
	}
	for i := 0; i <= 7; i++ {
		p.set("allowances", i, 7)
	}
	out := buf.String()
	if strings.ContainsAny(out, "\r\x1b") {
		t.Fatalf("progress off a terminal has control characters: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 11+8 || lines[0] != "classification: 0 of 100" || lines[10] != "classification: 100 of 100 (100%)" ||
		lines[11] != "allowances: 0 of 7" || lines[18] != "allowances: 7 of 7 (100%)" {
		t.Errorf("progress lines:\n%s", out)
	}

	// gen writes its progress to stderr, here a buffer.
	db := filepath.Join(t.TempDir(), "g.db")
	_, errOut, err := runArgs(t, "gen", "--db", db, "--persons", "50")
	if err != nil {
		t.Fatalf("gen: %v", err)
	}
	if strings.ContainsAny(errOut, "\r\x1b") || !strings.Contains(errOut, "generating persons: 50 of 50 (100%)") {
		t.Errorf("gen's progress off a terminal: %q", errOut)
	}
}

// TestReportCommandsTakeOnePeriod: every report command takes the period
// flags of the API's reports, --from and --to months and --region, lists
// them in its help, and names the flag at fault.
func TestReportCommandsTakeOnePeriod(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	for _, cmd := range [][]string{{"assistance", "report"}, {"assistance", "low-income"}, {"insurance", "report"}, {"pension", "report"}, {"refund", "report"}} {
		out, _, _ := runArgs(t, append(cmd, "--help")...)
		for _, f := range []string{"-from", "-to", "-region"} {
			if !strings.Contains(out, "  "+f+" ") {
				t.Errorf("%v --help lacks %s:\n%s", cmd, f, out)
			}
		}
		for want, args := range map[string][]string{
			"missing required flag --from": {"--db", db, "--to", "2025-01"},
			"missing required flag --to":   {"--db", db, "--from", "2025-01"},
			"--to: 2025-01 is before":      {"--db", db, "--from", "2025-03", "--to", "2025-01"},
			"--from:":                      {"--db", db, "--from", "2025-13", "--to", "2025-12"},
		} {
			_, errOut, err := runArgs(t, append(cmd, args...)...)
			if err == nil || !strings.Contains(err.Error()+errOut, want) {
				t.Errorf("%v %v: %v %s, want %q", cmd, args, err, errOut, want)
			}
		}
	}
}
