package main

import (
	"strings"
	"testing"
)

func TestBenefitCLI(t *testing.T) {
	db := migratedDB(t, "b.db")
	out, _, err := runCLI(t, "benefit", "pay", "--db", db, "--period", "2025-03")
	if err != nil || !strings.Contains(out, "benefit run 2025-03 for 652300: 0 lines") {
		t.Errorf("pay on an empty database: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "benefit", "pay", "--db", db, "--period", "2025-13"); err == nil {
		t.Error("a bad month: no error")
	}
	_, errOut, err := runCLI(t, "benefit", "claim", "--db", db, "--person", "1", "--org", "1", "--separation-date", "2025-06-30",
		"--separation", "quit", "--registered-on", "2025-07-01")
	if err == nil || !strings.Contains(errOut, "separation") || !strings.Contains(errOut, "person_id") {
		t.Errorf("claim for nobody: %v\n%s", err, errOut)
	}
	if _, _, err := runCLI(t, "benefit", "frobnicate"); err == nil {
		t.Error("an unknown subcommand: no error")
	}
}
