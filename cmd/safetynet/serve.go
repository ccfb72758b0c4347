package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/httpapi"
	"safetynet/internal/jobs"
	"safetynet/internal/policy"
	"safetynet/internal/registry"
	"safetynet/internal/web"
)

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", "serve --db DSN --addr ADDR [--session-key FILE] [--checkpoint-key FILE [--checkpoints FILE] [--checkpoint-every 1h]] [server flags]")
	dsn := dsnFlag(fs, defaultDB)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	checkpoints := checkpointFlags(fs.FlagSet, dsn)
	conf := serverFlags(fs.FlagSet)
	sessionKey := sessionKeyFlag(fs.FlagSet, dsn)
	if err := fs.Parse(args); err != nil {
		return err
	}
	sc, err := conf()
	if err != nil {
		return err
	}
	if err := sessionKey(&sc, e.stdout); err != nil {
		return err
	}
	logger := e.logger()
	a, _, err := openApp(ctx, e, *dsn, "serve")
	if err != nil {
		return err
	}
	defer a.Close()
	if err := checkpoints(ctx, a.Store, logger); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "safetynet %s serving http://%s\n", versionString(), ln.Addr())
	return serve(ctx, e, ln, a, logger, sc)
}

// serverConfig is the configuration of serve and demo from their flags.
type serverConfig struct {
	transport httpapi.Transport
	signIn    auth.SignInLimits
	// sessionKey keys the stored hashes of bearer tokens (--session-key);
	// nil: a random key of the process, so sessions end with it.
	sessionKey []byte
	// idSearchesPerHour is registry.Service.IDSearchesPerHour (0: its
	// default).
	idSearchesPerHour int
	// jobLimit is the number of background jobs (screening jobs) run at
	// once (--jobs; 0: jobs.DefaultLimit); more wait queued.
	jobLimit int
	// passwords are the rules of a new password (--min-password-length;
	// a zero field: its default).
	passwords auth.PasswordRules
	// runner runs the background jobs; serve makes it from jobLimit and
	// shuts it down. nil: the handler makes its own, never shut down (a
	// test's).
	runner *jobs.Runner
	// summariseEvery is the age after which the server summarises last
	// month's statistics again, or at all (--summarise-every; 0: never).
	summariseEvery time.Duration
	// settleEvery is how often the server sweeps the applications (--settle-every; 0: never).
	settleEvery time.Duration
}

// serverFlags defines the flags of the HTTP server (public URL, trusted
// proxies, timeouts) and of signing in (locks, password checks) on fs, and
// returns a function that reads them once fs is parsed.
func serverFlags(fs *flag.FlagSet) func() (serverConfig, error) {
	dt, dl := httpapi.DefaultTransport(), auth.DefaultSignInLimits()
	var sc serverConfig
	t, l := &sc.transport, &sc.signIn
	fs.StringVar(&t.BaseURL, "base-url", "", "public URL of the service; https makes the session cookie Secure and sends HSTS")
	fs.Func("trusted-proxy", "address or CIDR of a TLS-terminating proxy whose X-Forwarded-For/-Proto are believed (comma-separated or repeated)", func(v string) error {
		ps, err := httpapi.ParseTrustedProxies(v)
		if err != nil {
			return err
		}
		t.TrustedProxies = append(t.TrustedProxies, ps...)
		return nil
	})
	fs.DurationVar(&t.ReadHeaderTimeout, "read-header-timeout", dt.ReadHeaderTimeout, "time to read a request's headers")
	fs.DurationVar(&t.ReadTimeout, "read-timeout", dt.ReadTimeout, "time to read a whole request, body included")
	fs.DurationVar(&t.WriteTimeout, "write-timeout", dt.WriteTimeout, "time from a request's headers to the end of its response")
	fs.DurationVar(&t.IdleTimeout, "idle-timeout", dt.IdleTimeout, "time a keep-alive connection may wait for its next request")
	fs.DurationVar(&t.LongWriteTimeout, "long-write-timeout", dt.LongWriteTimeout, "write deadline of downloads, batch runs and regional reports")
	fs.IntVar(&l.UserFailures, "login-user-failures", dl.UserFailures, "failed sign-ins in a row that lock a username")
	fs.IntVar(&l.AddressFailures, "login-address-failures", dl.AddressFailures, "failed sign-ins from one client address that lock it")
	fs.DurationVar(&l.Lock, "login-lock", dl.Lock, "first lock; each further lock in a row doubles it")
	fs.DurationVar(&l.MaxLock, "login-max-lock", dl.MaxLock, "longest lock")
	fs.IntVar(&sc.passwords.MinLength, "min-password-length", auth.DefaultPasswordRules().MinLength, "least number of characters of a new password (a user's own change, an administrator's new user or reset)")
	fs.DurationVar(&l.Forget, "login-forget", dl.Forget, "quiet time after which a username's or address's failures are forgotten")
	fs.IntVar(&l.HashSlots, "hash-slots", dl.HashSlots, "password checks run at once (default: CPUs - 1)")
	fs.DurationVar(&l.HashWait, "hash-wait", dl.HashWait, "time a sign-in waits for a password check before 503")
	fs.IntVar(&sc.jobLimit, "jobs", jobs.DefaultLimit, "background jobs (screening jobs) run at once; more wait queued and start when one ends")
	fs.DurationVar(&sc.settleEvery, "settle-every", defaultSettleEvery, "sweep the front office's applications this often: settle those left completing, count pending due dates, remind late 容缺 materials (0: never)")
	fs.DurationVar(&sc.summariseEvery, "summarise-every", defaultSummariseEvery, "summarise last month's statistics when they are missing or older than this (0: never; see docs/statistics.md)")
	fs.IntVar(&sc.idSearchesPerHour, "id-searches-per-hour", registry.DefaultIDSearchesPerHour, "searches by ID number (registrations of a number registered already included) one user may make in an hour before 429")
	return func() (serverConfig, error) {
		for _, d := range []time.Duration{t.ReadHeaderTimeout, t.ReadTimeout, t.WriteTimeout, t.IdleTimeout, t.LongWriteTimeout, l.Lock, l.MaxLock, l.Forget, l.HashWait} {
			if d <= 0 {
				return sc, fmt.Errorf("timeouts and locks must be positive, got %s", d)
			}
		}
		if l.UserFailures <= 0 || l.AddressFailures <= 0 || l.HashSlots <= 0 || sc.idSearchesPerHour <= 0 || sc.jobLimit <= 0 || sc.passwords.MinLength <= 0 {
			return sc, errors.New("--login-user-failures, --login-address-failures, --hash-slots, --id-searches-per-hour, --jobs and --min-password-length must be positive")
		}
		return sc, nil
	}
}

// newHandler wires a's services into the HTTP handler, with the
// transport, sign-in limits, session key and limit of searches by ID
// number of sc (zero fields take their defaults). A catalogue that does
// not load stops the process here. It returns the auth service too.
func newHandler(e env, a *app.App, logger *slog.Logger, sc serverConfig) (http.Handler, *auth.Service, error) {
	if sc.idSearchesPerHour > 0 {
		a.Registry.IDSearchesPerHour = sc.idSearchesPerHour
	}
	if err := a.Auth.SetSignInLimits(sc.signIn); err != nil {
		return nil, nil, err
	}
	if err := a.Auth.SetPasswordRules(sc.passwords); err != nil {
		return nil, nil, err
	}
	if sc.sessionKey != nil {
		if err := a.Auth.SetSessionKey(sc.sessionKey); err != nil {
			return nil, nil, err
		}
		a.Citizen.SetKey(sc.sessionKey) // codes and citizen sessions survive a restart and hold across processes
	}
	pk := a.Policy
	cat, err := loadCatalogue(e, "", pk)
	if err != nil {
		return nil, nil, err
	}
	runner := sc.runner
	if runner == nil {
		runner = jobs.New(jobs.Config{Limit: sc.jobLimit, Logger: logger})
	}
	off, err := a.LoadOffice(e.site.policyFS())
	if err != nil {
		return nil, nil, err
	}
	h, err := web.Handler(logger, a, web.Config{Version: versionString(), Transport: sc.transport, Catalogue: cat, Office: off, Jobs: runner})
	return h, a.Auth, err
}

// catalogueFile is the catalogue of assistance items (联助清单) in a policy
// package folder: catalogue.yaml of its most specific layer.
func catalogueFile(pk *policy.Package) string { return pk.Layers[len(pk.Layers)-1] + "/catalogue.yaml" }

// loadCatalogue loads the catalogue of the policy package in dir, or of the
// one built into the binary when dir is "", and checks that its programmes
// are those of pk. The file of an error is given with dir (or "policies")
// in front, so that it can be opened as printed.
func loadCatalogue(e env, dir string, pk *policy.Package) (*assistance.Catalogue, error) {
	fsys := e.site.policyFS()
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	cat, err := assistance.LoadCatalogue(fsys, catalogueFile(pk))
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

// serve serves the API on ln until ctx ends, then shuts down gracefully:
// the requests in flight are answered, then the background jobs are
// stopped (a screening job lets go of its lease, to be resumed by the next
// process) and waited for.
func serve(ctx context.Context, e env, ln net.Listener, a *app.App, logger *slog.Logger, sc serverConfig) (err error) {
	runner := jobs.New(jobs.Config{Limit: sc.jobLimit, Logger: logger})
	defer func() {
		jobsCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		dropped, jerr := runner.Shutdown(jobsCtx)
		if dropped > 0 {
			logger.Info("queued background jobs left for the next start", "jobs", dropped)
		}
		if jerr != nil {
			err = errors.Join(err, fmt.Errorf("stop the background jobs: %w", jerr))
		}
	}()
	sc.runner = runner
	h, _, err := newHandler(e, a, logger, sc)
	if err != nil {
		return err
	}
	srv, err := httpapi.NewHTTPServer(h, sc.transport, logger)
	if err != nil {
		return err
	}
	// The jobs a crash or kill left running are taken up.
	if err := resumeScreeningJobs(ctx, a, runner, logger); err != nil {
		return err
	}
	if err := summariseClosedMonths(ctx, a, runner, logger, sc.summariseEvery); err != nil {
		return err
	}
	if err := sweepApplications(ctx, a, runner, logger, sc.settleEvery); err != nil {
		return err
	}
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

// defaultServerConfig is the configuration serve and demo have with no
// server flags: the documented default timeouts and sign-in limits.
func defaultServerConfig() serverConfig {
	return serverConfig{transport: httpapi.DefaultTransport(), signIn: auth.DefaultSignInLimits(), idSearchesPerHour: registry.DefaultIDSearchesPerHour,
		jobLimit: jobs.DefaultLimit, summariseEvery: defaultSummariseEvery, settleEvery: defaultSettleEvery}
}
