package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestRefundCLI screens for the 2026 refund: the 2025 notice ended the
// policy on 2025-12-31, so nobody is eligible, and the screening says so
// and records no run (no empty batch waits for approval); the store tests
// (TestRefundEndToEnd) pay refunds in batches.
func TestRefundCLI(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "r.db")
	if _, errOut, err := runCLI(t, "gen", "--db", dbPath, "--persons", "2000"); err != nil {
		t.Fatalf("gen: %v\n%s", err, errOut)
	}
	out, _, err := runCLI(t, "refund", "screen", "--db", dbPath, "--year", "2026")
	if err != nil || !strings.Contains(out, "none to refund") || !strings.Contains(out, "no run recorded") {
		t.Fatalf("refund screen: %v\n%s", err, out)
	}
	if runs := dump(t, dbPath, map[string]string{"runs": "SELECT id, status FROM refund_runs"})["runs"]; len(runs) != 0 {
		t.Errorf("refund runs %v after a screening with nobody eligible, want none", runs)
	}
	if _, _, err := runCLI(t, "refund", "screen", "--db", dbPath, "--year", "26"); err == nil {
		t.Error("year 26: no error")
	}
	out, _, err = runCLI(t, "refund", "report", "--db", dbPath, "--from", "2026-01", "--to", "2026-12")
	if err != nil || !strings.Contains(out, "job-stabilisation refunds 2026") {
		t.Fatalf("refund report: %v\n%s", err, out)
	}
}
