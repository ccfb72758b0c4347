// Package app is the composition root of safetynet: it builds every
// domain service once, from a store, a policy package, the jurisdiction
// and the clock. The serve command, every other command of
// cmd/safetynet, the demo seeding and the tests build their services
// through it, so that each service is wired in one place.
package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/citizen"
	"safetynet/internal/clock"
	"safetynet/internal/crossprov"
	"safetynet/internal/demo"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/insurance"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
	"safetynet/internal/statistics"
	"safetynet/policies"
)

// SessionTTL is how long a session lasts unless Options says otherwise.
const SessionTTL = 12 * time.Hour

// Options are the operational settings of the services (not policy: that
// is in the policy package). The zero Options takes every default.
type Options struct {
	// SessionTTL is how long a session lasts (SessionTTL when 0).
	SessionTTL time.Duration
	// Citizen holds the limits of the citizen's sign-in (zero fields take
	// their defaults).
	Citizen citizen.Config
}

// App holds the services of one process, built over one store.
type App struct {
	// Store is the database every service uses.
	Store *sqlstore.DB
	// Policy is the policy package in force.
	Policy *policy.Package
	// Juris is the jurisdiction: home region, region tree, time zone.
	Juris region.Jurisdiction
	// Clock is the one clock of every service.
	Clock clock.Clock

	Registry   *registry.Service
	Insurance  *insurance.Service
	Accounts   *insurance.Accounts
	Pensions   *insurance.Pensions
	Benefits   *insurance.Benefits
	Refunds    *insurance.Refunds
	Assistance *assistance.Service
	Screening  *screening.Service
	Monitoring *monitoring.Service
	Payments   *payment.Service
	Auth       *auth.Service
	Statistics *statistics.Service
	// CrossProvince exchanges the cross-province matters (docs/crossprov.md).
	CrossProvince *crossprov.Service

	// Deaths settles the deaths of insured persons (身后事).
	Deaths *insurance.Deaths
	// Closings closes employers (单位注销).
	Closings *insurance.Closings
	// Executors carry out the matters of the catalogue (办结).
	Executors *execute.Set
	// Ratings keeps the ratings of the front office (好差评) and their
	// follow-ups; it rates once LoadOffice has given it the office.
	Ratings *ratings.Service
	// FrontOffice receives the matter applications (办件, docs/frontoffice.md).
	FrontOffice *frontoffice.Service
	// Reports counts the applications (办件统计, 线上办理率).
	Reports *report.Service
	// Citizen signs citizens in on the mobile channel (docs/citizen.md);
	// its SMS gateway is the store's outbox until one is set.
	Citizen *citizen.Service

	opts Options
}

// New builds every service over db, under policy package pk, in
// jurisdiction j, telling the time by clk. db must have been opened with
// the same jurisdiction and clock (Open does so).
func New(db *sqlstore.DB, pk *policy.Package, j region.Jurisdiction, clk clock.Clock, opts Options) *App {
	if opts.SessionTTL == 0 {
		opts.SessionTTL = SessionTTL
	}
	a := &App{Store: db, Policy: pk, Juris: j, Clock: clk, opts: opts}
	a.Registry = registry.NewService(db, clk)
	// The registry has no policy package: the plausibility ceiling of a
	// wage comes from this one.
	a.Registry.WageCeiling = func(pr *fault.Problems, field string, wage money.Fen, d period.Date) error {
		return pk.Ceiling(pr, field, int64(wage), "limits.monthly_wage", d, "")
	}
	a.Insurance = insurance.NewService(db, db, pk, j, clk)
	a.Accounts = insurance.NewAccounts(db, db, pk, j, clk)
	a.Pensions = insurance.NewPensions(db, db, pk, clk)
	a.Benefits = insurance.NewBenefits(db, db, pk, clk)
	a.Refunds = insurance.NewRefunds(db, pk, clk)
	a.Deaths = insurance.NewDeaths(db, db, pk, clk)
	a.Closings = insurance.NewClosings(db, db, clk)
	a.Assistance = assistance.NewService(db, db, db, pk, j, clk)
	a.Screening = screening.NewService(db, a.Assistance, j, clk)
	a.Monitoring = monitoring.NewService(db, pk, j, clk)
	a.Payments = payment.NewService(db, clk)
	a.Auth = auth.NewService(db, j, opts.SessionTTL, clk)
	a.Statistics = statistics.NewService(db, j, clk)
	a.CrossProvince = crossprov.NewService(db, a.Registry, a.Accounts, a.Pensions, j, clk, crossprov.Config{})
	a.Ratings = ratings.NewService(db, pk, j, clk)
	a.Executors = execute.New(execute.Services{Registry: a.Registry, Insurance: a.Insurance, Accounts: a.Accounts,
		Pensions: a.Pensions, Benefits: a.Benefits, Refunds: a.Refunds, Deaths: a.Deaths, Closings: a.Closings,
		Assistance: a.Assistance, Monitoring: a.Monitoring, CrossProvince: a.CrossProvince})
	a.FrontOffice = frontoffice.New(db, a.Registry, a.Auth, a.Executors, pk, clk, func() (*matters.Office, error) { return a.LoadOffice(policies.FS) })
	a.Reports = report.New(db, a.Ratings, a.FrontOffice.Office, clk)
	a.FrontOffice.SetCrossProvince(a.CrossProvince)
	a.FrontOffice.SetRatings(a.Ratings)
	a.Citizen = citizen.New(db, db, clk, opts.Citizen, a.counter)
	a.Citizen.SetCertifier(func(ctx context.Context, personID int64, date period.Date, note string) error {
		sys := auth.WithPrincipal(ctx, auth.SystemPrincipal("citizen-face", j.Home))
		return a.Pensions.Certify(sys, &insurance.Certification{PersonID: registry.PersonID(personID), Date: date, Method: insurance.CertFace, Note: note})
	})
	return a
}

// Open opens the database named by dsn in jurisdiction j with clock clk,
// migrates it, and builds the App over it. Close closes the database.
func Open(ctx context.Context, dsn string, logger *slog.Logger, pk *policy.Package, j region.Jurisdiction, clk clock.Clock, opts Options) (*App, error) {
	if pk == nil {
		return nil, errors.New("app: no policy package")
	}
	db, err := sqlstore.Open(ctx, dsn, logger, sqlstore.WithJurisdiction(j), sqlstore.WithClock(clk))
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return New(db, pk, j, clk, opts), nil
}

// Close closes the store.
func (a *App) Close() error { return a.Store.Close() }

// System returns ctx acting as the system process name, whose scope is the
// home region.
func (a *App) System(ctx context.Context, name string) context.Context {
	return auth.WithPrincipal(ctx, auth.SystemPrincipal(name, a.Juris.Home))
}

// Seeder returns the demo seeder over the App's store, writing its steps
// to out. Its services are built like the App's, on a clock the seeder
// moves into the demo's past while it dates records there.
func (a *App) Seeder(out io.Writer) *demo.Seeder {
	return demo.New(demoStore{a.Store}, a.Policy, a.Juris, a.Clock, func(c clock.Clock) demo.Services {
		b := New(a.Store, a.Policy, a.Juris, c, a.opts)
		return demo.Services{Registry: b.Registry, Insurance: b.Insurance, Accounts: b.Accounts, Pensions: b.Pensions,
			Assistance: b.Assistance, Screening: b.Screening, Payments: b.Payments, Monitoring: b.Monitoring, Auth: b.Auth, Statistics: b.Statistics,
			FrontOffice: b.FrontOffice, Ratings: b.Ratings}
	}, out)
}

// demoStore is the store as demo.Store: the two bulk methods whose
// results are sqlstore's types, converted to the demo's.
type demoStore struct{ *sqlstore.DB }

// EachHousehold hands fn every household with its members.
func (s demoStore) EachHousehold(ctx context.Context, fn func(*demo.Household) error) error {
	return s.DB.EachHouseholdForTest(ctx, func(h *sqlstore.HouseholdForTest) error { return fn((*demo.Household)(h)) })
}

// SeedEnrolments enrols a generated population in bulk.
func (s demoStore) SeedEnrolments(ctx context.Context, today period.Date, avgWage money.Fen) (demo.Enrolled, error) {
	e, err := s.DB.SeedEnrolments(ctx, today, avgWage)
	return demo.Enrolled(e), err
}
