package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

func TestPensionCLI(t *testing.T) {
	dbPath := filepath.Join(t.TempDir(), "p.db")
	if _, _, err := runCLI(t, "migrate", "--db", dbPath); err != nil {
		t.Fatal(err)
	}
	// One retiree, registered directly.
	ctx := auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
	db, err := sqlstore.Open(ctx, dbPath, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	idn, err := ids.MakeResidentID("652301", period.MustDate(1964, time.December, 5), 11)
	if err != nil {
		t.Fatal(err)
	}
	p := &registry.Person{IDNumber: idn, Name: "李强", Ethnicity: "han", HukouType: registry.HukouUrban, HukouRegion: "652301", RegionCode: "652301001001"}
	if err := testApp(t, db).Registry.CreatePerson(ctx, p); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, _, err := runCLI(t, "pension", "award", "--db", dbPath, "--person", fmt.Sprint(p.ID), "--group", "male", "--start", "2025-01", "--deemed-months", "360")
	if err != nil || !strings.Contains(out, "employee_pension from 2025-01, 2,027.52 yuan a month") || !strings.Contains(out, "basic_pension") {
		t.Fatalf("pension award: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "pension", "award", "--db", dbPath, "--person", fmt.Sprint(p.ID), "--group", "female_cadre"); err == nil {
		t.Error("an award against the registry gender: no error")
	}
	// The second run pays nothing new: it says so and records no run.
	for i, want := range []string{"lines        1 (1 new in this run)", "lines        1 (0 new in this run)"} {
		out, _, err = runCLI(t, "payroll", "--db", dbPath, "--period", "2025-01")
		if err != nil || !strings.Contains(out, want) || strings.Contains(out, "no run recorded") != (i == 1) || !strings.Contains(out, "regular      2,027.52 yuan") || !strings.Contains(out, "overpayments 0 outstanding") {
			t.Fatalf("payroll run %d: %v\n%s", i+1, err, out)
		}
	}
	if runs := dump(t, dbPath, map[string]string{"runs": "SELECT id FROM payroll_runs"})["runs"]; len(runs) != 1 {
		t.Errorf("payroll runs %v after two runs of a month, the second paying nothing new; want the first only", runs)
	}
	out, _, err = runCLI(t, "pension", "certify", "--db", dbPath, "--person", fmt.Sprint(p.ID), "--date", "2025-02-01", "--method", "visit")
	if err != nil || !strings.Contains(out, "by visit") {
		t.Fatalf("pension certify: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "pension", "adjust", "--db", dbPath, "--year", "2025", "--announced", "2025-06")
	if err != nil || !strings.Contains(out, "pension adjustment 2025 for 652300: 0 awards, 0 new") {
		t.Fatalf("pension adjust: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "pension", "adjust", "--db", dbPath, "--year", "2026", "--announced", "2026-06"); err == nil || !strings.Contains(err.Error(), "no adjustment scheme") {
		t.Errorf("adjustment of 2026, with no 2026 scheme: %v", err)
	}
	out, _, err = runCLI(t, "pension", "duplicates", "--db", dbPath)
	if err != nil || !strings.Contains(out, "duplicate pension receipts in 652300: 0") {
		t.Fatalf("pension duplicates: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "pension", "report", "--db", dbPath, "--from", "2025-01", "--to", "2025-01")
	if err != nil || !strings.Contains(out, "employee_pension          1 awards  2,027.52 → 2,027.52 yuan") {
		t.Fatalf("pension report: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "payroll", "--db", dbPath, "--period", "2025-13"); err == nil {
		t.Error("a bad month: no error")
	}
}
