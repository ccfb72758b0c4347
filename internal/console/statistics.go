package console

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/jobs"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/statistics"
)

// statisticsRoutes are the pages of the dashboards of the published
// figures (统计分析) and the summary of the months they read.
func (c *Console) statisticsRoutes() {
	c.handle("GET /statistics", c.handleStatistics, auth.PermRegistryRead)
	c.handle("GET /statistics/progress", c.handleStatisticsProgress, auth.PermRegistryRead)
	c.handle("POST /statistics/summarise", c.handleSummariseStatistics, auth.PermStatistics)
}

// maxDashboardMonths is the longest range of months a dashboard covers.
const maxDashboardMonths = 36

// statTable is one table of a dashboard, shown as HTML with its chart and
// downloaded as XLSX from the same cells.
type statTable struct {
	ID    string
	Title string
	// Note says what the table counts.
	Note   string
	Header []string
	Rows   [][]string
	// Num marks the columns of numbers (right-aligned).
	Num []bool
	// Chart is the ECharts option of the table's chart, nil for none;
	// ChartID names its option block.
	ChartID string
	Chart   map[string]any
}

// statisticsPage is the data of the statistics page.
type statisticsPage struct {
	Region   region.Code
	From, To period.Month
	// Regions are the choices of the county selector: the scope first.
	Regions []regionOption
	Tables  []statTable
	// Query is the page's filter, for the download links.
	Query    string
	Problems map[string]string
	// The summary of the months read: Live says the figures were
	// computed for a region below a county (no stored ones); Last is the
	// record of the range's last month; Missing the months never
	// summarised; Running says a summary of the range is under way and
	// the page follows it; CanSummarise offers the button; Error is the
	// failure of the last summary started here.
	Live         bool
	Last         statistics.Month
	Missing      []period.Month
	MissingText  string
	Running      bool
	Done, Total  int
	CanSummarise bool
	Error        string
}

// dashboard builds the tables of the statistics page for one region and
// range of months from the stored figures of the months (see
// internal/statistics).
type dashboard struct {
	c        *Console
	r        *http.Request
	p        *page
	code     region.Code
	from, to period.Month
	figs     []statistics.Figure
}

// statBuilders are the dashboard's tables in the order shown.
var statBuilders = []struct {
	id    string
	build func(d *dashboard) (statTable, error)
}{
	{"coverage", (*dashboard).coverageTable},
	{"contributions", (*dashboard).contributionsTable},
	{"pensions", (*dashboard).pensionsTable},
	{"assistance", (*dashboard).assistanceTable},
	{"assistance_county", (*dashboard).assistanceCountyTable},
	{"layers", (*dashboard).layersTable},
	{"refunds", (*dashboard).refundsTable},
}

// statisticsFilter reads the page's region and months, defaulting to the
// principal's scope and the twelve months before this one.
func (c *Console) statisticsFilter(r *http.Request, p *page, values url.Values) (code region.Code, from, to period.Month, probs fault.Problems, err error) {
	pr, err := auth.Require(r.Context(), auth.PermRegistryRead)
	if err != nil {
		return "", 0, 0, nil, err
	}
	to = c.app.Clock.Today().Period().Add(-1)
	from = to.Add(-11)
	var perr error
	if s := values.Get("to"); s != "" {
		if to, perr = period.ParseMonth(s); perr != nil {
			probs.Add("to", "%s", p.T("statistics.bad_month"))
		}
	}
	if s := values.Get("from"); s != "" {
		if from, perr = period.ParseMonth(s); perr != nil {
			probs.Add("from", "%s", p.T("statistics.bad_month"))
		}
	}
	if len(probs) == 0 {
		switch {
		case to < from:
			probs.Add("to", "%s", p.T("statistics.before_from"))
		case to.Sub(from)+1 > maxDashboardMonths:
			probs.Add("to", "%s", p.T("statistics.too_long", maxDashboardMonths))
		}
	}
	code = region.Code(values.Get("region"))
	if code == "" {
		code = pr.Scope
	}
	code, err = auth.ScopeFilter(pr, code)
	return code, from, to, probs, err
}

// handleStatistics shows the dashboards of a region (the principal's
// scope, or one county of it) over a range of months, or downloads one
// table as XLSX (?table=ID&format=xlsx), from the stored figures.
func (c *Console) handleStatistics(w http.ResponseWriter, r *http.Request) error {
	pr, err := auth.Require(r.Context(), auth.PermRegistryRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := c.newPage(r, "statistics")
	p.Title, p.Active = p.T("statistics.title"), "statistics"
	code, from, to, probs, err := c.statisticsFilter(r, p, q)
	if err != nil {
		return err
	}
	data := statisticsPage{Region: code, From: from, To: to, Regions: c.regionSelect(p.Lang, pr.Scope, region.County)}
	v := url.Values{"region": {string(code)}, "from": {from.String()}, "to": {to.String()}}
	data.Query = v.Encode()
	if len(probs) > 0 {
		data.Problems = probs
		p.Data = data
		c.render(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	d := &dashboard{c: c, r: r, p: p, code: code, from: from, to: to}
	if d.figs, err = c.app.Statistics.Figures(r.Context(), from, to, code); err != nil {
		return err
	}
	if q.Get("format") == "xlsx" {
		return d.download(w, q.Get("table"))
	}
	if err := c.summaryState(r, p, &data); err != nil {
		return err
	}
	// Back from the summary button: follow the job until the months are
	// there or it failed.
	data.Running = data.Running || q.Get("summarising") != "" && data.CanSummarise && len(data.Missing) > 0 && data.Error == ""
	for _, b := range statBuilders {
		t, err := b.build(d)
		if err != nil {
			return err
		}
		t.ID = b.id
		if t.Chart != nil {
			t.ChartID = "chart-" + b.id
		}
		data.Tables = append(data.Tables, t)
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// summaryState fills in which months of the page's range are summarised,
// by whom and when the last one, and whether a summary is under way.
func (c *Console) summaryState(r *http.Request, p *page, data *statisticsPage) error {
	data.Total = data.To.Sub(data.From) + 1
	if data.Region.Level() > region.County {
		data.Live, data.Done = true, data.Total
		return nil
	}
	ms, err := c.app.Statistics.Months(r.Context(), data.From, data.To)
	if err != nil {
		return err
	}
	now := c.app.Clock.Now()
	var names []string
	for _, m := range ms {
		if m.ClaimOwner != "" && m.ClaimUntil.After(now) {
			data.Running = true
		}
		if !m.Summarised() {
			data.Missing = append(data.Missing, m.Period)
			names = append(names, monthText(p.Lang, m.Period))
			continue
		}
		data.Done++
	}
	data.Last = ms[len(ms)-1]
	data.MissingText = strings.Join(names, p.T("statistics.list_sep"))
	data.CanSummarise = c.app.Statistics.CanSummarise(r.Context())
	if _, ok := summaryErrors.Load(summaryJobName(c, data.From, data.To)); ok {
		data.Error = p.T("statistics.failed_log")
	}
	return nil
}

// handleStatisticsProgress answers the page's poll while a summary runs
// with the summary's notice alone, and has the page reload once every
// month of the range is summarised.
func (c *Console) handleStatisticsProgress(w http.ResponseWriter, r *http.Request) error {
	pr, err := auth.Require(r.Context(), auth.PermRegistryRead)
	if err != nil {
		return err
	}
	p := c.newPage(r, "statistics")
	code, from, to, probs, err := c.statisticsFilter(r, p, r.URL.Query())
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return &fault.Error{Code: fault.Invalid, Message: "invalid range", Fields: probs}
	}
	data := statisticsPage{Region: code, From: from, To: to, Regions: c.regionSelect(p.Lang, pr.Scope, region.County)}
	data.Query = url.Values{"region": {string(code)}, "from": {from.String()}, "to": {to.String()}}.Encode()
	if err := c.summaryState(r, p, &data); err != nil {
		return err
	}
	data.Running = data.Running || len(data.Missing) > 0 && data.Error == ""
	if len(data.Missing) == 0 || data.Error != "" {
		w.Header().Set("HX-Refresh", "true")
	}
	p.Data = data
	return c.renderPart(w, p, "statistics_summary")
}

// summaryErrors marks the ranges whose last summary job, started from a
// console, failed (the runner logs the error): the page says so until a
// new job starts.
var summaryErrors sync.Map

// summaryJobName names the background summary of the months from
// through to started from console c.
func summaryJobName(c *Console, from, to period.Month) string {
	return fmt.Sprintf("statistics:%p:%s:%s", c, from, to)
}

// handleSummariseStatistics starts, as a background job, the summary of
// the months of the page's range not summarised yet, and returns to the
// page, which follows the job until the figures are there.
func (c *Console) handleSummariseStatistics(w http.ResponseWriter, r *http.Request) error {
	if !c.app.Statistics.CanSummarise(r.Context()) {
		return fault.Errorf(fault.Forbidden, "summarising the statistics needs a post over the whole prefecture")
	}
	p := c.newPage(r, "statistics")
	code, from, to, probs, err := c.statisticsFilter(r, p, r.PostForm)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return &fault.Error{Code: fault.Invalid, Message: "invalid range", Fields: probs}
	}
	if c.cfg.Jobs == nil {
		return fault.Errorf(fault.Busy, "this console runs no background jobs")
	}
	ms, err := c.app.Statistics.Months(r.Context(), from, to)
	if err != nil {
		return err
	}
	var todo []period.Month
	for _, m := range ms {
		if !m.Summarised() {
			todo = append(todo, m.Period)
		}
	}
	name := summaryJobName(c, from, to)
	if len(todo) > 0 {
		summaryErrors.Delete(name)
		svc := c.app.Statistics
		_, err := c.cfg.Jobs.Go(context.WithoutCancel(r.Context()), name, func(ctx context.Context) error {
			for _, m := range todo {
				// A month another summary holds is left to it.
				if _, err := svc.Summarise(ctx, m); err != nil && fault.CodeOf(err) != fault.Conflict {
					summaryErrors.Store(name, true)
					return err
				}
			}
			return nil
		})
		if err != nil && !errors.Is(err, jobs.ErrDuplicate) {
			return err
		}
	}
	v := url.Values{"region": {string(code)}, "from": {from.String()}, "to": {to.String()}, "summarising": {"1"}}
	http.Redirect(w, r, "/statistics?"+v.Encode(), http.StatusSeeOther)
	return nil
}

// download writes table id as an XLSX workbook named in Chinese with the
// region and the day.
func (d *dashboard) download(w http.ResponseWriter, id string) error {
	i := slices.IndexFunc(statBuilders, func(b struct {
		id    string
		build func(d *dashboard) (statTable, error)
	}) bool {
		return b.id == id
	})
	if i < 0 {
		return &fault.Error{Code: fault.Invalid, Message: "invalid download", Fields: map[string]string{"table": "no such table"}}
	}
	t, err := statBuilders[i].build(d)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	sheet := []rune(t.Title)
	if len(sheet) > 31 {
		sheet = sheet[:31]
	}
	if err := exchange.WriteXLSX(&buf, exchange.Sheet{Name: string(sheet), Header: t.Header, Rows: t.Rows}); err != nil {
		return err
	}
	today := d.c.app.Clock.Today().String()
	name := fmt.Sprintf("%s-%s-%s至%s-%s.xlsx", t.Title, d.c.regionName(ZH, d.code), d.from, d.to, today)
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="statistics-%s-%s.xlsx"; filename*=UTF-8''%s`, id, today, url.PathEscape(name)))
	h.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

// t is the text of key in the page's language.
func (d *dashboard) t(key string, args ...any) string { return d.p.T(key, args...) }

// months are the dashboard's months in order.
func (d *dashboard) months() []period.Month {
	var ms []period.Month
	for m := d.from; m <= d.to; m = m.Add(1) {
		ms = append(ms, m)
	}
	return ms
}

// monthLabel is a month as the charts and tables show it.
func (d *dashboard) monthLabel(m period.Month) string { return monthText(d.p.Lang, m) }

// each calls fn with every figure of topic, in the order stored (month,
// county, keys).
func (d *dashboard) each(topic statistics.Topic, fn func(f statistics.Figure) error) error {
	for _, f := range d.figs {
		if f.Topic == topic {
			if err := fn(f); err != nil {
				return err
			}
		}
	}
	return nil
}

// schemes are the insurance schemes in the order the tables show them.
var schemes = []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension, insurance.Unemployment, insurance.WorkInjury}

// amount shows fen as yuan for a table (the header says 元).
func amount(f money.Fen) string { return f.String() }

// num is a chart value: yuan as a decimal number, never through a float.
func num(f money.Fen) json.Number { return json.Number(f.Plain()) }

// count is a chart value of a count.
func count(n int) json.Number { return json.Number(strconv.Itoa(n)) }

// chartOf returns the option of a bar or line chart over categories, one
// series per name.
func chartOf(kind string, stack bool, categories []string, names []string, series [][]json.Number) map[string]any {
	ss := make([]map[string]any, len(names))
	for i, n := range names {
		s := map[string]any{"name": n, "type": kind, "data": series[i]}
		if stack {
			s["stack"] = "total"
		}
		if kind == "line" {
			s["smooth"] = false
		}
		ss[i] = s
	}
	x := map[string]any{"type": "category", "data": categories}
	if len(categories) <= 8 {
		x["axisLabel"] = map[string]any{"interval": 0}
	}
	return map[string]any{
		"tooltip": map[string]any{"trigger": "axis"},
		"legend":  map[string]any{"type": "scroll", "top": 0},
		"grid":    map[string]any{"left": 8, "right": 16, "top": 32, "bottom": 8, "containLabel": true},
		"xAxis":   x,
		"yAxis":   map[string]any{"type": "value"},
		"series":  ss,
	}
}

// coverageCounts returns the stored coverage counts of month m by county,
// in county order, and their total over code.
func (d *dashboard) coverageCounts(m period.Month) ([]insurance.CoverageCounts, insurance.CoverageCounts, error) {
	newCounts := func(c region.Code) *insurance.CoverageCounts {
		return &insurance.CoverageCounts{County: c, Insured: map[insurance.Scheme]int{}, Payments: map[insurance.Scheme]int{}, Collected: map[insurance.Scheme]money.Fen{}}
	}
	by := map[region.Code]*insurance.CoverageCounts{}
	var order []region.Code
	get := func(c region.Code) *insurance.CoverageCounts {
		if x, ok := by[c]; ok {
			return x
		}
		x := newCounts(c)
		by[c] = x
		order = append(order, c)
		return x
	}
	total := newCounts(d.code)
	var err error
	for _, f := range d.figs {
		if f.Period != m {
			continue
		}
		switch f.Topic {
		case statistics.Coverage:
			c := get(f.County)
			c.Adults += int(f.Count1)
			c.Employed += int(f.Count2)
			total.Adults += int(f.Count1)
			total.Employed += int(f.Count2)
		case statistics.Insured:
			c, sc := get(f.County), insurance.Scheme(f.Key1)
			for _, x := range []*insurance.CoverageCounts{c, total} {
				x.Insured[sc] += int(f.Count1)
				x.Payments[sc] += int(f.Count2)
				if x.Collected[sc], err = money.Add(x.Collected[sc], f.Fen1); err != nil {
					return nil, insurance.CoverageCounts{}, err
				}
			}
		}
	}
	slices.Sort(order)
	out := make([]insurance.CoverageCounts, len(order))
	for i, c := range order {
		out[i] = *by[c]
	}
	return out, *total, nil
}

// coverageTable is the insured and coverage rates by county in the last
// month; the rates are recomputed from the stored counts as the coverage
// report computes them.
func (d *dashboard) coverageTable() (statTable, error) {
	rows, total, err := d.coverageCounts(d.to)
	if err != nil {
		return statTable{}, err
	}
	t := statTable{Title: d.t("statistics.coverage"), Note: d.t("statistics.coverage.note", d.monthLabel(d.to)),
		Header: []string{d.t("statistics.county"), d.t("statistics.adults"), d.t("statistics.employed")}}
	for _, s := range schemes {
		t.Header = append(t.Header, d.t("statistics.insured", d.t("statistics.scheme."+string(s))))
	}
	t.Header = append(t.Header, d.t("statistics.pension_coverage"), d.t("statistics.unemployment_coverage"), d.t("statistics.work_injury_coverage"))
	t.Num = []bool{false, true, true, true, true, true, true, true, true, true}
	var cats []string
	series := make([][]json.Number, len(schemes))
	row := func(name string, cr insurance.CoverageCounts) []string {
		out := []string{name, strconv.Itoa(cr.Adults), strconv.Itoa(cr.Employed)}
		for _, s := range schemes {
			out = append(out, strconv.Itoa(cr.Insured[s]))
		}
		rate := func(n, of int) string { return money.RateOf(int64(n), int64(of)).Percent(1) }
		return append(out, rate(cr.Insured[insurance.EmployeePension]+cr.Insured[insurance.ResidentPension], cr.Adults),
			rate(cr.Insured[insurance.Unemployment], cr.Employed), rate(cr.Insured[insurance.WorkInjury], cr.Employed))
	}
	for _, cr := range rows {
		name := d.c.regionName(d.p.Lang, cr.County)
		t.Rows = append(t.Rows, row(name, cr))
		cats = append(cats, name)
		for i, s := range schemes {
			series[i] = append(series[i], count(cr.Insured[s]))
		}
	}
	if len(rows) > 0 {
		t.Rows = append(t.Rows, row(d.t("statistics.total"), total))
	}
	names := make([]string, len(schemes))
	for i, s := range schemes {
		names[i] = d.t("statistics.scheme." + string(s))
	}
	t.Chart = chartOf("bar", false, cats, names, series)
	return t, nil
}

// contributionsTable is the contributions collected per month and scheme
// (the coverage report's Collected of each month).
func (d *dashboard) contributionsTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.contributions"), Note: d.t("statistics.contributions.note"), Header: []string{d.t("statistics.month")}}
	for _, s := range schemes {
		t.Header = append(t.Header, d.t("statistics.collected", d.t("statistics.scheme."+string(s))))
	}
	t.Header = append(t.Header, d.t("statistics.collected_total"))
	t.Num = []bool{false, true, true, true, true, true}
	type key struct {
		m period.Month
		s insurance.Scheme
	}
	collected := map[key]money.Fen{}
	err := d.each(statistics.Insured, func(f statistics.Figure) error {
		k := key{f.Period, insurance.Scheme(f.Key1)}
		var err error
		collected[k], err = money.Add(collected[k], f.Fen1)
		return err
	})
	if err != nil {
		return statTable{}, err
	}
	var cats []string
	series := make([][]json.Number, len(schemes))
	for _, m := range d.months() {
		row := []string{d.monthLabel(m)}
		var total money.Fen
		for i, s := range schemes {
			f := collected[key{m, s}]
			if total, err = money.Add(total, f); err != nil {
				return statTable{}, err
			}
			row = append(row, amount(f))
			series[i] = append(series[i], num(f))
		}
		t.Rows = append(t.Rows, append(row, amount(total)))
		cats = append(cats, d.monthLabel(m))
	}
	names := make([]string, len(schemes))
	for i, s := range schemes {
		names[i] = d.t("statistics.scheme." + string(s))
	}
	t.Chart = chartOf("bar", true, cats, names, series)
	return t, nil
}

// pensionAverages returns the average pension of each pension scheme in
// month m: the stored sums of the counties over their awards, rounded
// half up to the fen as the pension report rounds them.
func (d *dashboard) pensionAverages(m period.Month) ([]insurance.PensionAverage, error) {
	sums := map[insurance.Scheme]*insurance.PensionTotal{}
	err := d.each(statistics.Pension, func(f statistics.Figure) error {
		if f.Period != m {
			return nil
		}
		sc := insurance.Scheme(f.Key1)
		t, ok := sums[sc]
		if !ok {
			t = &insurance.PensionTotal{Scheme: sc}
			sums[sc] = t
		}
		t.Awards += int(f.Count1)
		var err error
		if t.Before, err = money.Add(t.Before, f.Fen1); err != nil {
			return err
		}
		t.ThisYear, err = money.Add(t.ThisYear, f.Fen2)
		return err
	})
	if err != nil {
		return nil, err
	}
	var out []insurance.PensionAverage
	for _, sc := range []insurance.Scheme{insurance.EmployeePension, insurance.ResidentPension} {
		row := insurance.PensionAverage{Scheme: sc}
		if t, ok := sums[sc]; ok && t.Awards > 0 {
			after, err := money.Add(t.Before, t.ThisYear)
			if err != nil {
				return nil, err
			}
			row.Awards = t.Awards
			row.Before = money.Fen(money.DivRound(int64(t.Before), int64(t.Awards)))
			row.After = money.Fen(money.DivRound(int64(after), int64(t.Awards)))
		}
		out = append(out, row)
	}
	return out, nil
}

// pensionsTable is the average pension by scheme in the first and the
// last month of the range, before and after the year's adjustment.
func (d *dashboard) pensionsTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.pensions"), Note: d.t("statistics.pensions.note"),
		Header: []string{d.t("statistics.month"), d.t("statistics.scheme"), d.t("statistics.awards"), d.t("statistics.pension_before"), d.t("statistics.pension_after")},
		Num:    []bool{false, false, true, true, true}}
	months := []period.Month{d.from, d.to}
	if d.from == d.to {
		months = months[:1]
	}
	var cats []string
	before, after := []json.Number{}, []json.Number{}
	for _, m := range months {
		rows, err := d.pensionAverages(m)
		if err != nil {
			return statTable{}, err
		}
		for _, row := range rows {
			if row.Awards == 0 {
				continue
			}
			t.Rows = append(t.Rows, []string{d.monthLabel(m), d.t("statistics.scheme." + string(row.Scheme)), strconv.Itoa(row.Awards), amount(row.Before), amount(row.After)})
			if m == d.to {
				cats = append(cats, d.t("statistics.scheme."+string(row.Scheme)))
				before, after = append(before, num(row.Before)), append(after, num(row.After))
			}
		}
	}
	t.Chart = chartOf("bar", false, cats, []string{d.t("statistics.pension_before"), d.t("statistics.pension_after")}, [][]json.Number{before, after})
	return t, nil
}

// programmeName names a programme of the report, or a group of them.
func (d *dashboard) programmeName(id string) string {
	if _, ok := messages["statistics.group."+id]; ok {
		return d.t("statistics.group." + id)
	}
	if p, ok := d.c.app.Policy.Programme(id); ok {
		if d.p.Lang == EN && p.NameEN != "" {
			return p.NameEN
		}
		return p.NameZH
	}
	return id
}

// assistanceTotals sums the stored totals of each programme and group
// over the range: the beneficiaries of the months added up (人次), those
// of the last month, the payment lines and the amount; by programme.
func (d *dashboard) assistanceTotals() ([]assistance.ReportRow, error) {
	by := map[string]*assistance.ReportRow{}
	var progs []string
	err := d.each(statistics.AssistanceTotal, func(f statistics.Figure) error {
		r, ok := by[f.Key1]
		if !ok {
			r = &assistance.ReportRow{Programme: f.Key1}
			by[f.Key1] = r
			progs = append(progs, f.Key1)
		}
		r.Beneficiaries += int(f.Count1)
		if f.Period == d.to {
			r.LastMonth += int(f.Count1)
		}
		r.Lines += int(f.Count2)
		var err error
		r.Amount, err = money.Add(r.Amount, f.Fen1)
		return err
	})
	slices.Sort(progs)
	out := make([]assistance.ReportRow, len(progs))
	for i, pg := range progs {
		out[i] = *by[pg]
	}
	return out, err
}

// assistanceTable is the beneficiary-months (人次) and yuan per programme
// over the range, with the beneficiaries of its last month, charted by
// month.
func (d *dashboard) assistanceTable() (statTable, error) {
	totals, err := d.assistanceTotals()
	if err != nil {
		return statTable{}, err
	}
	t := statTable{Title: d.t("statistics.assistance"), Note: d.t("statistics.assistance.note"),
		Header: []string{d.t("statistics.programme"), d.t("statistics.beneficiaries"), d.t("statistics.last_month"), d.t("statistics.lines"), d.t("statistics.amount")},
		Num:    []bool{false, true, true, true, true}}
	for _, rr := range totals {
		t.Rows = append(t.Rows, []string{d.programmeName(rr.Programme), strconv.Itoa(rr.Beneficiaries), strconv.Itoa(rr.LastMonth), strconv.Itoa(rr.Lines), amount(rr.Amount)})
	}
	months := d.months()
	at := map[period.Month]int{}
	cats := make([]string, len(months))
	for i, m := range months {
		at[m], cats[i] = i, d.monthLabel(m)
	}
	var progs []string
	sums := map[string][]money.Fen{}
	err = d.each(statistics.Assistance, func(f statistics.Figure) error {
		s, ok := sums[f.Key1]
		if !ok {
			progs = append(progs, f.Key1)
			s = make([]money.Fen, len(months))
			sums[f.Key1] = s
		}
		if i, ok := at[f.Period]; ok {
			var err error
			if s[i], err = money.Add(s[i], f.Fen1); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return statTable{}, err
	}
	slices.Sort(progs)
	names := make([]string, len(progs))
	series := make([][]json.Number, len(progs))
	for i, pg := range progs {
		names[i] = d.programmeName(pg)
		for _, f := range sums[pg] {
			series[i] = append(series[i], num(f))
		}
	}
	t.Chart = chartOf("bar", true, cats, names, series)
	return t, nil
}

// assistanceCountyTable is the yuan per programme and county over the
// range, with the beneficiaries of its last month.
func (d *dashboard) assistanceCountyTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.assistance_county"), Note: d.t("statistics.assistance_county.note", d.monthLabel(d.to)),
		Header: []string{d.t("statistics.county"), d.t("statistics.programme"), d.t("statistics.last_month"), d.t("statistics.amount")},
		Num:    []bool{false, false, true, true}}
	type key struct {
		county region.Code
		prog   string
	}
	type sum struct {
		last   int
		amount money.Fen
	}
	var keys []key
	sums := map[key]*sum{}
	err := d.each(statistics.Assistance, func(f statistics.Figure) error {
		k := key{f.County, f.Key1}
		s, ok := sums[k]
		if !ok {
			s = &sum{}
			sums[k] = s
			keys = append(keys, k)
		}
		if f.Period == d.to {
			s.last += int(f.Count1)
		}
		var err error
		s.amount, err = money.Add(s.amount, f.Fen1)
		return err
	})
	if err != nil {
		return statTable{}, err
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.county != b.county {
			return strings.Compare(string(a.county), string(b.county))
		}
		return strings.Compare(a.prog, b.prog)
	})
	var counties []region.Code
	var progs []string
	for _, k := range keys {
		t.Rows = append(t.Rows, []string{d.c.regionName(d.p.Lang, k.county), d.programmeName(k.prog), strconv.Itoa(sums[k].last), amount(sums[k].amount)})
		if !slices.Contains(counties, k.county) {
			counties = append(counties, k.county)
		}
		if !slices.Contains(progs, k.prog) {
			progs = append(progs, k.prog)
		}
	}
	slices.Sort(progs)
	cats := make([]string, len(counties))
	for i, cn := range counties {
		cats[i] = d.c.regionName(d.p.Lang, cn)
	}
	names := make([]string, len(progs))
	series := make([][]json.Number, len(progs))
	for i, pg := range progs {
		names[i] = d.programmeName(pg)
		for _, cn := range counties {
			f := money.Fen(0)
			if s, ok := sums[key{cn, pg}]; ok {
				f = s.amount
			}
			series[i] = append(series[i], num(f))
		}
	}
	t.Chart = chartOf("bar", true, cats, names, series)
	return t, nil
}

// layersTable is the low-income population by layer and county in the
// last month.
func (d *dashboard) layersTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.layers"), Note: d.t("statistics.layers.note", d.monthLabel(d.to)),
		Header: []string{d.t("statistics.county"), d.t("statistics.layer"), d.t("statistics.households"), d.t("statistics.persons"), d.t("statistics.dibao_amount")},
		Num:    []bool{false, false, true, true, true}}
	var layers []assistance.Layer
	persons := map[assistance.Layer]int{}
	d.each(statistics.Layer, func(f statistics.Figure) error {
		if f.Period != d.to {
			return nil
		}
		l := assistance.Layer(f.Key1)
		t.Rows = append(t.Rows, []string{d.c.regionName(d.p.Lang, f.County), d.t("statistics.layer." + string(l)), strconv.FormatInt(f.Count1, 10),
			strconv.FormatInt(f.Count2, 10), amount(f.Fen1)})
		if _, ok := persons[l]; !ok {
			layers = append(layers, l)
		}
		persons[l] += int(f.Count2)
		return nil
	})
	cats := make([]string, len(layers))
	data := make([]json.Number, len(layers))
	for i, l := range layers {
		cats[i], data[i] = d.t("statistics.layer."+string(l)), count(persons[l])
	}
	t.Chart = chartOf("bar", false, cats, []string{d.t("statistics.persons")}, [][]json.Number{data})
	return t, nil
}

// refundsTable is the job-stabilisation refunds decided in the months of
// the range, by refund year, batch and county.
func (d *dashboard) refundsTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.refunds"), Note: d.t("statistics.refunds.note"),
		Header: []string{d.t("statistics.year"), d.t("statistics.batch"), d.t("statistics.county"), d.t("statistics.enterprises"), d.t("statistics.amount")},
		Num:    []bool{true, true, false, true, true}}
	type key struct {
		year, batch int
		county      region.Code
	}
	type sum struct {
		enterprises int
		amount      money.Fen
	}
	var keys []key
	sums := map[key]*sum{}
	err := d.each(statistics.Refund, func(f statistics.Figure) error {
		year, err1 := strconv.Atoi(f.Key1)
		batch, err2 := strconv.Atoi(f.Key2)
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Errorf("stored refund figure of %s: %w", f.Period, err)
		}
		k := key{year, batch, f.County}
		s, ok := sums[k]
		if !ok {
			s = &sum{}
			sums[k] = s
			keys = append(keys, k)
		}
		s.enterprises += int(f.Count1)
		var err error
		s.amount, err = money.Add(s.amount, f.Fen1)
		return err
	})
	if err != nil {
		return statTable{}, err
	}
	slices.SortFunc(keys, func(a, b key) int {
		switch {
		case a.year != b.year:
			return a.year - b.year
		case a.batch != b.batch:
			return a.batch - b.batch
		}
		return strings.Compare(string(a.county), string(b.county))
	})
	years := map[int]money.Fen{}
	for _, k := range keys {
		s := sums[k]
		t.Rows = append(t.Rows, []string{strconv.Itoa(k.year), strconv.Itoa(k.batch), d.c.regionName(d.p.Lang, k.county), strconv.Itoa(s.enterprises), amount(s.amount)})
		if years[k.year], err = money.Add(years[k.year], s.amount); err != nil {
			return statTable{}, err
		}
	}
	// The years of the range, and those of refunds decided in it for an
	// earlier year.
	lo, hi := d.from.Year(), d.to.Year()
	for y := range years {
		lo, hi = min(lo, y), max(hi, y)
	}
	var cats []string
	var data []json.Number
	for year := lo; year <= hi; year++ {
		cats = append(cats, strconv.Itoa(year))
		data = append(data, num(years[year]))
	}
	t.Chart = chartOf("bar", false, cats, []string{d.t("statistics.amount")}, [][]json.Number{data})
	return t, nil
}

func init() { register(statisticsMessages) }

// statisticsMessages are the texts of the statistics pages.
var statisticsMessages = map[string]msg{
	"statistics.title":                      {"统计分析", "Statistics"},
	"statistics.region":                     {"地区", "Region"},
	"statistics.from":                       {"起始月份", "From"},
	"statistics.to":                         {"截止月份", "To"},
	"statistics.show":                       {"查看", "Show"},
	"statistics.download":                   {"下载 Excel", "Download Excel"},
	"statistics.hint":                       {"数据为各月结账后按发布口径汇总的统计；每张表均可下载为 Excel（XLSX）。", "Figures as published, summarised once a month is closed; every table downloads as Excel (XLSX)."},
	"statistics.bad_month":                  {"请填写月份，格式为 2026-10", "give a month such as 2026-10"},
	"statistics.before_from":                {"截止月份早于起始月份", "is before the first month"},
	"statistics.too_long":                   {"一次最多统计 %d 个月", "at most %d months at a time"},
	"statistics.none":                       {"本期无数据。", "No figures for this period."},
	"statistics.total":                      {"合计", "Total"},
	"statistics.county":                     {"县市", "County"},
	"statistics.month":                      {"月份", "Month"},
	"statistics.year":                       {"年度", "Year"},
	"statistics.batch":                      {"批次", "Batch"},
	"statistics.scheme":                     {"险种", "Scheme"},
	"statistics.programme":                  {"救助项目", "Programme"},
	"statistics.layer":                      {"分层", "Layer"},
	"statistics.adults":                     {"成年人口", "Adults"},
	"statistics.employed":                   {"就业人数", "Employed"},
	"statistics.insured":                    {"%s参保人数", "Insured: %s"},
	"statistics.pension_coverage":           {"基本养老保险参保率", "Pension coverage"},
	"statistics.unemployment_coverage":      {"失业保险参保率", "Unemployment coverage"},
	"statistics.work_injury_coverage":       {"工伤保险参保率", "Work-injury coverage"},
	"statistics.collected":                  {"%s征缴（元）", "%s collected (yuan)"},
	"statistics.collected_total":            {"合计（元）", "Total (yuan)"},
	"statistics.awards":                     {"领取人数", "Pensioners"},
	"statistics.pension_before":             {"调整前月人均（元）", "Average before adjustment (yuan)"},
	"statistics.pension_after":              {"调整后月人均（元）", "Average after adjustment (yuan)"},
	"statistics.beneficiaries":              {"享受人次（户次）", "Beneficiary-months"},
	"statistics.last_month":                 {"期末月享受人数", "In the last month"},
	"statistics.lines":                      {"发放笔数", "Payments"},
	"statistics.amount":                     {"金额（元）", "Amount (yuan)"},
	"statistics.households":                 {"户数", "Households"},
	"statistics.persons":                    {"人数", "Persons"},
	"statistics.dibao_amount":               {"月低保金（元）", "Monthly 低保 (yuan)"},
	"statistics.enterprises":                {"企业数", "Enterprises"},
	"statistics.coverage":                   {"参保人数与参保率", "Insured and coverage"},
	"statistics.coverage.note":              {"%s，按县市、险种", "%s, by county and scheme"},
	"statistics.contributions":              {"社会保险费征缴", "Contributions collected"},
	"statistics.contributions.note":         {"按月份、险种", "By month and scheme"},
	"statistics.pensions":                   {"月人均养老金", "Average monthly pension"},
	"statistics.pensions.note":              {"统计期首月和末月，按险种，年度调整前后；图为末月", "First and last month of the range by scheme, before and after the year's adjustment; the chart shows the last month"},
	"statistics.assistance":                 {"社会救助对象与资金", "Assistance beneficiaries and funds"},
	"statistics.assistance.note":            {"统计期合计；享受人次为各月享受人数（户数）之和，同一对象每月计一次，另列期末月享受人数；图为按月发放金额", "Totals of the range; beneficiary-months add up each month's beneficiaries (a person or household counts once a month), beside those of the last month; the chart shows the amounts paid per month"},
	"statistics.assistance_county":          {"社会救助资金（按县市）", "Assistance funds by county"},
	"statistics.assistance_county.note":     {"统计期金额合计，享受人数为%s", "Amounts over the range; beneficiaries in %s"},
	"statistics.layers":                     {"低收入人口分层", "Low-income population by layer"},
	"statistics.layers.note":                {"%s，按县市", "%s, by county"},
	"statistics.refunds":                    {"失业保险稳岗返还", "Job-stabilisation refunds"},
	"statistics.refunds.note":               {"统计期内各月核定的返还，按年度、批次、县市", "Refunds decided in the months of the range, by year, batch and county"},
	"statistics.scheme.employee_pension":    {"企业职工基本养老保险", "Employee pension"},
	"statistics.scheme.resident_pension":    {"城乡居民基本养老保险", "Resident pension"},
	"statistics.scheme.unemployment":        {"失业保险", "Unemployment insurance"},
	"statistics.scheme.work_injury":         {"工伤保险", "Work-injury insurance"},
	"statistics.layer.tekun":                {"特困人员", "Extreme poverty (特困)"},
	"statistics.layer.dibao":                {"低保对象", "Minimum living (低保)"},
	"statistics.layer.dibao_edge":           {"低保边缘家庭", "Near 低保"},
	"statistics.layer.rigid_expense":        {"刚性支出困难家庭", "Rigid-expense hardship"},
	"statistics.layer.low_income":           {"其他低收入人口", "Other low income"},
	"statistics.layer.none":                 {"未分层", "No layer"},
	"statistics.layer.anyone":               {"不限", "Anyone"},
	"statistics.layer.":                     {"不分层", "All layers"},
	"statistics.group.disability_subsidies": {"残疾人两项补贴", "Disability subsidies (两项补贴)"},
	"statistics.list_sep":                   {"、", ", "},
	"statistics.summarised_at":              {"数据截至 %s 汇总（%s）", "Figures summarised on %s (%s)"},
	"statistics.missing":                    {"以下月份尚未汇总，表中不含其数据：%s。", "Not summarised yet, so missing from the tables: %s."},
	"statistics.missing_how":                {"统计分析员或系统管理员可点击下方按钮在后台汇总，也可在服务器上运行：", "An analyst or an administrator summarises them in the background with the button below, or on the server with:"},
	"statistics.summarise":                  {"汇总未汇总的月份", "Summarise the missing months"},
	"statistics.running":                    {"正在汇总：已汇总 %d / %d 个月，完成后本页自动刷新。", "Summarising: %d of %d months done; the page reloads when it is finished."},
	"statistics.failed":                     {"汇总失败：", "The summary failed: "},
	"statistics.failed_log":                 {"详见服务器日志；可再次汇总。", "see the server's log; summarise again."},
	"statistics.live":                       {"乡镇（街道）的统计按其范围实时计算，不读取按县市汇总的数据。", "A township's figures are computed live over its area, not read from the county summaries."},
}
