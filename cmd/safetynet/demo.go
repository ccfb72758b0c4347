package main

import (
	"context"
	"fmt"
	"net"
	"text/tabwriter"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

// demoPassword is the password of every demo login. The demo database is for
// trying the system out; never use these accounts with real data.
const demoPassword = "demo-2026"

// demoUsers are the demo logins, one per post.
var demoUsers = []auth.NewUser{
	{Username: "admin", DisplayName: "系统管理员 System administrator", Role: auth.RoleAdmin, Scope: "652300"},
	{Username: "cw.changji", DisplayName: "昌吉市经办员 Changji City caseworker", Role: auth.RoleCaseworker, Scope: "652301"},
	{Username: "cw.fukang", DisplayName: "阜康市经办员 Fukang City caseworker", Role: auth.RoleCaseworker, Scope: "652302"},
	{Username: "approver", DisplayName: "州审批员 Prefecture approver", Role: auth.RoleApprover, Scope: "652300"},
	{Username: "auditor", DisplayName: "州稽核员 Prefecture auditor", Role: auth.RoleAuditor, Scope: "652300"},
	{Username: "analyst", DisplayName: "统计分析员 Analyst", Role: auth.RoleAnalyst, Scope: "652300"},
}

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
	db, err := createStore(ctx, *dsn, logger)
	if err != nil {
		return err
	}
	defer db.Close()

	keys, err := db.NextKeys(ctx)
	if err != nil {
		return err
	}
	if keys.Person == 1 {
		fmt.Fprintf(e.stdout, "creating a demo database %s with a synthetic Changji of %d persons\n", *dsn, *persons)
		sum, elapsed, err := generate(ctx, db, *persons, *seed, e.stderr, true)
		if err != nil {
			return err
		}
		printSummary(e.stdout, sum, elapsed)
		if err := seedInsurance(ctx, db, e.stdout); err != nil {
			return err
		}
		pk, err := loadPolicies("")
		if err != nil {
			return err
		}
		if err := demoCycle(ctx, db, pk, e.stdout); err != nil {
			return err
		}
		last := registry.NewService(db).Today().Period().Add(-1)
		if err := seedAssistance(ctx, db, pk, last.Add(-6), last, *seed, e.stdout); err != nil {
			return err
		}
		if err := seedMonitoring(ctx, db, pk, *seed, e.stdout); err != nil {
			return err
		}
		if err := seedPayments(ctx, db, last, *seed, e.stdout); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "reusing the demo database %s (%d persons)\n", *dsn, keys.Person-1)
	}
	if err := ensureDemoUsers(ctx, db); err != nil {
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
	fmt.Fprintf(e.stdout, "Demo logins (password %q for all):\n", demoPassword)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, u := range demoUsers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", u.Username, u.Role, u.Scope, u.DisplayName)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nTry:\n  TOKEN=$(curl -s -X POST %s/api/v1/login -H 'Content-Type: application/json' -d '{\"username\":\"cw.changji\",\"password\":\"%s\"}' | sed 's/.*\"token\":\"\\([^\"]*\\)\".*/\\1/')\n", url, demoPassword)
	fmt.Fprintf(e.stdout, "  curl -s -H \"Authorization: Bearer $TOKEN\" '%s/api/v1/persons?region=652301&limit=5'\n\nPress Ctrl-C to stop.\n", url)
	return serve(ctx, ln, db, logger, sc)
}

// ensureDemoUsers creates the demo logins that do not exist yet.
func ensureDemoUsers(ctx context.Context, db *sqlstore.DB) error {
	au := auth.NewService(db, 0)
	ctx = auth.WithPrincipal(ctx, auth.SystemPrincipal("demo", region.Code("652300")))
	for _, nu := range demoUsers {
		if _, err := db.UserByName(ctx, nu.Username); err == nil {
			continue
		} else if fault.CodeOf(err) != fault.NotFound {
			return err
		}
		nu.Password = demoPassword
		if _, err := au.CreateUser(ctx, nu); err != nil {
			return fmt.Errorf("create demo user %s: %w", nu.Username, err)
		}
	}
	return nil
}
