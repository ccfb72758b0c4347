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
}

// logger returns the process logger: text for people, JSON when
// SAFETYNET_LOG=json.
func (e env) logger() *slog.Logger {
	if e.getenv("SAFETYNET_LOG") == "json" {
		return slog.New(slog.NewJSONHandler(e.stderr, nil))
	}
	return slog.New(slog.NewTextHandler(e.stderr, nil))
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
}

func commands() []command {
	return []command{
		{"demo", "create a demo database with a synthetic Changji if missing, and serve it", runDemo},
		{"serve", "serve the API on a database", runServe},
		{"migrate", "create or upgrade the database schema", runMigrate},
		{"gen", "generate a synthetic Changji population into a database", runGen},
		{"insurance", "social insurance: insurance assess (the monthly contribution assessment), insurance report (coverage by county)", runInsurance},
		{"accounts", "personal accounts: credit, interest, statement, hardship, back-pay, upgrade-tier, transfer-out, transfer-in", runAccounts},
		{"import", "read a department file, all or nothing: import tax|deaths|hardship|signals FILE", runImport},
		{"export", "write a file for people: export catalogue (the list of assistance items, 联助清单, as XLSX or CSV)", runExport},
		{"monitor", "low-income dynamic monitoring: monitor process (grade the signals waiting into alerts), monitor overdue (per township)", runMonitor},
		{"benefit", "unemployment and work-injury benefits: benefit pay (the monthly run), benefit claim, benefit injury", runBenefit},
		{"assistance", "social assistance: assistance classify|low-income|pay|report|reviews-due|seed", runAssistance},
		{"screen", "screen the registry for an allowance with no application (screen --program ID --period YYYY-MM)", runScreen},
		{"refund", "the job-stabilisation refund with no application: refund screen|report", runRefund},
		{"payments", "payment instructions and the fund ledger: payments generate|reconcile|notices", runPayments},
		{"batch", "payment batches: batch create|list|export|return", runBatch},
		{"payroll", "the monthly pension payroll (payroll --period YYYY-MM)", runPayroll},
		{"pension", "pensions: pension award|adjust|certify|duplicates|report", runPension},
		{"ids", "check resident ID numbers and unified social credit codes (ids check VALUE...)", runIDs},
		{"audit", "the audit trail: audit verify (the chain, its signed checkpoints, the user accounts), audit checkpoint, audit keygen", runAudit},
		{"user", "user accounts, changed only through audited events: user list|add|grant|disable|enable|passwd", runUser},
		{"policy", "run the policy engine: policy test, eval, whatif, list", runPolicy},
		{"version", "print the version", runVersion},
		{"help", "list the commands", nil},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) < 2 {
		usage(stderr)
		return exitError(2)
	}
	name := args[1]
	if name == "help" || name == "-h" || name == "--help" || name == "-help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, e, args[2:])
		}
	}
	fmt.Fprintf(stderr, "safetynet: unknown command %q\n\n", name)
	usage(stderr)
	return exitError(2)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "safetynet — the social safety net of a prefecture, in one binary.")
	fmt.Fprintln(w, "\nUsage: safetynet COMMAND [flags]   (safetynet COMMAND --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nA database DSN is a file path, sqlite:PATH, or postgres://user:pass@host/db.")
}

// newFlags returns a flag set that prints its usage to stderr.
func newFlags(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: safetynet %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
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
func dsnFlag(fs *flag.FlagSet, def string) *string {
	return fs.String("db", def, "database: a file path, sqlite:PATH or postgres://...")
}
