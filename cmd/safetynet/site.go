package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"safetynet/internal/app"
	"safetynet/internal/clock"
	"safetynet/internal/region"
	"safetynet/policies"
)

// site is where this process works: the jurisdiction and the policy
// package folder, from the options before the command (or their
// environment variables), the same for every command.
type site struct {
	juris region.Jurisdiction
	// policies is the folder laid over the embedded policy package ("" for
	// the embedded one alone; see policies.Overlay).
	policies string
}

// siteOptions are the options that come before the command, with the
// environment variable each falls back to.
var siteOptions = []struct{ name, env, usage string }{
	{"region-file", "SAFETYNET_REGION_FILE", "the region tree, a CSV file in the format of internal/region (default: the embedded Changji tree)"},
	{"home-region", "SAFETYNET_HOME_REGION", "the code of the home region in the tree (default 652300, Changji; required with --region-file)"},
	{"time-zone", "SAFETYNET_TIME_ZONE", "the IANA time zone of civil dates (default " + region.DefaultZone + ")"},
	{"policies", "SAFETYNET_POLICIES", "a policy folder laid over the built-in one: its layers.yaml and layer folders replace the built-in ones of the same name"},
}

// siteUsage describes the site options for the top-level usage.
func siteUsage(w io.Writer) {
	fmt.Fprintln(w, "\nOptions before the command (each also read from its environment variable):")
	for _, o := range siteOptions {
		fmt.Fprintf(w, "  --%-12s %s (%s)\n", o.name, o.usage, o.env)
	}
}

// parseSite reads the site options at the front of args and returns the
// site and the rest of args.
func parseSite(args []string, getenv func(string) string) (site, []string, error) {
	fs := flag.NewFlagSet("safetynet", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	vals := map[string]*string{}
	for _, o := range siteOptions {
		vals[o.name] = fs.String(o.name, getenv(o.env), o.usage)
	}
	if err := fs.Parse(args); err != nil {
		return site{}, nil, err
	}
	j, err := region.LoadJurisdiction(*vals["region-file"], *vals["home-region"], *vals["time-zone"])
	if err != nil {
		return site{}, nil, err
	}
	dir := *vals["policies"]
	if dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return site{}, nil, fmt.Errorf("--policies %s: not a folder", dir)
		}
	}
	return site{juris: j, policies: dir}, fs.Args(), nil
}

// policyFS is the policy package folder of the site: the embedded one, or
// dir laid over it.
func (s site) policyFS() fs.FS {
	if s.policies == "" {
		return policies.FS
	}
	return policies.Overlay(os.DirFS(s.policies))
}

// clock is the process's clock: the system time, dated in the
// jurisdiction's zone.
func (s site) clock() clock.Clock { return clock.System(s.juris.Zone) }

// home is the default of the --region and --scope flags: the home region.
func (e env) home() string { return string(e.site.juris.Home) }

// openApp opens the existing database named by dsn (see openStore), loads
// the policy package, builds the services and returns them with ctx
// acting as the system process name, scoped to the home region. Close the
// App when done.
func openApp(ctx context.Context, e env, dsn, process string) (*app.App, context.Context, error) {
	if err := requireDatabase(dsn); err != nil {
		return nil, ctx, err
	}
	return createApp(ctx, e, dsn, process)
}

// createApp is openApp that creates an SQLite database that does not
// exist (for gen, demo and migrate).
func createApp(ctx context.Context, e env, dsn, process string) (*app.App, context.Context, error) {
	pk, err := loadPolicies(e, "")
	if err != nil {
		return nil, ctx, err
	}
	a, err := app.Open(ctx, dsn, e.logger(), pk, e.site.juris, e.site.clock(), app.Options{})
	if err != nil {
		return nil, ctx, err
	}
	// This process claims screening jobs under its host and pid, so that
	// the next one takes up a job it left when it died.
	a.Screening.Leases = jobLeases()
	return a, a.System(ctx, process), nil
}
