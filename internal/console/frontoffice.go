package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/execute"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/matters"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/sqlstore"
)

// frontOfficeRoutes are the pages of the front office (办件,
// docs/frontoffice.md): 综合受理, the list of applications with its tabs,
// an application's page with the steps its state allows and the
// applicant's rating, the printable 一次性告知书, and the overdue list.
// The services check every permission, scope and maker-checker rule.
func (c *Console) frontOfficeRoutes() {
	c.handle("GET /applications", c.handleApplications, auth.PermRegistryRead)
	c.handle("GET /applications/new", c.handleReceiveForm, auth.PermReceive)
	c.handle("POST /applications", c.handleReceive, auth.PermReceive)
	c.handle("GET /applications/overdue", c.handleOverdue, auth.PermRegistryRead)
	c.handle("GET /applications/{no}", c.handleApplication, auth.PermRegistryRead)
	c.handle("GET /applications/{no}/notice", c.handleApplicationNotice, auth.PermRegistryRead)
	c.handle("POST /applications/{no}/{step}", c.handleApplicationStep, auth.PermRegistryRead)
}

// office returns the catalogue, points and calendar of the front office.
func (c *Console) office() (*matters.Office, error) { return c.app.FrontOffice.Office() }

// pointName names a service point, or the channel of an application
// received with none.
func (c *Console) pointName(l Lang, off *matters.Office, point string, ch matters.Channel) string {
	if point == "" {
		return translate(l, "fo.channel."+string(ch))
	}
	if pt, ok := off.Points.Point(point); ok {
		return bilingual(l, pt.Name)
	}
	return point
}

// deptName names a department of the catalogue.
func deptName(l Lang, off *matters.Office, id string) string {
	for _, d := range off.Catalogue.Departments() {
		if d.ID == id {
			return bilingual(l, d.Name)
		}
	}
	return id
}

// appRow is an application as a list shows it: names, not ids, and its
// due-date flag.
type appRow struct {
	A          *frontoffice.Application
	Matter     string
	Point      string
	Department string
	// Flag is overdue, soon or pending (or empty).
	Flag string
}

// rowsOf names the applications' matters and points and flags their due
// dates against today's deadlines.
func (c *Console) rowsOf(l Lang, off *matters.Office, as []*frontoffice.Application, overdueBy, soonBy period.Date) []appRow {
	out := make([]appRow, 0, len(as))
	for _, a := range as {
		row := appRow{A: a, Matter: bilingual(l, a.MatterName), Point: c.pointName(l, off, a.Point, a.Channel), Department: deptName(l, off, a.Department)}
		if a.Status.Running() {
			switch {
			case a.DueDate.IsZero() && a.DuePending != "":
				row.Flag = "pending"
			case a.DueDate.IsZero():
			case a.DueDate <= overdueBy:
				row.Flag = "overdue"
			case a.DueDate <= soonBy:
				row.Flag = "soon"
			}
		}
		out = append(out, row)
	}
	return out
}

// appTabs are the tabs of the list: received by me, to review, to
// approve, in correction, all.
var appTabs = []string{"mine", "review", "approve", "correction", "all"}

// applicationsPage is the data of the list of applications.
type applicationsPage struct {
	Tab, Point, Matter, Status string
	Tabs                       []string
	Statuses                   []frontoffice.Status
	Matters                    []matters.Matter
	Rows                       []appRow
	// Next is the key of the next page, 0 on the last.
	Next int64
	// Query is the filters without the tab and the page key.
	Query string
}

// appPage is how many applications one page of a list shows.
const appPage = 50

// allStatuses are the statuses of an application, for the filter.
var allStatuses = []frontoffice.Status{frontoffice.Received, frontoffice.Reviewing, frontoffice.Correction, frontoffice.Approving,
	frontoffice.Completing, frontoffice.Held, frontoffice.Completed, frontoffice.Refused, frontoffice.NotAccepted, frontoffice.Withdrawn}

// handleApplications lists the applications in the post's scope by tab
// and filters, a page at a time.
func (c *Console) handleApplications(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	pr, _ := auth.PrincipalFrom(r.Context())
	p := c.newPage(r, "fo_applications")
	off, err := c.office()
	if err != nil {
		return err
	}
	d := applicationsPage{Tab: q.Get("tab"), Point: q.Get("point"), Matter: q.Get("matter"), Status: q.Get("status"), Tabs: appTabs, Statuses: allStatuses,
		Matters: off.Catalogue.Matters(matters.Filter{})}
	if d.Tab == "" {
		d.Tab = "all"
		if pr.Can(auth.PermReceive) && !pr.Can(auth.PermInsurance) && !pr.Can(auth.PermAssistance) {
			d.Tab = "mine"
		}
	}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f := frontoffice.Filter{Point: d.Point, Matter: d.Matter, After: after, Limit: appPage + 1}
	switch d.Tab {
	case "mine":
		// Filtered below: the store selects by assignee, not receiver.
	case "review":
		f.Statuses = []frontoffice.Status{frontoffice.Received, frontoffice.Reviewing}
		switch {
		case pr.Can(auth.PermInsurance) && !pr.Can(auth.PermAssistance):
			f.Department = "sibao"
		case pr.Can(auth.PermAssistance) && !pr.Can(auth.PermInsurance):
			f.Department = "minzheng"
		}
	case "approve":
		f.Statuses = []frontoffice.Status{frontoffice.Approving}
	case "correction":
		f.Statuses = []frontoffice.Status{frontoffice.Correction}
	case "all":
	default:
		return fault.Problems{"tab": "must be mine, review, approve, correction or all"}.Err("invalid filter")
	}
	switch d.Status {
	case "":
	case "overdue":
		// The running ones past their due date (the home queue's link).
		_, overdueBy, _, err := c.app.FrontOffice.Deadlines(pr.Scope)
		if err != nil {
			return err
		}
		f.Statuses, f.DueBefore = frontoffice.Running(), overdueBy
	default:
		f.Statuses = []frontoffice.Status{frontoffice.Status(d.Status)}
	}
	as, err := c.app.FrontOffice.List(r.Context(), f)
	if err != nil {
		return err
	}
	if len(as) > appPage {
		as = as[:appPage]
		d.Next = as[len(as)-1].ID
	}
	if d.Tab == "mine" {
		// Received by me: the store filters by assignee only, so the
		// page keeps the caller's receipts.
		mine := as[:0]
		for _, a := range as {
			if a.ReceivedBy == pr.UserID {
				mine = append(mine, a)
			}
		}
		as = mine
	}
	_, overdueBy, soonBy, err := c.app.FrontOffice.Deadlines(pr.Scope)
	if err != nil {
		return err
	}
	d.Rows = c.rowsOf(p.Lang, off, as, overdueBy, soonBy)
	v := url.Values{}
	for k, val := range map[string]string{"point": d.Point, "matter": d.Matter, "status": d.Status} {
		if val != "" {
			v.Set(k, val)
		}
	}
	d.Query = v.Encode()
	p.Title, p.Active, p.Data = p.T("fo.list.title"), "applications", d
	c.render(w, r, http.StatusOK, p)
	return nil
}

// formValue is one field of an application's form with its label and
// value in words.
type formValue struct {
	Label, Value string
}

// materialLine is a material of an application in words.
type materialLine struct {
	M    frontoffice.MaterialCheck
	Name string
	// Fact names the registry fact of a material fetched from it.
	Fact string
}

// applicationPage is the data of an application's page.
type applicationPage struct {
	D                      *frontoffice.Detail
	Matter, Point, Dept    string
	Channel                string
	Applicant, ApplicantID string
	ApplicantHref          string
	Receiver, Assignee     staffRef
	Reviewer, Approver     staffRef
	Materials              []materialLine
	// Missing are the materials a receipt not accepted lacked.
	Missing    []materialLine
	Form       []formValue
	ResultHref string
	Events     []appEvent
	Cross      []*crossprov.Request
	Flag       string
	// SuspendedDays counts the working days the clock stood still.
	Suspended bool
	// The steps the post may take in this state.
	CanTake, CanReview, CanDecide, CanResume, CanSupply, CanWithdraw, CanSettle bool
	// Rating is the applicant's rating once given; FollowUp its
	// follow-up when one was opened.
	Rating   *ratings.Rating
	FollowUp *ratings.FollowUp
	// CanRate offers the rating form; RaterIsReceiver explains why the
	// receiving clerk may not enter it.
	CanRate, RaterIsReceiver bool
	// Levels are the five levels, best first.
	Levels          []int
	Failed, Message string
	Problems        map[string]string
}

// appEvent is a step of the timeline with its actor named.
type appEvent struct {
	E     frontoffice.Event
	Actor staffRef
	// Word is the step in words.
	Word string
}

// handleApplication shows an application.
func (c *Console) handleApplication(w http.ResponseWriter, r *http.Request) error {
	return c.showApplication(w, r, http.StatusOK, "", "", nil)
}

// showApplication renders an application's page with the message or the
// problems of a refused step.
func (c *Console) showApplication(w http.ResponseWriter, r *http.Request, status int, failed, message string, problems map[string]string) error {
	no := r.PathValue("no")
	d, err := c.app.FrontOffice.Get(r.Context(), no)
	if err != nil {
		return err
	}
	off, err := c.office()
	if err != nil {
		return err
	}
	p := c.newPage(r, "fo_application")
	pr, _ := auth.PrincipalFrom(r.Context())
	a := d.Application
	staff := c.staff(r.Context(), p.Lang)
	data := applicationPage{D: d, Matter: bilingual(p.Lang, a.MatterName), Point: c.pointName(p.Lang, off, a.Point, a.Channel),
		Dept: deptName(p.Lang, off, a.Department), Channel: p.T("fo.channel." + string(a.Channel)), Applicant: a.ApplicantName,
		Receiver: staff.actor(a.ReceivedBy, a.ReceivedByName), Suspended: len(a.Suspensions) > 0,
		Failed: failed, Message: message, Problems: problems, Levels: []int{5, 4, 3, 2, 1}}
	if a.AssigneeID != 0 {
		data.Assignee = staff.actor(a.AssigneeID, a.AssigneeName)
	}
	if a.ReviewerID != 0 {
		data.Reviewer = staff.actor(a.ReviewerID, a.ReviewerName)
	}
	if a.ApproverID != 0 {
		data.Approver = staff.actor(a.ApproverID, a.ApproverName)
	}
	v := c.viewOf(r)
	switch {
	case a.PersonID > 0:
		data.ApplicantHref = "/persons/" + strconv.FormatInt(int64(a.PersonID), 10)
		if per, err := c.app.Registry.Person(r.Context(), a.PersonID); err == nil {
			data.ApplicantID = v.IDNumber(per.IDNumber)
		}
	case a.OrganisationID > 0:
		if o, err := c.app.Registry.Organisation(r.Context(), a.OrganisationID); err == nil {
			data.ApplicantID = string(o.USCC)
		}
	}
	for _, m := range a.Materials {
		line := materialLine{M: m, Name: bilingual(p.Lang, m.Name), Fact: factName(p.Lang, m.Fact)}
		data.Materials = append(data.Materials, line)
		if m.How == frontoffice.MaterialMissing {
			data.Missing = append(data.Missing, line)
		}
	}
	m, known := off.Catalogue.Matter(a.Matter)
	if known {
		if ex, ok := c.app.FrontOffice.Executor(m); ok {
			data.Form = formValues(p.Lang, ex.Fields(), a.Form)
		}
	}
	data.ResultHref = resultHref(a.ResultRef)
	for _, e := range d.Events {
		word := e.Action
		if k := "fo.action." + e.Action; hasMessage(k) {
			word = p.T(k)
		}
		data.Events = append(data.Events, appEvent{E: e, Actor: staff.actor(e.ActorID, e.ActorName), Word: word})
	}
	if c.app.CrossProvince != nil && (a.Channel == matters.CrossProvince || strings.Contains(a.Matter, "transfer")) {
		if rs, err := c.app.CrossProvince.Requests(r.Context(), crossprov.Filter{ApplicationNo: a.No, Limit: 10}); err == nil {
			data.Cross = rs
		}
	}
	if _, overdueBy, soonBy, err := c.app.FrontOffice.Deadlines(pr.Scope); err == nil {
		data.Flag = c.rowsOf(p.Lang, off, []*frontoffice.Application{a}, overdueBy, soonBy)[0].Flag
	}
	dept := auth.PermInsurance
	if a.Department == "minzheng" {
		dept = auth.PermAssistance
	}
	switch a.Status {
	case frontoffice.Received:
		data.CanTake, data.CanReview = pr.Can(dept), pr.Can(dept)
	case frontoffice.Reviewing:
		data.CanTake, data.CanReview = pr.Can(dept) && a.AssigneeID != pr.UserID, pr.Can(dept)
	case frontoffice.Approving:
		data.CanTake, data.CanDecide = pr.Can(auth.PermApprove) && a.AssigneeID != pr.UserID, pr.Can(auth.PermApprove)
	case frontoffice.Correction:
		data.CanResume = pr.Can(dept) || pr.Can(auth.PermReceive)
	case frontoffice.Completing:
		data.CanSettle = pr.Can(dept) || pr.Can(auth.PermApprove)
		data.CanDecide = pr.Can(auth.PermApprove) && a.ResultRef == ""
	}
	data.CanSupply = !a.Status.Final() && len(a.Outstanding()) > 0 && (pr.Can(dept) || pr.Can(auth.PermReceive))
	data.CanWithdraw = !a.Status.Final() && a.Status != frontoffice.Completing && pr.Can(auth.PermReceive)
	if a.Status == frontoffice.Completed || a.Status == frontoffice.Refused {
		rt, err := c.app.Ratings.Rating(r.Context(), a.No)
		switch {
		case err == nil:
			data.Rating = rt
			if rt.FollowUpID > 0 {
				data.FollowUp, _ = c.app.Ratings.FollowUp(r.Context(), rt.FollowUpID)
			}
		case fault.CodeOf(err) == fault.NotFound:
			recorder := pr.Can(auth.PermRegistryWrite) || pr.Can(auth.PermReceive)
			data.RaterIsReceiver = recorder && a.ReceivedBy == pr.UserID
			data.CanRate = recorder && !data.RaterIsReceiver
		default:
			return err
		}
	}
	p.Title, p.Active, p.Data = p.T("fo.app.title", a.No), "applications", data
	c.render(w, r, status, p)
	return nil
}

// formValues puts an application's stored form into words, field by field
// in the executor's order.
func formValues(l Lang, fields []execute.Field, raw json.RawMessage) []formValue {
	var vals map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &vals) != nil {
		return nil
	}
	var out []formValue
	for _, f := range fields {
		v, ok := vals[f.Name]
		if !ok {
			continue
		}
		text := string(v)
		var s string
		var n int64
		var b bool
		switch {
		case f.Kind == "fen" && json.Unmarshal(v, &n) == nil:
			text = yuan(l, money.Fen(n))
		case f.Kind == "bool" && json.Unmarshal(v, &b) == nil:
			text = translate(l, "fo.bool."+strconv.FormatBool(b))
		case json.Unmarshal(v, &s) == nil:
			text = s
			if m, err := period.ParseMonth(s); f.Kind == "month" && err == nil {
				text = monthText(l, m)
			}
			if d, err := period.ParseDate(s); f.Kind == "date" && err == nil {
				text = dateText(l, d)
			}
			if f.Kind == "choice" {
				text = choiceLabel(l, f.Name, s)
			}
		}
		out = append(out, formValue{Label: fieldLabel(l, f), Value: text})
	}
	return out
}

// hasMessage reports whether the console has a text for key.
func hasMessage(key string) bool { _, ok := messages[key]; return ok }

// resultHref links an action's result to its console page, where one
// exists.
func resultHref(ref string) string {
	kind, id, ok := strings.Cut(ref, ":")
	if !ok {
		return ""
	}
	switch kind {
	case "person":
		return "/persons/" + id
	case "case":
		return "/assistance/cases/" + id
	}
	return ""
}

// handleApplicationStep runs one step of an application through the
// front office's service and goes back to its page (303); a refused step
// is shown on the page with its reason.
func (c *Console) handleApplicationStep(w http.ResponseWriter, r *http.Request) error {
	no, step := r.PathValue("no"), r.PathValue("step")
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	ctx, fo := r.Context(), c.app.FrontOffice
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	note := strings.TrimSpace(r.PostFormValue("note"))
	var err error
	switch step {
	case "take":
		_, err = fo.Take(ctx, no, version)
	case "review":
		d := frontoffice.Decision{Outcome: r.PostFormValue("outcome"), Note: note, Version: version}
		for _, it := range strings.Split(r.PostFormValue("items"), "\n") {
			if it = strings.TrimSpace(it); it != "" {
				d.Items = append(d.Items, it)
			}
		}
		_, err = fo.Review(ctx, no, d)
	case "decision":
		_, err = fo.Approve(ctx, no, frontoffice.Decision{Outcome: r.PostFormValue("outcome"), Note: note, Version: version})
	case "resume":
		_, err = fo.Resume(ctx, no, version, note)
	case "supply":
		_, err = fo.SupplyDeferred(ctx, no, r.PostFormValue("material"), version)
	case "withdraw":
		_, err = fo.Withdraw(ctx, no, version, note)
	case "settle":
		_, err = fo.Settle(ctx, no)
	case "rating":
		level, _ := strconv.Atoi(r.PostFormValue("level"))
		_, err = fo.Rate(ctx, no, ratings.Level(level), r.PostFormValue("comment"), ratings.Via(r.PostFormValue("via")))
	default:
		return fault.Errorf(fault.NotFound, "no such step %q", step)
	}
	if err == nil {
		http.Redirect(w, r, "/applications/"+url.PathEscape(no), http.StatusSeeOther)
		return nil
	}
	switch fault.CodeOf(err) {
	case fault.Invalid:
		return c.showApplication(w, r, http.StatusUnprocessableEntity, step, faultText(langOf(r), err), faultFieldsIn(langOf(r), err))
	case fault.Conflict, fault.Forbidden:
		status := http.StatusConflict
		if fault.CodeOf(err) == fault.Forbidden {
			status = http.StatusForbidden
		}
		return c.showApplication(w, r, status, step, faultText(langOf(r), err), nil)
	}
	return err
}

// noticePage is the data of the printable 一次性告知书.
type noticePage struct {
	A       *frontoffice.Application
	Matter  string
	Point   string
	Missing []materialLine
}

// handleApplicationNotice prints the 一次性告知书 of an application not
// accepted: the point, the day, every missing material and the reason.
func (c *Console) handleApplicationNotice(w http.ResponseWriter, r *http.Request) error {
	d, err := c.app.FrontOffice.Get(r.Context(), r.PathValue("no"))
	if err != nil {
		return err
	}
	if d.Status != frontoffice.NotAccepted {
		return fault.Errorf(fault.NotFound, "application %s was accepted: it has no 一次性告知书", d.No)
	}
	off, err := c.office()
	if err != nil {
		return err
	}
	p := c.newPage(r, "fo_notice")
	data := noticePage{A: d.Application, Matter: bilingual(p.Lang, d.MatterName), Point: c.pointName(p.Lang, off, d.Point, d.Channel)}
	for _, m := range d.Materials {
		if m.How == frontoffice.MaterialMissing {
			data.Missing = append(data.Missing, materialLine{M: m, Name: bilingual(p.Lang, m.Name)})
		}
	}
	p.Title, p.Active, p.Print, p.Data = p.T("fo.notice.title"), "applications", true, data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// overduePage is the data of the overdue list.
type overduePage struct {
	O                     *frontoffice.Overdue
	Overdue, Soon, Pend   []appRow
	ByPoint, ByDepartment []namedCount
}

// namedCount is a count with its key named.
type namedCount struct {
	Name  string
	Count int
}

// handleOverdue lists the running applications in the post's scope past
// their due date, due soon, and those whose due date waits for a
// calendar, with the overdue counted per point and department.
func (c *Console) handleOverdue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	o, err := c.app.FrontOffice.OverdueList(r.Context(), frontoffice.OverdueFilter{Point: q.Get("point"), Department: q.Get("department"), Limit: 200})
	if err != nil {
		return err
	}
	off, err := c.office()
	if err != nil {
		return err
	}
	p := c.newPage(r, "fo_overdue")
	pr, _ := auth.PrincipalFrom(r.Context())
	_, overdueBy, soonBy, err := c.app.FrontOffice.Deadlines(pr.Scope)
	if err != nil {
		return err
	}
	data := overduePage{O: o, Overdue: c.rowsOf(p.Lang, off, o.Overdue, overdueBy, soonBy), Soon: c.rowsOf(p.Lang, off, o.DueSoon, overdueBy, soonBy),
		Pend: c.rowsOf(p.Lang, off, o.Pending, overdueBy, soonBy)}
	for _, g := range o.ByPoint {
		name := g.Key
		if pt, ok := off.Points.Point(g.Key); ok {
			name = bilingual(p.Lang, pt.Name)
		} else if hasMessage("fo.channel." + g.Key) {
			name = p.T("fo.channel." + g.Key)
		}
		data.ByPoint = append(data.ByPoint, namedCount{Name: name, Count: g.Count})
	}
	for _, g := range o.ByDepartment {
		data.ByDepartment = append(data.ByDepartment, namedCount{Name: deptName(p.Lang, off, g.Key), Count: g.Count})
	}
	p.Title, p.Active, p.Data = p.T("fo.overdue.title"), "applications", data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// The home queue's kinds of front-office work.
const (
	queueAppsToReview  sqlstore.QueueKey = "applications_to_review"
	queueAppsToApprove sqlstore.QueueKey = "applications_to_approve"
	queueAppsOverdue   sqlstore.QueueKey = "applications_overdue"
	queueAppsHeld      sqlstore.QueueKey = "applications_held"
)

// applicationQueue adds the front office's work to the home queue (我的待办),
// counted in the post's scope: the applications to review (a caseworker
// of the department), to approve (an approver), overdue, and held for a
// deferred material (容缺), each linked to its filtered list.
func (c *Console) applicationQueue(r *http.Request, pr auth.Principal, data *homePage) error {
	if !pr.Can(auth.PermRegistryRead) || !(pr.Can(auth.PermInsurance) || pr.Can(auth.PermAssistance) || pr.Can(auth.PermApprove) || pr.Can(auth.PermReceive)) {
		return nil
	}
	ctx := r.Context()
	add := func(key sqlstore.QueueKey, href string, urgent bool, f frontoffice.Filter) error {
		f.Region = pr.Scope
		n, err := c.app.Store.CountApplications(ctx, f)
		if err != nil {
			return err
		}
		data.Items = append(data.Items, queueItem{Key: key, Count: n, Href: href, Urgent: urgent && n > 0})
		return nil
	}
	review := frontoffice.Filter{Statuses: []frontoffice.Status{frontoffice.Received, frontoffice.Reviewing}}
	switch {
	case pr.Can(auth.PermInsurance) && !pr.Can(auth.PermAssistance):
		review.Department = "sibao"
	case pr.Can(auth.PermAssistance) && !pr.Can(auth.PermInsurance):
		review.Department = "minzheng"
	}
	if pr.Can(auth.PermInsurance) || pr.Can(auth.PermAssistance) {
		if err := add(queueAppsToReview, "/applications?tab=review", false, review); err != nil {
			return err
		}
	}
	if pr.Can(auth.PermApprove) {
		if err := add(queueAppsToApprove, "/applications?tab=approve", false, frontoffice.Filter{Statuses: []frontoffice.Status{frontoffice.Approving}}); err != nil {
			return err
		}
	}
	_, overdueBy, _, err := c.app.FrontOffice.Deadlines(pr.Scope)
	if err != nil {
		return err
	}
	if err := add(queueAppsOverdue, "/applications/overdue", true, frontoffice.Filter{Statuses: frontoffice.Running(), DueBefore: overdueBy}); err != nil {
		return err
	}
	return add(queueAppsHeld, "/applications?tab=all&status=held", false, frontoffice.Filter{Statuses: []frontoffice.Status{frontoffice.Held}})
}
