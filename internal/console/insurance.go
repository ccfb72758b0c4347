package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

func init() { register(insuranceMessages) }

// insuranceMessages are the texts of the social insurance pages.
var insuranceMessages = map[string]msg{
	"ins.title":                       {"社会保险", "Social insurance"},
	"ins.tab.enrol":                   {"参保登记", "Enrolment"},
	"ins.tab.arrears":                 {"单位欠费", "Employer arrears"},
	"ins.tab.awards":                  {"养老金待遇", "Pension awards"},
	"ins.tab.payroll":                 {"养老金发放", "Pension payroll"},
	"ins.tab.claims":                  {"失业、工伤待遇", "Unemployment and injury"},
	"ins.enrol.title":                 {"参保登记", "Enrol a person"},
	"ins.enrol.person":                {"人员编号", "Person number"},
	"ins.enrol.person_hint":           {"在人员档案页面的地址中可见，如 /persons/123 中的 123。", "Shown in the person file's address, e.g. 123 in /persons/123."},
	"ins.enrol.org":                   {"参保单位编号（单位参保时填写）", "Employer number (enrolment through an employer)"},
	"ins.enrol.start":                 {"起始月份（如 2026-11）", "First month (e.g. 2026-11)"},
	"ins.enrol.base":                  {"月缴费基数（元，灵活就业人员）", "Monthly base (yuan, flexible workers)"},
	"ins.enrol.tier":                  {"年缴费档次（元，城乡居民）", "Yearly tier (yuan, residents)"},
	"ins.enrol.risk":                  {"行业风险类别（工伤保险，1-8）", "Industry risk class (work injury, 1-8)"},
	"ins.enrol.submit":                {"登记参保", "Enrol"},
	"ins.arrears.title":               {"单位欠费", "Employer arrears"},
	"ins.arrears.from":                {"起始月份", "From"},
	"ins.arrears.to":                  {"截止月份", "To"},
	"ins.arrears.show":                {"查询", "Show"},
	"ins.arrears.employer":            {"单位名称", "Employer"},
	"ins.arrears.region":              {"所在地区", "Region"},
	"ins.arrears.months":              {"欠费月数", "Months owed"},
	"ins.arrears.schemes":             {"欠费险种", "Schemes"},
	"ins.arrears.due":                 {"应缴金额", "Due"},
	"ins.arrears.paid":                {"已缴金额", "Paid"},
	"ins.arrears.owed":                {"欠费金额", "Owed"},
	"ins.arrears.none":                {"该期间没有单位欠费。", "No employer owes anything for these months."},
	"ins.awards.title":                {"养老金待遇", "Pension awards"},
	"ins.awards.person":               {"姓名", "Name"},
	"ins.awards.none":                 {"没有养老金待遇记录。", "No pension award."},
	"ins.awards.months":               {"缴费月数", "Months contributed"},
	"ins.payroll.title":               {"养老金发放", "Pension payroll"},
	"ins.payroll.month":               {"月份", "Month"},
	"ins.payroll.region":              {"地区", "Region"},
	"ins.payroll.awards":              {"待遇人数", "Awards"},
	"ins.payroll.lines":               {"发放笔数", "Lines"},
	"ins.payroll.regular":             {"当月发放", "Regular"},
	"ins.payroll.arrears":             {"补发", "Back pay"},
	"ins.payroll.suspended":           {"暂停", "Suspended"},
	"ins.payroll.stopped":             {"终止", "Stopped"},
	"ins.payroll.by":                  {"经办人", "Run by"},
	"ins.payroll.none":                {"该月没有发放记录。", "No payroll run in this month."},
	"ins.claims.unemployment":         {"失业保险金", "Unemployment benefit"},
	"ins.claims.injuries":             {"工伤保险待遇", "Work-injury benefits"},
	"ins.claims.registered":           {"失业登记日期", "Registered"},
	"ins.claims.entitled":             {"可领月数", "Months entitled"},
	"ins.claims.drawn":                {"已领月数", "Months drawn"},
	"ins.claims.injury_date":          {"受伤日期", "Injured on"},
	"ins.claims.grade":                {"伤残等级", "Grade"},
	"ins.claims.grant":                {"一次性伤残补助金", "One-off grant"},
	"ins.claims.allowance":            {"伤残津贴", "Allowance"},
	"ins.claims.none":                 {"没有记录。", "None."},
	"ins.scheme.employee_pension":     {"企业职工基本养老保险", "Employee pension"},
	"ins.scheme.resident_pension":     {"城乡居民基本养老保险", "Resident pension"},
	"ins.scheme.unemployment":         {"失业保险", "Unemployment insurance"},
	"ins.scheme.work_injury":          {"工伤保险", "Work-injury insurance"},
	"ins.kind.employer":               {"单位参保", "Through an employer"},
	"ins.kind.flexible":               {"灵活就业人员", "Flexible worker"},
	"ins.kind.resident":               {"城乡居民", "Resident"},
	"ins.enrolment_status.active":     {"正常参保", "Active"},
	"ins.enrolment_status.suspended":  {"暂停缴费", "Suspended"},
	"ins.enrolment_status.terminated": {"终止参保", "Terminated"},
	"ins.claim_status.open":           {"发放中", "Being paid"},
	"ins.claim_status.ended":          {"已停发", "Ended"},
	"ins.claim_status.none":           {"无月度津贴", "No monthly allowance"},
	"ins.claim_status.":               {"—", "—"},
	"ins.more":                        {"下一页", "Next page"},
	"ins.enrol.problem":               {"请修改标出的项目。", "Correct the fields marked."},
	"ins.enrol.choose":                {"请选择", "Choose"},
	"ins.arrears.hint":                {"按单位汇总所选月份内应缴未缴的社会保险费。", "What each employer owed and did not pay over the months chosen."},
	"ins.awards.hint":                 {"每项待遇的核定表列出计算公式、参数和金额，可打印。", "Each award's calculation sheet shows the formula, parameters and amounts, printable."},
	"ins.payroll.hint":                {"每月每个地区养老金发放的合计。", "The totals of each month's pension payroll by region."},
	"ins.enrol.hint":                  {"参保登记须由本地区经办员办理；登记后可在人员档案中查看。", "A caseworker of the region enrols; the enrolment then shows in the person file."},
	"ins.enrol.kind_hint":             {"单位参保须填写单位编号；灵活就业人员填写缴费基数；城乡居民填写缴费档次。", "Through an employer: the employer number; flexible worker: the base; resident: the tier."},
	"ins.enrol.bad.person_id":         {"该人员不能参保：不存在、不在您的管辖范围内，或已死亡、未满16周岁。", "The person cannot be enrolled."},
	"ins.enrol.bad.scheme":            {"请选择险种。", "Choose a scheme."},
	"ins.enrol.bad.kind":              {"参保身份与险种不符，或户籍限制不允许：单位参保不含城乡居民养老保险，灵活就业人员只参加企业职工养老保险，城乡居民只参加城乡居民养老保险。", "The kind does not fit the scheme."},
	"ins.enrol.bad.org_id":            {"单位参保须填写存在的单位编号；其他参保身份不填。", "Through an employer name an existing employer; otherwise none."},
	"ins.enrol.bad.start":             {"起始月份不符合条件（必填；该人员须在该月已满16周岁且在世）。", "The first month is required; the person must be 16 and alive then."},
	"ins.enrol.bad.base":              {"灵活就业人员须填写缴费基数，且不超过上限。", "A flexible worker's base is required, within the ceiling."},
	"ins.enrol.bad.tier":              {"城乡居民须填写缴费档次，且不超过上限。", "A resident's tier is required, within the ceiling."},
	"ins.enrol.bad.risk_class":        {"工伤保险须填写1-8的行业风险类别。", "Work injury needs a risk class from 1 to 8."},
	"ins.enrol.bad.other":             {"填写有误，请检查。", "Check the form."},
	"ins.enrol.person_missing":        {"没有找到该人员，或不在您的管辖范围内。", "No such person in your scope."},
	"ins.enrol.not_number":            {"请填写数字。", "Enter a number."},
	"ins.enrol.not_month":             {"请按 2026-11 的格式填写月份。", "Enter a month as 2026-11."},
	"ins.enrol.not_amount":            {"请填写金额（元，最多两位小数）。", "Enter an amount in yuan (at most two decimals)."},
	"ins.enrol.conflict":              {"该人员在此险种已有有效的参保登记。", "The person has an open enrolment in this scheme already."},
	"ins.enrol.forbidden":             {"您的岗位不能在该地区办理参保登记。", "Your post may not enrol in that region."},
	"ins.arrears.invalid_month":       {"月份格式应为 2026-11，且起始不晚于截止。", "Months are written 2026-11, from no later than to."},
	"ins.assess.month":                {"核定月份", "Month"},
	"ins.assess.submit":               {"运行月度核定", "Run the assessment"},
	"ins.assess.hint":                 {"按本辖区所有有效的单位和灵活就业参保登记核定该月应缴费额；重复运行将替换该月的核定结果。", "Assesses the month's contributions of every open employer and flexible enrolment of your scope; running it again replaces the month's assessments."},
	"ins.assess.done":                 {"已核定 %d 条参保登记：单位应缴 %s，个人应缴 %s。", "Assessed %d enrolments: employers owe %s, individuals %s."},
	"ins.payroll.run":                 {"运行当月发放", "Run the month's payroll"},
	"ins.payroll.run_month":           {"发放月份", "Month to pay"},
	"ins.payroll.run_hint":            {"计算本辖区该月的养老金发放；重复运行只写入新增或变化的部分。", "Computes the month's pensions in your scope; running it again writes only what changed."},
	"ins.payroll.show":                {"查询", "Show"},
	"ins.awards.region":               {"参保地", "Insured in"},
	"ins.awards.status":               {"状态", "Status"},
	"ins.claims.person":               {"姓名", "Name"},
	"ins.claims.start":                {"起始月份", "From"},
	"ins.claims.end":                  {"截止月份", "To"},
	"ins.claims.monthly":              {"月发放额", "Monthly"},
	"ins.claims.status":               {"状态", "Status"},
	"ins.enrol.scheme":                {"险种", "Scheme"},
	"ins.enrol.kind":                  {"参保身份", "Enrolled as"},
	"ins.awards.monthly":              {"月发放额", "Monthly amount"},
	"ins.awards.start":                {"起始月份", "From"},
	"ins.arrears.employer_unknown":    {"（单位不在您的管辖范围内）", "(employer outside your scope)"},
	"ins.payroll.resumed":             {"恢复", "Resumed"},
	"ins.awards.calc_hint":            {"打开核定表", "Open the calculation sheet"},
}

// insuranceTabs are the social insurance pages, in the order of their
// tabs.
var insuranceTabs = []struct{ Key, Href string }{
	{"enrol", "/insurance"},
	{"arrears", "/insurance/arrears"},
	{"awards", "/insurance/awards"},
	{"payroll", "/insurance/payroll"},
	{"claims", "/insurance/claims"},
}

// insPerPage is how many rows one page of an insurance list shows.
const insPerPage = 50

// insuranceRoutes registers the social insurance pages.
func (c *Console) insuranceRoutes() {
	read := []auth.Permission{auth.PermInsurance, auth.PermApprove}
	c.handle("GET /insurance", c.handleInsurance, read...)
	c.handle("POST /insurance/enrolments", c.handleEnrol, auth.PermInsurance)
	c.handle("GET /insurance/arrears", c.handleArrears, read...)
	c.handle("POST /insurance/assessments", c.handleAssess, auth.PermInsurance)
	c.handle("GET /insurance/awards", c.handlePensionAwards, read...)
	c.handle("GET /insurance/payroll", c.handlePayrollRuns, read...)
	c.handle("POST /insurance/payroll-runs", c.handleRunPayroll, auth.PermInsurance)
	c.handle("GET /insurance/claims", c.handleClaims, read...)
}

// insPage is what every insurance page has: its tab and its data.
type insPage struct {
	Tabs []struct{ Key, Href string }
	Tab  string
	Data any
}

// renderInsurance renders insurance page name under tab.
func (c *Console) renderInsurance(w http.ResponseWriter, r *http.Request, status int, name, tab string, data any) {
	p := c.newPage(r, name)
	p.Title, p.Active = p.T("ins.tab."+tab)+" · "+p.T("ins.title"), "insurance"
	p.Data = insPage{Tabs: insuranceTabs, Tab: tab, Data: data}
	c.render(w, r, status, p)
}

// enrolForm is the enrolment form: what was typed and its problems.
type enrolForm struct {
	CanEnrol bool
	Schemes  []insurance.Scheme
	Kinds    []insurance.Kind
	Values   url.Values
	Problems map[string]string
}

// newEnrolForm returns the enrolment form with the values typed.
func newEnrolForm(r *http.Request, v url.Values) enrolForm {
	pr, _ := auth.PrincipalFrom(r.Context())
	if v == nil {
		v = url.Values{}
	}
	if v.Get("person_id") == "" {
		v.Set("person_id", r.URL.Query().Get("person"))
	}
	return enrolForm{CanEnrol: pr.Can(auth.PermInsurance), Schemes: insurance.Schemes,
		Kinds: []insurance.Kind{insurance.ThroughEmployer, insurance.Flexible, insurance.Resident}, Values: v}
}

// handleInsurance shows the enrolment form (参保登记).
func (c *Console) handleInsurance(w http.ResponseWriter, r *http.Request) error {
	c.renderInsurance(w, r, http.StatusOK, "insurance_enrol", "enrol", newEnrolForm(r, nil))
	return nil
}

// handleEnrol enrols a person through the insurance service, which checks
// the scope, the person's age and life, the scheme and kind and the
// amounts' ceilings; problems show beside the fields (422), nothing
// written.
func (c *Console) handleEnrol(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	l := langOf(r)
	f := newEnrolForm(r, r.PostForm)
	f.Problems = map[string]string{}
	val := func(k string) string { return strings.TrimSpace(r.PostForm.Get(k)) }
	e := &insurance.Enrolment{Scheme: insurance.Scheme(val("scheme")), Kind: insurance.Kind(val("kind"))}
	if n, err := strconv.ParseInt(val("person_id"), 10, 64); err == nil && n > 0 {
		e.PersonID = registry.PersonID(n)
	} else {
		f.Problems["person_id"] = translate(l, "ins.enrol.not_number")
	}
	if s := val("org_id"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
			e.OrgID = registry.OrgID(n)
		} else {
			f.Problems["org_id"] = translate(l, "ins.enrol.not_number")
		}
	}
	if m, err := period.ParseMonth(val("start")); err == nil {
		e.Start = m
	} else {
		f.Problems["start"] = translate(l, "ins.enrol.not_month")
	}
	for _, a := range []struct {
		key string
		to  *money.Fen
	}{{"base", &e.Base}, {"tier", &e.Tier}} {
		if s := val(a.key); s != "" {
			if v, err := money.Parse(s); err == nil && v > 0 {
				*a.to = v
			} else {
				f.Problems[a.key] = translate(l, "ins.enrol.not_amount")
			}
		}
	}
	if s := val("risk_class"); s != "" {
		if n, err := strconv.Atoi(s); err == nil {
			e.RiskClass = n
		} else {
			f.Problems["risk_class"] = translate(l, "ins.enrol.not_number")
		}
	}
	if len(f.Problems) > 0 {
		c.renderInsurance(w, r, http.StatusUnprocessableEntity, "insurance_enrol", "enrol", f)
		return nil
	}
	err := c.app.Insurance.Enrol(r.Context(), e)
	switch fault.CodeOf(err) {
	case "":
		http.Redirect(w, r, "/persons/"+strconv.FormatInt(int64(e.PersonID), 10), http.StatusSeeOther)
		return nil
	case fault.Invalid:
		for k, v := range faultFields(err) {
			f.Problems[k] = enrolProblem(l, k, v)
		}
	case fault.NotFound:
		f.Problems["person_id"] = translate(l, "ins.enrol.person_missing")
	case fault.Conflict:
		f.Problems["scheme"] = translate(l, "ins.enrol.conflict")
	case fault.Forbidden:
		f.Problems["person_id"] = translate(l, "ins.enrol.forbidden")
	default:
		return err
	}
	c.renderInsurance(w, r, http.StatusUnprocessableEntity, "insurance_enrol", "enrol", f)
	return nil
}

// enrolProblem says in language l what is wrong with field k of the
// enrolment form: the service's own words in English, a sentence of the
// form's in Chinese.
func enrolProblem(l Lang, k, detail string) string {
	if l == EN {
		return detail
	}
	if _, ok := messages["ins.enrol.bad."+k]; ok {
		return translate(l, "ins.enrol.bad."+k)
	}
	return translate(l, "ins.enrol.bad.other")
}

// arrearsPage is the data of the arrears page.
type arrearsPage struct {
	From, To period.Month
	Rows     []arrearsRow
	Next     int64
	Problem  string
	// CanAssess says the viewer may run the month's assessment; This is
	// the month the form offers.
	CanAssess bool
	This      period.Month
	// Assessed is the summary of the assessment just run, if any.
	Assessed *assessedNote
}

// assessedNote is what the month's assessment just run did, carried in the
// address the form redirects to.
type assessedNote struct {
	Count                int
	Employer, Individual money.Fen
}

// arrearsRow is what one employer owed over the months chosen.
type arrearsRow struct {
	OrgID    registry.OrgID
	Name     string
	Region   string
	Months   int
	Schemes  []insurance.Scheme
	Due      money.Fen
	Paid     money.Fen
	Arrears  money.Fen
	periods  map[period.Month]bool
	schemeOf map[insurance.Scheme]bool
}

// handleArrears lists, employer by employer, what was due and not paid
// over a range of months (the three months before this one by default),
// a page of employers at a time by key.
func (c *Console) handleArrears(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	this := c.app.Clock.Today().Period()
	pr, _ := auth.PrincipalFrom(r.Context())
	data := arrearsPage{From: this.Add(-3), To: this.Add(-1), This: this, CanAssess: pr.Can(auth.PermInsurance)}
	if n, err := strconv.Atoi(q.Get("assessed")); err == nil {
		e, _ := strconv.ParseInt(q.Get("employer"), 10, 64)
		i, _ := strconv.ParseInt(q.Get("individual"), 10, 64)
		data.Assessed = &assessedNote{Count: n, Employer: money.Fen(e), Individual: money.Fen(i)}
	}
	l := langOf(r)
	var bad bool
	if s := q.Get("from"); s != "" {
		m, err := period.ParseMonth(s)
		bad = bad || err != nil
		data.From = m
	}
	if s := q.Get("to"); s != "" {
		m, err := period.ParseMonth(s)
		bad = bad || err != nil
		data.To = m
	}
	if bad || data.To < data.From {
		data.Problem = translate(l, "ins.arrears.invalid_month")
		c.renderInsurance(w, r, http.StatusUnprocessableEntity, "insurance_arrears", "arrears", data)
		return nil
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	// One employer more than the page, to know there is a next one.
	rows, err := c.app.Insurance.Arrears(r.Context(), insurance.ArrearsFilter{From: data.From, To: data.To,
		After: registry.OrgID(max(after, 0)), Limit: insPerPage + 1})
	if err != nil {
		return err
	}
	byOrg := map[registry.OrgID]*arrearsRow{}
	var keys []registry.OrgID
	for _, a := range rows {
		if int64(a.OrgID) <= after || a.Arrears <= 0 {
			continue
		}
		x := byOrg[a.OrgID]
		if x == nil {
			x = &arrearsRow{OrgID: a.OrgID, periods: map[period.Month]bool{}, schemeOf: map[insurance.Scheme]bool{}}
			byOrg[a.OrgID] = x
			keys = append(keys, a.OrgID)
		}
		x.periods[a.Period] = true
		if !x.schemeOf[a.Scheme] {
			x.schemeOf[a.Scheme] = true
			x.Schemes = append(x.Schemes, a.Scheme)
		}
		var due, paid, owed money.Total
		due.Add(x.Due)
		due.Add(a.Due)
		paid.Add(x.Paid)
		paid.Add(a.Paid)
		owed.Add(x.Arrears)
		owed.Add(a.Arrears)
		if x.Due, err = due.Result(); err != nil {
			return err
		}
		if x.Paid, err = paid.Result(); err != nil {
			return err
		}
		if x.Arrears, err = owed.Result(); err != nil {
			return err
		}
	}
	slices.Sort(keys)
	if len(keys) > insPerPage {
		keys = keys[:insPerPage]
		data.Next = int64(keys[len(keys)-1])
	}
	for _, k := range keys {
		x := byOrg[k]
		x.Months = len(x.periods)
		if o, err := c.app.Registry.Organisation(r.Context(), k); err == nil {
			x.Name, x.Region = o.Name, c.regionName(l, o.RegionCode)
		} else if fault.CodeOf(err) == fault.NotFound {
			x.Name = translate(l, "ins.arrears.employer_unknown")
		} else {
			return err
		}
		data.Rows = append(data.Rows, *x)
	}
	c.renderInsurance(w, r, http.StatusOK, "insurance_arrears", "arrears", data)
	return nil
}

// handleAssess runs the month's contribution assessment (月度核定) in the
// viewer's scope through the insurance service, then shows the month's
// arrears with what the run assessed.
func (c *Console) handleAssess(w http.ResponseWriter, r *http.Request) error {
	m, err := period.ParseMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		return &fault.Error{Code: fault.Invalid, Message: translate(langOf(r), "ins.enrol.not_month"), Fields: map[string]string{"period": r.PostFormValue("period")}}
	}
	sum, err := c.app.Insurance.Assess(r.Context(), m, "")
	if err != nil {
		return err
	}
	q := url.Values{"from": {m.String()}, "to": {m.String()}, "assessed": {strconv.Itoa(sum.Assessments)},
		"employer": {strconv.FormatInt(int64(sum.Employer), 10)}, "individual": {strconv.FormatInt(int64(sum.Individual), 10)}}
	http.Redirect(w, r, "/insurance/arrears?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// awardsPage is the data of the pension awards page.
type awardsPage struct {
	Rows []awardRow
	Next int64
}

// awardRow is a pension award with its person's name.
type awardRow struct {
	*insurance.Award
	Name   string
	Region string
}

// insAwardsPerPage is how many awards one page lists: each names its
// person, a read of the registry.
const insAwardsPerPage = 25

// handlePensionAwards lists the pension awards in the viewer's scope by
// key, each with its calculation sheet (养老金核定表) linked.
func (c *Console) handlePensionAwards(w http.ResponseWriter, r *http.Request) error {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	as, err := c.app.Pensions.Awards(r.Context(), insurance.AwardFilter{Page: registry.Page{After: after, Limit: insAwardsPerPage + 1}})
	if err != nil {
		return err
	}
	var data awardsPage
	if len(as) > insAwardsPerPage {
		as = as[:insAwardsPerPage]
		data.Next = int64(as[len(as)-1].ID)
	}
	l := langOf(r)
	for _, a := range as {
		name, err := c.insPersonName(r.Context(), a.PersonID)
		if err != nil {
			return err
		}
		data.Rows = append(data.Rows, awardRow{Award: a, Name: name, Region: c.regionPath(l, a.RegionCode)})
	}
	c.renderInsurance(w, r, http.StatusOK, "insurance_awards", "awards", data)
	return nil
}

// insPersonName names a person in the viewer's scope (a read the registry
// records); "" for one outside it.
func (c *Console) insPersonName(ctx context.Context, id registry.PersonID) (string, error) {
	p, err := c.app.Registry.Person(ctx, id)
	if fault.CodeOf(err) == fault.NotFound {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return p.Name, nil
}

// payrollPage is the data of the payroll page.
type payrollPage struct {
	Month string
	Rows  []*insurance.PayrollRun
	Next  int64
	// CanRun says the viewer may run a month's payroll; This is the month
	// the form offers.
	CanRun bool
	This   period.Month
}

// handlePayrollRuns lists the pension payroll runs (of a month, or all),
// with their totals, a page at a time.
func (c *Console) handlePayrollRuns(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	var m period.Month
	if s := q.Get("month"); s != "" {
		var err error
		if m, err = period.ParseMonth(s); err != nil {
			return &fault.Error{Code: fault.Invalid, Message: translate(langOf(r), "ins.enrol.not_month"), Fields: map[string]string{"month": s}}
		}
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	runs, err := c.app.Pensions.PayrollRuns(r.Context(), insurance.PayrollRunFilter{Period: m, Page: registry.Page{After: after, Limit: insPerPage + 1}})
	if err != nil {
		return err
	}
	pr, _ := auth.PrincipalFrom(r.Context())
	data := payrollPage{Month: q.Get("month"), CanRun: pr.Can(auth.PermInsurance), This: c.app.Clock.Today().Period()}
	if len(runs) > insPerPage {
		runs = runs[:insPerPage]
		data.Next = runs[len(runs)-1].ID
	}
	data.Rows = runs
	c.renderInsurance(w, r, http.StatusOK, "insurance_payroll", "payroll", data)
	return nil
}

// handleRunPayroll runs the pension payroll of a month (养老金发放) for the
// viewer's scope through the pensions service, then lists the month's
// runs. Running a month again writes only what changed.
func (c *Console) handleRunPayroll(w http.ResponseWriter, r *http.Request) error {
	m, err := period.ParseMonth(strings.TrimSpace(r.PostFormValue("period")))
	if err != nil {
		return &fault.Error{Code: fault.Invalid, Message: translate(langOf(r), "ins.enrol.not_month"), Fields: map[string]string{"period": r.PostFormValue("period")}}
	}
	if _, err := c.app.Pensions.Payroll(r.Context(), m, ""); err != nil {
		return err
	}
	http.Redirect(w, r, "/insurance/payroll?month="+m.String(), http.StatusSeeOther)
	return nil
}

// claimsPage is the data of the benefits page.
type claimsPage struct {
	Claims   []claimRow
	Injuries []injuryRow
	// After are the keys this page starts after; NextClaim and NextInjury
	// those of the next pages (0: none).
	AfterClaim, AfterInjury int64
	NextClaim, NextInjury   int64
}

// claimRow is an unemployment claim with its person's name.
type claimRow struct {
	*insurance.UnemploymentClaim
	Name string
}

// injuryRow is a work injury with its person's name.
type injuryRow struct {
	*insurance.Injury
	Name string
}

// handleClaims lists the unemployment claims and the work injuries in the
// viewer's scope with their state, each list a page at a time by key.
func (c *Console) handleClaims(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	var data claimsPage
	data.AfterClaim, _ = strconv.ParseInt(q.Get("claims_after"), 10, 64)
	data.AfterInjury, _ = strconv.ParseInt(q.Get("injuries_after"), 10, 64)
	cs, err := c.app.Benefits.Claims(ctx, insurance.ClaimFilter{Page: registry.Page{After: data.AfterClaim, Limit: insAwardsPerPage + 1}})
	if err != nil {
		return err
	}
	if len(cs) > insAwardsPerPage {
		cs = cs[:insAwardsPerPage]
		data.NextClaim = int64(cs[len(cs)-1].ID)
	}
	is, err := c.app.Benefits.Injuries(ctx, insurance.ClaimFilter{Page: registry.Page{After: data.AfterInjury, Limit: insAwardsPerPage + 1}})
	if err != nil {
		return err
	}
	if len(is) > insAwardsPerPage {
		is = is[:insAwardsPerPage]
		data.NextInjury = int64(is[len(is)-1].ID)
	}
	for _, x := range cs {
		name, err := c.insPersonName(ctx, x.PersonID)
		if err != nil {
			return err
		}
		data.Claims = append(data.Claims, claimRow{UnemploymentClaim: x, Name: name})
	}
	for _, x := range is {
		name, err := c.insPersonName(ctx, x.PersonID)
		if err != nil {
			return err
		}
		data.Injuries = append(data.Injuries, injuryRow{Injury: x, Name: name})
	}
	c.renderInsurance(w, r, http.StatusOK, "insurance_claims", "claims", data)
	return nil
}
