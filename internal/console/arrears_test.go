package console_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// TestArrearsPages checks the arrears page over more employers in arrears
// than a page holds: the first page lists 50 employers and links to the
// next, which lists the rest and links nowhere; every employer in arrears
// shows once, by name.
func TestArrearsPages(t *testing.T) {
	s := newSite(t)
	ctx := s.App.System(context.Background(), "test")
	last := s.App.Clock.Today().Period().Add(-1)
	const employers = 51
	for i := range employers {
		code := sqlstoretest.Village(t, "652301", i%3)
		uscc, err := ids.MakeUSCC('9', '1', "652301", fmt.Sprintf("QF%06d", i))
		if err != nil {
			t.Fatal(err)
		}
		o := &registry.Organisation{USCC: uscc, Name: fmt.Sprintf("欠费测试企业%02d", i), IndustryCode: "C1711", Size: registry.SizeSmall, RegionCode: code}
		if err := s.App.Registry.CreateOrganisation(ctx, o); err != nil {
			t.Fatal(err)
		}
		p := sqlstoretest.NewPerson(t, code, 900+i)
		if err := s.App.Registry.CreatePerson(ctx, p); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Registry.CreateEmployment(ctx, &registry.Employment{PersonID: p.ID, OrgID: o.ID,
			Start: period.MustDate(2020, time.January, 1), MonthlyWage: money.Yuan(6000)}); err != nil {
			t.Fatal(err)
		}
		if err := s.App.Insurance.Enrol(ctx, &insurance.Enrolment{PersonID: p.ID, Scheme: insurance.EmployeePension, Kind: insurance.ThroughEmployer,
			OrgID: o.ID, Start: last}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.App.Insurance.Assess(ctx, last, "652301"); err != nil {
		t.Fatal(err)
	}

	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	names := regexp.MustCompile(`欠费测试企业\d\d`)
	next := regexp.MustCompile(`href="(/insurance/arrears\?[^"]*after=\d+)"`)
	seen := map[string]int{}
	path, pages := "/insurance/arrears", 0
	for path != "" && pages < 5 {
		code, body := cw.page(path)
		if code != 200 {
			t.Fatalf("%s = %d", path, code)
		}
		pages++
		if rows := strings.Count(body, "<tr><td>"); rows > 50 {
			t.Errorf("page %d lists %d employers, more than 50", pages, rows)
		}
		for _, n := range names.FindAllString(body, -1) {
			seen[n]++
		}
		path = ""
		if m := next.FindStringSubmatch(body); m != nil {
			path = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	if pages != 2 {
		t.Errorf("the arrears of %d employers and the demo's took %d pages, want 2", employers, pages)
	}
	for i := range employers {
		if n := fmt.Sprintf("欠费测试企业%02d", i); seen[n] != 1 {
			t.Errorf("%s shows %d times over the pages, want once", n, seen[n])
		}
	}
}
