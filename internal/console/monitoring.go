package console

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/sqlstore"
)

// monitoringRoutes are the pages of the low-income dynamic monitoring
// (动态监测): alerts by township on a list and a map, an alert's list and
// page, and the forms of a visit and a disposition.
func (c *Console) monitoringRoutes() {
	read := []auth.Permission{auth.PermAssistance, auth.PermApprove, auth.PermAuditRead}
	c.handle("GET /monitoring", c.handleMonitoring, read...)
	c.handle("GET /monitoring/alerts", c.handleAlertList, read...)
	c.handle("GET /monitoring/alerts/{id}", c.handleAlert, read...)
	c.handle("POST /monitoring/alerts/{id}/visits", c.handleAlertVisit, auth.PermRegistryWrite)
	c.handle("POST /monitoring/alerts/{id}/disposition", c.handleAlertDisposition, auth.PermRegistryWrite)
	c.handle("POST /monitoring/signal-runs", c.handleSignalRun, auth.PermRegistryWrite)
}

// alertPage is how many alerts one page of the list shows.
const alertPage = 50

// townshipLine is one township's line of the monitoring page.
type townshipLine struct {
	Code    region.Code
	Name    string
	County  string
	Open    int
	Due     int
	Overdue int
}

// monitoringPage is the data of the monitoring page.
type monitoringPage struct {
	AsOf      period.Date
	Townships []townshipLine
	Open      int
	Due       int
	Overdue   int
	// MapID names the map's option block; Map is its ECharts option,
	// written as JSON by the template.
	MapID string
	Map   map[string]any
	// CanGrade says whether the post may grade the waiting signals; Graded
	// is the outcome of a run just made.
	CanGrade bool
	Graded   string
}

// alertReadScope checks that the principal may read alerts and narrows
// filter to its scope, as the monitoring service does for its lists.
func alertReadScope(r *http.Request, filter region.Code) (region.Code, error) {
	p, err := auth.Require(r.Context(), auth.PermRegistryRead)
	if err != nil {
		return "", err
	}
	return auth.ScopeFilter(p, filter)
}

// handleMonitoring shows the alerts not closed in the principal's scope,
// per township (the most overdue first) on a list and a map.
func (c *Console) handleMonitoring(w http.ResponseWriter, r *http.Request) error {
	scope, err := alertReadScope(r, "")
	if err != nil {
		return err
	}
	today := c.app.Clock.Today()
	counts, err := c.app.Store.TownshipAlertCounts(r.Context(), scope, today)
	if err != nil {
		return err
	}
	p := c.newPage(r, "monitoring")
	p.Title, p.Active = p.T("monitoring.title"), "monitoring"
	pr, _ := auth.PrincipalFrom(r.Context())
	data := monitoringPage{AsOf: today, MapID: "alert-map", CanGrade: pr.Can(auth.PermRegistryWrite)}
	if q := r.URL.Query(); q.Has("signals") {
		n := func(k string) int { v, _ := strconv.Atoi(q.Get(k)); return v }
		data.Graded = p.T("monitoring.graded", n("signals"), n("opened"), n("raised"), n("attached"))
	}
	byCode := map[region.Code]sqlstore.TownshipAlertCount{}
	for _, t := range counts {
		byCode[t.Township] = t
		data.Townships = append(data.Townships, townshipLine{Code: t.Township, Name: c.regionName(p.Lang, t.Township),
			County: c.regionName(p.Lang, t.Township.County()), Open: t.Open, Due: t.Due, Overdue: t.Overdue})
		data.Open += t.Open
		data.Due += t.Due
		data.Overdue += t.Overdue
	}
	slices.SortFunc(data.Townships, func(a, b townshipLine) int {
		return cmp.Or(b.Overdue-a.Overdue, b.Open-a.Open, strings.Compare(string(a.Code), string(b.Code)))
	})
	data.Map = c.alertMap(p, scope, byCode)
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// handleSignalRun grades the signals waiting in the post's scope (as of
// today) into alerts, and shows what the run did on the monitoring page.
func (c *Console) handleSignalRun(w http.ResponseWriter, r *http.Request) error {
	sum, err := c.app.Monitoring.Process(r.Context(), 0)
	if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/monitoring?signals=%d&opened=%d&raised=%d&attached=%d", sum.Signals, sum.Opened, sum.Raised, sum.Attached), http.StatusSeeOther)
	return nil
}

// mapShape is a schematic map of the jurisdiction: every township a
// rectangle inside its county's, the counties on a grid. It is made once
// per region tree from the tree alone, so it is the same at every start.
type mapShape struct {
	townships []mapTownship
}

// mapTownship is one township's rectangle, in the map's coordinates.
type mapTownship struct {
	code, county region.Code
	// name is unique on the map (ECharts matches regions by name).
	name, nameEN string
	ring         [][2]float64
}

// mapShapes caches the schematic map per region tree.
var mapShapes sync.Map // *region.Tree -> *mapShape

// shapeOf returns the schematic map of the jurisdiction's tree.
func (c *Console) shapeOf() *mapShape {
	t := c.app.Juris.Tree
	if s, ok := mapShapes.Load(t); ok {
		return s.(*mapShape)
	}
	s := buildMapShape(t, c.app.Juris.Home)
	mapShapes.Store(t, s)
	return s
}

// buildMapShape lays the counties under home out on a grid of squares
// (by code) and each county's townships on a grid inside its square, with
// a margin between the counties. Coordinates are degrees around a
// made-up centre: the map is schematic, its shapes not boundaries.
func buildMapShape(t *region.Tree, home region.Code) *mapShape {
	var counties []region.Node
	for _, n := range t.Descendants(home, region.County) {
		counties = append(counties, n)
	}
	slices.SortFunc(counties, func(a, b region.Node) int { return strings.Compare(string(a.Code), string(b.Code)) })
	cols := int(math.Ceil(math.Sqrt(float64(len(counties)))))
	const cell, gap = 10.0, 1.2
	seen, seenEN := map[string]int{}, map[string]int{}
	s := &mapShape{}
	for i, cn := range counties {
		x0, y0 := 80+float64(i%cols)*(cell+gap), 48-float64(i/cols)*(cell+gap)
		towns := t.Descendants(cn.Code, region.Township)
		slices.SortFunc(towns, func(a, b region.Node) int { return strings.Compare(string(a.Code), string(b.Code)) })
		tc := max(1, int(math.Ceil(math.Sqrt(float64(len(towns))))))
		tr := max(1, (len(towns)+tc-1)/tc)
		w, h := cell/float64(tc), cell/float64(tr)
		for j, tn := range towns {
			x, y := x0+float64(j%tc)*w, y0-float64(j/tc)*h
			name := tn.NameZH
			seen[name]++
			if seen[name] > 1 {
				name = cn.NameZH + "·" + tn.NameZH
			}
			en := cmp.Or(tn.NameEN, tn.NameZH)
			seenEN[en]++
			if seenEN[en] > 1 {
				en = cmp.Or(cn.NameEN, cn.NameZH) + " · " + en
			}
			pad := 0.08
			s.townships = append(s.townships, mapTownship{code: tn.Code, county: cn.Code, name: name, nameEN: en,
				ring: [][2]float64{{x + pad, y - pad}, {x + w - pad, y - pad}, {x + w - pad, y - h + pad}, {x + pad, y - h + pad}, {x + pad, y - pad}}})
		}
	}
	return s
}

// alertMap returns the ECharts option of the map of the townships in
// scope, coloured by their overdue alerts, each linked to its alert list.
func (c *Console) alertMap(p *page, scope region.Code, counts map[region.Code]sqlstore.TownshipAlertCount) map[string]any {
	type feature struct {
		Type       string         `json:"type"`
		Properties map[string]any `json:"properties"`
		Geometry   map[string]any `json:"geometry"`
	}
	type datum struct {
		Name   string `json:"name"`
		Value  int    `json:"value"`
		Open   int    `json:"open"`
		Due    int    `json:"due"`
		County string `json:"county"`
		Href   string `json:"href"`
	}
	var fs []feature
	var data []datum
	most := 0
	for _, t := range c.shapeOf().townships {
		if !scope.Contains(t.code) {
			continue
		}
		name := t.name
		if p.Lang == EN {
			name = t.nameEN
		}
		fs = append(fs, feature{Type: "Feature", Properties: map[string]any{"name": name},
			Geometry: map[string]any{"type": "Polygon", "coordinates": [][][2]float64{t.ring}}})
		n := counts[t.code]
		most = max(most, n.Overdue)
		data = append(data, datum{Name: name, Value: n.Overdue, Open: n.Open, Due: n.Due, County: c.regionName(p.Lang, t.county),
			Href: "/monitoring/alerts?township=" + string(t.code) + "&state=open"})
	}
	option := map[string]any{
		"mapName": "safetynet-townships",
		"geoJSON": map[string]any{"type": "FeatureCollection", "features": fs},
		"tooltip": map[string]any{"trigger": "item", "formatter": p.T("monitoring.map.tooltip")},
		"visualMap": map[string]any{"min": 0, "max": max(most, 1), "left": "left", "bottom": 10, "text": []string{p.T("monitoring.map.high"), p.T("monitoring.map.low")},
			"calculable": false, "inRange": map[string]any{"color": []string{"#e8f3e8", "#f6c244", "#d9412b"}}},
		"series": []map[string]any{{"type": "map", "map": "safetynet-townships", "roam": false, "aspectScale": 1,
			"label": map[string]any{"show": false}, "emphasis": map[string]any{"label": map[string]any{"show": true}},
			"itemStyle": map[string]any{"borderColor": "#6b7280", "borderWidth": 0.5}, "data": data}},
	}
	return option
}

// alertListPage is the data of the alert list.
type alertListPage struct {
	State    string
	Township region.Code
	Town     string
	AsOf     period.Date
	Rows     []alertLine
	Next     int64
	// Query is the list's filter, for the next page's link.
	Query string
	// States are the choices of the state filter.
	States []string
}

// alertLine is one alert of the list.
type alertLine struct {
	ID          monitoring.AlertID
	Person      string
	PersonID    int64
	HouseholdID int64
	Region      string
	Kinds       []string
	Level       monitoring.Level
	OpenedOn    period.Date
	DueOn       period.Date
	Status      monitoring.Status
	DaysOverdue int
}

// handleAlertList lists the alerts in scope, a page at a time: due,
// overdue, open or closed, of one township or all.
func (c *Console) handleAlertList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := sqlstore.AlertState(q.Get("state"))
	var pr fault.Problems
	switch state {
	case sqlstore.AlertsAll, sqlstore.AlertsOpen, sqlstore.AlertsDue, sqlstore.AlertsOverdue, sqlstore.AlertsClosed:
	default:
		pr.Add("state", "must be open, due, overdue or closed")
	}
	town := region.Code(q.Get("township"))
	if town != "" && town.Level() != region.Township {
		pr.Add("township", "is not a township code")
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	if err := pr.Err("invalid alert filter"); err != nil {
		return err
	}
	scope, err := alertReadScope(r, town)
	if err != nil {
		return err
	}
	today := c.app.Clock.Today()
	rows, err := c.app.Store.AlertList(r.Context(), sqlstore.AlertListFilter{Region: scope, Township: town, State: state, AsOf: today,
		After: after, Limit: alertPage + 1})
	if err != nil {
		return err
	}
	p := c.newPage(r, "alerts")
	p.Title, p.Active = p.T("monitoring.alerts.title"), "monitoring"
	data := alertListPage{State: string(state), Township: town, AsOf: today, States: []string{"open", "due", "overdue", "closed", ""}}
	if town != "" {
		data.Town = c.regionName(p.Lang, town)
	}
	v := url.Values{}
	if state != "" {
		v.Set("state", string(state))
	}
	if town != "" {
		v.Set("township", string(town))
	}
	data.Query = v.Encode()
	if len(rows) > alertPage {
		rows = rows[:alertPage]
		data.Next = int64(rows[len(rows)-1].ID)
	}
	for _, a := range rows {
		l := alertLine{ID: a.ID, Person: a.PersonName, PersonID: int64(a.PersonID), HouseholdID: int64(a.HouseholdID), Region: c.regionName(p.Lang, a.RegionCode),
			Level: a.Level, OpenedOn: a.OpenedOn, DueOn: a.DueOn, Status: a.Status}
		for _, k := range a.Kinds {
			l.Kinds = append(l.Kinds, p.T("monitoring.kind."+string(k)))
		}
		if a.Status != monitoring.Closed && a.DueOn < today {
			l.DaysOverdue = int(today - a.DueOn)
		}
		data.Rows = append(data.Rows, l)
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// alertView is the data of an alert's page.
type alertView struct {
	A           *monitoring.Alert
	IDNumber    string
	Township    string
	Region      string
	Overdue     bool
	DaysOverdue int
	Why         []string
	Signals     []signalLine
	Today       period.Date
	// Programmes are those a referral may name.
	Programmes []programmeOption
	// CanWrite says whether the post may record visits and dispositions.
	CanWrite bool
	// Form holds what was typed in a refused form, Problems its problems.
	Form     url.Values
	Problems map[string]string
	// Failed names the refused form: "visit" or "disposition".
	Failed string
	// Dispositions are the choices of the disposition form.
	Dispositions []monitoring.Disposition
}

// signalLine is one signal of an alert, in words.
type signalLine struct {
	Kind, Source string
	OccurredOn   period.Date
	Amount       string
	Grade        int
	Level        monitoring.Level
	Raised       bool
}

// programmeOption is a programme a referral may name.
type programmeOption struct{ ID, Name string }

// handleAlert shows an alert with its person, signals, the reasons of its
// level, its visits, and the forms of a visit and a disposition.
func (c *Console) handleAlert(w http.ResponseWriter, r *http.Request) error {
	return c.showAlert(w, r, http.StatusOK, "", nil)
}

// showAlert renders an alert's page, with the problems of a refused form.
func (c *Console) showAlert(w http.ResponseWriter, r *http.Request, status int, failed string, problems map[string]string) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	a, err := c.app.Monitoring.Alert(r.Context(), monitoring.AlertID(id))
	if err != nil {
		return err
	}
	p := c.newPage(r, "alert")
	p.Title, p.Active = p.T("monitoring.alert.title", a.ID), "monitoring"
	pr, _ := auth.PrincipalFrom(r.Context())
	today := c.app.Clock.Today()
	v := c.viewOf(r)
	data := alertView{A: a, IDNumber: v.IDNumber(a.PersonIDNumber), Township: c.regionName(p.Lang, a.TownshipCode), Region: c.regionName(p.Lang, a.RegionCode),
		Overdue: a.OverdueOn(today), Today: today, Why: c.explainAlert(r, p.Lang, a), CanWrite: pr.Can(auth.PermRegistryWrite) && a.Status != monitoring.Closed,
		Problems: problems, Failed: failed, Dispositions: monitoring.Dispositions}
	if data.Overdue {
		data.DaysOverdue = int(today - a.DueOn)
	}
	if failed != "" {
		data.Form = r.PostForm
		data.Problems = problemWords(p.Lang, "monitoring.problem.", problems)
	}
	for _, s := range a.Signals {
		sl := signalLine{Kind: p.T("monitoring.kind." + string(s.Kind)), Source: p.T("monitoring.source." + string(s.Source)), OccurredOn: s.OccurredOn,
			Grade: s.Grade, Level: s.Level, Raised: s.Raised}
		if s.Kind.HasAmount() {
			sl.Amount = yuan(p.Lang, s.Amount)
		}
		data.Signals = append(data.Signals, sl)
	}
	for _, prog := range c.app.Policy.Programmes() {
		if prog.ID == monitoring.Programme || prog.Entity == "signal" {
			continue
		}
		name := prog.NameZH
		if p.Lang == EN && prog.NameEN != "" {
			name = prog.NameEN
		}
		data.Programmes = append(data.Programmes, programmeOption{ID: prog.ID, Name: name})
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// explainAlert says in words why an alert has its level: each trigger
// that held as its policy explanation (label = formula = values = result),
// with the parameters it read, and the parameter of its due days.
func (c *Console) explainAlert(r *http.Request, l Lang, a *monitoring.Alert) []string {
	e := a.Explanation
	if e == nil {
		return nil
	}
	ex := c.explanationOf(r, a.Decision)
	if ex == nil {
		return nil
	}
	lineOf := func(ls []policy.Line, name string) (policy.Line, bool) {
		for _, x := range ls {
			if x.Name == name {
				return x, true
			}
		}
		return policy.Line{}, false
	}
	var out []string
	for _, rs := range e.Reasons {
		v, ok := lineOf(ex.Variables, rs.Trigger)
		if !ok {
			continue
		}
		line := v.Text
		var ps []string
		for _, t := range rs.Thresholds {
			if prm, ok := lineOf(ex.Parameters, t.Key); ok {
				ps = append(ps, prm.Text)
			}
		}
		if len(ps) > 0 {
			line += translate(l, "monitoring.why.params", strings.Join(ps, translate(l, "monitoring.why.sep")))
		}
		out = append(out, line)
	}
	if prm, ok := lineOf(ex.Parameters, e.Due.Key); ok {
		out = append(out, translate(l, "monitoring.why.due", e.DueDays, prm.Text))
	} else if prm, ok := c.app.Policy.Param(e.Due.Key); ok && e.Due.Key != "" {
		// the due days are read apart from the decision (monitoring.Service)
		out = append(out, translate(l, "monitoring.why.due", e.DueDays, prm.Label.In(policyLang(l))))
	}
	return out
}

// problemWords puts a service's field problems in the page's language:
// a field with words of its own (prefix+field) shows them, followed by the
// service's reason; others show the reason alone.
func problemWords(l Lang, prefix string, problems map[string]string) map[string]string {
	out := make(map[string]string, len(problems))
	for f, why := range problems {
		if _, ok := messages[prefix+f]; ok && l == ZH {
			why = translate(l, prefix+f) + "（" + why + "）"
		}
		out[f] = why
	}
	return out
}

// formVersion reads the version field of a form.
func formVersion(r *http.Request, pr *fault.Problems) int64 {
	v, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || v <= 0 {
		pr.Add("version", "is required")
	}
	return v
}

// handleAlertVisit records a visit to the alert's household.
func (c *Console) handleAlertVisit(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	var pr fault.Problems
	version := formVersion(r, &pr)
	on, err := period.ParseDate(r.PostFormValue("visited_on"))
	if err != nil {
		pr.Add("visited_on", "%s", translate(langOf(r), "monitoring.form.bad_date"))
	}
	if len(pr) == 0 {
		_, err = c.app.Monitoring.RecordVisit(r.Context(), monitoring.AlertID(id), version,
			monitoring.Visit{VisitedOn: on, Outcome: monitoring.VisitOutcome(r.PostFormValue("outcome")), Note: strings.TrimSpace(r.PostFormValue("note"))})
	} else {
		err = pr.Err("invalid visit")
	}
	if fault.CodeOf(err) == fault.Invalid {
		return c.showAlert(w, r, http.StatusUnprocessableEntity, "visit", faultFields(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/monitoring/alerts/%d#visits", id), http.StatusSeeOther)
	return nil
}

// handleAlertDisposition closes the alert with a disposition.
func (c *Console) handleAlertDisposition(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	var pr fault.Problems
	version := formVersion(r, &pr)
	d := monitoring.Disposition(r.PostFormValue("disposition"))
	programme := ""
	if d == monitoring.Referred {
		programme = r.PostFormValue("programme")
	}
	if len(pr) == 0 {
		_, err = c.app.Monitoring.Dispose(r.Context(), monitoring.AlertID(id), version, d, programme, strings.TrimSpace(r.PostFormValue("note")))
	} else {
		err = pr.Err("invalid disposition")
	}
	if fault.CodeOf(err) == fault.Invalid {
		return c.showAlert(w, r, http.StatusUnprocessableEntity, "disposition", faultFields(err))
	} else if err != nil {
		return err
	}
	http.Redirect(w, r, fmt.Sprintf("/monitoring/alerts/%d", id), http.StatusSeeOther)
	return nil
}

func init() { register(monitoringMessages) }

// monitoringMessages are the texts of the monitoring pages.
var monitoringMessages = map[string]msg{
	"monitoring.title":                       {"动态监测", "Dynamic monitoring"},
	"monitoring.grade":                       {"研判待处理的风险信号", "Grade the waiting signals"},
	"monitoring.graded":                      {"研判完成：处理信号 %d 条，新增预警 %d 件，升级预警 %d 件，并入已有预警 %d 条。", "Graded: %d signals, %d alerts opened, %d raised, %d attached to open alerts."},
	"monitoring.as_of":                       {"统计截至", "As of"},
	"monitoring.township":                    {"乡镇（街道）", "Township"},
	"monitoring.county":                      {"县市", "County"},
	"monitoring.open":                        {"未办结", "Not closed"},
	"monitoring.due":                         {"待处置", "Due"},
	"monitoring.overdue":                     {"已逾期", "Overdue"},
	"monitoring.total":                       {"合计", "Total"},
	"monitoring.none":                        {"管辖范围内暂无未办结的预警。", "No alert is open in your scope."},
	"monitoring.map":                         {"预警分布图（示意）", "Alerts by township (schematic)"},
	"monitoring.map.note":                    {"示意图：各县市为方格，乡镇（街道）为其中的小格，颜色深浅表示逾期预警数。点击乡镇查看其预警。", "Schematic: each county is a square, its townships the cells inside; the colour shows the overdue alerts. Click a township for its alerts."},
	"monitoring.map.tooltip":                 {"{b}：逾期 {c} 件", "{b}: {c} overdue"},
	"monitoring.map.high":                    {"逾期多", "More overdue"},
	"monitoring.map.low":                     {"无逾期", "None overdue"},
	"monitoring.list":                        {"各乡镇预警（逾期多的在前）", "Alerts per township (most overdue first)"},
	"monitoring.all_alerts":                  {"全部未办结预警", "All alerts not closed"},
	"monitoring.alerts.title":                {"监测预警", "Risk alerts"},
	"monitoring.alerts.state":                {"范围", "Show"},
	"monitoring.alerts.filter":               {"筛选", "Filter"},
	"monitoring.alerts.of":                   {"乡镇：", "Township: "},
	"monitoring.alerts.none":                 {"没有符合条件的预警。", "No alert matches."},
	"monitoring.alerts.more":                 {"下一页", "Next page"},
	"monitoring.alerts.back":                 {"返回各乡镇", "Back to the townships"},
	"monitoring.state.":                      {"全部", "All"},
	"monitoring.state.open":                  {"未办结", "Not closed"},
	"monitoring.state.due":                   {"待处置（未逾期）", "Due (not overdue)"},
	"monitoring.state.overdue":               {"已逾期", "Overdue"},
	"monitoring.state.closed":                {"已办结", "Closed"},
	"monitoring.col.alert":                   {"预警", "Alert"},
	"monitoring.col.person":                  {"人员", "Person"},
	"monitoring.col.household":               {"家庭编号", "Household"},
	"monitoring.col.region":                  {"所在村（社区）", "Village"},
	"monitoring.col.kinds":                   {"风险信号", "Signals"},
	"monitoring.col.level":                   {"风险等级", "Risk"},
	"monitoring.col.opened":                  {"预警日期", "Opened"},
	"monitoring.col.due":                     {"处置期限", "Due by"},
	"monitoring.col.days":                    {"逾期天数", "Days overdue"},
	"monitoring.days":                        {"%d 天", "%d days"},
	"monitoring.level.yellow":                {"一般（黄色）", "Yellow"},
	"monitoring.level.orange":                {"较高（橙色）", "Orange"},
	"monitoring.level.red":                   {"高（红色）", "Red"},
	"monitoring.level.none":                  {"无风险", "None"},
	"monitoring.status.open":                 {"待核实", "To visit"},
	"monitoring.status.visited":              {"已走访", "Visited"},
	"monitoring.status.closed":               {"已办结", "Closed"},
	"monitoring.kind.hospital_bill":          {"大额医疗支出", "Large hospital bill"},
	"monitoring.kind.new_disability":         {"新增残疾", "New disability"},
	"monitoring.kind.earner_death":           {"主要劳动力死亡", "Death of an earner"},
	"monitoring.kind.unemployment":           {"失业登记", "Unemployment"},
	"monitoring.kind.disaster":               {"受灾", "Disaster loss"},
	"monitoring.kind.income_drop":            {"收入骤降", "Sudden income drop"},
	"monitoring.source.medical_insurance":    {"医疗保障局", "Medical insurance bureau"},
	"monitoring.source.health":               {"卫生健康委员会", "Health commission"},
	"monitoring.source.disabled_federation":  {"残疾人联合会", "Disabled persons' federation"},
	"monitoring.source.hr_social_security":   {"人力资源和社会保障局", "Human resources and social security bureau"},
	"monitoring.source.civil_affairs":        {"民政局", "Civil affairs bureau"},
	"monitoring.source.emergency_management": {"应急管理局", "Emergency management bureau"},
	"monitoring.source.public_security":      {"公安局", "Public security bureau"},
	"monitoring.source.tax":                  {"税务局", "Tax bureau"},
	"monitoring.source.agriculture":          {"农业农村局", "Agriculture bureau"},
	"monitoring.source.education":            {"教育局", "Education bureau"},
	"monitoring.source.housing":              {"住房和城乡建设局", "Housing bureau"},
	"monitoring.alert.title":                 {"监测预警 %d", "Risk alert %d"},
	"monitoring.alert.person":                {"预警对象", "Person"},
	"monitoring.alert.id_number":             {"公民身份号码", "ID number"},
	"monitoring.alert.household":             {"家庭编号", "Household"},
	"monitoring.alert.where":                 {"所在地", "Lives in"},
	"monitoring.alert.status":                {"状态", "Status"},
	"monitoring.alert.overdue":               {"已逾期 %d 天", "%d days overdue"},
	"monitoring.alert.why":                   {"研判依据", "Why this level"},
	"monitoring.alert.signals":               {"风险信号", "Signals"},
	"monitoring.alert.visits":                {"走访记录", "Visits"},
	"monitoring.alert.no_visits":             {"尚未走访。", "No visit yet."},
	"monitoring.alert.disposition":           {"处置结果", "Disposition"},
	"monitoring.alert.closed_by":             {"办结人", "Closed by"},
	"monitoring.signal.source":               {"来源部门", "From"},
	"monitoring.signal.on":                   {"发生日期", "On"},
	"monitoring.signal.amount":               {"金额", "Amount"},
	"monitoring.signal.grade":                {"残疾等级", "Disability grade"},
	"monitoring.signal.level":                {"该信号风险", "Its risk"},
	"monitoring.signal.raised":               {"触发/升级预警", "Opened or raised the alert"},
	"monitoring.visit.on":                    {"走访日期", "Visited on"},
	"monitoring.visit.outcome":               {"走访结果", "Outcome"},
	"monitoring.visit.by":                    {"走访人", "By"},
	"monitoring.visit.record":                {"登记走访", "Record a visit"},
	"monitoring.visit.submit":                {"保存走访记录", "Save the visit"},
	"monitoring.outcome.met":                 {"入户见面核实", "Met the household"},
	"monitoring.outcome.not_reached":         {"未遇", "Not reached"},
	"monitoring.dispose":                     {"处置办结", "Close the alert"},
	"monitoring.dispose.submit":              {"办结预警", "Close the alert"},
	"monitoring.dispose.confirm":             {"确认办结此预警？办结后不能再登记走访。", "Close this alert? No visit can be recorded afterwards."},
	"monitoring.dispose.programme":           {"转介项目（仅转介救助时填写）", "Programme (referrals only)"},
	"monitoring.disposition.referred":        {"转介救助", "Referred to a programme"},
	"monitoring.disposition.no_need":         {"无需救助", "Needs no assistance"},
	"monitoring.disposition.unreachable":     {"无法联系", "Unreachable"},
	"monitoring.problem.visited_on":          {"走访日期不能晚于今天，也不能早于预警日期", "The visit's date may be neither after today nor before the alert"},
	"monitoring.problem.outcome":             {"请选择走访结果", "Choose the outcome"},
	"monitoring.problem.note":                {"请填写备注（无需救助须说明理由），不超过 1000 字", "Give the note (why, for no need), at most 1000 characters"},
	"monitoring.problem.disposition":         {"处置结果不符合条件：转介或无需救助须先有入户见面核实，无法联系须达到规定的走访次数", "Referral and no need require a visit that met the household; unreachable requires the set number of attempts"},
	"monitoring.problem.programme":           {"转介救助须选择救助项目，其他处置不选", "A referral names a programme; other dispositions name none"},
	"monitoring.problem.version":             {"预警已被他人修改，请刷新", "The alert changed meanwhile: reload"},
	"monitoring.form.bad_date":               {"请填写日期，格式为 2026-11-22", "give a date such as 2026-11-22"},
	"monitoring.form.choose":                 {"请选择", "Choose"},
	"monitoring.why.params":                  {"；依据%s", "; by %s"},
	"monitoring.why.sep":                     {"；", "; "},
	"monitoring.why.due":                     {"处置期限为 %d 天，依据%s", "To be disposed of within %d days, by %s"},
}
