package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestAccountsCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	out, _, err := runCLI(t, "accounts", "credit", "--db", db, "--period", "2025-03")
	if err != nil || !strings.Contains(out, "personal-account crediting 2025-03 for 652300: 0 payments, 0 entries posted") {
		t.Errorf("credit on an empty database: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "accounts", "interest", "--db", db, "--year", "2024")
	if err != nil || !strings.Contains(out, "employee_pension: 0 accounts") || !strings.Contains(out, "employee_pension.account_interest_rate = 2.62%") {
		t.Errorf("interest on an empty database: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "accounts", "interest", "--db", db, "--year", "2015"); err == nil || !strings.Contains(err.Error(), "employee_pension.account_interest_rate") {
		t.Errorf("interest for 2015 (no rate): %v", err)
	}
	if _, _, err := runCLI(t, "accounts", "credit", "--db", db, "--period", "2025-13"); err == nil {
		t.Error("a bad month: no error")
	}
	if _, _, err := runCLI(t, "accounts", "statement", "--db", db, "--person", "7"); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("statement of an unknown person: %v", err)
	}
	if _, _, err := runCLI(t, "accounts", "bogus"); err == nil {
		t.Error("an unknown subcommand: no error")
	}
}
