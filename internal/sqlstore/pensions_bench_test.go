package sqlstore_test

import (
	"testing"
	"time"

	"safetynet/internal/period"
)

// BenchmarkPayroll300k runs the monthly payroll of 300,000 awards on
// SQLite, a new month each run, so that every run writes 300,000 lines
// and reads the lines of the months before.
func BenchmarkPayroll300k(b *testing.B) {
	const awards = 300_000
	f := newBench(b)
	f.loadRetirees(b, awards)
	pen, ctx := f.app.Pensions, f.ctx
	m := period.NewMonth(2025, time.January)
	for b.Loop() {
		start := time.Now()
		sum, err := pen.Payroll(ctx, m, "652300")
		if err != nil {
			b.Fatal(err)
		}
		if sum.Awards != awards || sum.NewLines != awards || sum.Arrears != 0 {
			b.Fatalf("run of %s: %+v, want %d new regular lines", m, sum.PayrollRun, awards)
		}
		b.Logf("%s: %d lines in %s", m, sum.NewLines, time.Since(start).Round(time.Millisecond))
		m = m.Add(1)
	}
	secs := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(secs, "s/run")
	b.ReportMetric(float64(awards)/secs, "lines/s")
}
