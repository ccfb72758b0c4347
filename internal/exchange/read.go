package exchange

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// The default limits of [Options]: 2,000,000 data rows, 64 KiB per line,
// 10,000 problems kept, 256 MiB per XLSX file.
const (
	DefaultMaxRows      = 2_000_000
	DefaultMaxLineBytes = 64 << 10
	DefaultMaxProblems  = 10_000
	DefaultMaxFileBytes = 256 << 20
)

// maxPreamble is how many non-empty lines may stand above the header.
const maxPreamble = 10

// Options are the settings of a read (读取选项). The zero value reads with
// the default limits and no reading date.
type Options struct {
	// Today is the reading date: a resident ID born later and, for fields
	// with NotFuture, a later date are problems. Zero skips those checks.
	Today period.Date
	// Sheet is the XLSX sheet to read; "" reads the first sheet.
	Sheet string
	// MaxRows is the most data rows (non-empty records after the header)
	// a file may have; a longer file is rejected. Default DefaultMaxRows.
	MaxRows int
	// MaxLineBytes is the longest CSV line, or record of quoted lines, or
	// XLSX row, in bytes; a longer one is a problem. Default
	// DefaultMaxLineBytes.
	MaxLineBytes int
	// MaxProblems caps the problems (and, separately, the warnings) kept in
	// the report; all are counted. Default DefaultMaxProblems.
	MaxProblems int
	// MaxFileBytes is the largest XLSX file read, which is held in memory
	// to be unzipped. Default DefaultMaxFileBytes.
	MaxFileBytes int64
}

// withDefaults returns o with the zero limits set to the defaults.
func (o Options) withDefaults() Options {
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	if o.MaxProblems <= 0 {
		o.MaxProblems = DefaultMaxProblems
	}
	if o.MaxFileBytes <= 0 {
		o.MaxFileBytes = DefaultMaxFileBytes
	}
	return o
}

// Read reads a department file (部门交换文件) with the default options and
// the reading date today. See [Options.Read].
func Read(ctx context.Context, r io.Reader, name string, p Profile, today period.Date) ([]Row, *Report, error) {
	return Options{Today: today}.Read(ctx, r, name, p)
}

// Read reads a department file: CSV if name ends in .csv, XLSX if it ends
// in .xlsx (in any case). It validates every line against p and returns
// all the rows, in file order, with the report.
//
// If the file has any problem it is rejected whole: Read returns no rows,
// the report listing every problem, and the report's [Report.Err], a
// [fault.Invalid] error. Any other error (reading r, a cancelled ctx) is
// returned as it is, with the report so far. An invalid profile is a
// programming error, returned as an uncoded error. The report is never
// nil.
func (o Options) Read(ctx context.Context, r io.Reader, name string, p Profile) ([]Row, *Report, error) {
	var rows []Row
	rd, err := o.newReader(name, p)
	if err != nil {
		return nil, rd.rep, err
	}
	rd.fn = func(row Row) error {
		if rd.rep.ProblemCount == 0 {
			rows = append(rows, row)
		} else if rows != nil {
			rows = nil // rejected anyway: stop holding rows
		}
		return nil
	}
	if err := rd.run(ctx, r); err != nil {
		return nil, rd.rep, err
	}
	if err := rd.rep.Err(); err != nil {
		return nil, rd.rep, err
	}
	if rows == nil {
		rows = []Row{}
	}
	return rows, rd.rep, nil
}

// Each reads a department file as [Options.Read] does, but streams it: it
// calls fn with each valid row, in file order, as soon as it is read, and
// holds no rows itself. It is meant for files too large to hold, written
// to a store inside one transaction.
//
// A row passed to fn is valid, but the file may still be rejected for a
// later line: when Each returns an error, whatever fn did must be undone
// (the transaction rolled back). If fn returns an error, Each stops and
// returns it, wrapped with the row number.
func (o Options) Each(ctx context.Context, r io.Reader, name string, p Profile, fn func(Row) error) (*Report, error) {
	rd, err := o.newReader(name, p)
	if err != nil {
		return rd.rep, err
	}
	rd.fn = fn
	if err := rd.run(ctx, r); err != nil {
		return rd.rep, err
	}
	return rd.rep, rd.rep.Err()
}

// reader holds the state of one read.
type reader struct {
	o    Options
	s    *schema
	rep  *Report
	fn   func(Row) error
	xlsx bool   // reading an XLSX file
	src  source // where cell values come from
	stop bool   // a problem that ends the read was found

	// The header, once found.
	header   bool
	preamble int      // non-empty lines seen before the header
	width    int      // number of header cells
	headers  []string // cleaned header text per column
	fieldCol []int    // field index -> column index, or -1
	unnamed  []int8   // per column: 1 if it has no header, 2 once reported

	missing bool // a required column is missing

	emptyFrom, emptyTo int // a run of empty lines not yet reported
	keys               map[string]int
	slab               []Value
	slabRows           int
	rowHadProblem      bool
}

// newReader compiles p and prepares a read of the named file.
func (o Options) newReader(name string, p Profile) (*reader, error) {
	rd := &reader{
		o:   o.withDefaults(),
		rep: &Report{Profile: p.Name, Title: p.Title, File: name},
	}
	s, err := compile(p)
	if err != nil {
		return rd, err
	}
	rd.s = s
	if len(s.key) > 0 {
		rd.keys = make(map[string]int)
	}
	return rd, nil
}

// run reads r by the format its name gives.
func (rd *reader) run(ctx context.Context, r io.Reader) error {
	var err error
	switch ext := strings.ToLower(filepath.Ext(rd.rep.File)); ext {
	case ".csv":
		rd.rep.Format = "csv"
		err = rd.readCSV(ctx, r)
	case ".xlsx":
		rd.rep.Format, rd.xlsx, rd.src = "xlsx", true, fromXLSX
		err = rd.readXLSX(ctx, r)
	case ".xls", ".et":
		rd.fileProblem(RuleFormat, fmt.Sprintf("the old Excel format %s is not supported: save the file as .xlsx or as CSV", ext))
	default:
		rd.fileProblem(RuleFormat, fmt.Sprintf("unsupported file type %q: want .csv or .xlsx", ext))
	}
	if err != nil {
		return err
	}
	rd.finish()
	return nil
}

// fileProblem records a problem with the whole file and stops the read.
func (rd *reader) fileProblem(rule Rule, reason string) {
	rd.addProblem(Problem{Rule: rule, Reason: reason})
	rd.stop = true
}

// addProblem records a problem.
func (rd *reader) addProblem(p Problem) {
	rd.rep.ProblemCount++
	if len(rd.rep.Problems) < rd.o.MaxProblems {
		rd.rep.Problems = append(rd.rep.Problems, p)
	}
}

// addWarning records a warning.
func (rd *reader) addWarning(p Problem) {
	rd.rep.WarningCount++
	if len(rd.rep.Warnings) < rd.o.MaxProblems {
		rd.rep.Warnings = append(rd.rep.Warnings, p)
	}
}

// lineProblem records a problem of the current data line.
func (rd *reader) lineProblem(line int, p Problem) {
	p.Line = line
	rd.rowHadProblem = true
	rd.addProblem(p)
}

// finish closes the report at the end of the file.
func (rd *reader) finish() {
	if !rd.header && !rd.stop {
		if rd.preamble == 0 {
			rd.fileProblem(RuleNoHeader, "the file has no lines")
		} else {
			rd.noHeader()
		}
	}
	// A trailing run of empty lines is ignored.
	rd.emptyFrom, rd.emptyTo = 0, 0
	slices.SortStableFunc(rd.rep.Problems, func(a, b Problem) int { return cmp.Compare(a.Line, b.Line) })
}

// noHeader records that no header line was found.
func (rd *reader) noHeader() {
	var want []string
	for _, f := range rd.s.fields {
		if f.Required {
			want = append(want, f.title())
		}
	}
	rd.fileProblem(RuleNoHeader, fmt.Sprintf("no header line in the first %d non-empty lines: want columns such as %s",
		maxPreamble, strings.Join(want, ", ")))
}

// record handles one record (CSV) or row (XLSX) starting at line. bad, if
// not nil, is a problem that kept the record from being split into cells.
// It returns the error of the row callback.
func (rd *reader) record(line int, cells []string, bad *Problem) error {
	if rd.stop {
		return nil
	}
	if !rd.header {
		rd.findHeader(line, cells, bad)
		return nil
	}
	if bad == nil && blank(cells) {
		if rd.emptyFrom == 0 {
			rd.emptyFrom = line
		}
		rd.emptyTo = line
		return nil
	}
	if rd.emptyFrom != 0 {
		reason := "empty line between data lines"
		if rd.emptyTo > rd.emptyFrom {
			reason = fmt.Sprintf("empty lines %d-%d between data lines", rd.emptyFrom, rd.emptyTo)
		}
		rd.addProblem(Problem{Line: rd.emptyFrom, Rule: RuleEmptyLine, Reason: reason})
		rd.emptyFrom, rd.emptyTo = 0, 0
	}
	if rd.rep.Records == rd.o.MaxRows {
		rd.addProblem(Problem{Line: line, Rule: RuleTooManyRows,
			Reason: fmt.Sprintf("more than %d data rows: split the file", rd.o.MaxRows)})
		rd.stop = true
		return nil
	}
	rd.rep.Records++
	rd.rowHadProblem = false
	row, ok := rd.data(line, cells, bad)
	if !ok || rd.rowHadProblem {
		rd.rep.BadRows++
		return nil
	}
	rd.rep.Rows++
	if rd.fn != nil {
		if err := rd.fn(row); err != nil {
			return fmt.Errorf("row %d: %w", line, err)
		}
	}
	return nil
}

// blank reports whether every cell is empty after cleaning.
func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// findHeader looks for the header among the first non-empty lines.
func (rd *reader) findHeader(line int, cells []string, bad *Problem) {
	if bad == nil && blank(cells) {
		return
	}
	rd.preamble++
	if bad != nil {
		bad.Line = line
		rd.addProblem(*bad)
	} else {
		for _, c := range cells {
			if _, ok := rd.s.byHeader[headerKey(c)]; ok {
				rd.setHeader(line, cells)
				return
			}
		}
	}
	if rd.preamble >= maxPreamble {
		rd.noHeader()
	}
}

// setHeader maps the header's columns to fields.
func (rd *reader) setHeader(line int, cells []string) {
	rd.header = true
	rd.rep.HeaderLine = line
	rd.width = len(cells)
	rd.headers = make([]string, len(cells))
	rd.unnamed = make([]int8, len(cells))
	rd.fieldCol = make([]int, len(rd.s.fields))
	for i := range rd.fieldCol {
		rd.fieldCol[i] = -1
	}
	var found []string
	for c, h := range cells {
		text := displayValue(h, false)
		rd.headers[c] = text
		if text == "" {
			rd.unnamed[c] = 1
			continue
		}
		found = append(found, text)
		col := Column{Number: c + 1, Header: text}
		if i, ok := rd.s.byHeader[headerKey(h)]; ok {
			f := &rd.s.fields[i]
			if prev := rd.fieldCol[i]; prev >= 0 {
				rd.addProblem(Problem{Line: line, Column: c + 1, Field: f.Name, Header: text, Rule: RuleDuplicateColumn,
					Reason: fmt.Sprintf("column %d repeats %s, already given by column %d (%s)", c+1, f.Name, prev+1, rd.headers[prev])})
			} else {
				rd.fieldCol[i] = c
				col.Field = f.Name
			}
		} else {
			rd.rep.Ignored = append(rd.rep.Ignored, text)
		}
		rd.rep.Columns = append(rd.rep.Columns, col)
	}
	for i, f := range rd.s.fields {
		if f.Required && rd.fieldCol[i] < 0 {
			rd.missing = true
			rd.addProblem(Problem{Line: line, Field: f.Name, Header: f.title(), Rule: RuleMissingColumn,
				Reason: fmt.Sprintf("required column %s (%s) is missing; the header has: %s", f.title(), f.Name, strings.Join(found, ", "))})
		}
	}
}

// data validates a data record and returns its row. ok is false if the
// record could not be split into values at all.
func (rd *reader) data(line int, cells []string, bad *Problem) (row Row, ok bool) {
	if bad != nil {
		rd.lineProblem(line, *bad)
		return Row{}, false
	}
	switch {
	case !rd.xlsx && len(cells) != rd.width:
		rd.lineProblem(line, Problem{Rule: RuleFieldCount,
			Reason: fmt.Sprintf("%d fields, but the header has %d", len(cells), rd.width)})
		return Row{}, false
	case len(cells) > rd.width:
		for c := rd.width; c < len(cells); c++ {
			if clean(cells[c]) != "" {
				rd.lineProblem(line, Problem{Column: c + 1, Rule: RuleFieldCount, Value: displayValue(cells[c], false),
					Reason: fmt.Sprintf("a value in column %d, right of the header's last column (%d)", c+1, rd.width)})
				return Row{}, false
			}
		}
	}
	vals := rd.values()
	keyOK := true
	for i := range rd.s.fields {
		f := &rd.s.fields[i]
		c := rd.fieldCol[i]
		if c < 0 {
			vals[i] = Value{kind: f.Kind}
			keyOK = keyOK && !f.Required
			continue
		}
		raw := ""
		if c < len(cells) {
			raw = cells[c]
		}
		v, p := f.parse(raw, rd.o.Today, rd.src)
		if p != nil {
			p.Column, p.Header = c+1, rd.headers[c]
			rd.lineProblem(line, *p)
			if slices.Contains(rd.s.key, i) {
				keyOK = false
			}
			continue
		}
		vals[i] = v
		if v.kind == USCC && v.n != 0 {
			rd.addWarning(Problem{Line: line, Column: c + 1, Field: f.Name, Header: rd.headers[c], Value: displayValue(v.s, false), Rule: RuleUSCCFlagged,
				Reason: "accepted although it fails its checks (" + ids.Flags(v.n).String() + "): confirm it with the market or tax registry"})
		}
	}
	for c, u := range rd.unnamed {
		if u == 1 && c < len(cells) && clean(cells[c]) != "" {
			rd.unnamed[c] = 2
			rd.addWarning(Problem{Line: line, Column: c + 1, Rule: RuleUnnamedData,
				Reason: fmt.Sprintf("column %d has values but no header; it is ignored", c+1)})
		}
	}
	row = Row{Line: line, s: rd.s, vals: vals}
	if !rd.rowHadProblem && !rd.missing && rd.s.check != nil {
		if name, reason := rd.s.check(row); reason != "" {
			p := Problem{Rule: RuleInconsistent, Reason: reason}
			if i, ok := rd.s.byName[name]; ok {
				p.Field = name
				f := &rd.s.fields[i]
				if c := rd.fieldCol[i]; c >= 0 {
					p.Column, p.Header = c+1, rd.headers[c]
				} else {
					p.Header = f.title()
				}
				p.Value = displayValue(vals[i].String(), false)
			}
			rd.lineProblem(line, p)
		}
	}
	if keyOK && rd.keys != nil {
		rd.checkKey(line, vals)
	}
	return row, true
}

// values returns room for one row's values, carved from a shared slab to
// save allocations. The slabs grow from 8 rows to 512.
func (rd *reader) values() []Value {
	n := len(rd.s.fields)
	if len(rd.slab) < n {
		rd.slabRows = min(max(2*rd.slabRows, 8), 512)
		rd.slab = make([]Value, n*rd.slabRows)
	}
	v := rd.slab[:n:n]
	rd.slab = rd.slab[n:]
	return v
}

// checkKey records the row's key, or a problem if an earlier row had it.
func (rd *reader) checkKey(line int, vals []Value) {
	var b strings.Builder
	mask := false
	for j, i := range rd.s.key {
		if j > 0 {
			b.WriteByte(0x1F)
		}
		v := vals[i]
		switch v.kind {
		case Text, ResidentID, USCC, Enum, Region:
			b.WriteString(v.s)
		default:
			b.WriteString(strconv.FormatInt(v.n, 10))
		}
		mask = mask || v.mask
	}
	k := b.String()
	first, dup := rd.keys[k]
	if !dup {
		rd.keys[k] = line
		return
	}
	f0 := &rd.s.fields[rd.s.key[0]]
	var names, shown []string
	for _, i := range rd.s.key {
		names = append(names, rd.s.fields[i].Name)
		shown = append(shown, vals[i].String())
	}
	c := rd.fieldCol[f0.index]
	rd.lineProblem(line, Problem{Column: c + 1, Field: f0.Name, Header: rd.headers[c],
		Value: displayValue(strings.Join(shown, " / "), mask), Rule: RuleDuplicateKey,
		Reason: fmt.Sprintf("same %s as row %d", strings.Join(names, " and "), first)})
}
