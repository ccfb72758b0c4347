package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/httpapi"
	"safetynet/internal/insurance"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
	"safetynet/policies"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", "serve --db DSN --addr ADDR [--checkpoint-key FILE [--checkpoints FILE] [--checkpoint-every 1h]]")
	dsn := dsnFlag(fs, defaultDB)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	checkpoints := checkpointFlags(fs, dsn)
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := e.logger()
	db, err := openStore(ctx, *dsn, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkpoints(ctx, db, logger); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "safetynet %s serving http://%s\n", versionString(), ln.Addr())
	return serve(ctx, ln, db, logger)
}

// newHandler wires the services over db, and the policy package built into
// the binary, into the HTTP handler. A policy package that does not load
// stops the process here.
func newHandler(db *sqlstore.DB, logger *slog.Logger) (http.Handler, *auth.Service, error) {
	reg := registry.NewService(db)
	au := auth.NewService(db, 12*time.Hour)
	pk, err := loadPolicies("")
	if err != nil {
		return nil, nil, err
	}
	cat, err := loadCatalogue("", pk)
	if err != nil {
		return nil, nil, err
	}
	asst := assistance.NewService(db, db, db, pk)
	asst.Leases = jobLeases()
	pol := httpapi.Policy{
		Package: pk,
		PopulationFunc: func(entity string, n int, seed int64) (*policy.Population, error) {
			return syntheticPopulation(pk, entity, n, seed)
		},
	}
	h, err := httpapi.NewServer(logger, httpapi.Config{Version: versionString()}, httpapi.Services{
		Registry:   reg,
		Insurance:  insurance.NewService(db, db, pk),
		Accounts:   insurance.NewAccounts(db, db, pk),
		Pensions:   insurance.NewPensions(db, db, pk),
		Benefits:   insurance.NewBenefits(db, db, pk),
		Assistance: asst,
		Auth:       au,
		Audit:      db,
		Policy:     pol,
		Catalogue:  cat,
		// The low-income dynamic monitoring.
		Monitoring: monitoring.NewService(db, pk),
		// Payments and the fund ledger.
		Payments: payment.NewService(db),
		Refunds:  insurance.NewRefunds(db, pk),
	})
	return h, au, err
}

// catalogueFile is the catalogue of assistance items (联助清单) in a policy
// package folder.
const catalogueFile = "changji/catalogue.yaml"

// loadCatalogue loads the catalogue of the policy package in dir, or of the
// one built into the binary when dir is "", and checks that its programmes
// are those of pk. The file of an error is given with dir (or "policies")
// in front, so that it can be opened as printed.
func loadCatalogue(dir string, pk *policy.Package) (*assistance.Catalogue, error) {
	fsys := fs.FS(policies.FS)
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	cat, err := assistance.LoadCatalogue(fsys, catalogueFile)
	if err == nil {
		err = cat.CheckProgrammes(func(id string) bool { _, ok := pk.Programme(id); return ok })
	}
	var ce *assistance.CatalogueError
	switch {
	case errors.As(err, &ce):
		at := *ce
		at.File = filepath.Join(policyRoot(dir), ce.File)
		return nil, &at
	case err != nil:
		return nil, fmt.Errorf("load the catalogue of assistance items from %s: %w", policyRoot(dir), err)
	}
	return cat, nil
}

// serve serves the API on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, db *sqlstore.DB, logger *slog.Logger) error {
	h, _, err := newHandler(db, logger)
	if err != nil {
		return err
	}
	// The jobs a crash or kill left running are taken up.
	if err := resumeScreeningJobs(ctx, db, logger); err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(logger.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return err
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
