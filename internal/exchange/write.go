package exchange

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"
)

// Sheet is a table to write as a file for people: a header row and rows of
// text cells. A cell may hold several lines.
type Sheet struct {
	// Name is the sheet's name in a workbook, at most 31 characters; "" is
	// "Sheet1".
	Name   string
	Header []string
	Rows   [][]string
}

// Column widths of a written workbook, in characters; a wide (Chinese)
// character counts as two.
const (
	minColumnWidth = 8
	maxColumnWidth = 60
)

// WriteXLSX writes s to w as an XLSX workbook of one sheet: the header row
// bold and frozen, with a filter, every column about as wide as its
// longest line (within bounds) and every cell text, so that an ID or a
// phone number is never turned into a number. Long cells wrap. The
// workbook is built in memory: it suits lists and reports, not bulk files.
func WriteXLSX(w io.Writer, s Sheet) error {
	name := s.Name
	if name == "" {
		name = "Sheet1"
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return fmt.Errorf("write xlsx: sheet name %q: %w", name, err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", WrapText: true}})
	if err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	cols := len(s.Header)
	for _, r := range s.Rows {
		cols = max(cols, len(r))
	}
	widths := make([]int, cols)
	put := func(row int, cells []string, style int) error {
		for i, v := range cells {
			cell, err := excelize.CoordinatesToCellName(i+1, row)
			if err != nil {
				return err
			}
			if err := f.SetCellStr(name, cell, v); err != nil {
				return err
			}
			if err := f.SetCellStyle(name, cell, cell, style); err != nil {
				return err
			}
			widths[i] = max(widths[i], textWidth(v))
		}
		return nil
	}
	if err := put(1, s.Header, bold); err != nil {
		return fmt.Errorf("write xlsx: header: %w", err)
	}
	for i, r := range s.Rows {
		if err := put(i+2, r, wrap); err != nil {
			return fmt.Errorf("write xlsx: row %d: %w", i+2, err)
		}
	}
	for i, wd := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
		if err := f.SetColWidth(name, col, col, float64(min(max(wd+2, minColumnWidth), maxColumnWidth))); err != nil {
			return fmt.Errorf("write xlsx: column %s: %w", col, err)
		}
	}
	if len(s.Header) > 0 {
		if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return fmt.Errorf("write xlsx: freeze the header: %w", err)
		}
		last, err := excelize.CoordinatesToCellName(len(s.Header), max(len(s.Rows)+1, 2))
		if err != nil {
			return fmt.Errorf("write xlsx: %w", err)
		}
		if err := f.AutoFilter(name, "A1:"+last, nil); err != nil {
			return fmt.Errorf("write xlsx: filter: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}

// textWidth is the display width of the longest line of s, a wide
// character counting as two.
func textWidth(s string) int {
	most := 0
	for line := range strings.SplitSeq(s, "\n") {
		n := 0
		for _, r := range line {
			switch width.LookupRune(r).Kind() {
			case width.EastAsianWide, width.EastAsianFullwidth:
				n += 2
			default:
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// WriteCSV writes s to w as CSV in UTF-8 with a byte-order mark and CRLF
// line ends, which Excel opens with the Chinese text intact. A cell with
// several lines is quoted. A cell that a spreadsheet could run as a
// formula (one starting with =, @, a tab or a carriage return, or with + or
// - and not a plain number) is written with a leading apostrophe, so that
// the text stays text.
func WriteCSV(w io.Writer, s Sheet) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	write := func(cells []string) error {
		safe := make([]string, len(cells))
		for i, c := range cells {
			safe[i] = inertCell(c)
		}
		return cw.Write(safe)
	}
	if len(s.Header) > 0 {
		if err := write(s.Header); err != nil {
			return fmt.Errorf("write csv: header: %w", err)
		}
	}
	for i, r := range s.Rows {
		if err := write(r); err != nil {
			return fmt.Errorf("write csv: row %d: %w", i+1, err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// inertCell returns c with an apostrophe in front if a spreadsheet would
// read it as a formula.
func inertCell(c string) string {
	if c == "" {
		return c
	}
	switch c[0] {
	case '=', '@', '\t', '\r':
		return "'" + c
	case '+', '-':
		if _, err := strconv.ParseFloat(c, 64); err != nil && c != "-" {
			return "'" + c
		}
	}
	return c
}
