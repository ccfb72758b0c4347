// Command safetynet runs a region's social safety net: the registry, social
// insurance, social assistance, proactive benefits and payments, as one
// binary over SQLite or PostgreSQL.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		var ee exitError
		switch {
		case errors.As(err, &ee):
			os.Exit(int(ee))
		case errors.Is(err, flag.ErrHelp):
			os.Exit(0) // the usage was asked for and printed
		}
		fmt.Fprintln(os.Stderr, "safetynet:", err)
		os.Exit(2)
	}
}

// exitError ends the program with a status and no further message: the
// command has printed its own report.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// env is what a subcommand needs from the process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	// site is the jurisdiction and policy folder of the options before
	// the command.
	site site
}

// logger returns the process logger: text for people, JSON when
// SAFETYNET_LOG=json.
func (e env) logger() *slog.Logger {
	if e.getenv("SAFETYNET_LOG") == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(e.stderr, nil))
}

// commands are safetynet's commands and command groups: run and its
// help reach every command through them.
func commands() []command {
	return []command{
		{name: "demo", summary: "create a demo database with a synthetic Changji if missing, and serve it", run: runDemo},
		{name: "serve", summary: "serve the API on a database", run: runServe},
		{name: "migrate", summary: "create or upgrade the database schema", run: runMigrate},
		{name: "gen", summary: "generate a synthetic Changji population into a database", run: runGen},
		{name: "insurance", summary: "social insurance: insurance assess (the monthly contribution assessment), insurance report (coverage by county)", subs: insuranceCommands()},
		{name: "accounts", summary: "personal accounts: credit, interest, statement, hardship, back-pay, upgrade-tier, transfer-out, transfer-in", usage: accountsUsage, subs: accountsCommands()},
		{name: "import", summary: "read a department file, all or nothing: import tax|deaths|hardship|signals FILE", subs: importCommands()},
		{name: "export", summary: "write a file for people: export catalogue (the list of assistance items, 联助清单, as XLSX or CSV)", usage: exportUsage, subs: exportCommands()},
		{name: "monitor", summary: "low-income dynamic monitoring: monitor process (grade the signals waiting into alerts), monitor overdue (per township)", usage: monitorUsage, subs: monitorCommands()},
		{name: "benefit", summary: "unemployment and work-injury benefits: benefit pay (the monthly run), benefit claim, benefit injury", usage: benefitUsage, subs: benefitCommands()},
		{name: "service-report", summary: "the front office's handling report (办件统计): received, finished, on time, 线上办理率, by channel, matter, department, point or clerk", run: runServiceReport},
		{name: "assistance", summary: "social assistance: assistance classify|low-income|pay|report|reviews-due|seed", usage: assistanceUsage, subs: assistanceCommands()},
		{name: "screen", summary: "screen the registry for an allowance with no application (screen --programme ID --period YYYY-MM)", run: runScreen},
		{name: "refund", summary: "the job-stabilisation refund with no application: refund screen|report", usage: refundUsage, subs: refundCommands()},
		{name: "payments", summary: "payment instructions and the fund ledger: payments generate|reconcile|notices", usage: paymentsUsage, subs: paymentsCommands()},
		{name: "batch", summary: "payment batches: batch create|list|export|return", usage: batchUsage, subs: batchCommands()},
		{name: "payroll", summary: "the monthly pension payroll (payroll --period YYYY-MM)", run: runPayroll},
		{name: "pension", summary: "pensions: pension award|adjust|certify|duplicates|report", subs: pensionCommands()},
		{name: "ids", summary: "check resident ID numbers and unified social credit codes (ids check VALUE...)", subs: idsCommands()},
		{name: "audit", summary: "the audit trail: audit verify (the chain, its signed checkpoints, the user accounts), audit checkpoint, audit keygen", usage: auditUsage, subs: auditCommands()},
		{name: "user", summary: "user accounts, changed only through audited events: user list|add|grant|revoke|disable|enable|password", usage: userUsage, subs: userCommands()},
		{name: "statistics", summary: "the dashboards' stored figures: statistics summarise --month YYYY-MM (or --from --to)", usage: statisticsUsage, subs: statisticsCommands()},
		{name: "policy", summary: "run the policy engine: policy test, eval, whatif, list", usage: policyUsage, subs: policyCommands()},
		{name: "applications", summary: "the front office's applications (办件): applications settle|recompute-due|remind|list|show", usage: applicationsUsage, subs: applicationsCommands()},
		{name: "crossprov", summary: "cross-province requests (跨省通办) through a file drop: crossprov send|receive|simulate --dir DIR", usage: crossprovUsage, subs: crossprovCommands()},
		{name: "version", summary: "print the version", run: runVersion},
	}
}

// run runs the command args name. Help asked for anywhere is printed to
// stdout and is a success.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) >= 2 && isHelp(args[1]) {
		usage(stdout)
		return nil
	}
	st, rest, err := parseSite(args[1:], getenv)
	if err != nil {
		return err
	}
	e.site = st
	if len(rest) == 0 {
		usage(stderr)
		return exitError(2)
	}
	if isHelp(rest[0]) {
		usage(stdout)
		return nil
	}
	err = dispatch(ctx, e, "safetynet", "", commands(), rest)
	if errors.Is(err, flag.ErrHelp) {
		return nil // the usage was asked for and printed
	}
	return err
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "safetynet — the social safety net of a prefecture, in one binary.")
	fmt.Fprintln(w, "\nUsage: safetynet [options] COMMAND [flags]   (safetynet COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	cs := append(commands(), command{name: "help", summary: "list the commands"})
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	siteUsage(w)
	fmt.Fprintln(w, "\nA database DSN is a file path, sqlite:PATH, or postgres://user:pass@host/db.")
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+dirty"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			return "dev-" + rev + dirty
		}
	}
	return "dev"
}

func runVersion(_ context.Context, e env, args []string) error {
	fs := newFlags(e, "version", "version")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "safetynet", versionString())
	return nil
}

// dsnFlag registers the --db flag.
func dsnFlag(fs interface {
	String(name, value, usage string) *string
}, def string) *string {
	return fs.String("db", def, "database: a file path, sqlite:PATH or postgres://...")
}
