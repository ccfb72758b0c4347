package main

import (
	"context"
	"log/slog"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// seededDB generates persons into a new database and seeds months of
// civil affairs on it, as the demo does.
func seededDB(t *testing.T, persons, months string) string {
	t.Helper()
	dbPath := filepath.Join(t.TempDir(), "a.db")
	if _, errOut, err := runCLI(t, "gen", "--db", dbPath, "--persons", persons); err != nil {
		t.Fatalf("gen: %v\n%s", err, errOut)
	}
	if out, errOut, err := runCLI(t, "assistance", "seed", "--db", dbPath, "--months", months); err != nil {
		t.Fatalf("assistance seed: %v\n%s%s", err, out, errOut)
	}
	return dbPath
}

func TestAssistanceCLI(t *testing.T) {
	dbPath := seededDB(t, "4000", "3")
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	last := testApp(t, db).Registry.Today().Period().Add(-1)
	db.Close()
	out, _, err := runCLI(t, "assistance", "classify", "--db", dbPath, "--period", last.String())
	if err != nil || !strings.Contains(out, "tested households") || !strings.Contains(out, "dibao") {
		t.Fatalf("classify: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "assistance", "low-income", "--db", dbPath, "--from", last.String(), "--to", last.String())
	if err != nil || !strings.Contains(out, "低保对象") || !strings.Contains(out, "total") {
		t.Fatalf("low-income: %v\n%s", err, out)
	}
	// The seed paid every month: a second run of the last writes nothing.
	out, _, err = runCLI(t, "assistance", "pay", "--db", dbPath, "--period", last.String())
	if err != nil || !strings.Contains(out, "(0 new in this run)") {
		t.Fatalf("pay again: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "assistance", "report", "--db", dbPath, "--from", last.Add(-2).String(), "--to", last.String(), "--rows")
	if err != nil || !strings.Contains(out, "high_age_allowance") || !strings.Contains(out, "disability_subsidies") || !strings.Contains(out, "最低生活保障") {
		t.Fatalf("report: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "screen", "--db", dbPath, "--programme", "high_age_allowance", "--period", last.Add(1).String())
	if err != nil || !strings.Contains(out, "proposed: a caseworker reviews each run") {
		t.Fatalf("screen: %v\n%s", err, out)
	}
	out, errOut, err := runCLI(t, "screen", "--db", dbPath, "--programme", "monthly", "--period", last.Add(1).String())
	if err != nil || strings.Count(out, "\n") < 5 || !strings.Contains(out, "disability_care_subsidy") || !strings.Contains(errOut, "screening") {
		t.Fatalf("screen monthly: %v\n%s%s", err, out, errOut)
	}
	out, errOut, err = runCLI(t, "screen", "--db", dbPath, "--programme", "all", "--period", last.Add(1).String())
	for _, want := range []string{"screening job", "classified", "特困", "heating_assistance", "festival_subsidy", "high_age_allowance", "disability_care_subsidy"} {
		if err != nil || !strings.Contains(out, want) {
			t.Fatalf("screen all: %v; no %q in\n%s%s", err, want, out, errOut)
		}
	}
	// stderr is no terminal: plain progress lines, to the end.
	if !strings.Contains(errOut, "(100%)\n") || !strings.Contains(errOut, "\ndone: ") || strings.ContainsAny(errOut, "\r\x1b") {
		t.Errorf("screen all: no plain progress lines to the end in\n%q", errOut)
	}
	t.Logf("screen all:\n%s", out)
	// The month's runs wait for a decision: an event screening of some
	// persons of it would propose their awards a second time.
	if _, _, err := runCLI(t, "screen", "--db", dbPath, "--programme", "events", "--period", last.Add(1).String(), "--quiet"); err == nil ||
		!strings.Contains(err.Error(), "waits for a decision") {
		t.Errorf("screen events of a month whose runs wait for a decision: %v, want refused naming the open run", err)
	}
	out, _, err = runCLI(t, "screen", "--db", dbPath, "--programme", "events", "--period", last.Add(2).String(), "--quiet")
	if err != nil || !strings.Contains(out, "turning 80 in") {
		t.Fatalf("screen events: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "screen", "--db", dbPath, "--programme", "dibao", "--period", last.String()); err == nil {
		t.Error("screen dibao (not an allowance): no error")
	}
	if _, _, err := runCLI(t, "assistance", "report", "--db", dbPath, "--from", last.String(), "--to", last.Add(-1).String()); err == nil {
		t.Error("a report ending before it starts: no error")
	}
}

// TestPublishedAssistanceFigures reproduces Changji's published figures as
// report rows from data (docs/domain.md 6.7, 6.8): a year of the synthetic
// prefecture at 1:40, screened and paid month by month, scaled to 1.6
// million persons: 33,700 people aged 80+ received 25.73 million yuan of
// high-age allowance, and 15,600 people 20.39 million yuan of the two
// disability subsidies. The people are those paid at the year's end (年末
// 享受人数); the figures land within 12%.
func TestPublishedAssistanceFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("a year of a 40,000-person prefecture: skipped with -short")
	}
	dbPath := seededDB(t, "40000", "12")
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
	db, err := sqlstore.Open(ctx, dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := testApp(t, db)
	last := a.Clock.Today().Period().Add(-1)
	rep, err := a.Assistance.Report(ctx, last.Add(-11), last, region.Changji)
	if err != nil {
		t.Fatal(err)
	}
	const scale = 1_600_000 / 40_000.0
	for _, want := range []struct {
		programme string
		persons   float64
		yuan      float64
	}{
		{assistance.ProgHighAge, 33_700, 25_730_000},
		{"disability_subsidies", 15_600, 20_390_000},
	} {
		var got assistance.ReportRow
		for _, r := range rep.Totals {
			if r.Programme == want.programme {
				got = r
			}
		}
		persons, yuan := float64(got.LastMonth)*scale, float64(got.Amount)/100*scale
		t.Logf("%s: %d persons paid in the year, %d at its end, %s yuan at 1:40; %.0f persons, %.2f million yuan scaled (published %.0f, %.2f million)",
			want.programme, got.Beneficiaries, got.LastMonth, got.Amount, persons, yuan/1e6, want.persons, want.yuan/1e6)
		if math.Abs(persons/want.persons-1) > 0.12 || math.Abs(yuan/want.yuan-1) > 0.12 {
			t.Errorf("%s: %.0f persons and %.2f million yuan scaled, want within 12%% of %.0f and %.2f million",
				want.programme, persons, yuan/1e6, want.persons, want.yuan/1e6)
		}
	}
}
