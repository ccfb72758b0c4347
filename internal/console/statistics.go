package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// statisticsRoutes are the pages of the dashboards of the published
// figures (统计分析).
func (c *Console) statisticsRoutes() {
	c.handle("GET /statistics", c.handleStatistics, auth.PermRegistryRead)
}

// maxDashboardMonths is the longest range of months a dashboard covers
// (the assistance report and the contributions read the whole range).
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
}

// dashboard builds the tables of the statistics page for one region and
// range of months, through the report services (the API's reports/*).
type dashboard struct {
	c        *Console
	r        *http.Request
	p        *page
	code     region.Code
	from, to period.Month
	coverage map[period.Month]*insurance.CoverageReport
	asst     *assistance.Report
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

// handleStatistics shows the dashboards of a region (the principal's
// scope, or one county of it) over a range of months, or downloads one
// table as XLSX (?table=ID&format=xlsx).
func (c *Console) handleStatistics(w http.ResponseWriter, r *http.Request) error {
	pr, err := auth.Require(r.Context(), auth.PermRegistryRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := c.newPage(r, "statistics")
	p.Title, p.Active = p.T("statistics.title"), "statistics"
	to := c.app.Clock.Today().Period().Add(-1)
	from := to.Add(-11)
	var probs fault.Problems
	if s := q.Get("to"); s != "" {
		if to, err = period.ParseMonth(s); err != nil {
			probs.Add("to", "%s", p.T("statistics.bad_month"))
		}
	}
	if s := q.Get("from"); s != "" {
		if from, err = period.ParseMonth(s); err != nil {
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
	code := region.Code(q.Get("region"))
	if code == "" {
		code = pr.Scope
	}
	if code, err = auth.ScopeFilter(pr, code); err != nil {
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
	d := &dashboard{c: c, r: r, p: p, code: code, from: from, to: to, coverage: map[period.Month]*insurance.CoverageReport{}}
	if q.Get("format") == "xlsx" {
		return d.download(w, q.Get("table"))
	}
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

// coverageOf returns the coverage report of month m, read once.
func (d *dashboard) coverageOf(m period.Month) (*insurance.CoverageReport, error) {
	if rep, ok := d.coverage[m]; ok {
		return rep, nil
	}
	rep, err := d.c.app.Insurance.Coverage(d.r.Context(), m, d.code)
	if err != nil {
		return nil, err
	}
	d.coverage[m] = rep
	return rep, nil
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

// coverageTable is the insured and coverage rates by county in the last
// month.
func (d *dashboard) coverageTable() (statTable, error) {
	rep, err := d.coverageOf(d.to)
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
	row := func(name string, cr insurance.CoverageRow) []string {
		out := []string{name, strconv.Itoa(cr.Adults), strconv.Itoa(cr.Employed)}
		for _, s := range schemes {
			out = append(out, strconv.Itoa(cr.Insured[s]))
		}
		return append(out, cr.PensionCoverage.Percent(1), cr.UnemploymentCoverage.Percent(1), cr.WorkInjuryCoverage.Percent(1))
	}
	for _, cr := range rep.Rows {
		name := d.c.regionName(d.p.Lang, cr.County)
		t.Rows = append(t.Rows, row(name, cr))
		cats = append(cats, name)
		for i, s := range schemes {
			series[i] = append(series[i], count(cr.Insured[s]))
		}
	}
	t.Rows = append(t.Rows, row(d.t("statistics.total"), rep.Total))
	names := make([]string, len(schemes))
	for i, s := range schemes {
		names[i] = d.t("statistics.scheme." + string(s))
	}
	t.Chart = chartOf("bar", false, cats, names, series)
	return t, nil
}

// contributionsTable is the contributions collected per month and scheme:
// the coverage report's Collected, read for the whole range in one query
// (d.code is already narrowed to the principal's scope).
func (d *dashboard) contributionsTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.contributions"), Note: d.t("statistics.contributions.note"), Header: []string{d.t("statistics.month")}}
	for _, s := range schemes {
		t.Header = append(t.Header, d.t("statistics.collected", d.t("statistics.scheme."+string(s))))
	}
	t.Header = append(t.Header, d.t("statistics.collected_total"))
	t.Num = []bool{false, true, true, true, true, true}
	cs, err := d.c.app.Store.ContributionsByMonth(d.r.Context(), d.code, d.from, d.to)
	if err != nil {
		return statTable{}, err
	}
	type key struct {
		m period.Month
		s insurance.Scheme
	}
	collected := map[key]money.Fen{}
	for _, c := range cs {
		collected[key{c.Period, c.Scheme}] = c.Collected
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

// pensionsTable is the average pension by scheme in the first and the
// last month of the range, before and after the year's adjustment (two
// reads of the pension report: each is a pass over the awards).
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
		rep, err := d.c.app.Pensions.Report(d.r.Context(), m, d.code)
		if err != nil {
			return statTable{}, err
		}
		for _, row := range rep.Rows {
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

// assistanceReport reads the assistance report of the range, once.
func (d *dashboard) assistanceReport() (*assistance.Report, error) {
	if d.asst != nil {
		return d.asst, nil
	}
	rep, err := d.c.app.Assistance.Report(d.r.Context(), d.from, d.to, d.code)
	d.asst = rep
	return rep, err
}

// assistanceTable is the beneficiaries and yuan per programme over the
// range (the published totals), charted by month.
func (d *dashboard) assistanceTable() (statTable, error) {
	rep, err := d.assistanceReport()
	if err != nil {
		return statTable{}, err
	}
	t := statTable{Title: d.t("statistics.assistance"), Note: d.t("statistics.assistance.note"),
		Header: []string{d.t("statistics.programme"), d.t("statistics.beneficiaries"), d.t("statistics.last_month"), d.t("statistics.lines"), d.t("statistics.amount")},
		Num:    []bool{false, true, true, true, true}}
	for _, rr := range rep.Totals {
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
	for _, rr := range rep.Rows {
		s, ok := sums[rr.Programme]
		if !ok {
			progs = append(progs, rr.Programme)
			s = make([]money.Fen, len(months))
			sums[rr.Programme] = s
		}
		if i, ok := at[rr.Period]; ok {
			if s[i], err = money.Add(s[i], rr.Amount); err != nil {
				return statTable{}, err
			}
		}
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
	rep, err := d.assistanceReport()
	if err != nil {
		return statTable{}, err
	}
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
	for _, rr := range rep.Rows {
		k := key{rr.County, rr.Programme}
		s, ok := sums[k]
		if !ok {
			s = &sum{}
			sums[k] = s
			keys = append(keys, k)
		}
		if rr.Period == d.to {
			s.last += rr.Beneficiaries
		}
		if s.amount, err = money.Add(s.amount, rr.Amount); err != nil {
			return statTable{}, err
		}
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
	cs, err := d.c.app.Assistance.LayerCounts(d.r.Context(), d.to, d.code)
	if err != nil {
		return statTable{}, err
	}
	t := statTable{Title: d.t("statistics.layers"), Note: d.t("statistics.layers.note", d.monthLabel(d.to)),
		Header: []string{d.t("statistics.county"), d.t("statistics.layer"), d.t("statistics.households"), d.t("statistics.persons"), d.t("statistics.dibao_amount")},
		Num:    []bool{false, false, true, true, true}}
	var layers []assistance.Layer
	persons := map[assistance.Layer]int{}
	for _, lc := range cs {
		t.Rows = append(t.Rows, []string{d.c.regionName(d.p.Lang, lc.County), d.t("statistics.layer." + string(lc.Layer)), strconv.Itoa(lc.Households),
			strconv.Itoa(lc.Persons), amount(lc.DibaoAmount)})
		if _, ok := persons[lc.Layer]; !ok {
			layers = append(layers, lc.Layer)
		}
		persons[lc.Layer] += lc.Persons
	}
	cats := make([]string, len(layers))
	data := make([]json.Number, len(layers))
	for i, l := range layers {
		cats[i], data[i] = d.t("statistics.layer."+string(l)), count(persons[l])
	}
	t.Chart = chartOf("bar", false, cats, []string{d.t("statistics.persons")}, [][]json.Number{data})
	return t, nil
}

// refundsTable is the job-stabilisation refunds by year, batch and county.
func (d *dashboard) refundsTable() (statTable, error) {
	t := statTable{Title: d.t("statistics.refunds"), Note: d.t("statistics.refunds.note"),
		Header: []string{d.t("statistics.year"), d.t("statistics.batch"), d.t("statistics.county"), d.t("statistics.enterprises"), d.t("statistics.amount")},
		Num:    []bool{true, true, false, true, true}}
	var cats []string
	var data []json.Number
	for year := d.from.Year(); year <= d.to.Year(); year++ {
		bs, err := d.c.app.Refunds.Batches(d.r.Context(), year, d.code, true)
		if err != nil {
			return statTable{}, err
		}
		var total money.Fen
		for _, b := range bs {
			t.Rows = append(t.Rows, []string{strconv.Itoa(b.Year), strconv.Itoa(b.Batch), d.c.regionName(d.p.Lang, b.County), strconv.Itoa(b.Enterprises), amount(b.Amount)})
			if total, err = money.Add(total, b.Amount); err != nil {
				return statTable{}, err
			}
		}
		cats = append(cats, strconv.Itoa(year))
		data = append(data, num(total))
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
	"statistics.hint":                       {"数据来自已发布口径的统计报表；每张表均可下载为 Excel（XLSX）。", "Figures as published by the report services; every table downloads as Excel (XLSX)."},
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
	"statistics.beneficiaries":              {"享受人数（户数）", "Beneficiaries"},
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
	"statistics.assistance.note":            {"统计期合计，图为按月发放金额", "Totals of the range; the chart shows the amounts paid per month"},
	"statistics.assistance_county":          {"社会救助资金（按县市）", "Assistance funds by county"},
	"statistics.assistance_county.note":     {"统计期金额合计，享受人数为%s", "Amounts over the range; beneficiaries in %s"},
	"statistics.layers":                     {"低收入人口分层", "Low-income population by layer"},
	"statistics.layers.note":                {"%s，按县市", "%s, by county"},
	"statistics.refunds":                    {"失业保险稳岗返还", "Job-stabilisation refunds"},
	"statistics.refunds.note":               {"按年度、批次、县市", "By year, batch and county"},
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
}
