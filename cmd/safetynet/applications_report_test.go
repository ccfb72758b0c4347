package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestServiceReportCLI prints the handling report of two applications of
// November 2026, one at a bank outlet and one online: an aligned table by
// channel and the 线上办理率 line, 50.00%; a bad grouping is refused.
func TestServiceReportCLI(t *testing.T) {
	dsn := filepath.Join(t.TempDir(), "rep.db")
	if out, stderr, err := runCLI(t, "migrate", "--db", dsn); err != nil {
		t.Fatalf("migrate: %v\n%s%s", err, out, stderr)
	}
	db, err := sqlstore.Open(context.Background(), dsn, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	day := period.MustDate(2026, time.November, 2)
	for i, ch := range []matters.Channel{matters.Bank, matters.Online} {
		a := &frontoffice.Application{Matter: "employee_pension_certificate", Department: "sibao", Channel: ch, RegionCode: "652301001001",
			Status: frontoffice.Completed, ReceivedBy: 1, ReceivedAt: day.Time(), AcceptedOn: day, DueDate: day, CompletedOn: day, WorkingDays: new(int)}
		if ch == matters.Bank {
			a.Point = "bank-652301-01"
		}
		if err := db.CreateApplication(sqlstoretest.Admin(), a, "SNCLI"+string(rune('A'+i)), frontoffice.Event{Action: "receive", To: a.Status}, nil); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	out, stderr, err := runCLI(t, "service-report", "--db", dsn, "--from", "2026-11-01", "--to", "2026-11-30", "--region", "652300")
	if err != nil {
		t.Fatalf("service-report: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "线上办理率 50.00%: 1 received online") || !strings.Contains(out, "网上办") ||
		!strings.Contains(out, "银行网点（社银合作）") || !strings.Contains(out, "合计") {
		t.Errorf("output:\n%s\nwant the channels, 合计 and 线上办理率 50.00%%", out)
	}
	if _, _, err := runCLI(t, "service-report", "--db", dsn, "--from", "2026-11-01", "--to", "2026-11-30", "--by", "colour"); err == nil {
		t.Error("--by colour accepted")
	}
}
