package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"safetynet/internal/period"
	"safetynet/internal/region"
)

// command is a command of safetynet: a leaf that runs, or a group whose
// subcommands (subs) dispatch chooses among.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e env, args []string) error
	subs    []command
	usage   string // a group's usage, when more than its commands' list
}

// isHelp reports whether arg asks for the usage.
func isHelp(arg string) bool {
	return arg == "help" || arg == "-h" || arg == "-help" || arg == "--help"
}

// dispatch runs the command of cmds that args name first, with the rest of
// args; path is the group's name on the command line ("safetynet audit").
// Asked for help, it prints the group's usage to stdout and succeeds; with
// no command or an unknown one, it prints the usage to stderr and exits 2.
func dispatch(ctx context.Context, e env, path, usage string, cmds []command, args []string) error {
	if len(args) > 0 {
		if isHelp(args[0]) {
			groupUsage(e.stdout, path, cmds, usage)
			return nil
		}
		for _, c := range cmds {
			if c.name != args[0] {
				continue
			}
			if c.subs != nil {
				return dispatch(ctx, e, path+" "+c.name, c.usage, c.subs, args[1:])
			}
			return c.run(ctx, e, args[1:])
		}
		fmt.Fprintf(e.stderr, "%s: unknown command %q\n\n", path, args[0])
	}
	groupUsage(e.stderr, path, cmds, usage)
	return exitError(2)
}

// groupUsage prints a group's usage: its own text when it has one, else
// its commands and their summaries.
func groupUsage(w io.Writer, path string, cmds []command, usage string) {
	if usage != "" {
		fmt.Fprintln(w, strings.TrimRight(usage, "\n"))
		return
	}
	fmt.Fprintf(w, "Usage: %s COMMAND [flags]   (%s COMMAND --help for its flags)\n\nCommands:\n", path, path)
	width := 0
	for _, c := range cmds {
		width = max(width, len(c.name))
	}
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-*s  %s\n", width, c.name, c.summary)
	}
}

// flagSet is a command's flags. Its Parse prints the usage to stdout when
// asked for help (and returns flag.ErrHelp), refuses positional arguments
// unless the command takes them, and refuses a missing required flag.
type flagSet struct {
	*flag.FlagSet
	e        env
	synopsis string
	operands bool     // the command takes positional arguments
	required []string // the flags that must be given
}

// newFlags returns the flag set of the command name, whose usage line is
// "safetynet " + synopsis.
func newFlags(e env, name, synopsis string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), e: e, synopsis: synopsis}
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "Usage: safetynet %s\n", fs.synopsis)
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
	return fs
}

// takesOperands lets the command take positional arguments (FILE,
// VALUE...): Parse leaves them in Args.
func (fs *flagSet) takesOperands() { fs.operands = true }

// require marks the flags named as required, "(required)" in the help:
// Parse fails, naming the first one missing, unless each is given. Each
// must be in the synopsis.
func (fs *flagSet) require(names ...string) {
	for _, n := range names {
		f := fs.Lookup(n)
		if f == nil {
			panic("require: no flag --" + n) // a programming error in the command
		}
		f.Usage += " (required)"
	}
	fs.required = append(fs.required, names...)
}

// Parse parses args. Asked for help (-h, --help), it prints the usage to
// stdout and returns flag.ErrHelp; a bad flag is reported with the usage
// on stderr.
func (fs *flagSet) Parse(args []string) error {
	var out bytes.Buffer
	fs.SetOutput(&out)
	err := fs.FlagSet.Parse(args)
	fs.SetOutput(fs.e.stderr)
	if errors.Is(err, flag.ErrHelp) {
		fs.e.stdout.Write(out.Bytes())
		return err
	}
	fs.e.stderr.Write(out.Bytes())
	if err != nil {
		return err
	}
	if fs.NArg() > 0 && !fs.operands {
		return fmt.Errorf("%s: unexpected argument %q (usage: safetynet %s)", fs.Name(), fs.Arg(0), fs.synopsis)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	for _, n := range fs.required {
		if !set[n] {
			return fmt.Errorf("%s: missing required flag --%s (usage: safetynet %s)", fs.Name(), n, fs.synopsis)
		}
	}
	return nil
}

// usageFlags returns the flags the usage line names, in order: each
// "--name" of the synopsis.
func usageFlags(synopsis string) []string {
	var names []string
	for _, w := range strings.FieldsFunc(synopsis, func(r rune) bool { return strings.ContainsRune(" []|=", r) }) {
		if n, ok := strings.CutPrefix(w, "--"); ok && n != "" && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names
}

// periodRegionFlags adds --period (a month) and --region (a subtree, the
// whole home region by default) to fs; the function it returns reads them
// once fs is parsed.
func periodRegionFlags(fs *flagSet, periodUsage, regionUsage string) func() (period.Month, region.Code, error) {
	per := fs.String("period", "", periodUsage)
	reg := fs.String("region", fs.e.home(), regionUsage)
	fs.require("period")
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

// reportFlags adds the period flags every report command takes, as every
// report of the API does (docs/conventions.md, CLI): --from and --to
// months, one month being from = to, and --region. It returns the parser
// to call after Parse.
func reportFlags(fs *flagSet) func() (from, to period.Month, code region.Code, err error) {
	f := fs.String("from", "", "first month, YYYY-MM")
	t := fs.String("to", "", "last month, YYYY-MM; one month is --from = --to")
	reg := fs.String("region", fs.e.home(), "region subtree to report")
	fs.require("from", "to")
	return func() (from, to period.Month, code region.Code, err error) {
		if from, err = period.ParseMonth(*f); err != nil {
			return 0, 0, "", fmt.Errorf("--from: %w", err)
		}
		if to, err = period.ParseMonth(*t); err != nil {
			return 0, 0, "", fmt.Errorf("--to: %w", err)
		}
		if to < from {
			return 0, 0, "", fmt.Errorf("--to: %s is before --from %s", to, from)
		}
		if code, err = region.ParseCode(*reg); err != nil {
			return 0, 0, "", fmt.Errorf("--region: %w", err)
		}
		return from, to, code, nil
	}
}
