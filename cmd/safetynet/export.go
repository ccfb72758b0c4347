package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/exchange"
)

const exportUsage = `Usage: safetynet export WHAT [flags]

What:
  catalogue [--out FILE] [--format xlsx|csv]
            the catalogue of assistance items (联助清单), built into the binary,
            as an XLSX workbook (default lianzhu-qingdan.xlsx) or as CSV in
            UTF-8 with a byte-order mark, which Excel opens with the Chinese intact
`

// exportCommands write files for people from data built into the binary.
func exportCommands() []command {
	return []command{
		{name: "catalogue", summary: "the catalogue of assistance items (联助清单), as XLSX or CSV", run: func(_ context.Context, e env, args []string) error { return runExportCatalogue(e, args) }},
	}
}

// runExportCatalogue writes the catalogue of assistance items.
func runExportCatalogue(e env, args []string) error {
	flags := newFlags(e, "export catalogue", "export catalogue [--out FILE] [--format xlsx|csv]")
	out := flags.String("out", "", `the file to write; "-" writes stdout (default lianzhu-qingdan.xlsx, or .csv with --format csv)`)
	format := flags.String("format", "", "xlsx or csv (default: after the --out file's extension, else xlsx)")
	if err := flags.Parse(args); err != nil {
		return err
	}
	switch {
	case *format == "" && strings.EqualFold(filepath.Ext(*out), ".csv"):
		*format = "csv"
	case *format == "":
		*format = "xlsx"
	case *format != "xlsx" && *format != "csv":
		fmt.Fprintf(e.stderr, "safetynet export catalogue: --format %q: want xlsx or csv\n", *format)
		return exitError(2)
	}
	if *out == "" {
		*out = "lianzhu-qingdan." + *format
	}
	pk, err := loadPolicies(e, "")
	if err != nil {
		return err
	}
	cat, err := loadCatalogue(e, "", pk)
	if err != nil {
		fmt.Fprintf(e.stderr, "safetynet export catalogue: %v\n", err)
		return exitError(1)
	}
	items := cat.Items(assistance.CatalogueFilter{})
	header, rows := assistance.CatalogueTable(items)
	sheet := exchange.Sheet{Name: "联助清单", Header: header, Rows: rows}
	write := exchange.WriteXLSX
	if *format == "csv" {
		write = exchange.WriteCSV
	}
	if *out == "-" {
		return write(e.stdout, sheet)
	}
	if err := writeFileAtomic(*out, func(w io.Writer) error { return write(w, sheet) }); err != nil {
		return fmt.Errorf("export catalogue: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %d assistance items to %s\n", len(items), *out)
	return nil
}

// writeFileAtomic writes a file through write, by way of a temporary file
// beside it, so that a failed write leaves no partial file behind and does
// not harm an older one.
func writeFileAtomic(name string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// CreateTemp makes the file readable by its owner only; the export is
	// public information, readable as any other new file.
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}
