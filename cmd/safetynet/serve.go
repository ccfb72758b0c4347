package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/httpapi"
	"safetynet/internal/insurance"
	"safetynet/internal/monitoring"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", "serve --db DSN --addr ADDR")
	dsn := dsnFlag(fs, "safetynet.db")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	if err := fs.Parse(args); err != nil {
		return err
	}
	logger := e.logger()
	db, err := openStore(ctx, *dsn, logger)
	if err != nil {
		return err
	}
	defer db.Close()
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
	pol := httpapi.Policy{
		Package: pk,
		PopulationFunc: func(entity string, n int, seed int64) (*policy.Population, error) {
			return syntheticPopulation(pk, entity, n, seed)
		},
	}
	h, err := httpapi.NewServer(logger, httpapi.Config{Version: versionString()}, httpapi.Services{
		Registry:  reg,
		Insurance: insurance.NewService(db, db, pk),
		Accounts:  insurance.NewAccounts(db, db, pk),
		Pensions:  insurance.NewPensions(db, db, pk),
		Benefits:  insurance.NewBenefits(db, db, pk),
		Auth:      au,
		Audit:     db,
		Policy:    pol,
		// The low-income dynamic monitoring.
		Monitoring: monitoring.NewService(db, pk),
	})
	return h, au, err
}

// serve serves the API on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, db *sqlstore.DB, logger *slog.Logger) error {
	h, _, err := newHandler(db, logger)
	if err != nil {
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
