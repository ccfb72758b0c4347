package exchange

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// maxUnzipped caps the unzipped size of an XLSX file, against zip bombs.
const maxUnzipped = 4 << 30

// readXLSX reads the chosen sheet of an XLSX file row by row.
func (rd *reader) readXLSX(ctx context.Context, r io.Reader) error {
	lim := &io.LimitedReader{R: r, N: rd.o.MaxFileBytes + 1}
	f, err := excelize.OpenReader(lim, excelize.Options{UnzipSizeLimit: maxUnzipped})
	if lim.N <= 0 {
		if f != nil {
			_ = f.Close()
		}
		rd.fileProblem(RuleFormat, fmt.Sprintf("the file is larger than %d bytes: split it", rd.o.MaxFileBytes))
		return nil
	}
	if err != nil {
		rd.fileProblem(RuleFormat, "not a readable XLSX workbook (is it an .xls file, encrypted, or damaged?)")
		return nil
	}
	defer f.Close()
	if props, err := f.GetWorkbookProps(); err == nil && props.Date1904 != nil && *props.Date1904 {
		rd.src = fromXLSX1904
	}
	sheets := f.GetSheetList()
	sheet := rd.o.Sheet
	switch {
	case len(sheets) == 0:
		rd.fileProblem(RuleFormat, "the workbook has no sheets")
		return nil
	case sheet == "":
		sheet = sheets[0]
	case !slices.Contains(sheets, sheet):
		rd.fileProblem(RuleFormat, fmt.Sprintf("no sheet %q; the workbook has: %s", sheet, strings.Join(sheets, ", ")))
		return nil
	}
	rd.rep.Sheet = sheet
	rows, err := f.Rows(sheet)
	if err != nil {
		rd.fileProblem(RuleFormat, fmt.Sprintf("sheet %q cannot be read", sheet))
		return nil
	}
	defer rows.Close()
	raw := excelize.Options{RawCellValue: true}
	line := 0
	for !rd.stop && rows.Next() {
		line++ // Next visits every row number, empty rows included
		if line%ctxEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		cells, err := rows.Columns(raw)
		if err != nil {
			rd.fileProblem(RuleFormat, fmt.Sprintf("row %d of sheet %q cannot be read", line, sheet))
			return nil
		}
		var bad *Problem
		if n := size(cells); n > rd.o.MaxLineBytes {
			bad = &Problem{Rule: RuleLineTooLong, Reason: fmt.Sprintf("row longer than %d bytes", rd.o.MaxLineBytes)}
		}
		if err := rd.record(line, cells, bad); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil && !rd.stop {
		rd.fileProblem(RuleFormat, fmt.Sprintf("sheet %q cannot be read to the end", sheet))
	}
	return nil
}

// size returns the total length of cells.
func size(cells []string) int {
	n := 0
	for _, c := range cells {
		n += len(c)
	}
	return n
}
