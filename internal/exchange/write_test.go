package exchange

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
)

// writtenSheet is a sheet with what the writers must keep intact: Chinese
// text, text that looks like a number, and cells of several lines.
var writtenSheet = Sheet{
	Name:   "联助清单",
	Header: []string{"编号 ID", "救助事项 Item", "联系方式 Contact"},
	Rows: [][]string{
		{"dibao", "最低生活保障\nMinimum living guarantee", "州民政局社会救助科\n0994-2xxxxxx"},
		{"000123", "一个非常长的名称，用来检验列宽有上限而不会无限加宽，一个非常长的名称，用来检验列宽有上限", "13800000000"},
		{"x"},
	},
}

// writeSheetFile writes s with write to a file in a fresh folder and returns
// its path.
func writeSheetFile(t *testing.T, name string, s Sheet, write func(*os.File, Sheet) error) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := write(f, s); err != nil {
		f.Close()
		t.Fatalf("write %s: %v", name, err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestWriteXLSX(t *testing.T) {
	path := writeSheetFile(t, "out.xlsx", writtenSheet, func(f *os.File, s Sheet) error { return WriteXLSX(f, s) })
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatalf("open the written workbook: %v", err)
	}
	defer x.Close()
	if diff := cmp.Diff([]string{"联助清单"}, x.GetSheetList()); diff != "" {
		t.Errorf("sheets (-want +got):\n%s", diff)
	}
	rows, err := x.GetRows("联助清单")
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{writtenSheet.Header}, writtenSheet.Rows...)
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("cells read back (-want +got):\n%s", diff)
	}
	for _, cell := range []string{"A3", "C3"} {
		if typ, err := x.GetCellType("联助清单", cell); err != nil || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
			t.Errorf("cell %s has type %v (%v), want text", cell, typ, err)
		}
	}

	style := func(cell string) *excelize.Style {
		t.Helper()
		id, err := x.GetCellStyle("联助清单", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if st := style("B1"); st.Font == nil || !st.Font.Bold {
		t.Errorf("header cell B1 is not bold: %+v", st.Font)
	}
	if st := style("B2"); (st.Font != nil && st.Font.Bold) || st.Alignment == nil || !st.Alignment.WrapText {
		t.Errorf("body cell B2: font %+v, alignment %+v; want not bold, wrapped", st.Font, st.Alignment)
	}
	panes, err := x.GetPanes("联助清单")
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 1 || panes.XSplit != 0 || panes.TopLeftCell != "A2" {
		t.Errorf("panes = %+v, want the first row frozen", panes)
	}

	widths := map[string]float64{}
	for _, col := range []string{"A", "B", "C"} {
		if widths[col], err = x.GetColWidth("联助清单", col); err != nil {
			t.Fatal(err)
		}
	}
	// A: "编号 ID" is 7 wide; the minimum of 8 applies after 2 of padding.
	// B: the long name is capped. C: "州民政局社会救助科" is 18 wide, + 2.
	if widths["A"] != 9 || widths["B"] != maxColumnWidth || widths["C"] != 20 {
		t.Errorf("column widths = %v, want A 9, B %d, C 20", widths, maxColumnWidth)
	}
}

func TestWriteXLSXEmpty(t *testing.T) {
	path := writeSheetFile(t, "empty.xlsx", Sheet{Header: []string{"编号 ID"}}, func(f *os.File, s Sheet) error { return WriteXLSX(f, s) })
	x, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, err := x.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][]string{{"编号 ID"}}, rows); diff != "" {
		t.Errorf("rows of a sheet with only a header (-want +got):\n%s", diff)
	}
}

func TestWriteXLSXBadSheetName(t *testing.T) {
	var buf bytes.Buffer
	err := WriteXLSX(&buf, Sheet{Name: "a/b:c", Header: []string{"x"}})
	if err == nil || !strings.Contains(err.Error(), "write xlsx: sheet name") {
		t.Errorf("WriteXLSX with a bad sheet name = %v, want an error naming the sheet name", err)
	}
}

func TestWriteCSV(t *testing.T) {
	path := writeSheetFile(t, "out.csv", writtenSheet, func(f *os.File, s Sheet) error { return WriteCSV(f, s) })
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	body, ok := bytes.CutPrefix(raw, []byte("\ufeff"))
	if !ok {
		t.Fatalf("the file does not start with a UTF-8 byte-order mark: % x", raw[:min(len(raw), 8)])
	}
	if !bytes.HasPrefix(body, []byte("编号 ID,救助事项 Item,联系方式 Contact\r\n")) {
		t.Errorf("the header line is not UTF-8 text with CRLF: %q", body[:min(len(body), 60)])
	}
	r := csv.NewReader(bytes.NewReader(body))
	r.FieldsPerRecord = -1
	got, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := append([][]string{writtenSheet.Header}, writtenSheet.Rows...)
	// The reader turns the CRLF written inside a quoted cell back into LF.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records read back (-want +got):\n%s", diff)
	}
}

func TestInertCell(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"text", "最低生活保障", "最低生活保障"},
		{"empty", "", ""},
		{"a formula", "=1+2", "'=1+2"},
		{"a function call", "@SUM(A1)", "'@SUM(A1)"},
		{"a leading tab", "\tx", "'\tx"},
		{"a plus that is no number", "+cmd|x", "'+cmd|x"},
		{"a minus with a formula after a digit", "-2+3+cmd", "'-2+3+cmd"},
		{"a negative number", "-12.50", "-12.50"},
		{"a signed number", "+3", "+3"},
		{"a dash alone", "-", "-"},
		{"a phone", "0994-2xxxxxx", "0994-2xxxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := inertCell(tt.in); got != tt.want {
				t.Errorf("inertCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
