package main

import (
	"fmt"
	"path/filepath"
	"regexp"
	"testing"
)

// TestStatisticsSummariseCLI: statistics summarise writes a month's
// figures, or each month of a range, printing per month the figures
// written and the seconds; summarising a month again replaces it (a new
// version, one audit event per summary); the flags are checked.
func TestStatisticsSummariseCLI(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "s.db")
	if _, errOut, err := runCLI(t, "gen", "--db", dbPath, "--persons", "300"); err != nil {
		t.Fatalf("gen: %v\n%s", err, errOut)
	}
	line := regexp.MustCompile(`(?m)^2026-1[01]: [1-9][0-9]* figures written in [0-9.]+ s$`)
	out, _, err := runCLI(t, "statistics", "summarise", "--db", dbPath, "--month", "2026-11")
	if err != nil || len(line.FindAllString(out, -1)) != 1 {
		t.Fatalf("summarise --month: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "statistics", "summarise", "--db", dbPath, "--from", "2026-10", "--to", "2026-11")
	if err != nil || len(line.FindAllString(out, -1)) != 2 {
		t.Fatalf("summarise --from --to: %v\n%s", err, out)
	}
	got := dump(t, dbPath, map[string]string{
		"months": "SELECT period || ' ' || version || ' ' || summarised_by FROM statistics_months ORDER BY period",
		"audit":  "SELECT COUNT(*) FROM audit_events WHERE action = 'statistics.summarise'",
	})
	if fmt.Sprint(got["months"]) != "[2026-10 1 system:statistics 2026-11 2 system:statistics]" || fmt.Sprint(got["audit"]) != "[3]" {
		t.Errorf("after three summaries: %v", got)
	}
	for _, args := range [][]string{
		{"--month", "2026-11", "--from", "2026-10"},
		{},
		{"--from", "2026-11", "--to", "2026-10"},
		{"--month", "2026-13"},
	} {
		if _, _, err := runCLI(t, append([]string{"statistics", "summarise", "--db", dbPath}, args...)...); err == nil {
			t.Errorf("statistics summarise %v: no error", args)
		}
	}
}
