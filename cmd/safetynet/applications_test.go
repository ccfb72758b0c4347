package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"safetynet/internal/app"
	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestApplicationsCLI: an enrolment certificate received online and
// finished at once (即办) is listed by `applications list` in the zh-CN
// table with the applicant's name masked, shown with its timeline by
// `applications show`; `settle`, `recompute-due` and `remind` find
// nothing to do; an unknown number and a missing one are errors.
func TestApplicationsCLI(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	if out, _, err := runCLI(t, "migrate", "--db", path); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out)
	}
	db := sqlstoretest.OpenFile(t, path)
	a, _ := sqlstoretest.NewApp(t, db, app.Options{})
	sys := a.System(context.Background(), "test")
	p := sqlstoretest.NewPerson(t, sqlstoretest.Village(t, "652301", 0), 7)
	p.Name = "张三丰"
	if err := a.Registry.CreatePerson(sys, p); err != nil {
		t.Fatal(err)
	}
	off, err := a.FrontOffice.Office()
	if err != nil {
		t.Fatal(err)
	}
	m, _ := off.Catalogue.Matter("employee_pension_certificate")
	mats := map[string]frontoffice.MaterialIn{}
	for _, mat := range m.Materials {
		if mat.Asked() && mat.ID != "agent_id" && mat.ID != "authorisation" {
			mats[mat.ID] = frontoffice.MaterialIn{How: frontoffice.MaterialUploaded}
		}
	}
	got, err := a.FrontOffice.Receive(sys, frontoffice.Receipt{Matter: m.ID, Channel: matters.Online, PersonID: p.ID, Materials: mats})
	if err != nil || got.Status != frontoffice.Completed {
		t.Fatalf("Receive = %+v, %v; want completed at once", got, err)
	}
	db.Close()

	out, _, err := runCLI(t, "applications", "list", "--db", path)
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "办件编号") || !strings.Contains(lines[0], "办结时限") || !strings.Contains(lines[1], got.No) ||
		!strings.Contains(lines[1], "张*丰") || strings.Contains(lines[1], "张三丰") || !strings.Contains(lines[1], "网上办") ||
		!strings.Contains(lines[1], "已办结") || lines[2] != "共 1 件" {
		t.Errorf("list:\n%s", out)
	}
	if out, _, err := runCLI(t, "applications", "list", "--db", path, "--status", "held"); err != nil || !strings.Contains(out, "共 0 件") {
		t.Errorf("list --status held: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "applications", "list", "--db", path, "--status", "lost"); err == nil {
		t.Error("list --status lost: no error")
	}
	out, _, err = runCLI(t, "applications", "show", "--db", path, got.No)
	if err != nil || !strings.Contains(out, "办理过程") || !strings.Contains(out, "complete") || !strings.Contains(out, "张*丰") {
		t.Errorf("show: %v\n%s", err, out)
	}
	for _, c := range [][]string{{"settle", "认领 0 件"}, {"recompute-due", "计算办结时限 0 件"}, {"remind", "催交通知 0 条"}} {
		if out, _, err := runCLI(t, "applications", c[0], "--db", path); err != nil || !strings.Contains(out, c[1]) {
			t.Errorf("%s: %v\n%s", c[0], err, out)
		}
	}
	if _, _, err := runCLI(t, "applications", "show", "--db", path, "SNX"); err == nil {
		t.Error("show of an unknown number: no error")
	}
	if _, _, err := runCLI(t, "applications", "show", "--db", path); err == nil {
		t.Error("show with no number: no error")
	}
}
