package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"safetynet/internal/assistance"
	"safetynet/internal/audit"
	"safetynet/internal/auth"
	"safetynet/internal/citizen"
	"safetynet/internal/crossprov"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/insurance"
	"safetynet/internal/jobs"
	"safetynet/internal/matters"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// Config is the API's configuration.
type Config struct {
	// Version is the build version reported by /healthz and the OpenAPI
	// document.
	Version string
	// MaxReportMonths bounds the months from..to of a report, each month
	// of a month-end report being a query of its own (default 120).
	MaxReportMonths int
	// Transport is how the service meets the network: its public URL, the
	// proxies in front of it and the timeouts of its connections.
	Transport
	// Console, when set, serves every path outside /api/ and /healthz (the
	// staff console of internal/console), behind the same request ID,
	// client address, access log and panic recovery as the API. Without
	// it those paths answer the API's 404 problem.
	Console http.Handler
}

// AuditReader reads the audit trail for GET /api/v1/audit. sqlstore.DB
// implements it.
type AuditReader interface {
	// AuditEvents returns up to limit events with a sequence number greater
	// than afterSeq, in sequence order; an empty slice at the end of the
	// trail. It does no permission check: the handler does.
	AuditEvents(ctx context.Context, afterSeq int64, limit int) ([]audit.Event, error)
}

// Policy is the rules engine the API serves under /api/v1/programmes,
// /parameters, /evaluate and /whatif.
type Policy struct {
	// Package is the loaded, type-checked policy package.
	Package *policy.Package
	// PopulationFunc returns n cases of entity for a what-if, the same
	// cases for the same seed.
	PopulationFunc func(entity string, n int, seed int64) (*policy.Population, error)
	// Tree names the regions of explanations and what-if reports: the
	// jurisdiction's tree (the embedded one when nil).
	Tree *region.Tree
}

// server holds the API's dependencies; its methods are the handlers.
type server struct {
	logger  *slog.Logger
	cfg     Config
	reg     *registry.Service
	ins     *insurance.Service
	acc     *insurance.Accounts
	pen     *insurance.Pensions
	ben     *insurance.Benefits
	asst    *assistance.Service
	screen  *screening.Service
	jobs    *jobs.Runner
	pay     *payment.Service
	ref     *insurance.Refunds
	deaths  *insurance.Deaths
	closing *insurance.Closings
	au      *auth.Service
	mon     *monitoring.Service
	aud     AuditReader
	pol     Policy
	xp      *crossprov.Service
	rat     *ratings.Service
	fo      *frontoffice.Service
	rep     *report.Service
	cat     *assistance.Catalogue
	office  *matters.Office
	cit     *citizen.Service
	progs   map[string]programmeResponse // the programmes, read once at start
	openapi []byte                       // the OpenAPI document, built once at start
	// openapi30 is the same document rendered as OpenAPI 3.0.
	openapi30 []byte
}

// Services are the domain services the API serves; all are required.
type Services struct {
	Registry  *registry.Service
	Insurance *insurance.Service
	Accounts  *insurance.Accounts
	Pensions  *insurance.Pensions
	Benefits  *insurance.Benefits
	// Assistance runs means tests, classification, cases, awards and
	// allowances (civil affairs).
	Assistance *assistance.Service
	Auth       *auth.Service
	Audit      AuditReader
	Policy     Policy
	// Catalogue is the list of assistance items (联助清单), loaded and
	// checked at start-up.
	Catalogue *assistance.Catalogue
	// Office is the front office's catalogue of matters, service points
	// and working-day calendar, loaded and checked at start-up.
	Office *matters.Office
	// Monitoring runs the low-income dynamic monitoring.
	Monitoring *monitoring.Service
	// Payments makes instructions and batches and keeps the fund ledger.
	Payments *payment.Service
	// Refunds runs the job-stabilisation refund.
	Refunds *insurance.Refunds
	// Deaths settles the deaths of insured persons (身后事).
	Deaths *insurance.Deaths
	// Closings closes employers (单位注销).
	Closings *insurance.Closings
	// Screening screens for the allowances paid with no application and
	// runs screening jobs.
	Screening *screening.Service
	// Jobs runs the background jobs the API starts (screening jobs); the
	// caller shuts it down.
	Jobs *jobs.Runner
	// CrossProvince exchanges the cross-province matters; without it the
	// cross-province routes answer 404.
	CrossProvince *crossprov.Service
	// Ratings keeps the ratings of the front office (好差评); without it
	// the rating routes answer 404.
	Ratings *ratings.Service
	// FrontOffice receives the matter applications; without it the
	// application routes answer 404.
	FrontOffice *frontoffice.Service
	// Reports counts the applications; without it the report routes
	// answer 404.
	Reports *report.Service
	// Citizen signs citizens in (docs/citizen.md); without it the
	// citizen routes answer 404.
	Citizen *citizen.Service
}

// NewServer returns the REST JSON API: /healthz and everything under
// /api/v1/. It builds the OpenAPI document and the programme catalogue up
// front and returns an error if that fails, so that a broken document or
// policy package stops the process at start-up.
func NewServer(logger *slog.Logger, cfg Config, svc Services) (http.Handler, error) {
	tr, err := cfg.Transport.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.Transport = tr
	s := &server{logger: logger.With("component", "httpapi"), cfg: cfg, reg: svc.Registry, ins: svc.Insurance,
		acc: svc.Accounts, pen: svc.Pensions, ben: svc.Benefits, asst: svc.Assistance, au: svc.Auth, aud: svc.Audit, pol: svc.Policy, cat: svc.Catalogue, office: svc.Office}
	s.mon, s.pay, s.ref, s.screen, s.jobs = svc.Monitoring, svc.Payments, svc.Refunds, svc.Screening, svc.Jobs
	s.xp = svc.CrossProvince
	s.rat, s.rep = svc.Ratings, svc.Reports
	s.cit = svc.Citizen
	if s.fo = svc.FrontOffice; s.fo != nil && svc.Office != nil {
		s.fo.SetOffice(svc.Office)
	}
	s.deaths, s.closing = svc.Deaths, svc.Closings
	if s.screen == nil || s.jobs == nil || s.reg == nil || s.ins == nil || s.acc == nil || s.pen == nil || s.ben == nil || s.asst == nil || s.au == nil || s.aud == nil || s.cat == nil || s.office == nil || s.mon == nil || s.pay == nil || s.ref == nil || s.deaths == nil || s.closing == nil {
		return nil, errors.New("every service is required")
	}
	if s.pol.Package == nil || s.pol.PopulationFunc == nil {
		return nil, errors.New("the policy package and its population function are required")
	}
	if s.pol.Tree == nil {
		if s.pol.Tree, err = region.Default(); err != nil {
			return nil, err
		}
	}
	progs, err := programmeCatalogue(s.pol)
	if err != nil {
		return nil, fmt.Errorf("read the programmes: %w", err)
	}
	s.progs = progs
	routes := s.routes()
	doc, err := openAPIDocument(cfg.Version, routes)
	if err != nil {
		return nil, fmt.Errorf("build OpenAPI document: %w", err)
	}
	s.openapi = doc
	if s.openapi30, err = openAPI30Document(cfg.Version, routes); err != nil {
		return nil, fmt.Errorf("build OpenAPI 3.0 document: %w", err)
	}
	mux := http.NewServeMux()
	for _, rt := range routes {
		h := onlyDeclaredQuery(rt, rt.handler)
		if !rt.public {
			h = s.authenticate(h)
		}
		if longRoutes[rt.method+" "+rt.path] {
			h = s.withLongWrite(h)
		}
		mux.Handle(rt.method+" "+rt.path, h)
	}
	var inner http.Handler = problemFallback(mux)
	if cfg.Console != nil {
		inner = withConsole(inner, cfg.Console)
	}
	// Outermost first: the request ID is known to everything below it, the
	// access log sees the final status, and a panic becomes a 500 problem.
	return s.withRequestID(s.withClient(s.withAccessLog(withRecovery(limitBody(inner))))), nil
}

// healthResponse is the body of GET /healthz.
type healthResponse struct {
	Status  string `json:"status" example:"ok" description:"ok while the process serves"`
	Version string `json:"version" description:"the build's version"`
}

// handleHealth reports that the process is up. It needs no sign-in.
func (s *server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	reply(w, r, http.StatusOK, healthResponse{Status: "ok", Version: s.cfg.Version})
	return nil
}

// handleOpenAPI serves the OpenAPI document built at start-up.
func (s *server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	serveDocument(w, s.openapi)
	return nil
}

// handleOpenAPI30 serves the OpenAPI 3.0 rendering built at start-up.
func (s *server) handleOpenAPI30(w http.ResponseWriter, r *http.Request) error {
	serveDocument(w, s.openapi30)
	return nil
}

// serveDocument writes a JSON document built at start-up.
func serveDocument(w http.ResponseWriter, doc []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	w.Write(doc)
}
