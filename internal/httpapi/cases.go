package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// caseRoutes are the routes of assistance cases: application,
// investigation, assessment, public notice and objections, approval.
func (s *server) caseRoutes() []route {
	type (
		caseList = listResponse[caseResponse]
	)
	return []route{
		{method: "POST", path: "/api/v1/assistance-cases", op: "createAssistanceCase", handler: s.handleApply, tag: "assistance",
			summary: "Apply for 低保, 特困 or temporary assistance (受理), from any channel", body: applyRequest{}, status: http.StatusCreated, resp: caseResponse{}},
		{method: "GET", path: "/api/v1/assistance-cases", op: "listAssistanceCases", handler: s.handleListCases, tag: "assistance",
			summary: "List assistance cases in your scope", params: caseListParams{}, status: http.StatusOK, resp: caseList{}},
		{method: "GET", path: "/api/v1/assistance-cases/{id}", op: "getAssistanceCase", handler: s.handleGetCase, tag: "assistance",
			summary: "Read a case with its history, objections and explained assessment", params: idParams{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/investigation", op: "recordAssistanceInvestigation", handler: s.handleInvestigate, tag: "assistance",
			summary: "Record the household investigation (入户调查) as a means test", params: idParams{}, body: investigationRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/assessment", op: "assessAssistanceCase", handler: s.caseAction(s.asst.Assess), tag: "assistance",
			summary: "Assess the case (审核) with the policy engine: eligible 低保 and 特困 cases go on public notice (公示)", params: idParams{},
			body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/objections", op: "raiseAssistanceObjection", handler: s.handleObject, tag: "assistance",
			summary: "Record an objection received during the public notice (公示异议)", params: idParams{}, body: objectionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/objections/{objection}/resolution", op: "resolveAssistanceObjection", handler: s.handleResolveObjection, tag: "assistance",
			summary: "Resolve an objection: upheld sends the case back for investigation", params: objectionParams{}, body: resolutionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/decision", op: "decideAssistanceCase", handler: s.handleDecideCase, tag: "assistance",
			summary: "Decide the case (审批), by an approver who did not assess it: approve makes the award (or the proposed refusal), reject refuses with the reason the applicant is told; on a fast-track grant, approve confirms it and reject reverses it (review after the fact)",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/withdrawal", op: "withdrawAssistanceCase", handler: s.caseAction(s.asst.Withdraw), tag: "assistance",
			summary: "Withdraw an open case at the applicant's request", params: idParams{}, body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/fast-track", op: "fastTrackAssistanceCase", handler: s.caseAction(s.asst.FastTrack), tag: "assistance",
			summary: "Grant emergency temporary assistance at once (先救助后审批), within the fast-track limit; reviewed after the fact", params: idParams{},
			body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
	}
}

type applyRequest struct {
	Programme     string `json:"programme" required:"true" enum:"dibao,tekun,temporary_assistance"`
	HouseholdID   int64  `json:"household_id" required:"true" minimum:"1"`
	PersonID      int64  `json:"person_id,omitempty" description:"the person applied for: required for 特困"`
	Channel       string `json:"channel" required:"true" enum:"counter,online,township,village,bank_point,cross_province,proactive"`
	AppliedOn     string `json:"applied_on,omitempty" format:"date" description:"default today"`
	ApplicantNote string `json:"applicant_note,omitempty"`
	HardshipType  string `json:"hardship_type,omitempty" enum:"emergency,expense" description:"temporary assistance only"`
	Expense       int64  `json:"expense,omitempty" description:"temporary assistance: the expense not covered otherwise, fen"`
	Note          string `json:"note,omitempty" description:"the caseworker's note on the application"`
}

type caseEventResponse struct {
	Seq      int    `json:"seq"`
	At       string `json:"at" format:"date-time"`
	UserID   int64  `json:"user_id"`
	Username string `json:"username"`
	Action   string `json:"action"`
	Note     string `json:"note,omitempty"`
}

type objectionResponse struct {
	ID         int64  `json:"id"`
	ReceivedOn string `json:"received_on" format:"date"`
	Objector   string `json:"objector,omitempty"`
	Content    string `json:"content"`
	Outcome    string `json:"outcome" enum:"pending,upheld,dismissed"`
	Finding    string `json:"finding,omitempty"`
	ResolvedBy int64  `json:"resolved_by,omitempty"`
}

// caseResponse is an assistance case (救助申请).
type caseResponse struct {
	ID            int64  `json:"id"`
	Programme     string `json:"programme"`
	HouseholdID   int64  `json:"household_id"`
	PersonID      int64  `json:"person_id,omitempty"`
	RegionCode    string `json:"region_code"`
	Channel       string `json:"channel"`
	Status        string `json:"status" enum:"applied,investigated,notice,proposed,approved,refused,withdrawn,granted,reversed"`
	AppliedOn     string `json:"applied_on" format:"date"`
	ApplicantNote string `json:"applicant_note,omitempty"`
	HardshipType  string `json:"hardship_type,omitempty"`
	Expense       int64  `json:"expense,omitempty"`
	FastTrack     bool   `json:"fast_track,omitempty"`
	TestID        int64  `json:"test_id,omitempty"`
	Eligible      bool   `json:"eligible"`
	Amount        int64  `json:"amount" description:"assessed: monthly for 低保 and 特困, the grant for temporary assistance, fen"`
	AssessedBy    int64  `json:"assessed_by,omitempty"`
	NoticeFrom    string `json:"notice_from,omitempty" format:"date"`
	NoticeTo      string `json:"notice_to,omitempty" format:"date"`
	DecidedBy     int64  `json:"decided_by,omitempty"`
	Reason        string `json:"reason,omitempty"`
	AwardID       int64  `json:"award_id,omitempty"`
	Version       int64  `json:"version"`
	// Decision, Events and Objections come in single reads.
	Decision   *decisionResponse   `json:"decision,omitempty"`
	Events     []caseEventResponse `json:"events,omitempty"`
	Objections []objectionResponse `json:"objections,omitempty"`
}

func caseOf(c *assistance.Case) caseResponse {
	return caseResponse{ID: int64(c.ID), Programme: c.Programme, HouseholdID: int64(c.HouseholdID), PersonID: int64(c.PersonID),
		RegionCode: string(c.RegionCode), Channel: string(c.Channel), Status: string(c.Status), AppliedOn: dateString(c.AppliedOn),
		ApplicantNote: c.ApplicantNote, HardshipType: string(c.HardshipType), Expense: int64(c.Expense), FastTrack: c.FastTrack,
		TestID: int64(c.TestID), Eligible: c.Eligible, Amount: int64(c.Amount), AssessedBy: c.AssessedBy, NoticeFrom: dateString(c.NoticeFrom),
		NoticeTo: dateString(c.NoticeTo), DecidedBy: c.DecidedBy, Reason: c.Reason, AwardID: int64(c.AwardID), Version: c.Version}
}

func caseViewOf(v *assistance.CaseView) caseResponse {
	out := caseOf(v.Case)
	out.Decision = storedDecision(v.Decision)
	for _, e := range v.Events {
		out.Events = append(out.Events, caseEventResponse{Seq: e.Seq, At: timeString(e.At), UserID: e.UserID, Username: e.Username, Action: e.Action, Note: e.Note})
	}
	for _, o := range v.Objections {
		out.Objections = append(out.Objections, objectionResponse{ID: int64(o.ID), ReceivedOn: dateString(o.ReceivedOn), Objector: o.Objector,
			Content: o.Content, Outcome: string(o.Outcome), Finding: o.Finding, ResolvedBy: o.ResolvedBy})
	}
	return out
}

func caseKey(c *assistance.Case) int64 { return int64(c.ID) }

func (s *server) handleApply(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[applyRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	c := &assistance.Case{Programme: req.Programme, HouseholdID: registry.HouseholdID(req.HouseholdID), PersonID: registry.PersonID(req.PersonID),
		Channel: assistance.Channel(req.Channel), AppliedOn: dateField(&pr, "applied_on", req.AppliedOn), ApplicantNote: req.ApplicantNote,
		HardshipType: assistance.HardshipType(req.HardshipType), Expense: money.Fen(req.Expense)}
	if err := pr.Err("invalid application"); err != nil {
		return err
	}
	if err := s.asst.Apply(r.Context(), c, req.Note); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/assistance-cases/"+strconv.FormatInt(int64(c.ID), 10))
	reply(w, r, http.StatusCreated, caseOf(c))
	return nil
}

type caseListParams struct {
	Region      region.Code          `query:"region"`
	Programme   string               `query:"programme" enum:"dibao,tekun,temporary_assistance"`
	Status      string               `query:"status" enum:"applied,investigated,notice,proposed,approved,refused,withdrawn,granted,reversed"`
	HouseholdID registry.HouseholdID `query:"household_id"`
	pageParams
}

func (s *server) handleListCases(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[caseListParams](r)
	if err != nil {
		return err
	}
	f := assistance.CaseFilter{Region: p.Region, Programme: p.Programme, Status: assistance.CaseStatus(p.Status),
		HouseholdID: p.HouseholdID, Page: p.page()}
	cs, err := s.asst.Cases(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(cs, f.Limit, caseKey, caseOf))
	return nil
}

// replyCase answers with the case as it now stands, history included.
func (s *server) replyCase(w http.ResponseWriter, r *http.Request, status int, id assistance.CaseID) error {
	v, err := s.asst.FindCase(r.Context(), id)
	if err != nil {
		return err
	}
	reply(w, r, status, caseViewOf(v))
	return nil
}

func (s *server) handleGetCase(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	return s.replyCase(w, r, http.StatusOK, assistance.CaseID(p.ID))
}

// investigationRequest is the body of an investigation: the case's version
// and the means test found.
type investigationRequest = meansTestRequest

func (s *server) handleInvestigate(w http.ResponseWriter, r *http.Request) error {
	var t *assistance.MeansTest
	id, req, version, err := versionedID[assistance.CaseID](r, "invalid investigation", func(pr *fault.Problems, req *investigationRequest) error {
		t = req.test(pr)
		return nil
	})
	if err != nil {
		return err
	}
	if _, _, err := s.asst.Investigate(r.Context(), id, version, t, req.Note); err != nil {
		return err
	}
	return s.replyCase(w, r, http.StatusOK, id)
}

// caseActionRequest is the body of a step of a case.
type caseActionRequest struct {
	Version *int64 `json:"version" required:"true"`
	// Note is the note of the step; for a refusal or withdrawal, the reason.
	Note string `json:"note,omitempty"`
}

// caseAction runs a step that takes the version and a note.
func (s *server) caseAction(step func(ctx context.Context, id assistance.CaseID, version int64, note string) (*assistance.Case, error)) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, req, version, err := versionedID[assistance.CaseID, caseActionRequest](r, "invalid request", nil)
		if err != nil {
			return err
		}
		if _, err := step(r.Context(), id, version, req.Note); err != nil {
			return err
		}
		return s.replyCase(w, r, http.StatusOK, id)
	}
}

type objectionRequest struct {
	Objector   string `json:"objector,omitempty" description:"as given; may be anonymous"`
	Content    string `json:"content" required:"true"`
	ReceivedOn string `json:"received_on,omitempty" format:"date" description:"default today; within the notice"`
}

func (s *server) handleObject(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[idParams, objectionRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	o := &assistance.Objection{Objector: req.Objector, Content: req.Content, ReceivedOn: dateField(&pr, "received_on", req.ReceivedOn)}
	if err := pr.Err("invalid objection"); err != nil {
		return err
	}
	if _, err := s.asst.Object(r.Context(), assistance.CaseID(p.ID), o); err != nil {
		return err
	}
	return s.replyCase(w, r, http.StatusOK, assistance.CaseID(p.ID))
}

type objectionParams struct {
	ID        assistance.CaseID      `path:"id" minimum:"1"`
	Objection assistance.ObjectionID `path:"objection" minimum:"1"`
}

type resolutionRequest struct {
	Upheld  bool   `json:"upheld"`
	Finding string `json:"finding" required:"true" description:"what the check found"`
}

func (s *server) handleResolveObjection(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[objectionParams, resolutionRequest](r)
	if err != nil {
		return err
	}
	if _, err := s.asst.ResolveObjection(r.Context(), p.ID, p.Objection, req.Upheld, req.Finding); err != nil {
		return err
	}
	return s.replyCase(w, r, http.StatusOK, p.ID)
}

// handleDecideCase serves POST /api/v1/assistance-cases/{id}/decision.
func (s *server) handleDecideCase(w http.ResponseWriter, r *http.Request) error {
	p, req, approve, err := bindDecision(r, true)
	if err != nil {
		return err
	}
	if _, err := s.asst.Decide(r.Context(), assistance.CaseID(p.ID), *req.Version, approve, req.Note); err != nil {
		return err
	}
	return s.replyCase(w, r, http.StatusOK, assistance.CaseID(p.ID))
}
