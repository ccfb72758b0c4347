package main

import (
	"context"
	"fmt"
	"io"
	"net"

	"safetynet/internal/app"
	"safetynet/internal/auth"
	"safetynet/internal/demo"
	"safetynet/internal/region"
)

// demoPassword is the password of every demo login.
const demoPassword = demo.Password

func runDemo(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "demo", "demo [--addr 127.0.0.1:8080] [--db FILE] [--persons N] [--session-key FILE] [server flags]")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dsn := dsnFlag(fs, defaultDB)
	persons := fs.Int("persons", 20000, "persons to generate when the database is new")
	seed := fs.Int64("seed", 1, "random seed of the synthetic population")
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
	a, _, err := createApp(ctx, e, *dsn, "demo")
	if err != nil {
		return err
	}
	defer a.Close()
	db := a.Store

	keys, err := db.NextKeys(ctx)
	if err != nil {
		return err
	}
	sd := newSeeder(a, e.stdout)
	if keys.Person == 1 {
		fmt.Fprintf(e.stdout, "creating a demo database %s with a synthetic Changji of %d persons\n", *dsn, *persons)
		sum, elapsed, err := populate(ctx, sd, *persons, *seed, e.stderr, true)
		if err != nil {
			return err
		}
		printSummary(e.stdout, sum, elapsed)
		if err := sd.Enrol(ctx); err != nil {
			return err
		}
		if err := sd.All(ctx, *seed); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "reusing the demo database %s (%d persons)\n", *dsn, keys.Person-1)
	}
	if err := sd.EnsureUsers(ctx); err != nil {
		return err
	}
	if err := seedCrossProvince(ctx, a, e.stdout); err != nil {
		return err
	}
	if err := demoFrontOffice(ctx, a, sd, e.stdout); err != nil {
		return err
	}
	if err := demoCheckpoint(ctx, db, *dsn, e.stdout); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	url := "http://" + ln.Addr().String()
	fmt.Fprintf(e.stdout, "\nsafetynet %s demo serving %s\n", versionString(), url)
	fmt.Fprintf(e.stdout, "  health:  %s/healthz\n  API:     %s/api/v1/   (OpenAPI: %s/api/v1/openapi.json)\n\n", url, url, url)
	fmt.Fprintf(e.stdout, "Demo logins (password %q for all), by post:\n", demoPassword)
	printDemoUsers(e.stdout, a.Juris)
	fmt.Fprintf(e.stdout, "\nTry:\n  TOKEN=$(curl -s -X POST %s/api/v1/login -H 'Content-Type: application/json' -d '{\"username\":\"cw.changji\",\"password\":\"%s\"}' | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')\n", url, demoPassword)
	fmt.Fprintf(e.stdout, "  curl -s -H \"Authorization: Bearer $TOKEN\" '%s/api/v1/persons?region=652301&limit=5'\n\nPress Ctrl-C to stop.\n", url)
	return serve(ctx, e, ln, a, logger, sc)
}

// newSeeder returns the demo seeder of a's services, writing its steps to
// w.
func newSeeder(a *app.App, w io.Writer) *demo.Seeder { return a.Seeder(w) }

// printDemoUsers writes the demo logins of j grouped by post: the home
// region's, then the county caseworkers (who also make the payments),
// the county approvers and the township caseworkers.
func printDemoUsers(w io.Writer, j region.Jurisdiction) {
	groups := []struct {
		title string
		match func(auth.NewUser) bool
	}{
		{"the whole of " + j.Name + " (" + string(j.Home) + ")", func(u auth.NewUser) bool { return u.Scope == j.Home }},
		{"caseworker of each county (also payments)", func(u auth.NewUser) bool {
			return u.Scope != j.Home && u.Role == auth.RoleCaseworker && u.Scope.Level() == region.County
		}},
		{"approver of each county", func(u auth.NewUser) bool { return u.Scope != j.Home && u.Role == auth.RoleApprover }},
		{"caseworker of a township in each county", func(u auth.NewUser) bool { return u.Scope.Level() == region.Township }},
		{"front office: counter clerk and head of the windows of each county", func(u auth.NewUser) bool {
			return u.Scope != j.Home && (u.Role == auth.RoleClerk || u.Role == auth.RolePointHead)
		}},
	}
	users := demo.Users(j)
	for _, g := range groups {
		fmt.Fprintf(w, "  %s:\n", g.title)
		tw := newTable(w, false)
		for _, u := range users {
			if g.match(u) {
				fmt.Fprintf(tw, "    %s\t%s@%s\t%s\n", u.Username, u.Role, u.Scope, u.DisplayName)
			}
		}
		tw.Flush()
	}
}
