package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

const policyUsage = `Usage: safetynet policy SUBCOMMAND [flags]

Subcommands:
  test [DIR]                          run the policy tests of every programme
  eval --programme ID --period YYYY-MM  decide one case (JSON on stdin or --case FILE)
  whatif --programme ID --period YYYY-MM --set KEY=VALUE@DATE ...
                                      compare beneficiaries and cost by county under
                                      changed parameters, over a synthetic population
  list                                list the programmes

Without DIR or --dir, the policy package built into the binary is used.
`

// policyCommands run the policy engine.
func policyCommands() []command {
	return []command{
		{name: "test", summary: "run the policy tests of every programme", run: func(_ context.Context, e env, args []string) error { return runPolicyTest(e, args) }},
		{name: "eval", summary: "decide one case", run: func(_ context.Context, e env, args []string) error { return runPolicyEval(e, args) }},
		{name: "whatif", summary: "compare beneficiaries and cost under changed parameters", run: func(_ context.Context, e env, args []string) error { return runPolicyWhatIf(e, args) }},
		{name: "list", summary: "list the programmes", run: func(_ context.Context, e env, args []string) error { return runPolicyList(e, args) }},
	}
}

// loadPolicies loads and type-checks the policy package in dir, or the one
// embedded in the binary when dir is "". The file of a load error is given
// with dir (or "policies") in front, so that it can be opened as printed.
func loadPolicies(e env, dir string) (*policy.Package, error) {
	fsys := e.site.policyFS()
	if dir != "" {
		fsys = os.DirFS(dir)
	}
	pk, err := policy.Load(fsys, policy.PensionFuncs()...)
	var le *policy.LoadError
	var many interface{ Unwrap() []error }
	switch {
	case errors.As(err, &many):
		// Every missing label at once, each with its file.
		errs := many.Unwrap()
		out := make([]error, len(errs))
		for i, e := range errs {
			out[i] = e
			if errors.As(e, &le) {
				at := *le
				at.File = filepath.Join(policyRoot(dir), le.File)
				out[i] = &at
			}
		}
		return nil, errors.Join(out...)
	case errors.As(err, &le):
		at := *le
		at.File = filepath.Join(policyRoot(dir), le.File)
		return nil, &at
	case err != nil:
		return nil, fmt.Errorf("load policies from %s: %w", policyRoot(dir), err)
	}
	return pk, nil
}

// policyRoot is the folder the package's file names are relative to.
func policyRoot(dir string) string {
	if dir == "" {
		return "policies"
	}
	return dir
}

// loadOrReport loads the policy package, or prints why it cannot and
// returns exit status 1.
func loadOrReport(e env, cmd, dir string) (*policy.Package, error) {
	pk, err := loadPolicies(e, dir)
	if err != nil {
		fmt.Fprintf(e.stderr, "safetynet policy %s: %v\n", cmd, err)
		return nil, exitError(1)
	}
	return pk, nil
}

// printProblem prints err with one line per field at fault.
func printProblem(w io.Writer, prefix string, err error) {
	fields := fault.FieldsOf(err)
	if len(fields) == 0 || fault.CodeOf(err) == fault.Internal {
		fmt.Fprintf(w, "%s: %v\n", prefix, err)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", prefix, fault.MessageOf(err))
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "  %s: %s\n", k, fields[k])
	}
}

// runPolicyTest runs every policy test and reports them by programme.
func runPolicyTest(e env, args []string) error {
	flags := newFlags(e, "policy test", "policy test [DIR]")
	flags.takesOperands()
	if err := flags.Parse(args); err != nil {
		return err
	}
	if flags.NArg() > 1 {
		return fmt.Errorf("policy test: unexpected argument %q (usage: safetynet %s)", flags.Arg(1), flags.synopsis)
	}
	dir := flags.Arg(0)
	pk, err := loadOrReport(e, "test", dir)
	if err != nil {
		return err
	}
	type tally struct{ passed, failed int }
	byProg := map[string]*tally{}
	var failures []string
	total := tally{}
	for _, r := range pk.RunTests() {
		t := byProg[r.Programme]
		if t == nil {
			t = &tally{}
			byProg[r.Programme] = t
		}
		if len(r.Failures) == 0 {
			t.passed++
			total.passed++
			continue
		}
		t.failed++
		total.failed++
		for _, f := range r.Failures {
			failures = append(failures, fmt.Sprintf("%s:%d: %s: %s: %s",
				filepath.Join(policyRoot(dir), r.Test.File), r.Test.Line, r.Programme, r.Test.Name, f))
		}
	}
	tw := newTable(e.stdout, false)
	for _, p := range pk.Programmes() {
		t := byProg[p.ID]
		switch {
		case t == nil:
			fmt.Fprintf(tw, "--\t%s\tno tests\n", p.ID)
		case t.failed > 0:
			fmt.Fprintf(tw, "FAIL\t%s\t%d passed, %d failed\n", p.ID, t.passed, t.failed)
		default:
			fmt.Fprintf(tw, "ok\t%s\t%d passed, %d failed\n", p.ID, t.passed, t.failed)
		}
	}
	tw.Flush()
	for _, f := range failures {
		fmt.Fprintln(e.stdout, f)
	}
	fmt.Fprintf(e.stdout, "%d passed, %d failed\n", total.passed, total.failed)
	if total.failed > 0 {
		return exitError(1)
	}
	return nil
}

// programmeFlags are the flags that name a programme and a period.
type programmeFlags struct {
	program, period, dir *string
}

func addProgrammeFlags(flags *flagSet) programmeFlags {
	return programmeFlags{
		program: flags.String("programme", "", "programme id (see policy list)"),
		period:  flags.String("period", "", "period as YYYY-MM (a yearly programme reads January 1st)"),
		dir:     flags.String("dir", "", "policy package folder (default: the one built in)"),
	}
}

// load checks the flags and loads the package and the programme; usage
// problems exit with status 2, a package that does not load or an unknown
// programme with 1.
func (pf programmeFlags) load(e env, cmd string, usage func()) (*policy.Package, *policy.Programme, period.Month, error) {
	if *pf.program == "" || *pf.period == "" {
		fmt.Fprintf(e.stderr, "safetynet policy %s: --programme and --period are required\n", cmd)
		usage()
		return nil, nil, 0, exitError(2)
	}
	per, err := period.ParseMonth(*pf.period)
	if err != nil {
		fmt.Fprintf(e.stderr, "safetynet policy %s: --period: %v\n", cmd, err)
		return nil, nil, 0, exitError(2)
	}
	pk, err := loadOrReport(e, cmd, *pf.dir)
	if err != nil {
		return nil, nil, 0, err
	}
	p, ok := pk.Programme(*pf.program)
	if !ok {
		fmt.Fprintf(e.stderr, "safetynet policy %s: programme %q not found (see safetynet policy list)\n", cmd, *pf.program)
		return nil, nil, 0, exitError(1)
	}
	return pk, p, per, nil
}

// runPolicyEval decides one case and prints the explained decision.
func runPolicyEval(e env, args []string) error {
	flags := newFlags(e, "policy eval", "policy eval --programme ID --period YYYY-MM [--case FILE|-] [--explain zh|en] [--dir DIR]")
	pf := addProgrammeFlags(flags)
	caseFile := flags.String("case", "-", `the case as JSON: {"entity":…,"region":…,"inputs":{…}}; "-" reads stdin`)
	explain := flags.String("explain", "", "print the decision for people, in zh or en, instead of its JSON")
	if err := flags.Parse(args); err != nil {
		return err
	}
	pk, p, per, err := pf.load(e, "eval", flags.Usage)
	if err != nil {
		return err
	}
	c, err := readCase(e.stdin, *caseFile)
	if err != nil {
		fmt.Fprintf(e.stderr, "safetynet policy eval: %v\n", err)
		return exitError(1)
	}
	d, err := pk.Evaluate(p.ID, per, c)
	if err != nil {
		printProblem(e.stderr, "safetynet policy eval", err)
		return exitError(1)
	}
	if *explain == "" {
		return printJSON(e.stdout, d)
	}
	if *explain != "zh" && *explain != "en" {
		fmt.Fprintf(e.stderr, "safetynet policy eval: --explain is zh or en, not %q\n", *explain)
		return exitError(2)
	}
	ex, err := pk.Explain(d, policy.ExplainOptions{Lang: policy.Lang(*explain)})
	if err != nil {
		return err
	}
	return printExplanation(e.stdout, ex)
}

// printExplanation writes a decision for people: the summary, then the
// conditions, the calculation, the inputs and the parameters.
func printExplanation(w io.Writer, ex *policy.Explanation) error {
	zh := ex.Lang == policy.ZH
	head := func(z, en string) {
		if zh {
			fmt.Fprintf(w, "\n%s\n", z)
		} else {
			fmt.Fprintf(w, "\n%s\n", en)
		}
	}
	fmt.Fprintf(w, "%s · %s\n%s\n", ex.Programme, ex.Period, ex.Summary)
	if len(ex.Requirements)+len(ex.Conditions) > 0 {
		head("条件", "Conditions")
		for _, l := range append(append([]policy.Line{}, ex.Requirements...), ex.Conditions...) {
			mark := "✓"
			if l.Holds != nil && !*l.Holds {
				mark = "✗"
			}
			fmt.Fprintf(w, "  %s %s\n", mark, l.Text)
		}
	}
	head("计算", "Calculation")
	for _, l := range append(append([]policy.Line{}, ex.Variables...), ex.Amount) {
		fmt.Fprintf(w, "  %s\n", l.Text)
	}
	for _, sec := range []struct {
		zh, en string
		lines  []policy.Line
	}{{"个人数据", "Inputs", ex.Inputs}, {"政策参数", "Parameters", ex.Parameters}} {
		head(sec.zh, sec.en)
		tb := newTable(w, false)
		for _, l := range sec.lines {
			if l.From == "" {
				fmt.Fprintf(tb, "  %s\t%s\n", l.Label, l.Value)
			} else {
				fmt.Fprintf(tb, "  %s\t%s\t%s\t%s\n", l.Label, l.Value, l.From, l.Status)
			}
		}
		if err := tb.Flush(); err != nil {
			return err
		}
	}
	return nil
}

// printJSON prints v as indented JSON, with <, > and & as themselves (the
// expressions of a decision compare).
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readCase reads one case as JSON from name, or from stdin for "-".
func readCase(stdin io.Reader, name string) (policy.Case, error) {
	var c policy.Case
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return c, err
		}
		defer f.Close()
		r = f
	} else {
		name = "stdin"
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("read the case from %s: %w", name, err)
	}
	if dec.More() {
		return c, fmt.Errorf("read the case from %s: more data after the case's JSON object", name)
	}
	return c, nil
}

// runPolicyWhatIf compares a programme under changed parameters.
func runPolicyWhatIf(e env, args []string) error {
	flags := newFlags(e, "policy whatif",
		"policy whatif --programme ID --period YYYY-MM --set KEY=VALUE@DATE [--set ...] [--persons N] [--seed S] [--dir DIR] [--json]")
	pf := addProgrammeFlags(flags)
	var overrides []policy.Override
	flags.Func("set", "a parameter change, KEY=VALUE@DATE or KEY@REGION=VALUE@DATE (DATE is YYYY-MM-DD or YYYY-MM); repeat for several",
		func(s string) error {
			o, err := policy.ParseOverride(s)
			if err != nil {
				return err
			}
			overrides = append(overrides, o)
			return nil
		})
	n := flags.Int("persons", 10000, "number of synthetic cases (persons, households or organisations, after the programme)")
	seed := flags.Int64("seed", 1, "random seed: the same seed gives the same population")
	asJSON := flags.Bool("json", false, "print the report as JSON")
	if err := flags.Parse(args); err != nil {
		return err
	}
	if *n <= 0 {
		fmt.Fprintln(e.stderr, "safetynet policy whatif: --persons must be at least 1")
		return exitError(2)
	}
	if len(overrides) == 0 {
		fmt.Fprintln(e.stderr, "safetynet policy whatif: give at least one --set KEY=VALUE@DATE")
		flags.Usage()
		return exitError(2)
	}
	pk, p, per, err := pf.load(e, "whatif", flags.Usage)
	if err != nil {
		return err
	}
	pop, err := syntheticPopulation(e, pk, p.Entity, *n, *seed)
	if err != nil {
		return err
	}
	rep, err := pk.WhatIf(p.ID, per, pop, overrides, 0)
	if err != nil {
		printProblem(e.stderr, "safetynet policy whatif", err)
		return exitError(1)
	}
	if err := nameCounties(e.site.juris.Tree, rep); err != nil {
		return err
	}
	if *asJSON {
		return printJSON(e.stdout, rep)
	}
	printWhatIf(e.stdout, p, rep, *seed)
	return nil
}

// nameCounties fills in the names of the report's counties.
func nameCounties(tree *region.Tree, rep *policy.WhatIfReport) error {
	for i := range rep.Rows {
		if n, ok := tree.Node(rep.Rows[i].Region); ok {
			rep.Rows[i].Name = n.NameZH
		}
	}
	rep.Total.Name = "合计"
	return nil
}

// printWhatIf prints the report as a table by county.
func printWhatIf(w io.Writer, p *policy.Programme, rep *policy.WhatIfReport, seed int64) {
	fmt.Fprintf(w, "%s %s (%s), %s, %d synthetic %s cases (seed %d)\n", p.ID, p.NameZH, p.NameEN, rep.Period, rep.Cases, p.Entity, seed)
	for _, o := range rep.Overrides {
		where := ""
		if o.Region != "" {
			where = " in " + string(o.Region)
		}
		fmt.Fprintf(w, "  %s = %s from %s%s\n", o.Key, o.Value, o.From, where)
	}
	fmt.Fprintln(w)
	// The county's name comes last, after its figures.
	tw := newTable(w, true)
	fmt.Fprintln(tw, "county\tbefore\tafter\tchange\tcost before (yuan)\tcost after\tcost change\t  name")
	row := func(r policy.WhatIfRow) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%+d\t%s\t%s\t%s\t  %s\n", r.Region, r.Before.Count, r.After.Count, r.DeltaCount,
			r.Before.Total, r.After.Total, signedFen(r.DeltaTotal), r.Name)
	}
	for _, r := range rep.Rows {
		row(r)
	}
	row(rep.Total)
	tw.Flush()
}

// signedFen formats a change of money with its sign.
func signedFen(f money.Fen) string {
	if f > 0 {
		return "+" + f.String()
	}
	return f.String()
}

// runPolicyList lists the programmes.
func runPolicyList(e env, args []string) error {
	flags := newFlags(e, "policy list", "policy list [--dir DIR]")
	dir := flags.String("dir", "", "policy package folder (default: the one built in)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	pk, err := loadOrReport(e, "list", *dir)
	if err != nil {
		return err
	}
	tw := newTable(e.stdout, false)
	fmt.Fprintln(tw, "id\tentity\tperiod\tname")
	for _, p := range pk.Programmes() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s  %s\n", p.ID, p.Entity, p.Period, p.NameZH, p.NameEN)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "%d programmes, policy package %s (layers %s)\n", len(pk.Programmes()), pk.Version, strings.Join(pk.Layers, ", "))
	return nil
}
