package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestInsuranceAssessCLI(t *testing.T) {
	db := migratedDB(t, "i.db")
	out, _, err := runCLI(t, "insurance", "assess", "--db", db, "--period", "2025-03")
	if err != nil || !strings.Contains(out, "contribution assessment 2025-03 for 652300: 0 assessments") ||
		!strings.Contains(out, "social_insurance.average_wage") {
		t.Errorf("assess on an empty database: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "insurance", "assess", "--db", db, "--period", "2025-13"); err == nil {
		t.Error("a bad month: no error")
	}
}

func TestInsuranceReportCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	if out, _, err := runCLI(t, "gen", "--db", db, "--persons", "300"); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	out, _, err := runCLI(t, "insurance", "report", "--db", db, "--from", "2025-03", "--to", "2025-03")
	if err != nil || !strings.Contains(out, "昌吉市") || !strings.Contains(out, "total") {
		t.Errorf("insurance report: %v\n%s", err, out)
	}
}
