// Package web assembles the HTTP handler of one process: the REST API
// (internal/httpapi) under /api/ and /healthz, and the staff console
// (internal/console) at every other path but the citizen's mobile site
// (internal/mobile) under /m/, over one application's
// services. serve, demo and the browser tests build their handler here.
package web

import (
	"log/slog"
	"net/http"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/console"
	"safetynet/internal/httpapi"
	"safetynet/internal/jobs"
	"safetynet/internal/matters"
	"safetynet/internal/mobile"
	"safetynet/internal/policy"
	"safetynet/internal/synth"
	"safetynet/policies"
)

// Config is the handler's configuration beyond the services.
type Config struct {
	// Version is the build's version.
	Version string
	// Transport is how the service meets the network.
	Transport httpapi.Transport
	// Catalogue is the list of assistance items (联助清单), loaded and
	// checked.
	Catalogue *assistance.Catalogue
	// Office is the front office's catalogue of matters, service points
	// and calendar; nil loads the one built into the binary.
	Office *matters.Office
	// Population returns n synthetic cases of entity for a what-if; by
	// default the synthetic population of the jurisdiction as of today.
	Population func(entity string, n int, seed int64) (*policy.Population, error)
	// Jobs runs the background jobs; the caller shuts it down.
	Jobs *jobs.Runner
}

// Handler returns the API and the console over a's services.
func Handler(logger *slog.Logger, a *app.App, cfg Config) (http.Handler, error) {
	if cfg.Population == nil {
		cfg.Population = func(entity string, n int, seed int64) (*policy.Population, error) {
			return synth.PolicyPopulation(a.Policy, entity, n, seed, a.Clock.Today(), a.Juris.Tree, a.Juris.Home)
		}
	}
	if cfg.Office == nil {
		off, err := a.LoadOffice(policies.FS)
		if err != nil {
			return nil, err
		}
		cfg.Office = off
	}
	con, err := console.New(logger, a, console.Config{Jobs: cfg.Jobs, Version: cfg.Version})
	if err != nil {
		return nil, err
	}
	mob, err := mobile.New(logger, mobile.Deps{Office: cfg.Office, Catalogue: cfg.Catalogue, Tree: a.Juris.Tree, Home: a.Juris.Home})
	if err != nil {
		return nil, err
	}
	return httpapi.NewServer(logger, httpapi.Config{Version: cfg.Version, Transport: cfg.Transport, Console: mobile.Mount(mob, con)}, httpapi.Services{
		Registry:    a.Registry,
		Insurance:   a.Insurance,
		Accounts:    a.Accounts,
		Pensions:    a.Pensions,
		Benefits:    a.Benefits,
		Assistance:  a.Assistance,
		Auth:        a.Auth,
		Audit:       a.Store,
		Policy:      httpapi.Policy{Package: a.Policy, PopulationFunc: cfg.Population, Tree: a.Juris.Tree},
		Catalogue:   cfg.Catalogue,
		Office:      cfg.Office,
		Monitoring:  a.Monitoring,
		Payments:    a.Payments,
		Refunds:     a.Refunds,
		Deaths:      a.Deaths,
		Closings:    a.Closings,
		FrontOffice: a.FrontOffice,
		Screening:   a.Screening,
		Jobs:        cfg.Jobs,

		CrossProvince: a.CrossProvince,
		Ratings:       a.Ratings,
		Reports:       a.Reports,
		Citizen:       a.Citizen,
	})
}
