package console

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"safetynet/internal/auth"
	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// statisticsServicesRoutes are the pages of the dashboard of the front
// office (政务服务统计, docs/frontoffice.md, Reports).
func (c *Console) statisticsServicesRoutes() {
	c.handle("GET /statistics/services", c.handleStatisticsServices, auth.PermRegistryRead)
}

// servicesLine is one group of a table of the dashboard, named in the
// page's language.
type servicesLine struct {
	Key  string
	Name string
	G    report.Group
}

// servicesTable is one table of the dashboard: the groups of one
// grouping, with the link of its XLSX download.
type servicesTable struct {
	By    report.By
	Title string
	Lines []servicesLine
	XLSX  string
}

// servicesPage is the data of the dashboard.
type servicesPage struct {
	Region   region.Code
	From, To period.Date
	Regions  []regionOption
	Problems map[string]string
	// Total is the span's total; Satisfaction its 满意率 ("—" with no
	// rating); ChartID and Chart the chart by channel.
	Total        report.Group
	Satisfaction string
	AverageDays  string
	ChartID      string
	Chart        map[string]any
	Tables       []servicesTable
	Today        period.Date
}

// servicesGroupings are the tables of the dashboard, in order.
var servicesGroupings = []report.By{report.ByChannel, report.ByMatter, report.ByDepartment, report.ByPoint}

// handleStatisticsServices shows the handling report of the applications
// received in a span of days in a region of the caller's scope: the
// headline figures, a chart by channel, the tables by matter, department
// and point; or downloads one grouping as XLSX (?by=…&format=xlsx).
func (c *Console) handleStatisticsServices(w http.ResponseWriter, r *http.Request) error {
	pr, err := auth.Require(r.Context(), auth.PermRegistryRead)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	p := c.newPage(r, "statistics_services")
	p.Title, p.Active = p.T("services.title"), "statistics"
	today := c.app.Clock.Today()
	data := servicesPage{To: today, From: today.Period().Add(-2).First(), Regions: c.regionSelect(p.Lang, pr.Scope, region.County), Today: today}
	var probs fault.Problems
	if s := q.Get("from"); s != "" {
		d, err := period.ParseDate(s)
		if err != nil {
			probs.Add("from", "%s", p.T("services.bad_date"))
		}
		data.From = d
	}
	if s := q.Get("to"); s != "" {
		d, err := period.ParseDate(s)
		if err != nil {
			probs.Add("to", "%s", p.T("services.bad_date"))
		}
		data.To = d
	}
	if len(probs) == 0 {
		switch {
		case data.To < data.From:
			probs.Add("to", "%s", p.T("services.before_from"))
		case data.From.AddDays(report.MaxSpanDays) < data.To:
			probs.Add("to", "%s", p.T("services.too_long", report.MaxSpanDays))
		}
	}
	code := region.Code(q.Get("region"))
	if code == "" {
		code = pr.Scope
	}
	if data.Region, err = auth.ScopeFilter(pr, code); err != nil {
		return err
	}
	if len(probs) > 0 {
		data.Problems = probs
		p.Data = data
		c.render(w, r, http.StatusUnprocessableEntity, p)
		return nil
	}
	query := url.Values{"region": {string(data.Region)}, "from": {data.From.String()}, "to": {data.To.String()}}
	if q.Get("format") == "xlsx" {
		rep, err := c.app.Reports.Report(r.Context(), report.Filter{From: data.From, To: data.To, Region: data.Region, By: report.By(q.Get("by"))})
		if err != nil {
			return err
		}
		return servicesDownload(w, rep)
	}
	for _, by := range servicesGroupings {
		rep, err := c.app.Reports.Report(r.Context(), report.Filter{From: data.From, To: data.To, Region: data.Region, By: by})
		if err != nil {
			return err
		}
		if by == report.ByChannel {
			data.Total = rep.Total
			data.Satisfaction = "—"
			if rt := rep.Total.Ratings; rt != nil && rt.Total > 0 {
				data.Satisfaction = rt.Percent()
			}
			data.AverageDays = "—"
			if rep.Total.Timed > 0 {
				data.AverageDays = rep.Total.AverageDaysText()
			}
			data.ChartID, data.Chart = "chart-services-channel", servicesChart(p, rep)
		}
		t := servicesTable{By: by, Title: p.T("services.by." + string(by))}
		v := url.Values{"by": {string(by)}, "format": {"xlsx"}}
		for k, vs := range query {
			v[k] = vs
		}
		t.XLSX = "/statistics/services?" + v.Encode()
		for _, g := range rep.Groups {
			t.Lines = append(t.Lines, servicesLine{Key: g.Key, Name: bilingual(p.Lang, g.Name), G: g})
		}
		data.Tables = append(data.Tables, t)
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// bilingual is b in language l (the Chinese when there is no English).
func bilingual(l Lang, b matters.Bilingual) string {
	if l == EN && b.EN != "" {
		return b.EN
	}
	return b.ZH
}

// servicesChart is the chart by channel: received, online-channel
// received and completed per channel, counts as JSON numbers.
func servicesChart(p *page, rep *report.Report) map[string]any {
	var cats []string
	var rec, done, late []json.Number
	for _, g := range rep.Groups {
		cats = append(cats, bilingual(p.Lang, g.Name))
		rec = append(rec, json.Number(strconv.FormatInt(g.Received, 10)))
		done = append(done, json.Number(strconv.FormatInt(g.Completed, 10)))
		late = append(late, json.Number(strconv.FormatInt(g.Late+g.Overdue, 10)))
	}
	return chartOf("bar", false, cats, []string{p.T("services.received"), p.T("services.completed"), p.T("services.late_or_overdue")},
		[][]json.Number{rec, done, late})
}

// servicesDownload writes a report as an XLSX workbook (the sheet of
// report.Table).
func servicesDownload(w http.ResponseWriter, rep *report.Report) error {
	header, rows := report.Table(rep)
	var buf bytes.Buffer
	if err := exchange.WriteXLSX(&buf, exchange.Sheet{Name: "政务服务统计", Header: header, Rows: rows}); err != nil {
		return err
	}
	name := report.FileName(rep.Filter)
	h := w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	h.Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
	return nil
}

func init() { register(servicesMessages) }

// servicesMessages are the texts of the dashboard of the front office.
var servicesMessages = map[string]msg{
	"services.title":            {"政务服务统计", "Front-office statistics"},
	"services.link":             {"政务服务统计（办件）", "Front-office statistics (applications)"},
	"services.back":             {"返回统计分析", "Back to statistics"},
	"services.from":             {"受理起始日", "Received from"},
	"services.to":               {"受理截止日", "Received to"},
	"services.bad_date":         {"请填写有效日期", "Enter a valid date"},
	"services.before_from":      {"截止日早于起始日", "The end is before the start"},
	"services.too_long":         {"时间跨度不能超过%d天", "A span is at most %d days"},
	"services.hint":             {"按受理日统计：区间内受理的办件，无论何时办结；不予受理的不计入受理量。", "Counted by the day received: the applications received in the span, whenever finished; receipts not accepted are not in the received count."},
	"services.received":         {"受理量", "Received"},
	"services.completed":        {"办结量", "Completed"},
	"services.online_rate":      {"线上办理率", "Online rate"},
	"services.online_note":      {"（网上办+掌上办）÷受理量", "(online + mobile) ÷ received"},
	"services.on_time_rate":     {"按时办结率", "On-time rate"},
	"services.average_days":     {"平均办理时长（工作日）", "Average working days"},
	"services.satisfaction":     {"满意率", "Satisfaction"},
	"services.late_or_overdue":  {"超期（办结或在办）", "Late or overdue"},
	"services.chart":            {"按受理渠道", "By channel"},
	"services.by.channel":       {"按受理渠道", "By channel"},
	"services.by.matter":        {"按事项", "By matter"},
	"services.by.department":    {"按部门", "By department"},
	"services.by.point":         {"按服务点", "By service point"},
	"services.col.name":         {"名称", "Name"},
	"services.col.not_accepted": {"不予受理", "Not accepted"},
	"services.col.running":      {"在办", "Running"},
	"services.col.overdue":      {"在办超期", "Overdue"},
	"services.col.ratings":      {"评价数", "Ratings"},
	"services.none":             {"本期无办件。", "No application in this span."},
	"services.download":         {"下载 Excel", "Download Excel"},
	"services.applications":     {"办件", "applications"},
}
