package statistics_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"sync"
	"testing"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/internal/statistics"
)

// setup opens a store with a small enrolled population and returns the
// app, a context acting as the system over the prefecture, and the month
// before today's.
func setup(t *testing.T, open func(testing.TB) *sqlstore.DB) (*sqlstore.DB, *app.App, context.Context, period.Month) {
	t.Helper()
	db := open(t)
	a, _ := sqlstoretest.NewApp(t, db, app.Options{})
	ctx := context.Background()
	sd := a.Seeder(io.Discard)
	if _, err := sd.Population(ctx, 200, 3, nil); err != nil {
		t.Fatal(err)
	}
	if err := sd.Enrol(ctx); err != nil {
		t.Fatal(err)
	}
	return db, a, a.System(ctx, "test"), a.Clock.Today().Period().Add(-1)
}

// month reads the record of month m.
func month(t *testing.T, a *app.App, ctx context.Context, m period.Month) statistics.Month {
	t.Helper()
	ms, err := a.Statistics.Months(ctx, m, m)
	if err != nil {
		t.Fatal(err)
	}
	return ms[0]
}

// figures reads the stored figures of month m over the prefecture.
func figures(t *testing.T, a *app.App, ctx context.Context, m period.Month) []statistics.Figure {
	t.Helper()
	fs, err := a.Statistics.Figures(ctx, m, m, a.Juris.Home)
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

// TestSummariseTwiceAtOnceWritesOnce: two summaries of a month that both
// read the month before either claims it do the work once: one writes the
// figures and its audit event, the other finds the month claimed
// (Conflict) or already summarised (Skipped) and writes nothing.
func TestSummariseTwiceAtOnceWritesOnce(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db, a, ctx, m := setup(t, open)
		var read sync.WaitGroup
		read.Add(2)
		statistics.SetHook(a.Statistics, func(_ context.Context, stage string) {
			if stage == "read" {
				read.Done()
				read.Wait() // both have read the month's version
			}
		})
		type outcome struct {
			res statistics.Result
			err error
		}
		out := make([]outcome, 2)
		var done sync.WaitGroup
		for i := range out {
			done.Add(1)
			go func() {
				defer done.Done()
				out[i].res, out[i].err = a.Statistics.Summarise(ctx, m)
			}()
		}
		done.Wait()
		wrote := 0
		for i, o := range out {
			switch {
			case o.err == nil && !o.res.Skipped:
				wrote++
				if o.res.Rows == 0 {
					t.Errorf("summary %d wrote no figures", i)
				}
			case o.err == nil && o.res.Skipped, fault.CodeOf(o.err) == fault.Conflict:
			default:
				t.Errorf("summary %d: %+v, %v", i, o.res, o.err)
			}
		}
		if wrote != 1 {
			t.Errorf("%d summaries wrote the month, want 1: %+v", wrote, out)
		}
		if n := sqlstoretest.AuditActions(t, db)["statistics.summarise"]; n != 1 {
			t.Errorf("%d audit events statistics.summarise, want 1", n)
		}
		rec := month(t, a, ctx, m)
		if rec.Version != 1 || rec.ClaimOwner != "" || rec.SummarisedBy != "system:test" || rec.SummarisedAt.IsZero() {
			t.Errorf("the month's record is %+v, want version 1, no claim, summarised by system:test", rec)
		}
		if got := len(figures(t, a, ctx, m)); got != rec.Rows || got == 0 {
			t.Errorf("%d figures stored, the record says %d", got, rec.Rows)
		}
	})
}

// TestFailedSummaryKeepsTheOldFigures: a summary that fails after it
// claimed the month (its context cancelled mid-way, as a process stopped)
// leaves the figures of the last summary, writes no audit event and frees
// the month for the next summary at once.
func TestFailedSummaryKeepsTheOldFigures(t *testing.T) {
	sqlstoretest.ForEachEngine(t, func(t *testing.T, open func(testing.TB) *sqlstore.DB) {
		db, a, ctx, m := setup(t, open)
		if _, err := a.Statistics.Summarise(ctx, m); err != nil {
			t.Fatal(err)
		}
		before := figures(t, a, ctx, m)
		cctx, cancel := context.WithCancel(ctx)
		statistics.SetHook(a.Statistics, func(_ context.Context, stage string) {
			if stage == "claimed" {
				cancel()
			}
		})
		if _, err := a.Statistics.Summarise(cctx, m); !errors.Is(err, context.Canceled) {
			t.Fatalf("a summary stopped mid-way returned %v, want context.Canceled", err)
		}
		statistics.SetHook(a.Statistics, nil)
		if after := figures(t, a, ctx, m); !slices.Equal(after, before) {
			t.Errorf("the stopped summary changed the figures: %d rows, were %d", len(after), len(before))
		}
		if rec := month(t, a, ctx, m); rec.Version != 1 || rec.ClaimOwner != "" {
			t.Errorf("after the stopped summary the month is %+v, want version 1 and no claim", rec)
		}
		if n := sqlstoretest.AuditActions(t, db)["statistics.summarise"]; n != 1 {
			t.Errorf("%d audit events statistics.summarise, want 1", n)
		}
		if res, err := a.Statistics.Summarise(ctx, m); err != nil || res.Skipped {
			t.Fatalf("the next summary: %+v, %v", res, err)
		}
		if rec := month(t, a, ctx, m); rec.Version != 2 {
			t.Errorf("after the next summary the month is at version %d, want 2", rec.Version)
		}
	})
}

// TestSummarisePermission: the analyst and the administrator of the
// prefecture summarise; a county's analyst, a caseworker and an auditor
// may not.
func TestSummarisePermission(t *testing.T) {
	_, a, _, m := setup(t, sqlstoretest.Open)
	as := func(role auth.Role, scope region.Code) context.Context {
		return auth.WithPrincipal(context.Background(), auth.Principal{UserID: 7, Username: "u", Role: role, Scope: scope})
	}
	for _, tc := range []struct {
		name  string
		ctx   context.Context
		allow bool
	}{
		{"prefecture analyst", as(auth.RoleAnalyst, "652300"), true},
		{"prefecture administrator", as(auth.RoleAdmin, "652300"), true},
		{"county analyst", as(auth.RoleAnalyst, "652301"), false},
		{"prefecture caseworker", as(auth.RoleCaseworker, "652300"), false},
		{"prefecture auditor", as(auth.RoleAuditor, "652300"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := a.Statistics.Summarise(tc.ctx, m)
			if tc.allow && err != nil {
				t.Errorf("refused: %v", err)
			}
			if !tc.allow && fault.CodeOf(err) != fault.Forbidden {
				t.Errorf("got %v, want Forbidden", err)
			}
			if got := a.Statistics.CanSummarise(tc.ctx); got != tc.allow {
				t.Errorf("CanSummarise = %v, want %v", got, tc.allow)
			}
		})
	}
}
