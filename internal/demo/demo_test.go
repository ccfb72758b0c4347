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
			for _, u := range demo.Users {
				if _, err := sd.Auth.Login(ctx, u.Username, demo.Password, "127.0.0.1"); err != nil {
					t.Errorf("demo login %s: %v", u.Username, err)
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
