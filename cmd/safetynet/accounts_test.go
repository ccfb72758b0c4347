package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

func TestAccountsCLI(t *testing.T) {
	db := migratedDB(t, "a.db")
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

func TestAccountsHardshipCLI(t *testing.T) {
	dir := t.TempDir()
	db := migratedDBIn(t, dir, "h.db")
	out, _, err := runCLI(t, "accounts", "hardship", "--db", db, "--year", "2025")
	if err != nil || !strings.Contains(out, "代缴 2025 for 652300: nobody new to pay for") {
		t.Errorf("hardship on an empty database: %v\n%s", err, out)
	}
	// A valid file naming nobody registered: rejected whole, row by row.
	file := filepath.Join(dir, "困难群体.csv")
	csv := "公民身份号码,姓名,困难类别\n" + validID(t, 1) + ",张三,低保\n" + validID(t, 2) + ",李四,特困人员\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	_, stderr, err := runCLI(t, "accounts", "import-hardship", "--db", db, "--year", "2025", file)
	if err == nil || !strings.Contains(stderr, "row 2: id_number") || !strings.Contains(stderr, "row 3: id_number") || strings.Contains(stderr, validID(t, 1)) {
		t.Errorf("unknown persons: %v\n%s", err, stderr)
	}
	// A group civil affairs does not use: rejected by the file check.
	if err := os.WriteFile(file, []byte("公民身份号码,姓名,困难类别\n"+validID(t, 1)+",张三,富裕\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, stderr, err := runCLI(t, "accounts", "import-hardship", "--db", db, "--year", "2025", file); err == nil || !strings.Contains(stderr, "row 2") {
		t.Errorf("bad group: %v\n%s", err, stderr)
	}
}

// validID returns the seq-th valid resident ID of a person born in 昌吉市.
func validID(t *testing.T, seq int) string {
	t.Helper()
	id, err := ids.MakeResidentID("652301", period.MustDate(1980, time.March, 5), seq)
	if err != nil {
		t.Fatal(err)
	}
	return string(id)
}

func TestAccountsBackPayCLI(t *testing.T) {
	db := migratedDB(t, "b.db")
	_, stderr, err := runCLI(t, "accounts", "back-pay", "--db", db, "--person", "5", "--years", "2015,2016", "--tier", "500")
	if err == nil || !strings.Contains(stderr, "person_id") {
		t.Errorf("back payment of an unknown person: %v\n%s", err, stderr)
	}
	if _, _, err := runCLI(t, "accounts", "back-pay", "--db", db, "--person", "5", "--years", "2015,x", "--tier", "500"); err == nil || !strings.Contains(err.Error(), "--years") {
		t.Errorf("a bad year: %v", err)
	}
	if _, _, err := runCLI(t, "accounts", "upgrade-tier", "--db", db, "--person", "5", "--year", "2015", "--tier", "abc"); err == nil || !strings.Contains(err.Error(), "--tier") {
		t.Errorf("a bad tier: %v", err)
	}
}

func TestAccountsTransferCLI(t *testing.T) {
	db := migratedDB(t, "t.db")
	_, stderr, err := runCLI(t, "accounts", "transfer-out", "--db", db, "--person", "5", "--to", "深圳市", "--on", "2026-01-05")
	if err == nil || !strings.Contains(stderr, "person_id") {
		t.Errorf("transfer of an unknown person: %v\n%s", err, stderr)
	}
	if _, _, err := runCLI(t, "accounts", "transfer-in", "--db", db, "--person", "5", "--from", "北京市", "--on", "2026-01-05", "--balance", "x"); err == nil || !strings.Contains(err.Error(), "--balance") {
		t.Errorf("a bad balance: %v", err)
	}
}
