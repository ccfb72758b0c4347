package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/payment"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// BenchmarkConsolePages times the server side of the console's heaviest
// pages (docs/console.md, Speed): each op is one request through the whole
// handler (middleware, session, services, template), no network. On the
// prefecture's database: SP_CONSOLE_BENCH_DB=FILE, a database made by
// `safetynet demo --db FILE --persons 1600000`; without it, on a small
// demo database (say which in the figures).
func BenchmarkConsolePages(b *testing.B) {
	var s *site
	if path := os.Getenv("SP_CONSOLE_BENCH_DB"); path != "" {
		db := sqlstoretest.OpenFile(b, path)
		a, now := sqlstoretest.NewApp(b, db, app.Options{SessionTTL: 24 * time.Hour})
		s = serveSite(b, a, now)
	} else {
		b.Logf("SP_CONSOLE_BENCH_DB is not set: timing a %d-person demo database", demoPersons)
		s = newSite(b)
	}
	ctx := s.App.System(context.Background(), "bench")
	ps, err := s.App.Registry.Persons(ctx, registry.PersonFilter{Region: "652301", Alive: true, Page: registry.Page{Limit: 1}})
	if err != nil || len(ps) == 0 {
		b.Fatalf("no person in 652301: %v", err)
	}
	person := strconv.FormatInt(int64(ps[0].ID), 10)
	hs, err := s.App.Registry.Households(ctx, registry.HouseholdFilter{PersonID: ps[0].ID, Page: registry.Page{Limit: 1}})
	if err != nil || len(hs) == 0 {
		b.Fatalf("no household of person %s: %v", person, err)
	}
	// The newest batch of the prefecture.
	bs, err := s.App.Payments.Batches(ctx, payment.BatchFilter{Limit: 1})
	if err != nil || len(bs) == 0 {
		b.Fatalf("no payment batch: %v", err)
	}
	household := strconv.FormatInt(int64(hs[0].ID), 10)
	batch := strconv.FormatInt(int64(bs[0].ID), 10)
	pages := []struct{ name, user, path string }{
		{"home/county-caseworker", "cw.changji", "/"},
		{"home/prefecture-approver", "approver", "/"},
		{"person-file", "cw.changji", "/persons/" + person},
		{"person-search", "cw.changji", "/persons?q=" + string([]rune(ps[0].Name)[:1])},
		{"dashboard/county", "analyst", "/statistics?region=652301"},
		{"dashboard/prefecture", "analyst", "/statistics"},
		{"assistance-cases", "approver", "/assistance/cases"},
		{"monitoring", "cw.changji", "/monitoring"},
		{"payment-batches", "approver", "/payments/batches"},
		{"payment-batch", "approver", "/payments/batches/" + batch},
		{"payment-runs", "approver", "/payments"},
		{"household", "cw.changji", "/households/" + household},
		{"assistance-reviews", "cw.changji", "/assistance/reviews"},
		{"screening", "cw.changji", "/screening"},
		{"monitoring-alerts", "cw.changji", "/monitoring/alerts"},
		{"insurance-arrears", "cw.changji", "/insurance/arrears"},
		{"insurance-awards", "cw.changji", "/insurance/awards"},
		{"insurance-payroll", "cw.changji", "/insurance/payroll"},
		{"accounts-to-confirm", "approver", "/persons/accounts"},
		{"audit", "auditor", "/audit"},
		{"users", "admin", "/users"},
		{"assistance", "cw.changji", "/assistance"},
		{"notice-list", "cw.changji", "/assistance/notice-list"},
		{"insurance", "cw.changji", "/insurance"},
		{"insurance-claims", "cw.changji", "/insurance/claims"},
		{"identity-changes", "approver", "/persons/identity-changes"},
		{"file-reads", "auditor", "/audit/reads?person=" + person},
		{"dashboard/36-months", "analyst", "/statistics?from=2023-12&to=2026-11"},
	}
	tokens := map[string]string{}
	for _, p := range pages {
		if _, ok := tokens[p.user]; ok {
			continue
		}
		g, err := s.App.Auth.Login(context.Background(), p.user, "demo-2026", "")
		if err != nil {
			b.Fatalf("sign in %s: %v", p.user, err)
		}
		tokens[p.user] = g.Token
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(&http.Cookie{Name: "sn_session", Value: tokens[p.user]})
				rec := httptest.NewRecorder()
				s.Handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s as %s = %d", p.path, p.user, rec.Code)
				}
			}
		})
	}
}
