package console

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

func init() { register(screeningMessages) }

// screeningRoutes registers the pages of proactive screening (免申即享):
// the runs in scope, a run with its items, its review by county and its
// decision by a second user, and the month's screening job.
func (c *Console) screeningRoutes() {
	read := []auth.Permission{auth.PermAssistance, auth.PermApprove}
	c.handle("GET /screening", c.handleScreeningRuns, read...)
	c.handle("POST /screening/jobs", c.handleStartScreening, auth.PermAssistance)
	c.handle("GET /screening/jobs/{id}", c.handleScreeningJob, read...)
	c.handle("GET /screening/jobs/{id}/progress", c.handleScreeningJobProgress, read...)
	c.handle("GET /screening/runs/{id}", c.handleScreeningRun, read...)
	c.handle("POST /screening/runs/{id}/review", c.handleReviewScreening, auth.PermAssistance)
	c.handle("POST /screening/runs/{id}/decision", c.handleDecideScreening, auth.PermApprove)
}

// screeningPage is how many runs, and how many items of a run, one page
// shows.
const screeningPage = 50

// screeningFilterMonths is how many months, this one back, the month
// filter offers.
const screeningFilterMonths = 12

// screeningProgrammes are the programmes screened without an application,
// in the order the filter offers them.
var screeningProgrammes = append(append([]string{}, screening.MonthlyAllowances...), screening.HouseholdAllowances...)

// screeningStatuses are the run statuses the filter offers.
var screeningStatuses = []screening.RunStatus{screening.RunProposed, screening.RunReviewed, screening.RunApproved, screening.RunRejected, screening.RunSuperseded}

// choiceOpt is one choice of a select: its value and its text.
type choiceOpt struct {
	Value, Text string
	Selected    bool
}

// screeningRunsPage is the data of the list of runs.
type screeningRunsPage struct {
	Status, Programme, Month string
	Statuses, Programmes     []choiceOpt
	MonthOptions             []choiceOpt
	Rows                     []screeningRunRow
	// ToReview are the wider runs with items of the principal's scope to
	// review.
	ToReview  []screeningRunRow
	Next      int64
	NextQuery string
	// CanStart shows the form that starts the month's job; Months are
	// the months it offers, this month first.
	CanStart bool
	Months   []choiceOpt
	Jobs     []screeningJobRow
	Problems map[string]string
}

// screeningRunRow is one run of the list.
type screeningRunRow struct {
	ID                       screening.RunID
	Programme                string
	Period                   period.Month
	Region                   region.Code
	Status                   screening.RunStatus
	NewAwards, Changed, Stop int
	Amount                   money.Fen
	// Items counts the items a county reads of a wider run.
	Items int
}

// screeningJobRow is one job of the list.
type screeningJobRow struct {
	ID      screening.JobID
	Period  period.Month
	Region  region.Code
	Status  screening.JobStatus
	Percent float64
}

// handleScreeningRuns lists the runs made for the principal's scope or a
// part of it, filtered by status, programme and month, a page at a time,
// with this month's jobs and the form that starts one.
func (c *Console) handleScreeningRuns(w http.ResponseWriter, r *http.Request) error {
	return c.showScreeningRuns(w, r, http.StatusOK, nil)
}

func (c *Console) showScreeningRuns(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) error {
	q := r.URL.Query()
	p := c.newPage(r, "screening_runs")
	p.Title, p.Active = p.T("screening.title"), "screening"
	pr, _ := auth.PrincipalFrom(r.Context())
	data := screeningRunsPage{Status: q.Get("status"), Programme: q.Get("programme"), Month: q.Get("month"), Problems: problems}
	f := screening.RunFilter{Programme: data.Programme, Status: screening.RunStatus(data.Status)}
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f.Page = registry.Page{After: after, Limit: screeningPage + 1}
	if data.Month != "" {
		m, err := period.ParseMonth(data.Month)
		if err != nil {
			return &fault.Error{Code: fault.Invalid, Message: p.T("screening.bad_filter"), Fields: map[string]string{"month": p.T("screening.month_format")}}
		}
		f.Period = m
	}
	if data.Status != "" && !slices.Contains(screeningStatuses, f.Status) {
		return &fault.Error{Code: fault.Invalid, Message: p.T("screening.bad_filter"), Fields: map[string]string{"status": data.Status}}
	}
	if data.Programme != "" && !slices.Contains(screeningProgrammes, data.Programme) {
		return &fault.Error{Code: fault.Invalid, Message: p.T("screening.bad_filter"), Fields: map[string]string{"programme": data.Programme}}
	}
	data.Statuses = []choiceOpt{{Value: "", Text: p.T("screening.all"), Selected: data.Status == ""}}
	for _, s := range screeningStatuses {
		data.Statuses = append(data.Statuses, choiceOpt{Value: string(s), Text: p.T("screening.status." + string(s)), Selected: data.Status == string(s)})
	}
	data.Programmes = []choiceOpt{{Value: "", Text: p.T("screening.all"), Selected: data.Programme == ""}}
	for _, id := range screeningProgrammes {
		data.Programmes = append(data.Programmes, choiceOpt{Value: id, Text: c.programmeName(p.Lang, id), Selected: data.Programme == id})
	}
	this := c.app.Clock.Today().Period()
	data.MonthOptions = []choiceOpt{{Value: "", Text: p.T("screening.all"), Selected: data.Month == ""}}
	for i := range screeningFilterMonths {
		m := this.Add(-i)
		data.MonthOptions = append(data.MonthOptions, choiceOpt{Value: m.String(), Text: monthText(p.Lang, m), Selected: m == f.Period})
	}
	if !f.Period.IsZero() && f.Period <= this.Add(-screeningFilterMonths) {
		data.MonthOptions = append(data.MonthOptions, choiceOpt{Value: f.Period.String(), Text: monthText(p.Lang, f.Period), Selected: true})
	}
	runs, err := c.app.Screening.Runs(r.Context(), f)
	if err != nil {
		return err
	}
	if len(runs) > screeningPage {
		runs = runs[:screeningPage]
		data.Next = int64(runs[len(runs)-1].ID)
		nq := url.Values{"after": {strconv.FormatInt(data.Next, 10)}}
		for _, k := range []string{"status", "programme", "month"} {
			if v := q.Get(k); v != "" {
				nq.Set(k, v)
			}
		}
		data.NextQuery = nq.Encode()
	}
	for _, run := range runs {
		data.Rows = append(data.Rows, screeningRunRow{ID: run.ID, Programme: c.programmeName(p.Lang, run.Programme), Period: run.Period, Region: run.Region,
			Status: run.Status, NewAwards: run.NewAwards, Changed: run.Changed, Stop: run.Stopped, Amount: run.Amount})
	}
	if pr.Can(auth.PermAssistance) {
		data.CanStart = true
		for i := range 3 {
			m := this.Add(-i)
			data.Months = append(data.Months, choiceOpt{Value: m.String(), Text: monthText(p.Lang, m)})
		}
	}
	// A county's part of a wider run (the prefecture's) waits for its
	// review: listed apart, since the run is not the county's.
	if pr.Can(auth.PermAssistance) && pr.Scope != "" {
		ids, err := c.app.Store.ScreeningRunsToReviewIn(r.Context(), pr.Scope, screeningPage)
		if err != nil {
			return err
		}
		for _, id := range ids {
			run, err := c.app.Screening.FindRun(r.Context(), id)
			if err != nil {
				return err
			}
			data.ToReview = append(data.ToReview, screeningRunRow{ID: run.ID, Programme: c.programmeName(p.Lang, run.Programme), Period: run.Period,
				Region: run.Region, Status: run.Status, Items: len(run.Items)})
		}
	}
	jobs, err := c.app.Screening.Jobs(r.Context(), screening.JobFilter{Period: this, Page: registry.Page{Limit: screeningPage}})
	if err != nil {
		return err
	}
	for _, j := range jobs {
		data.Jobs = append(data.Jobs, screeningJobRow{ID: j.ID, Period: j.Period, Region: j.Region, Status: j.Status, Percent: j.Percent()})
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// handleStartScreening starts the screening of a month in the principal's
// scope: every programme in the background (a job, followed on its page),
// or only the persons events concern (at once, its runs listed).
func (c *Console) handleStartScreening(w http.ResponseWriter, r *http.Request) error {
	m, err := period.ParseMonth(r.PostFormValue("month"))
	if err != nil {
		return c.showScreeningRuns(w, r, http.StatusUnprocessableEntity, map[string]string{"month": translate(langOf(r), "screening.month_format")})
	}
	switch r.PostFormValue("scope") {
	case "events":
		if _, err := c.app.Screening.ScreenEvents(r.Context(), m, ""); err != nil {
			return err
		}
		http.Redirect(w, r, "/screening?month="+m.String(), http.StatusSeeOther)
		return nil
	case "all", "":
	default:
		return c.showScreeningRuns(w, r, http.StatusUnprocessableEntity, map[string]string{"scope": translate(langOf(r), "screening.scope_bad")})
	}
	if c.cfg.Jobs == nil {
		return fault.Errorf(fault.Busy, "this console runs no background jobs")
	}
	job, _, err := c.app.Screening.StartJob(r.Context(), m, "")
	if err != nil {
		if fault.CodeOf(err) == fault.Invalid {
			return c.showScreeningRuns(w, r, http.StatusUnprocessableEntity, faultFieldsIn(langOf(r), err))
		}
		return err
	}
	// The job outlives the request: the runner runs or queues it; a job
	// another worker holds is only followed.
	if job.Held() {
		if _, err := c.app.Screening.Submit(context.WithoutCancel(r.Context()), c.cfg.Jobs, job); err != nil {
			return err
		}
	}
	http.Redirect(w, r, "/screening/jobs/"+strconv.FormatInt(int64(job.ID), 10), http.StatusSeeOther)
	return nil
}

// screeningJobPage is the data of a job's page and of its progress.
type screeningJobPage struct {
	Job  *screening.Job
	Runs []screeningRunRow
	// Running says the page polls for progress.
	Running bool
}

// screeningJob reads job {id} with its runs once it is done.
func (c *Console) screeningJob(r *http.Request, l Lang) (*screeningJobPage, error) {
	id, err := pathKey(r, "id")
	if err != nil {
		return nil, err
	}
	j, err := c.app.Screening.FindJob(r.Context(), screening.JobID(id))
	if err != nil {
		return nil, err
	}
	data := &screeningJobPage{Job: j, Running: j.Status == screening.JobRunning}
	if !data.Running {
		runs, err := c.app.Screening.Runs(r.Context(), screening.RunFilter{JobID: j.ID, Page: registry.Page{Limit: registry.PageMax}})
		if err != nil {
			return nil, err
		}
		for _, run := range runs {
			data.Runs = append(data.Runs, screeningRunRow{ID: run.ID, Programme: c.programmeName(l, run.Programme), Period: run.Period, Region: run.Region,
				Status: run.Status, NewAwards: run.NewAwards, Changed: run.Changed, Stop: run.Stopped, Amount: run.Amount})
		}
	}
	return data, nil
}

// handleScreeningJob shows a job: its month, region, phase and percent,
// refreshed every two seconds until it is done, then its runs.
func (c *Console) handleScreeningJob(w http.ResponseWriter, r *http.Request) error {
	p := c.newPage(r, "screening_job")
	data, err := c.screeningJob(r, p.Lang)
	if err != nil {
		return err
	}
	p.Title, p.Active, p.Data = p.T("screening.job_title", data.Job.ID), "screening", data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// handleScreeningJobProgress answers the job page's poll with the progress
// fragment alone.
func (c *Console) handleScreeningJobProgress(w http.ResponseWriter, r *http.Request) error {
	p := c.newPage(r, "screening_job")
	data, err := c.screeningJob(r, p.Lang)
	if err != nil {
		return err
	}
	p.Data = data
	return c.renderPart(w, p, "screening_progress")
}

// renderPart writes the named template of page p alone (an htmx
// swap), built in a buffer first.
func (c *Console) renderPart(w http.ResponseWriter, p *page, name string) error {
	var buf bytes.Buffer
	if err := c.pages[p.Lang][p.Name].ExecuteTemplate(&buf, name, p); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
	return nil
}

// screeningRunPage is the data of a run's page.
type screeningRunPage struct {
	Run       *screening.Run
	Programme string
	Counties  []screening.CountyReview
	Items     []screeningItemRow
	// Shown and Total count the items of this page and of the run as
	// the principal reads it; Next is the sequence number after which the
	// next page starts.
	Shown, Total int
	Next         int
	// CanReview and CanDecide show the review and the decision forms.
	CanReview, CanDecide bool
	CreatedBy, DecidedBy staffRef
	// Reviewers are who reviewed the run's items: one for a run reviewed
	// whole, a caseworker per county for a wider run.
	Reviewers    []staffRef
	Reason, Note string
	Problems     map[string]string
}

// screeningItemRow is one item of a run, named and explained.
type screeningItemRow struct {
	Seq        int
	Change     screening.Change
	Name       string
	PersonID   registry.PersonID
	Household  registry.HouseholdID
	Region     region.Code
	Amount     money.Fen
	OldAmount  money.Fen
	Reason     string
	Accepted   bool
	Reviewed   bool
	Note       string
	Reviewable bool
	// Rejected and OwnNote are what the reviewer posted for the item: a
	// form shown again keeps them.
	Rejected bool
	OwnNote  string
}

// handleScreeningRun shows a run: its counts, the review county by county,
// its items (a page at a time) with the beneficiary's name, region, the
// change, the amounts before and after and the reason in words, and the
// review or decision forms the principal may use.
func (c *Console) handleScreeningRun(w http.ResponseWriter, r *http.Request) error {
	return c.showScreeningRun(w, r, http.StatusOK, nil)
}

func (c *Console) showScreeningRun(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	run, err := c.app.Screening.FindRun(r.Context(), screening.RunID(id))
	if err != nil {
		return err
	}
	p := c.newPage(r, "screening_run")
	pr, _ := auth.PrincipalFrom(r.Context())
	data := screeningRunPage{Run: run, Programme: c.programmeName(p.Lang, run.Programme), Counties: run.Counties(), Total: len(run.Items),
		Problems: problems, Reason: r.PostFormValue("reason"), Note: r.PostFormValue("note")}
	open := run.SupersededBy == 0 && (run.Status == screening.RunProposed || run.Status == screening.RunReviewed)
	mine := 0
	reviewed := false
	for _, it := range run.Items {
		if pr.InScope(it.RegionCode) {
			mine++
			reviewed = reviewed || it.ReviewedBy != 0
		}
	}
	data.CanReview = pr.Can(auth.PermAssistance) && open && run.Status == screening.RunProposed && mine > 0 && !reviewed
	data.CanDecide = pr.Can(auth.PermApprove) && open
	staff := c.staff(r.Context(), p.Lang)
	data.CreatedBy = staff.id(run.CreatedBy)
	if run.DecidedBy != 0 {
		data.DecidedBy = staff.id(run.DecidedBy)
	}
	seen := map[int64]bool{}
	for _, it := range run.Items {
		if it.ReviewedBy != 0 && !seen[it.ReviewedBy] {
			seen[it.ReviewedBy] = true
			data.Reviewers = append(data.Reviewers, staff.id(it.ReviewedBy))
		}
	}
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	var page []screening.Item
	for _, it := range run.Items {
		if it.Seq > after {
			page = append(page, it)
		}
	}
	if len(page) > screeningPage {
		page = page[:screeningPage]
		data.Next = page[len(page)-1].Seq
	}
	names, err := c.beneficiaryNames(r.Context(), page)
	if err != nil {
		return err
	}
	for _, it := range page {
		row := screeningItemRow{Seq: it.Seq, Change: it.Change, PersonID: it.PersonID, Household: it.HouseholdID, Region: it.RegionCode,
			Amount: it.Amount, OldAmount: it.OldAmount, Reason: c.screeningReason(p.Lang, run, it), Accepted: it.Accepted,
			Reviewed: it.ReviewedBy != 0, Note: it.Note, Reviewable: data.CanReview && pr.InScope(it.RegionCode),
			OwnNote: r.PostFormValue(itemNoteField(it.Seq))}
		row.Rejected = slices.Contains(r.PostForm["reject"], strconv.Itoa(it.Seq))
		if it.PersonID != 0 {
			row.Name = names.persons[it.PersonID]
		} else {
			row.Name = names.heads[it.HouseholdID]
		}
		data.Items = append(data.Items, row)
	}
	data.Shown = len(data.Items)
	p.Title, p.Active, p.Data = p.T("screening.run_title", run.ID), "screening", data
	c.render(w, r, status, p)
	return nil
}

// scrItemNames are the names of a page's beneficiaries: persons, and the
// heads of households.
type scrItemNames struct {
	persons map[registry.PersonID]string
	heads   map[registry.HouseholdID]string
}

// beneficiaryNames reads the names of the items' persons and household
// heads in two queries (items the service has read in scope).
func (c *Console) beneficiaryNames(ctx context.Context, items []screening.Item) (scrItemNames, error) {
	var ps []registry.PersonID
	var hs []registry.HouseholdID
	for _, it := range items {
		if it.PersonID != 0 {
			ps = append(ps, it.PersonID)
		} else if it.HouseholdID != 0 {
			hs = append(hs, it.HouseholdID)
		}
	}
	var out scrItemNames
	var err error
	if out.persons, err = c.app.Store.PersonNames(ctx, ps); err != nil {
		return out, err
	}
	out.heads, err = c.app.Store.HouseholdHeadNames(ctx, hs)
	return out, err
}

// handleReviewScreening records the principal's review of a run: every
// item of their part accepted, or all but those marked rejected, which
// need the reason. The service checks the scope (a county reviews its
// own items) and that each item is reviewed once.
func (c *Console) handleReviewScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	run, err := c.app.Screening.FindRun(r.Context(), screening.RunID(id))
	if err != nil {
		return err
	}
	pr, _ := auth.PrincipalFrom(r.Context())
	if err := r.ParseForm(); err != nil {
		return fault.Errorf(fault.Invalid, "unreadable form")
	}
	rejected := map[int]bool{}
	for _, s := range r.PostForm["reject"] {
		seq, err := strconv.Atoi(s)
		if err != nil {
			return c.showScreeningRun(w, r, http.StatusUnprocessableEntity, map[string]string{"reject": s})
		}
		rejected[seq] = true
	}
	var accept []int
	for _, it := range run.Items {
		if pr.InScope(it.RegionCode) && !rejected[it.Seq] {
			accept = append(accept, it.Seq)
		}
	}
	// An item left out may have its own reason; the others take the
	// review's.
	notes := map[int]string{}
	for seq := range rejected {
		if n := strings.TrimSpace(r.PostFormValue(itemNoteField(seq))); n != "" {
			notes[seq] = n
		}
	}
	_, err = c.app.Screening.Review(r.Context(), run.ID, len(rejected) == 0, accept, r.PostFormValue("reason"), notes)
	if fault.CodeOf(err) == fault.Invalid {
		return c.showScreeningRun(w, r, http.StatusUnprocessableEntity, faultFieldsIn(langOf(r), err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/screening/runs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// itemNoteField is the review form's field of an item's own reason.
func itemNoteField(seq int) string { return "note-" + strconv.Itoa(seq) }

// handleDecideScreening approves or rejects a run, by an approver who
// neither made nor reviewed it (the service's rule); a rejection needs
// the note.
func (c *Console) handleDecideScreening(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	var approve bool
	switch r.PostFormValue("outcome") {
	case "approve":
		approve = true
	case "reject":
	default:
		return c.showScreeningRun(w, r, http.StatusUnprocessableEntity, map[string]string{"outcome": translate(langOf(r), "screening.outcome_bad")})
	}
	_, err = c.app.Screening.Decide(r.Context(), screening.RunID(id), approve, strings.TrimSpace(r.PostFormValue("note")))
	if fault.CodeOf(err) == fault.Invalid {
		return c.showScreeningRun(w, r, http.StatusUnprocessableEntity, faultFieldsIn(langOf(r), err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/screening/runs/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
	return nil
}

// screeningReason says in words why an item is proposed: the amount of a
// new award, the change of a changed one, or the conditions a stopped
// award no longer meets, by the policy labels of the run's programme (a
// stop's decision is not kept, only the names of what it failed).
func (c *Console) screeningReason(l Lang, run *screening.Run, it screening.Item) string {
	switch it.Change {
	case screening.ChangeNew:
		return translate(l, "screening.reason.new", yuan(l, it.Amount))
	case screening.ChangeChanged:
		return translate(l, "screening.reason.changed", yuan(l, it.OldAmount), yuan(l, it.Amount))
	}
	if rest, ok := strings.CutPrefix(it.Reason, "conditions not met: "); ok {
		parts := c.failedNames(l, run.Programme, rest)
		return translate(l, "screening.reason.stopped", strings.Join(parts, translate(l, "screening.list_sep")))
	}
	if strings.HasPrefix(it.Reason, "not in the registry of the region alive") {
		return translate(l, "screening.reason.gone", monthText(l, run.Period))
	}
	return it.Reason
}

// screeningMessages are the texts of the screening pages.
var screeningMessages = map[string]msg{
	"screening.title":             {"免申即享", "Proactive benefits"},
	"screening.to_review":         {"待本地复核的上级筛查批次", "Wider runs with items here to review"},
	"screening.to_review_hint":    {"州级全量筛查按县市分别复核：请复核本县市的条目。", "A prefecture-wide run is reviewed county by county: review your county's items."},
	"screening.my_items":          {"本地条目", "Items here"},
	"screening.runs":              {"筛查批次", "Screening runs"},
	"screening.run_title":         {"筛查批次 %d", "Screening run %d"},
	"screening.job_title":         {"筛查任务 %d", "Screening job %d"},
	"screening.jobs":              {"本月筛查任务", "This month's screening jobs"},
	"screening.start":             {"发起筛查", "Start a screening"},
	"screening.start_submit":      {"开始筛查", "Start"},
	"screening.scope":             {"筛查范围", "What to screen"},
	"screening.scope.all":         {"全部项目（全量筛查）", "Every programme (full screening)"},
	"screening.scope.events":      {"仅变动人员（死亡、残疾、低保等事件）", "Only persons with events (deaths, disability, 低保)"},
	"screening.scope_bad":         {"请选择筛查范围", "choose what to screen"},
	"screening.filter":            {"筛选", "Filter"},
	"screening.bad_filter":        {"筛选条件有误", "Bad filter"},
	"screening.month_format":      {"月份格式应为 2026-11", "a month is written 2026-11"},
	"screening.all":               {"全部", "All"},
	"screening.programme":         {"项目", "Programme"},
	"screening.month":             {"月份", "Month"},
	"screening.region":            {"地区", "Region"},
	"screening.new":               {"新增", "New"},
	"screening.changed":           {"变更", "Changed"},
	"screening.stopped":           {"停发", "Stopped"},
	"screening.amount":            {"当月应发金额合计", "Eligible amount of the month"},
	"screening.none":              {"没有符合条件的筛查批次。", "No screening run matches."},
	"screening.no_jobs":           {"本月尚未发起筛查任务。", "No screening job this month yet."},
	"screening.more":              {"下一页", "Next page"},
	"screening.status.proposed":   {"待复核", "To review"},
	"screening.status.reviewed":   {"已复核待审批", "Reviewed, to decide"},
	"screening.status.approved":   {"已批准", "Approved"},
	"screening.status.rejected":   {"未批准", "Rejected"},
	"screening.status.superseded": {"已被新批次取代", "Superseded"},
	"screening.job.running":       {"进行中", "Running"},
	"screening.job.done":          {"已完成", "Done"},
	"screening.job.failed":        {"失败", "Failed"},
	"screening.phase":             {"阶段", "Phase"},
	"screening.phase.classify":    {"困难家庭分层", "Classifying households"},
	"screening.phase.households":  {"家庭类补贴筛查", "Household allowances"},
	"screening.phase.persons":     {"个人类补贴筛查", "Personal allowances"},
	"screening.phase.done":        {"全部完成", "Finished"},
	"screening.progress":          {"进度", "Progress"},
	"screening.rows":              {"已处理 %d / %d 条", "%d of %d rows read"},
	"screening.job_runs":          {"本任务生成的筛查批次", "The job's runs"},
	"screening.job_error":         {"任务出错：", "The job failed: "},
	"screening.job_refresh":       {"页面每 2 秒自动刷新进度。", "The progress refreshes every 2 seconds."},
	"screening.reviewed_by":       {"复核人", "Reviewed by"},
	"screening.made_by":           {"发起人", "Made by"},
	"screening.decided_by":        {"审批人", "Decided by"},
	"screening.decision_note":     {"审批意见", "Decision note"},
	"screening.evaluated":         {"筛查人数/户数", "Screened"},
	"screening.eligible":          {"符合条件", "Eligible"},
	"screening.superseded_by":     {"本批次已被批次 %d 取代。", "This run was superseded by run %d."},
	"screening.counties":          {"各县市复核进度", "Review by county"},
	"screening.county":            {"县市", "County"},
	"screening.items_count":       {"条目", "Items"},
	"screening.reviewed_count":    {"已复核", "Reviewed"},
	"screening.items":             {"筛查结果", "Items"},
	"screening.items_shown":       {"本页 %d 条，共 %d 条", "%d on this page of %d"},
	"screening.seq":               {"序号", "No."},
	"screening.beneficiary":       {"对象", "Beneficiary"},
	"screening.change":            {"类型", "Change"},
	"screening.change.new":        {"新增", "New"},
	"screening.change.changed":    {"金额变更", "Changed"},
	"screening.change.stopped":    {"停发", "Stopped"},
	"screening.old_amount":        {"原金额", "Before"},
	"screening.new_amount":        {"新金额", "After"},
	"screening.reason":            {"理由", "Reason"},
	"screening.review_state":      {"复核结果", "Review"},
	"screening.accepted":          {"同意", "Accepted"},
	"screening.not_accepted":      {"不同意", "Not accepted"},
	"screening.not_reviewed":      {"待复核", "Not reviewed"},
	"screening.reject_item":       {"不同意", "Reject"},
	"screening.review":            {"复核", "Review"},
	"screening.review_hint":       {"默认同意全部条目；勾选“不同意”的条目须说明理由：可在该条目旁单独填写，未单独填写的使用下方的理由。县市经办员只复核本县市的条目。", "Every item is accepted unless marked rejected, which needs a reason: its own beside the item, or the one below for those without. A county's caseworker reviews the county's items."},
	"screening.review_reason":     {"不同意的理由（未单独填写理由的条目）", "Why the rejected items are not accepted (those without their own reason)"},
	"screening.item_note":         {"第%d条不同意的理由", "Why item %d is rejected"},
	"screening.item_note_hint":    {"该条理由（可选）", "its own reason (optional)"},
	"screening.review_submit":     {"提交复核", "Submit the review"},
	"screening.decide":            {"审批", "Decision"},
	"screening.decide_hint":       {"审批人不能是发起或复核本批次的人。批准后，同意的条目生效；不予批准须填写意见。", "The approver neither made nor reviewed the run. Approved, the accepted items take effect; a rejection needs the note."},
	"screening.approve":           {"批准", "Approve"},
	"screening.reject":            {"不予批准", "Reject"},
	"screening.outcome_bad":       {"请选择批准或不予批准", "choose approve or reject"},
	"screening.system":            {"系统", "the system"},
	"screening.problem":           {"请按提示修改：", "Please correct:"},
	"screening.sep":               {"：", ": "},
	"screening.list_sep":          {"；", "; "},
	"screening.reason.new":        {"符合全部条件，核定金额 %s", "Meets every condition: %s"},
	"screening.reason.changed":    {"金额由 %s 调整为 %s", "Amount changes from %s to %s"},
	"screening.reason.stopped":    {"不再符合：%s", "No longer met: %s"},
	"screening.reason.gone":       {"%s本地区已无在世登记", "Not registered alive in the region in %s"},
}
