package console

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore"
)

// The social assistance pages (社会救助): the case list, the application
// form, the case page with the step its post takes next (investigation,
// assessment, public notice and objections, approval, withdrawal, the fast
// track and its review), and the printables (审批表, 告知书, 公示名单).
// Every step goes through assistance.Service with the signed-in principal,
// which checks the permission, the scope and the maker-checker rule.

// assistanceRoutes registers the social assistance pages.
func (c *Console) assistanceRoutes() {
	read := []auth.Permission{auth.PermAssistance, auth.PermApprove}
	c.handle("GET /assistance", c.handleCases, read...)
	c.handle("GET /assistance/cases", c.handleCases, read...)
	c.handle("GET /assistance/cases/new", c.handleNewCase, auth.PermAssistance)
	c.handle("POST /assistance/cases", c.handleApply, auth.PermAssistance)
	c.handle("GET /assistance/cases/{id}", c.handleCase, read...)
	c.handle("POST /assistance/cases/{id}/investigation", c.handleInvestigation, auth.PermAssistance)
	c.handle("POST /assistance/cases/{id}/data-match", c.handleUseTest, auth.PermAssistance)
	c.handle("POST /assistance/cases/{id}/assessment", c.caseStep(func(r *http.Request, id assistance.CaseID, v int64, note string) error {
		_, err := c.app.Assistance.Assess(r.Context(), id, v, note)
		return err
	}), auth.PermAssistance)
	c.handle("POST /assistance/cases/{id}/fast-track", c.caseStep(func(r *http.Request, id assistance.CaseID, v int64, note string) error {
		_, err := c.app.Assistance.FastTrack(r.Context(), id, v, note)
		return err
	}), auth.PermAssistance)
	c.handle("POST /assistance/cases/{id}/withdrawal", c.caseStep(func(r *http.Request, id assistance.CaseID, v int64, note string) error {
		_, err := c.app.Assistance.Withdraw(r.Context(), id, v, note)
		return err
	}), auth.PermAssistance)
	c.handle("POST /assistance/cases/{id}/objections", c.handleObjection, auth.PermAssistance)
	c.handle("POST /assistance/cases/{id}/objections/{objection}/resolution", c.handleResolution, auth.PermAssistance)
	// The decision is open to both posts so that the service's own refusal
	// (no approval permission, or the maker deciding) is what a caseworker
	// who tries sees, beside the case.
	c.handle("POST /assistance/cases/{id}/decision", c.caseStep(func(r *http.Request, id assistance.CaseID, v int64, note string) error {
		approve := r.PostFormValue("outcome") == "approve"
		if o := r.PostFormValue("outcome"); o != "approve" && o != "reject" {
			return &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"outcome": "approve or reject"}}
		}
		_, err := c.app.Assistance.Decide(r.Context(), id, v, approve, note)
		return err
	}), read...)
	c.handle("GET /assistance/cases/{id}/approval-form", c.handleApprovalForm, read...)
	c.handle("GET /assistance/cases/{id}/letter", c.handleLetter, read...)
	c.handle("GET /assistance/notice-list", c.handleNoticeList, read...)
	c.assistanceReviewRoutes()
}

func init() { register(assistanceMessages) }

// casePage is how many cases one page of the list shows.
const casePage = 50

// ---- the case list

// caseFilterForm is the case list's filter as the form gave it.
type caseFilterForm struct {
	Status, Programme, Region string
	Objections                bool
}

// caseListPage is the data of the case list.
type caseListPage struct {
	Filter     caseFilterForm
	Statuses   []string
	Programmes []string
	Regions    []regionOption
	Rows       []caseRow
	Next       int64
	NextHref   string
	CanApply   bool
}

// caseRow is one case of the list as a person reads it.
type caseRow struct {
	ID        assistance.CaseID
	Name      string
	Region    string
	Programme string
	Status    assistance.CaseStatus
	AppliedOn period.Date
	Amount    money.Fen
	Assessed  bool
}

// caseListStatuses are the statuses the list filters by, the virtual
// to_approve first.
var caseListStatuses = []string{sqlstore.CaseStatusToApprove, "applied", "investigated", "notice", "proposed", "approved", "refused", "withdrawn", "granted", "reversed"}

// handleCases lists the cases in the principal's scope by the filters of
// the form, a page at a time.
func (c *Console) handleCases(w http.ResponseWriter, r *http.Request) error {
	pr, _ := auth.PrincipalFrom(r.Context())
	q := r.URL.Query()
	form := caseFilterForm{Status: q.Get("status"), Programme: q.Get("programme"), Region: q.Get("region"), Objections: q.Get("objections") == "pending"}
	var problems fault.Problems
	if form.Status != "" && !slices.Contains(caseListStatuses, form.Status) {
		problems.Add("status", "unknown status")
	}
	if form.Programme != "" && !slices.Contains(assistance.CaseProgrammes, form.Programme) {
		problems.Add("programme", "unknown programme")
	}
	if err := problems.Err("invalid filter"); err != nil {
		return err
	}
	code, err := auth.ScopeFilter(pr, region.Code(form.Region))
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	rows, err := c.app.Store.CaseRows(r.Context(), sqlstore.CaseRowFilter{Region: code, Programme: form.Programme, Status: form.Status,
		AsOf: c.app.Clock.Today(), ObjectionsPending: form.Objections, Page: registry.Page{After: after, Limit: casePage + 1}})
	if err != nil {
		return err
	}
	p := c.newPage(r, "assistance_cases")
	p.Title, p.Active = p.T("assistance.cases.title"), "assistance"
	data := caseListPage{Filter: form, Statuses: caseListStatuses, Programmes: assistance.CaseProgrammes,
		Regions: c.regionSelect(p.Lang, pr.Scope, region.Township), CanApply: pr.Can(auth.PermAssistance)}
	if len(rows) > casePage {
		rows = rows[:casePage]
		data.Next = int64(rows[len(rows)-1].ID)
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("after", strconv.FormatInt(data.Next, 10))
		data.NextHref = "/assistance/cases?" + nq.Encode()
	}
	for _, x := range rows {
		name := x.HeadName
		if x.PersonName != "" {
			name = x.PersonName
		}
		data.Rows = append(data.Rows, caseRow{ID: x.ID, Name: name, Region: c.regionName(p.Lang, x.RegionCode),
			Programme: p.T("assistance.programme." + x.Programme), Status: x.Status, AppliedOn: x.AppliedOn, Amount: x.Amount,
			Assessed: x.Status != assistance.StatusApplied && x.Status != assistance.StatusInvestigated && x.Status != assistance.StatusWithdrawn})
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// ---- the application form

// newCasePage is the data of the application form.
type newCasePage struct {
	Q          string
	Searched   bool
	Found      []householdChoice
	Household  *householdCard
	Programmes []string
	Channels   []assistance.Channel
	Form       applyForm
	Problems   map[string]string
	Message    string
	// OpenCase is the open case of the household and programme that
	// stopped the application, if found.
	OpenCase assistance.CaseID
}

// householdChoice is a household found by searching a member.
type householdChoice struct {
	ID      registry.HouseholdID
	Name    string
	Region  string
	Members int
}

// householdCard is a household and its members as the principal may see
// them.
type householdCard struct {
	ID      registry.HouseholdID
	Region  string
	Address string
	Members []memberCard
}

// memberCard is a household member as the principal may see them.
type memberCard struct {
	ID       registry.PersonID
	Name     string
	Relation string
	IDNumber string
	Gender   string
	Age      int
	Dead     bool
}

// applyForm is the application form as it was filled in.
type applyForm struct {
	Household, Programme, Channel, Person, Hardship, Expense, Note string
}

// householdSearchLimit is how many persons a household search looks at.
const householdSearchLimit = 20

// handleNewCase shows the application form: a search for the household
// by a member's name or ID number, then the form for the household chosen.
func (c *Console) handleNewCase(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	data := &newCasePage{Q: strings.TrimSpace(q.Get("q")), Form: applyForm{Household: q.Get("household"), Programme: q.Get("programme"), Channel: string(assistance.ChannelCounter)}}
	return c.renderNewCase(w, r, http.StatusOK, data)
}

// renderNewCase fills the search results and the household chosen and
// renders the application form.
func (c *Console) renderNewCase(w http.ResponseWriter, r *http.Request, status int, data *newCasePage) error {
	p := c.newPage(r, "assistance_new")
	p.Title, p.Active = p.T("assistance.new.title"), "assistance"
	data.Programmes, data.Channels = assistance.CaseProgrammes, assistance.Channels
	if data.Q != "" {
		f := registry.PersonFilter{Alive: true, Page: registry.Page{Limit: householdSearchLimit}}
		if looksLikeIDNumber(data.Q) {
			f.IDNumber = data.Q
		} else {
			f.Name = data.Q
		}
		ps, err := c.app.Registry.Persons(r.Context(), f)
		if err != nil {
			return err
		}
		data.Searched = true
		seen := map[registry.HouseholdID]bool{}
		for _, x := range ps {
			hs, err := c.app.Registry.Households(r.Context(), registry.HouseholdFilter{PersonID: x.ID, Page: registry.Page{Limit: 1}})
			if err != nil {
				return err
			}
			if len(hs) == 0 || seen[hs[0].ID] {
				continue
			}
			seen[hs[0].ID] = true
			data.Found = append(data.Found, householdChoice{ID: hs[0].ID, Name: x.Name, Region: c.regionName(p.Lang, hs[0].RegionCode), Members: len(hs[0].Members)})
		}
	}
	if id, err := strconv.ParseInt(data.Form.Household, 10, 64); err == nil && id > 0 {
		card, err := c.householdCard(r, p.Lang, registry.HouseholdID(id))
		if err != nil {
			return err
		}
		data.Household = card
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// householdCard reads a household and its members through the registry
// (each read recorded), shown through the principal's view.
func (c *Console) householdCard(r *http.Request, l Lang, id registry.HouseholdID) (*householdCard, error) {
	h, err := c.app.Registry.Household(r.Context(), id)
	if err != nil {
		return nil, err
	}
	v := c.viewOf(r)
	card := &householdCard{ID: h.ID, Region: c.regionName(l, h.RegionCode), Address: h.Address}
	for _, m := range h.Members {
		x, err := c.app.Registry.Person(r.Context(), m.PersonID)
		if err != nil {
			return nil, err
		}
		card.Members = append(card.Members, memberCard{ID: x.ID, Name: x.Name, Relation: translate(l, "assistance.relation."+string(m.Relation)),
			IDNumber: v.IDNumber(x.IDNumber), Gender: translate(l, "persons.gender."+string(x.Gender())), Age: v.Age(x.BirthDate()), Dead: !x.Alive()})
	}
	return card, nil
}

// handleApply opens a case from the application form and goes to it; the
// form's problems are shown beside its fields.
func (c *Console) handleApply(w http.ResponseWriter, r *http.Request) error {
	form := applyForm{Household: r.PostFormValue("household"), Programme: r.PostFormValue("programme"), Channel: r.PostFormValue("channel"),
		Person: r.PostFormValue("person"), Hardship: r.PostFormValue("hardship_type"), Expense: strings.TrimSpace(r.PostFormValue("expense")),
		Note: r.PostFormValue("note")}
	var pr fault.Problems
	hh, err := strconv.ParseInt(form.Household, 10, 64)
	if err != nil || hh <= 0 {
		pr.Add("household_id", "choose the household")
	}
	person, _ := strconv.ParseInt(form.Person, 10, 64)
	cs := &assistance.Case{Programme: form.Programme, HouseholdID: registry.HouseholdID(hh), PersonID: registry.PersonID(person),
		Channel: assistance.Channel(form.Channel), ApplicantNote: form.Note}
	if form.Programme == assistance.ProgTemporary {
		cs.HardshipType = assistance.HardshipType(form.Hardship)
		if form.Expense != "" {
			f, err := money.Parse(form.Expense)
			if err != nil {
				pr.Add("expense", "%s", err.Error())
			}
			cs.Expense = f
		}
	}
	err = pr.Err("invalid application")
	if err == nil {
		err = c.app.Assistance.Apply(r.Context(), cs, form.Note)
	}
	if err != nil {
		code := fault.CodeOf(err)
		if code != fault.Invalid && code != fault.Conflict {
			return err
		}
		l := langOf(r)
		status := http.StatusUnprocessableEntity
		data := &newCasePage{Form: form, Problems: localProblems(l, faultFieldsIn(l, err))}
		if code == fault.Conflict {
			status, data.Message = http.StatusConflict, c.openCaseText(r, l, cs, err)
			data.OpenCase = c.openCase(r, cs)
		}
		return c.renderNewCase(w, r, status, data)
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/cases/%d", cs.ID), http.StatusSeeOther)
	return nil
}

// openCase finds the open case of the household and programme an
// application met, 0 if none is found.
func (c *Console) openCase(r *http.Request, cs *assistance.Case) assistance.CaseID {
	open, err := c.app.Assistance.Cases(r.Context(), assistance.CaseFilter{HouseholdID: cs.HouseholdID, Programme: cs.Programme, Page: registry.Page{Limit: 100}})
	if err != nil {
		return 0
	}
	for _, o := range open {
		if o.Status.Open() && (cs.Programme != assistance.ProgTekun || o.PersonID == cs.PersonID) {
			return o.ID
		}
	}
	return 0
}

// openCaseText says why an application was refused as a conflict: the
// household has a case of the programme open; the service's words if it
// was something else.
func (c *Console) openCaseText(r *http.Request, l Lang, cs *assistance.Case, err error) string {
	if id := c.openCase(r, cs); id != 0 {
		return translate(l, "assistance.new.open_case", translate(l, "assistance.programme."+cs.Programme), int64(id))
	}
	return faultText(l, err)
}

// localProblems puts the problems of a form's fields into the page's
// language where the field is one the assistance forms know; the
// service's words otherwise. A member's field (m<i>.x) and the amount
// fields share one text each.
func localProblems(l Lang, fields map[string]string) map[string]string {
	if len(fields) == 0 || l == EN {
		return fields
	}
	out := make(map[string]string, len(fields))
	for k, v := range fields {
		name := k
		if i := strings.LastIndexByte(k, '.'); i >= 0 && strings.HasPrefix(k, "m") {
			name = k[i+1:]
		}
		switch name {
		case "wage", "business", "property", "transfer", "deposit", "securities", "medical", "education", "rehabilitation", "living":
			name = "amount"
		case "vehicles", "houses", "businesses":
			name = "count"
		}
		if _, ok := messages["assistance.problem."+name]; ok {
			out[k] = translate(l, "assistance.problem."+name)
			continue
		}
		out[k] = v
	}
	return out
}

// ---- the case page

// casePageData is the data of the case page.
type casePageData struct {
	Case       *assistance.Case
	Programme  string
	Household  *householdCard
	Test       *testCard
	Explain    *policy.Explanation
	Events     []eventLine
	Objections []assistance.Objection
	// The steps the post may take now.
	CanInvestigate, CanAssess, CanFastTrack, CanWithdraw bool
	CanNotice, CanDecide, CanReviewGrant                 bool
	NoticeRunning                                        bool
	DataMatches                                          []testChoice
	// Means is the investigation's means test form, pre-filled with the
	// members.
	Means *meansForm
	// Refusal is a step the service refused, in words; Problems are a
	// form's fields to correct.
	Refusal  string
	Detail   string
	Problems map[string]string
	Today    period.Date
	// Reason is the case's reason in words.
	Reason string
}

// testCard is a means test's totals as a person reads them.
type testCard struct {
	ID             assistance.TestID
	Period         period.Month
	Source         string
	Members        int
	Income         money.Fen
	PerCapita      money.Fen
	Assets         money.Fen
	Vehicles       int
	Houses         int
	Businesses     int
	RigidExpenses  money.Fen
	Heating        string
	Lines          []testLine
	CreatedBy      string
	InsuranceLines int
}

// testLine is one line of a means test.
type testLine struct {
	Member string
	Kind   string
	Amount money.Fen
	Count  int
	Exempt bool
	Note   string
}

// testChoice is a means test from department data that may be used.
type testChoice struct {
	ID     assistance.TestID
	Period period.Month
	Source string
}

// investigationMember is one member row of the investigation form.
type investigationMember struct {
	Index        int
	PersonID     registry.PersonID
	Name         string
	Relation     string
	Wage         string
	Business     string
	Property     string
	Transfer     string
	UnableToWork bool
	SelfCare     string
	Supporter    string
	Counted      bool
}

// householdLines are the investigation form's household lines, as typed.
type householdLines struct {
	Deposit, Securities, Vehicles, Houses, Businesses string
	Medical, Education, Rehabilitation, Living        string
	Heating, Note                                     string
}

// eventLine is one step of a case's history in words.
type eventLine struct {
	At     string
	User   staffRef
	Action string
	Note   string
}

// caseID reads the case key of the path.
func caseID(r *http.Request) (assistance.CaseID, error) {
	id, err := pathKey(r, "id")
	return assistance.CaseID(id), err
}

// handleCase shows a case with the next step's form for the post.
func (c *Console) handleCase(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	return c.renderCase(w, r, http.StatusOK, id, nil)
}

// renderCase renders the case page; failed, when not nil, is a step the
// service refused, shown beside the case (a form's problems beside its
// fields).
func (c *Console) renderCase(w http.ResponseWriter, r *http.Request, status int, id assistance.CaseID, failed error) error {
	v, err := c.app.Assistance.FindCase(r.Context(), id)
	if err != nil {
		return err
	}
	pr, _ := auth.PrincipalFrom(r.Context())
	p := c.newPage(r, "assistance_case")
	p.Title, p.Active = p.T("assistance.case.title", int64(id)), "assistance"
	today := c.app.Clock.Today()
	data := &casePageData{Case: v.Case, Programme: p.T("assistance.programme." + v.Programme), Objections: v.Objections, Today: today,
		Reason: c.reasonText(p.Lang, v.Programme, v.Reason)}
	if data.Household, err = c.householdCard(r, p.Lang, v.HouseholdID); err != nil {
		return err
	}
	staff := c.staff(r.Context(), p.Lang)
	for _, e := range v.Events {
		data.Events = append(data.Events, eventLine{At: timeText(p.Lang, c.app.Juris, e.At), User: staff.actor(e.UserID, e.Username), Action: actionText(p.Lang, e.Action), Note: e.Note})
	}
	if v.TestID != 0 {
		if data.Test, err = c.testCard(r, p.Lang, v.TestID, data.Household); err != nil {
			return err
		}
	}
	if len(v.Decision) > 0 {
		var d policy.Decision
		if err := json.Unmarshal(v.Decision, &d); err == nil {
			data.Explain = c.explanationOf(r, &d)
		}
	}
	assist, approve := pr.Can(auth.PermAssistance), pr.Can(auth.PermApprove)
	st := v.Status
	data.CanInvestigate = assist && (st == assistance.StatusApplied || st == assistance.StatusInvestigated)
	data.CanAssess = assist && st == assistance.StatusInvestigated
	data.CanFastTrack = data.CanAssess && v.Programme == assistance.ProgTemporary && v.HardshipType == assistance.HardshipEmergency
	data.CanWithdraw = assist && (st == assistance.StatusApplied || st == assistance.StatusInvestigated || st == assistance.StatusNotice || st == assistance.StatusProposed)
	data.CanNotice = assist && st == assistance.StatusNotice
	data.NoticeRunning = st == assistance.StatusNotice && today <= v.NoticeTo
	data.CanDecide = approve && (st == assistance.StatusProposed || st == assistance.StatusNotice)
	data.CanReviewGrant = approve && st == assistance.StatusGranted
	if data.CanInvestigate {
		tests, err := c.app.Assistance.MeansTests(r.Context(), assistance.TestFilter{HouseholdID: v.HouseholdID, Page: registry.Page{Limit: 20}})
		if err != nil {
			return err
		}
		m := v.AppliedOn.Period()
		for _, t := range tests {
			if t.Source != assistance.SourceInvestigation && t.Period <= m && m.Sub(t.Period) <= 6 {
				data.DataMatches = append(data.DataMatches, testChoice{ID: t.ID, Period: t.Period, Source: p.T("assistance.source." + string(t.Source))})
			}
		}
		var typed *investigationForm
		if f, ok := r.Context().Value(investigationKey{}).(*investigationForm); ok {
			typed = f
		}
		data.Means = meansFormOf(p, fmt.Sprintf("/assistance/cases/%d/investigation", id), v.Version, data.Household, typed, localProblems(p.Lang, faultFieldsIn(p.Lang, failed)))
	}
	if failed != nil {
		data.Problems = localProblems(p.Lang, faultFieldsIn(p.Lang, failed))
		data.Refusal = c.refusalText(p.Lang, pr, v.Case, r, failed)
		if generic(p.Lang, data.Refusal) {
			data.Detail = faultText(p.Lang, failed)
		}
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// refusalText says in words why the service refused a step.
func (c *Console) refusalText(l Lang, pr auth.Principal, cs *assistance.Case, r *http.Request, err error) string {
	switch fault.CodeOf(err) {
	case fault.Forbidden:
		if strings.HasSuffix(r.URL.Path, "/decision") {
			if !pr.Can(auth.PermApprove) {
				return translate(l, "assistance.refused.not_approver")
			}
			if cs.AssessedBy == pr.UserID {
				return translate(l, "assistance.refused.maker")
			}
		}
		return translate(l, "error.forbidden")
	case fault.Conflict:
		if cs.Status == assistance.StatusNotice && c.app.Clock.Today() <= cs.NoticeTo {
			return translate(l, "assistance.refused.notice_running", dateText(l, cs.NoticeTo))
		}
		return translate(l, "error.conflict")
	case fault.Invalid:
		return translate(l, "error.invalid")
	}
	return translate(l, "error.internal")
}

// generic reports whether a refusal's text is one of the error page's
// general ones, which the service's own words then complete.
func generic(l Lang, text string) bool {
	for _, k := range []string{"error.forbidden", "error.conflict", "error.internal"} {
		if text == translate(l, k) {
			return true
		}
	}
	return false
}

// testCard reads a means test for the case page.
func (c *Console) testCard(r *http.Request, l Lang, id assistance.TestID, h *householdCard) (*testCard, error) {
	t, err := c.app.Assistance.MeansTest(r.Context(), id)
	if err != nil {
		return nil, err
	}
	names := map[registry.PersonID]string{}
	for _, m := range h.Members {
		names[m.ID] = m.Name
	}
	card := &testCard{ID: t.ID, Period: t.Period, Source: translate(l, "assistance.source."+string(t.Source)), Members: t.MemberCount,
		Income: t.TotalIncome, PerCapita: t.PerCapitaIncome(), Assets: t.FinancialAssets, Vehicles: t.Vehicles, Houses: t.Houses,
		Businesses: t.BusinessEntities, RigidExpenses: t.RigidExpenses12m, Heating: translate(l, "assistance.heating."+t.HeatingType), CreatedBy: t.CreatedBy}
	for _, x := range t.Lines {
		who := translate(l, "assistance.test.household")
		if x.PersonID != 0 {
			who = names[x.PersonID]
		}
		note := x.Note
		if strings.HasPrefix(note, "社保数据") {
			note = translate(l, "assistance.test.insurance_data")
		}
		card.Lines = append(card.Lines, testLine{Member: who, Kind: translate(l, "assistance.line."+string(x.Kind)), Amount: x.Amount, Count: x.Quantity, Exempt: x.Exempt, Note: note})
	}
	return card, nil
}

// actionText says a case event's action in words: the service records
// them in English, as the audit trail does.
func actionText(l Lang, action string) string {
	switch {
	case strings.HasPrefix(action, "apply via "):
		ch := strings.TrimPrefix(action, "apply via ")
		return translate(l, "assistance.event.apply", translate(l, "assistance.channel."+ch))
	case strings.HasPrefix(action, "use means test "):
		return translate(l, "assistance.event.use_test")
	}
	key := "assistance.event." + strings.NewReplacer(" ", "_", ":", "", ",", "", "-", "_").Replace(action)
	if _, ok := messages[key]; ok {
		return translate(l, key)
	}
	return action
}

// caseStep runs a step of a case that takes the version and a note, and
// goes back to the case; a refusal of the service is shown on the case
// page, with the status its fault code maps to.
func (c *Console) caseStep(step func(r *http.Request, id assistance.CaseID, version int64, note string) error) pageHandler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := caseID(r)
		if err != nil {
			return err
		}
		version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
		if err := step(r, id, version, strings.TrimSpace(r.PostFormValue("note"))); err != nil {
			return c.stepFailed(w, r, id, err)
		}
		http.Redirect(w, r, fmt.Sprintf("/assistance/cases/%d", id), http.StatusSeeOther)
		return nil
	}
}

// stepFailed shows a refused step on the case page: a bad form (422), a
// refusal (403) or a state that does not allow it (409); a case not found
// or any other error is the error page.
func (c *Console) stepFailed(w http.ResponseWriter, r *http.Request, id assistance.CaseID, err error) error {
	var status int
	switch fault.CodeOf(err) {
	case fault.Invalid:
		status = http.StatusUnprocessableEntity
	case fault.Forbidden:
		status = http.StatusForbidden
	case fault.Conflict:
		status = http.StatusConflict
	default:
		return err
	}
	if rerr := c.renderCase(w, r, status, id, err); rerr != nil {
		if fault.CodeOf(rerr) == fault.NotFound || fault.CodeOf(rerr) == fault.Forbidden {
			return err
		}
		return rerr
	}
	return nil
}

// investigationKey carries the investigation form as typed back to the
// case page that shows its problems.
type investigationKey struct{}

// investigationForm is the investigation form as typed.
type investigationForm struct {
	members   []investigationMember
	household householdLines
}

// yuanField parses an amount typed in yuan; empty is zero.
func yuanField(pr *fault.Problems, field, s string) money.Fen {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	f, err := money.Parse(s)
	if err != nil {
		pr.Add(field, "%s", err.Error())
		return 0
	}
	if f < 0 {
		pr.Add(field, "must not be negative")
	}
	return f
}

// countField parses a count typed in; empty is zero.
func countField(pr *fault.Problems, field, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		pr.Add(field, "give a whole number, 0 or more")
		return 0
	}
	return n
}

// handleInvestigation records the investigation (入户调查) from the means
// test form: the members counted with their 12 months' incomes, their
// capacity to work and care, a supporter where the registry cannot tell;
// the household's assets and rigid expenses and its heating.
func (c *Console) handleInvestigation(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	t, form, formIndex, pr := parseMeansForm(r, assistance.SourceInvestigation)
	r = r.WithContext(context.WithValue(r.Context(), investigationKey{}, form))
	if err := pr.Err("invalid investigation"); err != nil {
		return c.stepFailed(w, r, id, err)
	}
	if _, _, err := c.app.Assistance.Investigate(r.Context(), id, version, t, form.household.Note); err != nil {
		return c.stepFailed(w, r, id, formFields(err, formIndex))
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/cases/%d", id), http.StatusSeeOther)
	return nil
}

// parseMeansForm reads the means test form (of an investigation or a
// review) into a means test of source, with the form as typed (to show it
// again with its problems), the form's row of each member of the test
// (formIndex, for formFields) and the problems of the fields typed.
func parseMeansForm(r *http.Request, source assistance.Source) (*assistance.MeansTest, *investigationForm, []int, fault.Problems) {
	var pr fault.Problems
	if err := r.ParseForm(); err != nil {
		pr.Add("form", "unreadable form")
	}
	form := &investigationForm{household: householdLines{Deposit: r.PostFormValue("deposit"), Securities: r.PostFormValue("securities"),
		Vehicles: r.PostFormValue("vehicles"), Houses: r.PostFormValue("houses"), Businesses: r.PostFormValue("businesses"),
		Medical: r.PostFormValue("medical"), Education: r.PostFormValue("education"), Rehabilitation: r.PostFormValue("rehabilitation"),
		Living: r.PostFormValue("living"), Heating: r.PostFormValue("heating_type"), Note: r.PostFormValue("note")}}
	t := &assistance.MeansTest{HeatingType: form.household.Heating, Source: source, Note: form.household.Note, Lines: []assistance.Line{}}
	var formIndex []int
	for _, key := range r.PostForm["member"] {
		i, err := strconv.Atoi(key)
		if err != nil {
			continue
		}
		f := func(name string) string { return r.PostFormValue(fmt.Sprintf("m%d.%s", i, name)) }
		pid, _ := strconv.ParseInt(f("person"), 10, 64)
		m := investigationMember{Index: i, PersonID: registry.PersonID(pid), Name: f("name"), Relation: f("relation"), Wage: f("wage"),
			Business: f("business"), Property: f("property"), Transfer: f("transfer"), UnableToWork: f("unable_to_work") == "on",
			SelfCare: f("self_care"), Supporter: f("has_supporter"), Counted: f("counted") == "on"}
		form.members = append(form.members, m)
		if !m.Counted {
			continue
		}
		mem := assistance.Member{PersonID: m.PersonID, UnableToWork: m.UnableToWork, SelfCare: assistance.SelfCare(m.SelfCare)}
		switch m.Supporter {
		case "yes":
			mem.HasSupporter, mem.SupporterStated = true, true
		case "no":
			mem.HasSupporter, mem.SupporterStated = false, true
		}
		t.Members = append(t.Members, mem)
		formIndex = append(formIndex, i)
		for _, in := range []struct {
			kind  assistance.LineKind
			field string
		}{{assistance.IncomeWage, "wage"}, {assistance.IncomeBusiness, "business"}, {assistance.IncomeProperty, "property"}, {assistance.IncomeTransfer, "transfer"}} {
			if a := yuanField(&pr, fmt.Sprintf("m%d.%s", i, in.field), f(in.field)); a > 0 {
				t.Lines = append(t.Lines, assistance.Line{PersonID: m.PersonID, Kind: in.kind, Amount: a})
			}
		}
	}
	for _, in := range []struct {
		kind  assistance.LineKind
		field string
	}{{assistance.AssetDeposit, "deposit"}, {assistance.AssetSecurities, "securities"}, {assistance.ExpenseMedical, "medical"},
		{assistance.ExpenseEducation, "education"}, {assistance.ExpenseRehabilitation, "rehabilitation"}, {assistance.ExpenseLiving, "living"}} {
		if a := yuanField(&pr, in.field, r.PostFormValue(in.field)); a > 0 {
			t.Lines = append(t.Lines, assistance.Line{Kind: in.kind, Amount: a})
		}
	}
	for _, in := range []struct {
		kind  assistance.LineKind
		field string
	}{{assistance.AssetVehicle, "vehicles"}, {assistance.AssetHouse, "houses"}, {assistance.AssetBusiness, "businesses"}} {
		if n := countField(&pr, in.field, r.PostFormValue(in.field)); n > 0 {
			t.Lines = append(t.Lines, assistance.Line{Kind: in.kind, Quantity: n})
		}
	}
	return t, form, formIndex, pr
}

// meansFormOf is the means test form for household h, blank, or as typed
// when typed is not nil; action is where it is posted.
func meansFormOf(p *page, action string, version int64, h *householdCard, typed *investigationForm, problems map[string]string) *meansForm {
	f := &meansForm{Action: action, Version: version, CSRF: p.CSRF, Problems: problems, Submit: "assistance.inv.submit",
		Heating: []string{"central", "self_heating", "provided"}, SelfCare: []assistance.SelfCare{assistance.SelfCareAble, assistance.SelfCarePartlyUnable, assistance.SelfCareUnable}}
	if typed != nil {
		f.Members, f.Household = typed.members, typed.household
		return f
	}
	for i, m := range h.Members {
		if !m.Dead {
			f.Members = append(f.Members, investigationMember{Index: i, PersonID: m.ID, Name: m.Name, Relation: m.Relation, SelfCare: "able", Counted: true})
		}
	}
	f.Household.Heating = "central"
	return f
}

// meansForm is the data of the means test form partial.
type meansForm struct {
	Action    string
	Version   int64
	CSRF      string
	Members   []investigationMember
	Household householdLines
	Heating   []string
	SelfCare  []assistance.SelfCare
	Problems  map[string]string
	// Submit is the message key of the form's button.
	Submit string
}

// formFields renames the service's member fields (members[k].x, k the
// member's place in the test) to the form's (m<i>.x, i its row), so the
// problems show beside the fields typed.
func formFields(err error, formIndex []int) error {
	var fe *fault.Error
	if !errors.As(err, &fe) || len(fe.Fields) == 0 {
		return err
	}
	out := &fault.Error{Code: fe.Code, Message: fe.Message, Fields: map[string]string{}}
	for k, v := range fe.Fields {
		if strings.HasPrefix(k, "members[") {
			if end := strings.Index(k, "]"); end > 0 {
				if n, err := strconv.Atoi(k[len("members["):end]); err == nil && n >= 0 && n < len(formIndex) {
					k = "m" + strconv.Itoa(formIndex[n]) + k[end+1:]
				}
			}
		}
		out.Fields[k] = v
	}
	return out
}

// handleUseTest takes a means test from department data for the case.
func (c *Console) handleUseTest(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	test, _ := strconv.ParseInt(r.PostFormValue("test"), 10, 64)
	if _, err := c.app.Assistance.UseTest(r.Context(), id, version, assistance.TestID(test), r.PostFormValue("note")); err != nil {
		return c.stepFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/cases/%d", id), http.StatusSeeOther)
	return nil
}

// handleObjection records an objection received during the notice.
func (c *Console) handleObjection(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	o := &assistance.Objection{Objector: r.PostFormValue("objector"), Content: r.PostFormValue("content")}
	if s := strings.TrimSpace(r.PostFormValue("received_on")); s != "" {
		d, err := period.ParseDate(s)
		if err != nil {
			pr.Add("received_on", "give a date as 2026-11-22")
		}
		o.ReceivedOn = d
	}
	if err := pr.Err("invalid objection"); err != nil {
		return c.stepFailed(w, r, id, err)
	}
	if _, err := c.app.Assistance.Object(r.Context(), id, o); err != nil {
		return c.stepFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/cases/%d", id), http.StatusSeeOther)
	return nil
}

// handleResolution records what the check of an objection found.
func (c *Console) handleResolution(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	oid, _ := strconv.ParseInt(r.PathValue("objection"), 10, 64)
	upheld := r.PostFormValue("upheld") == "yes"
	if _, err := c.app.Assistance.ResolveObjection(r.Context(), id, assistance.ObjectionID(oid), upheld, r.PostFormValue("finding")); err != nil {
		return c.stepFailed(w, r, id, err)
	}
	http.Redirect(w, r, fmt.Sprintf("/assistance/cases/%d", id), http.StatusSeeOther)
	return nil
}

// reasonText puts a reason the services record in English words into the
// page's language: the conditions a decision failed by their labels, with
// the prefixes the services give ("no longer eligible: ", "reversed on
// review: "); a reason a person typed is shown as typed.
func (c *Console) reasonText(l Lang, prog, reason string) string {
	if before, note, ok := strings.Cut(reason, "; "); ok {
		return c.reasonText(l, prog, before) + translate(l, "assistance.reason.note") + note
	}
	out := reason
	for _, pre := range []struct{ en, key string }{{"no longer eligible: ", "assistance.reason.no_longer"}, {"reversed on review: ", "assistance.reason.reversed"}} {
		if rest, ok := strings.CutPrefix(out, pre.en); ok {
			return translate(l, pre.key) + c.reasonText(l, prog, rest)
		}
	}
	if rest, ok := strings.CutPrefix(out, "conditions not met: "); ok {
		names := c.failedNames(l, prog, rest)
		sep := "、"
		if l == EN {
			sep = ", "
		}
		return translate(l, "assistance.reason.not_met") + strings.Join(names, sep)
	}
	return out
}

// ---- printables

// approvalFormPage is the data of the 低保审批表.
type approvalFormPage struct {
	Case      *assistance.Case
	Programme string
	Household *householdCard
	Test      *testCard
	Explain   *policy.Explanation
	Assessor  signature
	Approver  signature
	Today     period.Date
	Reason    string
}

// signature is who signed a step and when.
type signature struct {
	User string
	At   string
}

// signatures finds who assessed and who decided a case, from its history.
func signatures(ctx context.Context, l Lang, c *Console, v *assistance.CaseView) (assessor, approver signature) {
	staff := c.staff(ctx, l)
	for _, e := range v.Events {
		switch {
		case strings.HasPrefix(e.Action, "assess") || strings.HasPrefix(e.Action, "fast-track"):
			assessor = signature{User: staff.actor(e.UserID, e.Username).Name, At: dateText(l, period.DateOf(e.At.In(c.app.Juris.Zone)))}
		case e.Action == "approve" || e.Action == "refuse" || strings.HasPrefix(e.Action, "review after the fact"):
			approver = signature{User: staff.actor(e.UserID, e.Username).Name, At: dateText(l, period.DateOf(e.At.In(c.app.Juris.Zone)))}
		}
	}
	return assessor, approver
}

// handleApprovalForm prints a case's approval form (审批表): the
// household, members, incomes and assets, the assessment's reasons, the
// amount, and who assessed and who approved it.
func (c *Console) handleApprovalForm(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	v, err := c.app.Assistance.FindCase(r.Context(), id)
	if err != nil {
		return err
	}
	p := c.newPage(r, "assistance_approval_form")
	p.Print, p.Active = true, "assistance"
	data := approvalFormPage{Case: v.Case, Programme: p.T("assistance.programme." + v.Programme), Today: c.app.Clock.Today(), Reason: c.reasonText(p.Lang, v.Programme, v.Reason)}
	p.Title = p.T("assistance.form.title", data.Programme)
	if data.Household, err = c.householdCard(r, p.Lang, v.HouseholdID); err != nil {
		return err
	}
	if v.TestID != 0 {
		if data.Test, err = c.testCard(r, p.Lang, v.TestID, data.Household); err != nil {
			return err
		}
	}
	if len(v.Decision) > 0 {
		var d policy.Decision
		if json.Unmarshal(v.Decision, &d) == nil {
			data.Explain = c.explanationOf(r, &d)
		}
	}
	data.Assessor, data.Approver = signatures(r.Context(), p.Lang, c, v)
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// letterPage is the data of a notice to the household (告知书).
type letterPage struct {
	Kind      string
	Case      *assistance.Case
	Programme string
	Head      string
	Region    string
	Reasons   []string
	Start     period.Month
	Today     period.Date
}

// handleLetter prints the notice to the household (告知书) of a decided
// case: the grant with its amount and first month, or the refusal or the
// reversal of a fast-track grant (stop, to be recovered) with the reasons,
// and the right to appeal. A later change or stop on review has its own
// (handleReviewLetter).
func (c *Console) handleLetter(w http.ResponseWriter, r *http.Request) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	v, err := c.app.Assistance.FindCase(r.Context(), id)
	if err != nil {
		return err
	}
	p := c.newPage(r, "assistance_letter")
	p.Print, p.Active = true, "assistance"
	data := letterPage{Case: v.Case, Programme: p.T("assistance.programme." + v.Programme), Region: c.countyName(p.Lang, v.RegionCode), Today: c.app.Clock.Today()}
	switch v.Status {
	case assistance.StatusApproved:
		data.Kind = "grant"
		if v.AwardID != 0 {
			a, err := c.app.Assistance.FindAward(r.Context(), v.AwardID)
			if err != nil {
				return err
			}
			data.Start = a.Start
		}
	case assistance.StatusRefused:
		data.Kind = "refuse"
	case assistance.StatusReversed:
		data.Kind = "stop"
	default:
		return fault.Errorf(fault.Conflict, "case %d is not decided yet", id)
	}
	if data.Kind != "grant" && len(data.Reasons) == 0 {
		data.Reasons = c.reasons(r, p.Lang, v.Case)
	}
	h, err := c.householdCard(r, p.Lang, v.HouseholdID)
	if err != nil {
		return err
	}
	for _, m := range h.Members {
		if m.Relation == translate(p.Lang, "assistance.relation.head") {
			data.Head = m.Name
		}
	}
	p.Title = p.T("assistance.letter.title." + data.Kind)
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// reasons are why a case was refused or reversed: the conditions its
// assessment failed, in words, and the reason the approver gave.
func (c *Console) reasons(r *http.Request, l Lang, cs *assistance.Case) []string {
	var out []string
	if len(cs.Decision) > 0 {
		var d policy.Decision
		if json.Unmarshal(cs.Decision, &d) == nil && !d.Eligible {
			if ex := c.explanationOf(r, &d); ex != nil {
				out = failedLines(ex)
			}
		}
	}
	if cs.Reason != "" && !strings.HasPrefix(cs.Reason, "conditions not met:") {
		out = append(out, c.reasonText(l, cs.Programme, cs.Reason))
	}
	return out
}

// countyName names the county of a division, whose civil affairs bureau
// issues the notices: a township's or village's county, the division
// itself above that.
func (c *Console) countyName(l Lang, code region.Code) string {
	if code.Level() > region.County {
		code = code.County()
	}
	return c.regionName(l, code)
}

// noticeListPage is the data of the public notice list (公示名单).
type noticeListPage struct {
	Region   string
	Issuer   string
	Code     region.Code
	From, To period.Date
	Regions  []regionOption
	Rows     []noticeRow
	Next     int64
	Problems map[string]string
}

// noticeRow is one household on the public notice list, the name partly
// masked as is usual for 公示.
type noticeRow struct {
	Name       string
	Region     string
	Programme  string
	Amount     money.Fen
	NoticeFrom period.Date
	NoticeTo   period.Date
}

// handleNoticeList prints the public notice list (公示名单) of a region for
// a period: the cases on notice then, names partly masked, amounts.
func (c *Console) handleNoticeList(w http.ResponseWriter, r *http.Request) error {
	pr, _ := auth.PrincipalFrom(r.Context())
	q := r.URL.Query()
	today := c.app.Clock.Today()
	var probs fault.Problems
	from, to := today.AddDays(-30), today
	if s := q.Get("from"); s != "" {
		d, err := period.ParseDate(s)
		if err != nil {
			probs.Add("from", "give a date as 2026-11-01")
		}
		from = d
	}
	if s := q.Get("to"); s != "" {
		d, err := period.ParseDate(s)
		if err != nil {
			probs.Add("to", "give a date as 2026-11-30")
		}
		to = d
	}
	if err := probs.Err("invalid period"); err != nil {
		return err
	}
	code, err := auth.ScopeFilter(pr, region.Code(q.Get("region")))
	if err != nil {
		return err
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	rows, err := c.app.Store.CaseRows(r.Context(), sqlstore.CaseRowFilter{Region: code, NoticeFrom: from, NoticeTo: to,
		Page: registry.Page{After: after, Limit: registry.PageMax}})
	if err != nil {
		return err
	}
	p := c.newPage(r, "assistance_notice_list")
	p.Print, p.Active = true, "assistance"
	data := noticeListPage{Region: c.regionName(p.Lang, code), Issuer: c.countyName(p.Lang, code), Code: code, From: from, To: to, Regions: c.regionSelect(p.Lang, pr.Scope, region.Township)}
	if !slices.ContainsFunc(data.Regions, func(o regionOption) bool { return o.Code == code }) {
		// A village's list (公示 is posted where the household lives).
		data.Regions = append(data.Regions, regionOption{Code: code, Name: data.Region})
	}
	p.Title = p.T("assistance.notice.title")
	if len(rows) >= registry.PageMax {
		data.Next = int64(rows[len(rows)-1].ID)
	}
	for _, x := range rows {
		if !x.Eligible {
			continue
		}
		name := x.HeadName
		if x.PersonName != "" {
			name = x.PersonName
		}
		data.Rows = append(data.Rows, noticeRow{Name: maskName(name), Region: c.regionName(p.Lang, x.RegionCode),
			Programme: p.T("assistance.programme." + x.Programme), Amount: x.Amount, NoticeFrom: x.NoticeFrom, NoticeTo: x.NoticeTo})
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// maskName masks a name for a public notice as is usual: the middle
// characters hidden (张*明), a two-character name's second (张*).
func maskName(name string) string {
	rs := []rune(name)
	switch len(rs) {
	case 0, 1:
		return name
	case 2:
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}
