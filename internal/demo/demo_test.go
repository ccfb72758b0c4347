package demo_test

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/demo"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

// fixedNow is the demo's clock in these tests: 15 June 2026, 10:00 in China.
var fixedNow = time.Date(2026, time.June, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// newSeeder wires the services over db on the fixed clock, as
// cmd/safetynet does on the real one.
func newSeeder(t *testing.T, db *sqlstore.DB, out *bytes.Buffer) *demo.Seeder {
	t.Helper()
	pk, err := policy.Load(policies.FS, policy.PensionFuncs()...)
	if err != nil {
		t.Fatal(err)
	}
	j := region.DefaultJurisdiction()
	a := app.New(db, pk, j, clock.Fixed(fixedNow, j.Zone), app.Options{})
	return a.Seeder(out)
}

// build makes a small demo database: population, enrolment, every month.
func build(t *testing.T, db *sqlstore.DB, out *bytes.Buffer) *demo.Seeder {
	t.Helper()
	ctx := context.Background()
	sd := newSeeder(t, db, out)
	if _, err := sd.Population(ctx, 1500, 7, nil); err != nil {
		t.Fatal(err)
	}
	if err := sd.Enrol(ctx); err != nil {
		t.Fatal(err)
	}
	if err := sd.All(ctx, 7); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return sd
}

var secondsRE = regexp.MustCompile(`[0-9.]+ s\b`)

// TestSeederBuildsTheMonthsBeforeItsClock: the seeder's months end with
// the one before its clock's, the same seed gives the same records, the
// payment batches are approved by another user than their maker, and the
// demo logins are made once.
func TestSeederBuildsTheMonthsBeforeItsClock(t *testing.T) {
	for name, open := range sqlstoretest.Engines() {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			var out bytes.Buffer
			db := open(t)
			sd := build(t, db, &out)
			got := out.String()
			for _, want := range []string{
				"2026-03: ", "2026-05 payroll: ", // the insurance cycle: March to May
				"2025-11: means tests from department data", // seven months of assistance
				"2026-05 payments: ", "the month reconciles: balanced to the fen",
				"on notice until 2026-06-18", // cases applied three days before the clock's today
				"statistics of 2025-06 to 2026-05 summarised for the dashboards: ",
			} {
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			if strings.Contains(got, "2026-06 payments") {
				t.Errorf("the seeder paid the clock's own month:\n%s", got)
			}

			ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("test", region.Changji))
			bs, err := sd.Payments.Batches(ctx, payment.BatchFilter{Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			approved := 0
			for _, b := range bs {
				if b.ApprovedBy != 0 {
					approved++
					if b.ApprovedBy == b.CreatedBy {
						t.Errorf("batch %d approved by its maker %d", b.ID, b.CreatedBy)
					}
				}
			}
			if approved == 0 {
				t.Errorf("no approved batch among %d", len(bs))
			}

			for range 2 {
				if err := sd.EnsureUsers(ctx); err != nil {
					t.Fatal(err)
				}
			}
			for _, u := range demo.Users(sd.Juris) {
				g, err := sd.Auth.Login(ctx, u.Username, demo.Password, "127.0.0.1")
				if err != nil {
					t.Errorf("demo login %s: %v", u.Username, err)
					continue
				}
				if p := g.Principal; p.Role != u.Role || p.Scope != u.Scope || p.MustChangePassword {
					t.Errorf("demo login %s acts as %s over %s (must change %t), want %s over %s", u.Username, p.Role, p.Scope, p.MustChangePassword, u.Role, u.Scope)
				}
			}

			// The same seed and clock on another database: the same steps.
			var again bytes.Buffer
			build(t, open(t), &again)
			if a, b := secondsRE.ReplaceAllString(got, "X s"), secondsRE.ReplaceAllString(again.String(), "X s"); a != b {
				t.Errorf("same seed, different demo:\n%s\n---\n%s", a, b)
			}
		})
	}
}

// TestDemoUsersCoverEveryCounty: the demo has a caseworker and an
// approver for every county of the tree, a caseworker of a township of
// every county with townships, the prefecture's posts, and the usernames
// the README has always listed; no two logins share a name.
func TestDemoUsersCoverEveryCounty(t *testing.T) {
	j := region.DefaultJurisdiction()
	users := demo.Users(j)
	byName := map[string]auth.NewUser{}
	posts := map[string]bool{}
	for _, u := range users {
		if _, dup := byName[u.Username]; dup {
			t.Errorf("username %s twice", u.Username)
		}
		byName[u.Username] = u
		posts[string(u.Role)+"@"+string(u.Scope)] = true
		if n, ok := j.Tree.Node(u.Scope); ok && n.Level == region.Township {
			posts["township@"+string(u.Scope.County())] = true
		}
	}
	counties := j.Tree.Descendants(j.Home, region.County)
	if len(counties) < 8 {
		t.Fatalf("%d counties in the tree", len(counties))
	}
	for _, c := range counties {
		for _, want := range []string{"caseworker@", "approver@"} {
			if !posts[want+string(c.Code)] {
				t.Errorf("no %s%s (%s)", want, c.Code, c.NameZH)
			}
		}
		if len(j.Tree.Children(c.Code)) > 0 && !posts["township@"+string(c.Code)] {
			t.Errorf("no township caseworker in %s (%s)", c.Code, c.NameZH)
		}
	}
	for _, want := range []string{"admin@652300", "approver@652300", "auditor@652300", "analyst@652300"} {
		if !posts[want] {
			t.Errorf("no %s", want)
		}
	}
	for _, name := range []string{"admin", "cw.changji", "cw.fukang", "approver", "auditor", "analyst", "cw.hutubi", "tw.changji"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("no demo login %s", name)
		}
	}
	if u := byName["cw.fukang"]; u.Scope != "652302" || u.Role != auth.RoleCaseworker {
		t.Errorf("cw.fukang is %s over %s, want the Fukang caseworker", u.Role, u.Scope)
	}
}
