package exchange

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

var update = flag.Bool("update", false, "rewrite the generated testdata inputs and the golden reports")

// TestGenerateTestdata rewrites the generated inputs under testdata when
// run with -update: the GBK copy of good-utf8 and the XLSX workbooks. The
// CSV inputs are written by hand.
func TestGenerateTestdata(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata inputs")
	}
	utf, err := os.ReadFile(filepath.Join("testdata", "good-utf8", "input.csv"))
	if err != nil {
		t.Fatal(err)
	}
	gbk, err := simplifiedchinese.GB18030.NewEncoder().Bytes(utf)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join("testdata", "good-gbk", "input.csv"), gbk)
	writeFile(t, filepath.Join("testdata", "xlsx-serial-date", "input.xlsx"), serialDateWorkbook(t))
	writeFile(t, filepath.Join("testdata", "xlsx-id-as-number", "input.xlsx"), idAsNumberWorkbook(t))
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// taxHeader is the header of the tax contribution fixtures.
var taxHeader = []string{"统一社会信用代码", "单位名称", "公民身份号码", "姓名", "险种", "费款所属期", "缴费基数", "单位缴费", "个人缴费", "入库日期", "票证号"}

// serialDateWorkbook builds a tax workbook as the tax bureau's system
// exports it: a merged title row, the header on row 2, IDs and receipt
// numbers stored as text, amounts as numbers (one with Excel's binary
// floating-point noise), dates as serial numbers with a date format, one
// period as a date on the first of the month (what Excel makes of a typed
// "2024-10"), and formatted but empty rows at the end.
func serialDateWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sh = "征收明细"
	must(t, f.SetSheetName("Sheet1", sh))
	must(t, f.SetCellStr(sh, "A1", "2024年10月社会保险费征收明细"))
	must(t, f.MergeCell(sh, "A1", "K1"))
	must(t, f.SetSheetRow(sh, "A2", &taxHeader))
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	must(t, err)
	monthStyle, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy-mm")})
	must(t, err)
	text := func(cell, v string) { must(t, f.SetCellStr(sh, cell, v)) }
	raw := func(cell, v string) { must(t, f.SetCellDefault(sh, cell, v)) } // a number cell with exactly this value
	style := func(cell string, s int) { must(t, f.SetCellStyle(sh, cell, cell, s)) }

	// Row 3: serial paid_on (2024-10-15 is 45580), period as text.
	text("A3", "91652301MA77ABC159")
	text("B3", "昌吉市天山建材有限公司")
	text("C3", "652301196503120104")
	text("D3", "王建国")
	text("E3", "企业职工基本养老保险")
	text("F3", "2024-10")
	raw("G3", "5200")
	raw("H3", "832")
	raw("I3", "416")
	raw("J3", "45580")
	style("J3", dateStyle)
	text("K3", "332016241000000001")
	// Row 4: period as a date (2024-10-01 is 45566), money with float
	// noise, a serial with a time of day.
	text("A4", "91652301MA77ABC159")
	text("B4", "昌吉市天山建材有限公司")
	text("C4", "652302198007010171")
	text("D4", "李秀兰")
	text("E4", "失业保险")
	raw("F4", "45566")
	style("F4", monthStyle)
	raw("G4", "5200.5")
	raw("H4", "26.010000000000002")
	raw("I4", "26.01")
	raw("J4", "45581.53125")
	style("J4", dateStyle)
	text("K4", "332016241000000002")
	// Row 5: a resident pension line with no employer; period as a number.
	text("C5", "652323199211300244")
	text("D5", "马丽")
	text("E5", "城乡居民基本养老保险")
	raw("F5", "202410")
	raw("H5", "0")
	raw("I5", "500")
	text("J5", "2024-10-20")
	text("K5", "332016241000000004")
	// Rows 6-8: formatted but empty, as spreadsheets often have.
	for _, c := range []string{"A6", "C7", "K8"} {
		style(c, dateStyle)
	}
	return workbookBytes(t, f)
}

// idAsNumberWorkbook builds a deaths workbook in which one resident ID was
// typed into a number cell, so that Excel kept only 15 digits.
func idAsNumberWorkbook(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	const sh = "Sheet1"
	must(t, f.SetSheetRow(sh, "A1", &[]string{"公民身份号码", "姓名", "死亡日期", "注销日期", "来源"}))
	must(t, f.SetSheetRow(sh, "A2", &[]string{"652324195801050319", "马福祥", "2024-09-30", "2024-10-08", "公安"}))
	must(t, f.SetCellDefault(sh, "A3", "6.52327197006060E+17"))
	must(t, f.SetSheetRow(sh, "B3", &[]string{"张桂英", "2024-10-02", "", "卫健"}))
	return workbookBytes(t, f)
}

func workbookBytes(t *testing.T, f *excelize.File) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }

// gbEncode encodes s in GB18030, as a Chinese Windows saves "CSV".
func gbEncode(s string) (string, error) {
	return simplifiedchinese.GB18030.NewEncoder().String(s)
}

// excelizeFile builds a small workbook in a test.
type excelizeFile struct {
	t   *testing.T
	f   *excelize.File
	cur string
}

func newExcelizeFile(t *testing.T) *excelizeFile {
	t.Helper()
	f := excelize.NewFile()
	t.Cleanup(func() { _ = f.Close() })
	return &excelizeFile{t: t, f: f, cur: "Sheet1"}
}

// sheet adds a sheet and makes it the one rows go to.
func (x *excelizeFile) sheet(name string) {
	x.t.Helper()
	_, err := x.f.NewSheet(name)
	must(x.t, err)
	x.cur = name
}

// row writes text cells from cell on.
func (x *excelizeFile) row(cell string, values ...string) {
	x.t.Helper()
	must(x.t, x.f.SetSheetRow(x.cur, cell, &values))
}

func (x *excelizeFile) bytes(t *testing.T) []byte { return workbookBytes(t, x.f) }
