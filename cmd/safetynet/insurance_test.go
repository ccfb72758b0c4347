package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestInsuranceAssessCLI(t *testing.T) {
	db := filepath.Join(t.TempDir(), "i.db")
	out, _, err := runCLI(t, "insurance", "assess", "--db", db, "--period", "2025-03")
	if err != nil || !strings.Contains(out, "contribution assessment 2025-03 for 652300: 0 assessments") ||
		!strings.Contains(out, "social_insurance.average_wage") {
		t.Errorf("assess on an empty database: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "insurance", "assess", "--db", db, "--period", "2025-13"); err == nil {
		t.Error("a bad month: no error")
	}
}
