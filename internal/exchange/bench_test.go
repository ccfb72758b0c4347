package exchange

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/period"
)

// taxFile generates a valid tax contribution CSV of n rows, as the tax
// bureau sends it: a few hundred employers, resident pension lines without
// one, amounts with thousands separators, receipts unique.
func taxFile(tb testing.TB, n int) []byte {
	tb.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	counties := []string{"652301", "652302", "652323", "652324", "652325", "652327", "652328"}
	var orgs []ids.USCC
	for i := range 300 {
		c, err := ids.MakeUSCC('9', '1', counties[i%len(counties)], fmt.Sprintf("MA%06d", i))
		if err != nil {
			tb.Fatal(err)
		}
		orgs = append(orgs, c)
	}
	schemes := []string{"企业职工基本养老保险", "失业保险", "工伤保险", "城乡居民基本养老保险"}
	names := []string{"王建国", "李秀兰", "马丽", "阿不都热依木", "张桂英", "刘志强", "赵磊", "古丽米拉"}
	var b bytes.Buffer
	b.WriteString("统一社会信用代码,单位名称,公民身份号码,姓名,险种,费款所属期,缴费基数,单位缴费,个人缴费,入库日期,票证号\n")
	base := period.MustDate(1960, time.January, 1)
	for i := range n {
		id, err := ids.MakeResidentID(counties[rng.IntN(len(counties))], base.AddDays(rng.IntN(16000)), rng.IntN(1000))
		if err != nil {
			tb.Fatal(err)
		}
		scheme := schemes[rng.IntN(len(schemes))]
		wage := money.Yuan(int64(4000 + rng.IntN(20000)))
		org, orgName := string(orgs[rng.IntN(len(orgs))]), "昌吉市天山建材有限公司"
		var employer, individual money.Fen
		switch scheme {
		case "企业职工基本养老保险":
			employer, individual = wage.MulDiv(16, 100), wage.MulDiv(8, 100)
		case "失业保险":
			employer, individual = wage.MulDiv(5, 1000), wage.MulDiv(5, 1000)
		case "工伤保险":
			employer = wage.MulDiv(4, 1000)
		default:
			org, orgName, employer, individual = "", "", 0, money.Yuan(500)
		}
		baseText := `"` + wage.String() + `"`
		if org == "" {
			baseText = ""
		}
		fmt.Fprintf(&b, "%s,%s,%s,%s,%s,2024-10,%s,%s,%s,2024-10-%02d,3320162410%08d\n",
			org, orgName, id, names[rng.IntN(len(names))], scheme, baseText, employer.Plain(), individual.Plain(), 1+rng.IntN(28), i)
	}
	return b.Bytes()
}

// BenchmarkReadTaxCSV reads a generated 200,000-row tax file into rows
// and reports the rows read per second.
func BenchmarkReadTaxCSV(b *testing.B) {
	const n = 200_000
	data := taxFile(b, n)
	p := TaxContributions()
	today := period.MustDate(2024, time.November, 15)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rows, _, err := Read(context.Background(), bytes.NewReader(data), "tax.csv", p, today)
		if err != nil {
			b.Fatal(err)
		}
		if len(rows) != n {
			b.Fatalf("%d rows, want %d", len(rows), n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkEachTaxCSV streams the same file without holding the rows.
func BenchmarkEachTaxCSV(b *testing.B) {
	const n = 200_000
	data := taxFile(b, n)
	p := TaxContributions()
	today := period.MustDate(2024, time.November, 15)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := Options{Today: today}.Each(context.Background(), bytes.NewReader(data), "tax.csv", p, func(Row) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		if rep.Rows != n {
			b.Fatalf("%d rows, want %d", rep.Rows, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// TestGeneratedTaxFileIsValid keeps the benchmark honest: its file must
// read without problems.
func TestGeneratedTaxFileIsValid(t *testing.T) {
	data := taxFile(t, 2000)
	rows, rep, err := Read(context.Background(), bytes.NewReader(data), "tax.csv", TaxContributions(), testToday)
	if err != nil {
		t.Fatalf("generated file rejected: %v", err)
	}
	if len(rows) != 2000 || rep.WarningCount != 0 {
		t.Errorf("%d rows, %d warnings; want 2000, 0", len(rows), rep.WarningCount)
	}
}

// BenchmarkReadTaxXLSX reads the same kind of file as an XLSX workbook
// (50,000 rows, written with excelize's stream writer).
func BenchmarkReadTaxXLSX(b *testing.B) {
	const n = 50_000
	data := taxWorkbook(b, taxFile(b, n))
	p := TaxContributions()
	today := period.MustDate(2024, time.November, 15)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := Options{Today: today}.Each(context.Background(), bytes.NewReader(data), "tax.xlsx", p, func(Row) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		if rep.Rows != n {
			b.Fatalf("%d rows, want %d", rep.Rows, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

// taxWorkbook converts a CSV file (without quoted line breaks) to an XLSX
// workbook of text cells.
func taxWorkbook(tb testing.TB, csvData []byte) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		tb.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(csvData))
	for i := 1; ; i++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			tb.Fatal(err)
		}
		cells := make([]any, len(rec))
		for j, s := range rec {
			cells[j] = s
		}
		cell, _ := excelize.CoordinatesToCellName(1, i)
		if err := sw.SetRow(cell, cells); err != nil {
			tb.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		tb.Fatal(err)
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		tb.Fatal(err)
	}
	return out.Bytes()
}
