package main

import (
	"context"
	"flag"
	"fmt"

	"safetynet/internal/auth"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// subcommand runs the command of cmds that args name first, with the rest
// of args; with none or an unknown one, it prints usage and exits 2.
func subcommand(ctx context.Context, e env, usage string, args []string, cmds map[string]func(context.Context, env, []string) error) error {
	if len(args) > 0 {
		if run, ok := cmds[args[0]]; ok {
			return run(ctx, e, args[1:])
		}
	}
	fmt.Fprintln(e.stderr, usage)
	return exitError(2)
}

// openAsSystem opens the store and the policy package, and returns ctx
// acting as the system process name.
func openAsSystem(ctx context.Context, e env, dsn, name string) (*sqlstore.DB, *policy.Package, context.Context, error) {
	pk, err := loadPolicies("")
	if err != nil {
		return nil, nil, ctx, err
	}
	db, err := openStore(ctx, dsn, e.logger())
	if err != nil {
		return nil, nil, ctx, err
	}
	return db, pk, auth.WithPrincipal(ctx, auth.SystemPrincipal(name, region.Changji)), nil
}

// periodRegionFlags adds --period (a month) and --region (a subtree, all
// Changji by default) to fs; the function it returns reads them once fs is
// parsed.
func periodRegionFlags(fs *flag.FlagSet, periodUsage, regionUsage string) func() (period.Month, region.Code, error) {
	per := fs.String("period", "", periodUsage)
	reg := fs.String("region", string(region.Changji), regionUsage)
	return func() (period.Month, region.Code, error) {
		m, err := period.ParseMonth(*per)
		if err != nil {
			return 0, "", fmt.Errorf("--period: %w", err)
		}
		code, err := region.ParseCode(*reg)
		if err != nil {
			return 0, "", fmt.Errorf("--region: %w", err)
		}
		return m, code, nil
	}
}
