package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/frontoffice"
	"safetynet/internal/matters"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// applicationRoutes are the routes of the front office's applications
// (办件, docs/frontoffice.md): received at a counter or through a channel,
// reviewed, approved and finished by the matter's action.
func (s *server) applicationRoutes() []route {
	type appList = listResponse[applicationResponse]
	return []route{
		{method: "POST", path: "/api/v1/applications", op: "receiveApplication", handler: s.handleReceiveApplication, tag: "applications",
			summary:     "Receive an application (受理) at a service point in your scope or through a channel (frontoffice.receive)",
			description: "A receipt naming no known matter, channel, point or applicant is a 422 and records nothing. A receipt missing an essential material, or whose form the matter's action finds wrong, is recorded as not_accepted (不予受理) with everything missing told at once (一次性告知) in reason; a deferrable material may follow by a promised date (容缺受理). A read-only matter is finished at once (即办).",
			body:        receiptBody{}, status: http.StatusCreated, resp: applicationResponse{}},
		{method: "GET", path: "/api/v1/applications", op: "listApplications", handler: s.handleListApplications, tag: "applications",
			summary: "List the applications in your scope, by key", params: applicationListParams{}, status: http.StatusOK, resp: appList{}},
		{method: "GET", path: "/api/v1/applications/overdue", op: "listOverdueApplications", handler: s.handleOverdueApplications, tag: "applications",
			summary: "List the running applications in your scope past their due date, due soon, or whose due date waits for the next year's calendar, with the overdue counted per point and department",
			params:  appOverdueParams{}, status: http.StatusOK, resp: overdueResponse{}},
		{method: "GET", path: "/api/v1/applications/{no}", op: "getApplication", handler: s.handleGetApplication, tag: "applications",
			summary: "Read an application with its materials, due date, suspensions, result and timeline", params: applicationParams{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/assignment", op: "takeApplication", handler: s.handleTakeApplication, tag: "applications",
			summary: "Take an application (认领): a caseworker of its department for review, an approver for approval", params: applicationParams{}, body: versionBody{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/reviews", op: "reviewApplication", handler: s.handleReviewApplication, tag: "applications",
			summary: "Review an application (审核): pass to approval, ask for a correction (补正, the clock stops) or refuse with the reason", params: applicationParams{}, body: reviewBody{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/decision", op: "decideApplication", handler: s.handleApproveApplication, tag: "applications",
			summary: "Approve (审批) or reject (refuse, with the note as the reason) an application: a user with decision.approve who neither received nor reviewed it; approved, the matter's action runs once as the reviewer", params: applicationParams{}, body: decisionRequest{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/resumption", op: "resumeApplication", handler: s.handleResumeApplication, tag: "applications",
			summary: "Record that the materials of a correction came: the clock runs again and the due date moves by the working days it stood still", params: applicationParams{}, body: noteBody{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/materials/{material}", op: "supplyApplicationMaterial", handler: s.handleSupplyMaterial, tag: "applications",
			summary: "Record that a deferred material (容缺) came; an application held for it is finished", params: materialParams{}, body: versionBody{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/withdrawal", op: "withdrawApplication", handler: s.handleWithdrawApplication, tag: "applications",
			summary: "Withdraw an application at the applicant's request before its action runs", params: applicationParams{}, body: noteBody{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "POST", path: "/api/v1/applications/{no}/settlement", op: "settleApplication", handler: s.handleSettleApplication, tag: "applications",
			summary: "Run the action of an application waiting in completing again (after a failure, or once a second user confirmed its domain record)", params: applicationParams{}, status: http.StatusOK, resp: applicationResponse{}},
		{method: "GET", path: "/api/v1/matters/{id}/form", op: "getMatterForm", handler: s.handleMatterForm, tag: "matters",
			summary: "Read the form a matter's action takes", params: matterParams{}, status: http.StatusOK, resp: matterFormResponse{}},
	}
}

// frontOffice is the front office, or the error of a server built without
// it.
func (s *server) frontOffice() (*frontoffice.Service, error) {
	if s.fo == nil {
		return nil, fault.Errorf(fault.NotFound, "the front office is not configured on this server")
	}
	return s.fo, nil
}

// materialInJSON is how a material was checked in.
type materialInJSON struct {
	How      string `json:"how" enum:"original,copy,uploaded,deferred" description:"original (原件), copy (复印件), uploaded online, or deferred (容缺) with a promise date"`
	Promised string `json:"promised,omitempty" format:"date" description:"deferred: the date the applicant promises it by (容缺)"`
}

// agentJSON is who applies for the applicant (代办人).
type agentJSON struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number" description:"the agent's resident ID number; only its masked form is kept"`
}

// receiptBody receives an application.
type receiptBody struct {
	Matter         string                     `json:"matter" example:"employee_pension_certification" description:"the matter's id in the catalogue (GET /api/v1/matters)"`
	Channel        string                     `json:"channel" enum:"window,online,mobile,cross_province,bank,township,village"`
	Point          string                     `json:"point,omitempty" example:"bank-652301-01" description:"the service point, for window, bank, township and village; none for online, mobile and cross_province"`
	PersonID       int64                      `json:"person_id,omitempty"`
	OrganisationID int64                      `json:"organisation_id,omitempty"`
	Agent          *agentJSON                 `json:"agent,omitempty" description:"who applies for the applicant (代办), with the matter's agent materials"`
	Form           map[string]json.RawMessage `json:"form,omitempty" description:"the fields of GET /api/v1/matters/{id}/form"`
	Materials      map[string]materialInJSON  `json:"materials,omitempty" description:"by material id; those fetched from the registry are not asked"`
}

// materialCheckJSON is a material as checked in.
type materialCheckJSON struct {
	ID       string        `json:"id"`
	Name     bilingualJSON `json:"name"`
	How      string        `json:"how" enum:"original,copy,uploaded,from_registry,deferred,missing" description:"how it was checked in: original (原件), copy, uploaded online, fetched from the registry (减材料), deferred (容缺) or missing"`
	Promised string        `json:"promised,omitempty" format:"date" description:"deferred: the date it was promised by"`
	Supplied string        `json:"supplied,omitempty" format:"date" description:"deferred: the date it came"`
	Fact     string        `json:"fact,omitempty" description:"from_registry: the registry fact read (减材料)"`
}

// suspensionJSON is a span in which the clock stood still (补正).
type suspensionJSON struct {
	From  string   `json:"from" format:"date" description:"the day the correction was asked; the clock stops from the next day"`
	To    string   `json:"to,omitempty" format:"date" description:"the day the materials came; empty while it runs"`
	Items []string `json:"items"`
}

// eventJSON is a step of the timeline.
type eventJSON struct {
	Action    string    `json:"action" example:"review"`
	From      string    `json:"from" description:"the status before the step"`
	To        string    `json:"to" description:"the status after the step"`
	ActorID   int64     `json:"actor_id"`
	ActorName string    `json:"actor_name" description:"who did it"`
	At        time.Time `json:"at"`
	Note      string    `json:"note,omitempty"`
}

// applicationResponse is an application (办件).
type applicationResponse struct {
	No             string                     `json:"no" example:"SNB65230101202611220001" description:"the receipt number: SN, the point's code (or OL, MB, XP for online, mobile, cross-province), the day and its sequence"`
	Matter         string                     `json:"matter" description:"the matter's id in the catalogue"`
	MatterName     bilingualJSON              `json:"matter_name" description:"the matter's name"`
	Department     string                     `json:"department" description:"the department that decides it"`
	Channel        string                     `json:"channel"`
	Point          string                     `json:"point,omitempty" description:"the service point that received it; none for online, mobile and cross_province"`
	PersonID       int64                      `json:"person_id,omitempty"`
	OrganisationID int64                      `json:"organisation_id,omitempty"`
	ApplicantName  string                     `json:"applicant_name" description:"the applicant's name from the registry"`
	Agent          *agentJSON                 `json:"agent,omitempty" description:"who applied for the applicant (代办人), ID number masked"`
	RegionCode     string                     `json:"region_code"`
	Form           map[string]json.RawMessage `json:"form,omitempty" description:"the form data of the matter's action"`
	Materials      []materialCheckJSON        `json:"materials" required:"true" nullable:"false" description:"every material of the matter as checked in"`
	Status         string                     `json:"status" enum:"received,reviewing,correction,approving,completing,held,completed,refused,not_accepted,withdrawn"`
	ReceivedBy     int64                      `json:"received_by"`
	ReceivedByName string                     `json:"received_by_name" description:"who received it (受理)"`
	ReviewerID     int64                      `json:"reviewer_id,omitempty"`
	ReviewerName   string                     `json:"reviewer_name,omitempty" description:"who reviewed it (审核)"`
	ApproverID     int64                      `json:"approver_id,omitempty"`
	ApproverName   string                     `json:"approver_name,omitempty" description:"who approved or refused it (审批)"`
	AssigneeID     int64                      `json:"assignee_id,omitempty"`
	AssigneeName   string                     `json:"assignee_name,omitempty" description:"who has it now"`
	ReceivedAt     time.Time                  `json:"received_at"`
	AcceptedOn     string                     `json:"accepted_on" format:"date"`
	TimeLimit      int                        `json:"time_limit" description:"the promised time limit in working days (承诺时限)"`
	DueDate        string                     `json:"due_date,omitempty" format:"date" description:"the last day of the time limit, the acceptance day not counted and the suspensions left out"`
	DuePending     string                     `json:"due_pending,omitempty" example:"待公布2027年节假日安排后计算" description:"why the due date is not counted yet"`
	Suspensions    []suspensionJSON           `json:"suspensions,omitempty" description:"the spans in which the clock stood still (补正)"`
	CompletedAt    *time.Time                 `json:"completed_at,omitempty"`
	ResultRef      string                     `json:"result_ref,omitempty" example:"certification:12" description:"the record the action made, as kind:id"`
	ResultSummary  string                     `json:"result_summary,omitempty" description:"what was done, in zh-CN, as the applicant was told"`
	ResultRecord   map[string]json.RawMessage `json:"result_record,omitempty" description:"what a read-only matter read"`
	Reason         string                     `json:"reason,omitempty" description:"the refusal, the correction asked or the 一次性告知 of a receipt not accepted"`
	Events         []eventJSON                `json:"events,omitempty" description:"the timeline, on a single application's read"`
	// CrossProvince is the cross-province request the action started (跨省通办), on a single application's read.
	CrossProvince *crossRequestResponse `json:"cross_province,omitempty" description:"the cross-province request the action started, with its state (跨省通办)"`
	Version       int64                 `json:"version"`
}

// dateText is a date as 2006-01-02, or empty.
func dateText(d period.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// applicationView converts an application.
func applicationView(a *frontoffice.Application, evs []frontoffice.Event) applicationResponse {
	v := applicationResponse{No: a.No, Matter: a.Matter, MatterName: bilingualJSON(a.MatterName), Department: a.Department, Channel: string(a.Channel),
		Point: a.Point, PersonID: int64(a.PersonID), OrganisationID: int64(a.OrganisationID), ApplicantName: a.ApplicantName,
		RegionCode: string(a.RegionCode), Materials: []materialCheckJSON{}, Status: string(a.Status), ReceivedBy: a.ReceivedBy,
		ReceivedByName: a.ReceivedByName, ReviewerID: a.ReviewerID, ReviewerName: a.ReviewerName, ApproverID: a.ApproverID,
		ApproverName: a.ApproverName, AssigneeID: a.AssigneeID, AssigneeName: a.AssigneeName, ReceivedAt: a.ReceivedAt,
		AcceptedOn: dateText(a.AcceptedOn), TimeLimit: a.TimeLimit, DueDate: dateText(a.DueDate), DuePending: a.DuePending,
		ResultRef: a.ResultRef, ResultSummary: a.ResultSummary, Reason: a.Reason, Version: a.Version}
	if a.Agent != nil {
		v.Agent = &agentJSON{Name: a.Agent.Name, IDNumber: a.Agent.IDNumber}
	}
	if len(a.Form) > 0 {
		_ = json.Unmarshal(a.Form, &v.Form)
	}
	if len(a.ResultRecord) > 0 {
		_ = json.Unmarshal(a.ResultRecord, &v.ResultRecord)
	}
	for _, m := range a.Materials {
		v.Materials = append(v.Materials, materialCheckJSON{ID: m.ID, Name: bilingualJSON(m.Name), How: m.How, Promised: dateText(m.Promised),
			Supplied: dateText(m.Supplied), Fact: m.Fact})
	}
	for _, sp := range a.Suspensions {
		v.Suspensions = append(v.Suspensions, suspensionJSON{From: dateText(sp.From), To: dateText(sp.To), Items: sp.Items})
	}
	if !a.CompletedAt.IsZero() {
		t := a.CompletedAt
		v.CompletedAt = &t
	}
	for _, e := range evs {
		v.Events = append(v.Events, eventJSON{Action: e.Action, From: string(e.From), To: string(e.To), ActorID: e.ActorID, ActorName: e.ActorName,
			At: e.At, Note: e.Note})
	}
	return v
}

func (s *server) handleReceiveApplication(w http.ResponseWriter, r *http.Request) error {
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	body, err := decode[receiptBody](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	in := frontoffice.Receipt{Matter: body.Matter, Channel: matters.Channel(body.Channel), Point: body.Point,
		PersonID: registry.PersonID(body.PersonID), OrganisationID: registry.OrgID(body.OrganisationID)}
	if body.Agent != nil {
		in.Agent = &frontoffice.Agent{Name: body.Agent.Name, IDNumber: body.Agent.IDNumber}
	}
	if body.Form != nil {
		if in.Form, err = json.Marshal(body.Form); err != nil {
			return err
		}
	}
	for id, m := range body.Materials {
		if in.Materials == nil {
			in.Materials = map[string]frontoffice.MaterialIn{}
		}
		in.Materials[id] = frontoffice.MaterialIn{How: m.How, Promised: dateField(&pr, "materials."+id+".promised", m.Promised)}
	}
	if err := pr.Err("invalid application"); err != nil {
		return err
	}
	a, err := fo.Receive(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/applications/"+url.PathEscape(a.No))
	reply(w, r, http.StatusCreated, applicationView(a, nil))
	return nil
}

// applicationListParams are the filters of the list.
type applicationListParams struct {
	Status     string `query:"status" enum:"received,reviewing,correction,approving,completing,held,completed,refused,not_accepted,withdrawn"`
	Point      string `query:"point" description:"a service point's id"`
	Matter     string `query:"matter" description:"a matter's id"`
	Department string `query:"department" enum:"sibao,minzheng" description:"the department that decides"`
	Assignee   string `query:"assignee" enum:"me" description:"me: the applications you have taken"`
	Region     string `query:"region" description:"region subtree of the applicants; default your whole scope"`
	Overdue    bool   `query:"overdue" description:"only the running applications past their due date"`
	DueSoon    bool   `query:"due_soon" description:"only the running applications due from today within the warning (frontoffice.warning_working_days)"`
	pageParams
}

func (s *server) handleListApplications(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[applicationListParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	page := p.page()
	f := frontoffice.Filter{Point: p.Point, Matter: p.Matter, Department: p.Department, After: page.After, Limit: page.Limit}
	f.Region = region.Code(p.Region)
	if p.Status != "" {
		f.Statuses = []frontoffice.Status{frontoffice.Status(p.Status)}
	}
	if p.Overdue || p.DueSoon {
		today, overdueBy, soonBy, err := fo.Deadlines(f.Region)
		if err != nil {
			return err
		}
		f.Statuses = frontoffice.Running()
		if p.Overdue {
			f.DueBefore = overdueBy
		} else {
			f.DueFrom, f.DueBefore = today, soonBy
			if soonBy.IsZero() {
				f.DueBefore = today.AddDays(-1) // the calendar cannot tell: nothing
			}
		}
	}
	if p.Assignee == "me" {
		if pr, ok := auth.PrincipalFrom(r.Context()); ok {
			f.AssigneeID = pr.UserID
		}
	}
	as, err := fo.List(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(as, page.Limit, func(a *frontoffice.Application) int64 { return a.ID },
		func(a *frontoffice.Application) applicationResponse { return applicationView(a, nil) }))
	return nil
}

// appOverdueParams filter the overdue list.
type appOverdueParams struct {
	Point      string `query:"point" description:"a service point's id"`
	Department string `query:"department" enum:"sibao,minzheng" description:"the department that decides"`
	Region     string `query:"region" description:"region subtree of the applicants; default your whole scope"`
}

// groupJSON is a count per point or department.
type groupJSON struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// overdueResponse is the overdue list.
type overdueResponse struct {
	On           string                `json:"on" format:"date"`
	Overdue      []applicationResponse `json:"overdue" required:"true" nullable:"false"`
	DueSoon      []applicationResponse `json:"due_soon" required:"true" nullable:"false" description:"due within the warning (parameter frontoffice.warning_working_days)"`
	DuePending   []applicationResponse `json:"due_pending" required:"true" nullable:"false" description:"due dates waiting for the next year's holiday calendar"`
	ByPoint      []groupJSON           `json:"by_point" required:"true" nullable:"false" description:"overdue per service point (or channel, for those without points)"`
	ByDepartment []groupJSON           `json:"by_department" required:"true" nullable:"false"`
	// DeferredOverdue are the applications accepted with a material to
	// follow (容缺) whose promised date passed without it.
	DeferredOverdue []applicationResponse `json:"deferred_overdue" required:"true" nullable:"false" description:"accepted with a deferred material (容缺) not supplied by its promised date"`
}

func (s *server) handleOverdueApplications(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[appOverdueParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	o, err := fo.OverdueList(r.Context(), frontoffice.OverdueFilter{Region: p.Region, Point: p.Point, Department: p.Department})
	if err != nil {
		return err
	}
	views := func(as []*frontoffice.Application) []applicationResponse {
		out := make([]applicationResponse, 0, len(as))
		for _, a := range as {
			out = append(out, applicationView(a, nil))
		}
		return out
	}
	groups := func(gs []frontoffice.Group) []groupJSON {
		out := make([]groupJSON, 0, len(gs))
		for _, g := range gs {
			out = append(out, groupJSON(g))
		}
		return out
	}
	late, err := fo.DeferredOverdue(r.Context(), frontoffice.DeferredFilter{Region: p.Region, Point: p.Point, Department: p.Department})
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, overdueResponse{On: dateText(o.On), Overdue: views(o.Overdue), DueSoon: views(o.DueSoon), DuePending: views(o.Pending),
		ByPoint: groups(o.ByPoint), ByDepartment: groups(o.ByDepartment), DeferredOverdue: views(late)})
	return nil
}

// applicationParams name an application.
type applicationParams struct {
	No string `path:"no" example:"SNB65230101202611220001" description:"the receipt number (办件编号)"`
}

// materialParams name a material of an application.
type materialParams struct {
	No       string `path:"no" example:"SNB65230101202611220001" description:"the receipt number (办件编号)"`
	Material string `path:"material" example:"labour_contract" description:"the deferred material's id in the catalogue"`
}

func (s *server) handleGetApplication(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[applicationParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	d, err := fo.Get(r.Context(), p.No)
	if err != nil {
		return err
	}
	v := applicationView(d.Application, d.Events)
	if d.CrossProvince != nil {
		xp, err := s.crossView(r.Context(), d.CrossProvince)
		if err != nil {
			return err
		}
		v.CrossProvince = &xp
	}
	reply(w, r, http.StatusOK, v)
	return nil
}

// versionBody carries the version a change was made on (0: the current).
type versionBody struct {
	Version int64 `json:"version" minimum:"0"`
}

// noteBody is a note with the version.
type noteBody struct {
	Note    string `json:"note,omitempty"`
	Version int64  `json:"version" minimum:"0"`
}

// reviewBody is a review's outcome.
type reviewBody struct {
	Outcome string   `json:"outcome" enum:"pass,correction,refuse"`
	Note    string   `json:"note,omitempty" description:"refuse: the reason, required"`
	Items   []string `json:"items,omitempty" description:"correction: what the applicant is to supply, required"`
	Version int64    `json:"version" minimum:"0"`
}

// applicationStep runs a step on the application of the path and answers
// it.
func (s *server) applicationStep(w http.ResponseWriter, r *http.Request, step func(fo *frontoffice.Service, no string) (*frontoffice.Application, error)) error {
	p, err := bind[applicationParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	a, err := step(fo, p.No)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, applicationView(a, nil))
	return nil
}

func (s *server) handleTakeApplication(w http.ResponseWriter, r *http.Request) error {
	return s.applicationStep(w, r, func(fo *frontoffice.Service, no string) (*frontoffice.Application, error) {
		body, err := decode[versionBody](r)
		if err != nil {
			return nil, err
		}
		return fo.Take(r.Context(), no, body.Version)
	})
}

func (s *server) handleReviewApplication(w http.ResponseWriter, r *http.Request) error {
	return s.applicationStep(w, r, func(fo *frontoffice.Service, no string) (*frontoffice.Application, error) {
		body, err := decode[reviewBody](r)
		if err != nil {
			return nil, err
		}
		return fo.Review(r.Context(), no, frontoffice.Decision{Outcome: body.Outcome, Note: body.Note, Items: body.Items, Version: body.Version})
	})
}

func (s *server) handleApproveApplication(w http.ResponseWriter, r *http.Request) error {
	p, body, err := bindBody[applicationParams, decisionRequest](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	d := frontoffice.Decision{Note: body.Note}
	switch body.Outcome {
	case outcomeApprove:
		d.Outcome = frontoffice.OutcomeApprove
	case outcomeReject:
		d.Outcome = frontoffice.OutcomeRefuse
	default:
		var pr fault.Problems
		pr.Add("outcome", "must be approve or reject")
		return pr.Err("invalid decision")
	}
	if body.Version != nil {
		d.Version = *body.Version
	}
	a, err := fo.Approve(r.Context(), p.No, d)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, applicationView(a, nil))
	return nil
}

func (s *server) handleResumeApplication(w http.ResponseWriter, r *http.Request) error {
	return s.applicationStep(w, r, func(fo *frontoffice.Service, no string) (*frontoffice.Application, error) {
		body, err := decode[noteBody](r)
		if err != nil {
			return nil, err
		}
		return fo.Resume(r.Context(), no, body.Version, body.Note)
	})
}

func (s *server) handleWithdrawApplication(w http.ResponseWriter, r *http.Request) error {
	return s.applicationStep(w, r, func(fo *frontoffice.Service, no string) (*frontoffice.Application, error) {
		body, err := decode[noteBody](r)
		if err != nil {
			return nil, err
		}
		return fo.Withdraw(r.Context(), no, body.Version, body.Note)
	})
}

func (s *server) handleSettleApplication(w http.ResponseWriter, r *http.Request) error {
	return s.applicationStep(w, r, func(fo *frontoffice.Service, no string) (*frontoffice.Application, error) {
		return fo.Settle(r.Context(), no)
	})
}

func (s *server) handleSupplyMaterial(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[materialParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	body, err := decode[versionBody](r)
	if err != nil {
		return err
	}
	a, err := fo.SupplyDeferred(r.Context(), p.No, p.Material, body.Version)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, applicationView(a, nil))
	return nil
}

// formFieldJSON is a field of a matter's form.
type formFieldJSON struct {
	Name     string        `json:"name"`
	Label    bilingualJSON `json:"label" description:"the field's label"`
	Kind     string        `json:"kind" enum:"text,date,month,fen,int,bool,choice"`
	Values   []string      `json:"values,omitempty"`
	Required bool          `json:"required" description:"whether the field must be given"`
}

// matterFormResponse is the form a matter's action takes.
type matterFormResponse struct {
	Matter string          `json:"matter" description:"the matter's id"`
	Action string          `json:"action"`
	Fields []formFieldJSON `json:"fields" required:"true" nullable:"false"`
}

func (s *server) handleMatterForm(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[matterParams](r)
	if err != nil {
		return err
	}
	fo, err := s.frontOffice()
	if err != nil {
		return err
	}
	m, ok := s.office.Catalogue.Matter(p.ID)
	if !ok {
		return fault.Errorf(fault.NotFound, "matter %s not found", p.ID)
	}
	ex, ok := fo.Executor(m)
	if !ok {
		return fault.Errorf(fault.NotFound, "the action %s of matter %s is not wired yet", m.Action, m.ID)
	}
	out := matterFormResponse{Matter: m.ID, Action: m.Action, Fields: []formFieldJSON{}}
	for _, f := range ex.Fields() {
		out.Fields = append(out.Fields, formFieldJSON{Name: f.Name, Label: bilingualJSON(f.Label), Kind: f.Kind, Values: f.Values, Required: f.Required})
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
