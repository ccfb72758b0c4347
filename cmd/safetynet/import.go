package main

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/exchange"
	"safetynet/internal/exchange/records"
	"safetynet/internal/fault"
	"safetynet/internal/monitoring"
	"safetynet/internal/registry"
)

// importKinds are the department files safetynet import reads.
var importKinds = map[string]string{
	"tax":      "the tax bureau's collection file (税务征收明细): posts the contributions collected",
	"deaths":   "the public-security death file (公安死亡信息): records the deaths",
	"hardship": "civil affairs' hardship list (困难群体名单), with --year YYYY: the persons whose resident premium government pays (代缴)",
	"signals":  "a department's monitoring signals (低收入人口动态监测信号), with --department for rows without 来源部门: queued for safetynet monitor process",
}

// importCommands read department files, one command per kind of file.
func importCommands() []command {
	kinds := make([]string, 0, len(importKinds))
	for k := range importKinds {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	cs := make([]command, len(kinds))
	for i, k := range kinds {
		cs[i] = command{name: k, summary: importKinds[k], run: func(ctx context.Context, e env, args []string) error { return runImport(ctx, e, k, args) }}
	}
	return cs
}

// runImport reads a department file of the kind named, all or nothing: a
// file with any bad row is rejected whole with a row-by-row report and
// writes nothing.
func runImport(ctx context.Context, e env, kind string, args []string) error {
	if kind == "hardship" {
		// accounts import-hardship takes the file after its flags.
		rest := args
		if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
			rest = append(slices.Clone(rest[1:]), rest[0])
		}
		return runAccounts(ctx, e, "import-hardship", rest)
	}
	fs := newFlags(e, "import "+kind, "import "+kind+" FILE --db DSN")
	fs.takesOperands()
	dsn := dsnFlag(fs, defaultDB)
	var source, department *string
	switch kind {
	case "deaths":
		fs.synopsis += " [--source SOURCE]"
		source = fs.String("source", "public_security", "where the notices come from, one of "+strings.Join(registry.DeathSources, ", "))
	case "signals":
		fs.synopsis += " [--department DEPT]"
		department = fs.String("department", "", "the department that sent the file, for rows without 来源部门: one of "+monitoringSources())
	}
	// The file may come before or after the flags.
	var file string
	rest := args
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		file, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	extra := fs.Args()
	if file == "" && len(extra) > 0 {
		file, extra = extra[0], extra[1:]
	}
	if len(extra) > 0 {
		return fmt.Errorf("import %s: unexpected argument %q (usage: safetynet %s)", kind, extra[0], fs.synopsis)
	}
	if file == "" {
		fs.Usage()
		return exitError(2)
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	a, ctx, err := openApp(ctx, e, *dsn, "import-"+kind)
	if err != nil {
		return err
	}
	defer a.Close()
	db := a.Store
	today := a.Clock.Today()
	profile := map[string]exchange.Profile{"tax": exchange.TaxContributions(), "deaths": exchange.Deaths(), "signals": exchange.Signals()}[kind]
	start := time.Now()
	rows, rep, err := exchange.Read(ctx, f, filepath.Base(file), profile, today)
	if err != nil {
		if rep != nil && rep.ProblemCount > 0 {
			printReport(e, rep)
			return exitError(1)
		}
		return err
	}
	switch kind {
	case "tax":
		n, err := a.Insurance.ImportTax(ctx, db, records.TaxRecords(rows))
		if err != nil {
			return rowProblems(e, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d contributions posted from %d rows in %.1f s\n", file, n, rep.Rows, time.Since(start).Seconds())
	case "deaths":
		out, err := a.Registry.RecordDeaths(ctx, records.DeathNotices(rows), *source)
		if err != nil {
			return rowProblems(e, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d deaths recorded, %d already recorded, from %d rows in %.1f s\n", file, out.Recorded, out.Repeats, rep.Rows, time.Since(start).Seconds())
	case "signals":
		n, err := importSignals(ctx, a, filepath.Base(file), rows, monitoring.Source(*department))
		if err != nil {
			return rowProblems(e, err)
		}
		fmt.Fprintf(e.stdout, "%s: %d signals recorded from %d rows in %.1f s; safetynet monitor process grades them\n", file, n, rep.Rows, time.Since(start).Seconds())
	}
	return nil
}

// printReport prints a rejected file's validation report, row by row.
func printReport(e env, rep *exchange.Report) {
	fmt.Fprintf(e.stderr, "%s (%s): rejected, nothing written: %d problems in %d of %d rows\n", rep.File, rep.Title, rep.ProblemCount, rep.BadRows, rep.Records)
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stderr, "  %s\n", p.Error())
	}
	if rep.ProblemCount > len(rep.Problems) {
		fmt.Fprintf(e.stderr, "  ... and %d more\n", rep.ProblemCount-len(rep.Problems))
	}
}

// rowProblems prints a rejection by the service, its fields ("row 12:
// id_number") in row order, and ends with status 1; other errors pass.
func rowProblems(e env, err error) error {
	fields := fault.FieldsOf(err)
	if fault.CodeOf(err) != fault.Invalid || len(fields) == 0 {
		return err
	}
	fmt.Fprintf(e.stderr, "rejected, nothing written: %s\n", fault.MessageOf(err))
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return cmp.Or(rowOf(a)-rowOf(b), strings.Compare(a, b)) })
	for _, k := range keys {
		fmt.Fprintf(e.stderr, "  %s: %s\n", k, fields[k])
	}
	return exitError(1)
}

// rowOf returns the row number of a field key such as "row 12: uscc".
func rowOf(key string) int {
	s, ok := strings.CutPrefix(key, "row ")
	if !ok {
		return 0
	}
	s, _, _ = strings.Cut(s, ":")
	n, _ := strconv.Atoi(s)
	return n
}
