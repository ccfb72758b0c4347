package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/screening"
)

// screeningRoutes are the routes of screening (主动发现): runs proposed for
// review and approval, event screenings and background screening jobs.
func (s *server) screeningRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/screenings", op: "runScreening", handler: s.handleScreen, tag: "assistance",
			summary: "Screen the registry for an allowance (免申即享): new awards, changed amounts and stops, proposed for approval",
			body:    screenRequest{}, status: http.StatusCreated, resp: screeningResponse{}},
		{method: "POST", path: "/api/v1/screenings/events", op: "screenEvents", handler: s.handleScreenEvents, tag: "assistance",
			summary: "Screen again only the persons whom an event concerns (a new disability record, a death, a 低保 award) and those turning 80 in the month",
			body:    runRequest{}, status: http.StatusCreated, resp: eventScreeningResponse{}},
		{method: "POST", path: "/api/v1/screening-jobs", op: "startScreeningJob", handler: s.handleStartScreeningJob, tag: "assistance",
			summary: "Screen every person and household programme of a month (全量筛查) in the background: the classification of the tested households, then a run per allowance. One worker runs a job (its lease); a job of the month running already is answered (resumed), and taken up only when its worker is gone. A worker runs a limited number of jobs at once: past it, the job is answered queued and starts when a slot frees",
			body:    runRequest{}, status: http.StatusAccepted, resp: screeningJobResponse{}},
		{method: "GET", path: "/api/v1/screening-jobs/{id}", op: "getScreeningJob", handler: getByID(s.screen.FindJob, screeningJobOf), tag: "assistance",
			summary: "Read a screening job: its phase, percent done, classification and runs", params: idParams{}, status: http.StatusOK, resp: screeningJobResponse{}},
		{method: "GET", path: "/api/v1/screenings/{id}", op: "getScreening", handler: getByID(s.screen.FindRun, screeningOf), tag: "assistance",
			summary: "Read a screening run with its items", params: idParams{}, status: http.StatusOK, resp: screeningResponse{}},
		{method: "POST", path: "/api/v1/screenings/{id}/reviews", op: "reviewScreening", handler: s.handleReviewScreening, tag: "assistance",
			summary: "Review a proposed run: accept every item or some, the others with the reason. A caseworker of a county reviews the items of their county in a prefecture-wide run, once; the run is reviewed when every county has", params: idParams{},
			body: screeningReviewRequest{}, status: http.StatusOK, resp: screeningResponse{}},
		{method: "POST", path: "/api/v1/screenings/{id}/decision", op: "decideScreening", handler: decide(s.screen.Decide, screeningOf), tag: "assistance",
			summary: "Approve or reject a screening run, by an approver who neither made nor reviewed it; only accepted items take effect", params: idParams{},
			body: decisionRequest{}, status: http.StatusOK, resp: screeningResponse{}},
	}
}

type screenRequest struct {
	Programme string `json:"programme" required:"true" enum:"high_age_allowance,disability_living_subsidy,disability_care_subsidy,heating_assistance,festival_subsidy"`
	Period    string `json:"period" required:"true" example:"2025-07"`
	Region    string `json:"region,omitempty"`
}

type screeningItemResponse struct {
	Seq         int    `json:"seq"`
	Change      string `json:"change" enum:"new,changed,stopped"`
	HouseholdID int64  `json:"household_id,omitempty"`
	PersonID    int64  `json:"person_id,omitempty"`
	RegionCode  string `json:"region_code"`
	Amount      int64  `json:"amount"`
	OldAmount   int64  `json:"old_amount,omitempty"`
	AwardID     int64  `json:"award_id,omitempty"`
	Reason      string `json:"reason,omitempty"`
	Accepted    bool   `json:"accepted"`
	Note        string `json:"note,omitempty"`
	ReviewedBy  int64  `json:"reviewed_by,omitempty" description:"the caseworker who reviewed the item: of its county, or of the run's region"`
}

type countyReviewResponse struct {
	County   string `json:"county"`
	Items    int    `json:"items"`
	Reviewed int    `json:"reviewed"`
}

type screeningReviewRequest struct {
	All bool `json:"all,omitempty" description:"accept every item"`
	// Accept lists the items accepted, by seq, when not all.
	Accept []int  `json:"accept,omitempty"`
	Reason string `json:"reason,omitempty" description:"why the other items are not accepted: the reason of each item left out without a note of its own; required when one is"`
	// Notes gives items left out their own reason.
	Notes []screeningItemNote `json:"notes,omitempty" description:"the reason of single items left out, each by seq; the others take reason"`
}

// screeningItemNote is the reviewer's reason for leaving one item out.
type screeningItemNote struct {
	Seq  int    `json:"seq" required:"true" minimum:"1"`
	Note string `json:"note" required:"true"`
}

func (s *server) handleReviewScreening(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[idParams, screeningReviewRequest](r)
	if err != nil {
		return err
	}
	var notes map[int]string
	for _, n := range req.Notes {
		if notes == nil {
			notes = map[int]string{}
		}
		notes[n.Seq] = n.Note
	}
	run, err := s.screen.Review(r.Context(), screening.RunID(p.ID), req.All, req.Accept, req.Reason, notes)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, screeningOf(run))
	return nil
}

type screeningResponse struct {
	ID            int64                   `json:"id"`
	Programme     string                  `json:"programme"`
	Period        string                  `json:"period"`
	Region        string                  `json:"region"`
	Status        string                  `json:"status" enum:"proposed,reviewed,approved,rejected,superseded"`
	SupersededBy  int64                   `json:"superseded_by,omitempty" description:"the run that replaced this undecided one (status superseded)"`
	Supersedes    int64                   `json:"supersedes,omitempty" description:"the undecided run this one replaced"`
	Counties      []countyReviewResponse  `json:"counties" required:"true" nullable:"false" description:"per county, the items read and how many are reviewed: a prefecture-wide run is reviewed county by county"`
	Evaluated     int                     `json:"evaluated"`
	Eligible      int                     `json:"eligible"`
	NewAwards     int                     `json:"new_awards"`
	Changed       int                     `json:"changed"`
	Stopped       int                     `json:"stopped"`
	Amount        int64                   `json:"amount" description:"the eligible amounts of the period, fen"`
	PolicyVersion string                  `json:"policy_version"`
	CreatedBy     int64                   `json:"created_by"`
	ReviewedBy    int64                   `json:"reviewed_by,omitempty"`
	DecidedBy     int64                   `json:"decided_by,omitempty"`
	Reason        string                  `json:"reason,omitempty"`
	Items         []screeningItemResponse `json:"items" required:"true" nullable:"false"`
}

func screeningOf(run *screening.Run) screeningResponse {
	out := screeningResponse{ID: int64(run.ID), Programme: run.Programme, Period: run.Period.String(), Region: string(run.Region), Status: string(run.Status),
		Evaluated: run.Evaluated, Eligible: run.Eligible, NewAwards: run.NewAwards, Changed: run.Changed, Stopped: run.Stopped,
		Amount: int64(run.Amount), PolicyVersion: run.PolicyVersion, CreatedBy: run.CreatedBy, ReviewedBy: run.ReviewedBy, DecidedBy: run.DecidedBy, Reason: run.Reason,
		SupersededBy: int64(run.SupersededBy), Supersedes: int64(run.Supersedes), Counties: []countyReviewResponse{}, Items: []screeningItemResponse{}}
	for _, c := range run.Counties() {
		out.Counties = append(out.Counties, countyReviewResponse{County: string(c.County), Items: c.Items, Reviewed: c.Reviewed})
	}
	for _, it := range run.Items {
		out.Items = append(out.Items, screeningItemResponse{Seq: it.Seq, Change: string(it.Change), HouseholdID: int64(it.HouseholdID),
			PersonID: int64(it.PersonID), RegionCode: string(it.RegionCode), Amount: int64(it.Amount), OldAmount: int64(it.OldAmount),
			AwardID: int64(it.AwardID), Reason: it.Reason, Accepted: it.Accepted, Note: it.Note, ReviewedBy: it.ReviewedBy})
	}
	return out
}

func (s *server) handleScreen(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[screenRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	rc := regionField(&pr, "region", req.Region)
	if err := pr.Err("invalid screening"); err != nil {
		return err
	}
	run, err := s.screen.Screen(r.Context(), req.Programme, m, rc)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/screenings/"+strconv.FormatInt(int64(run.ID), 10))
	reply(w, r, http.StatusCreated, screeningOf(run))
	return nil
}

type eventScreeningResponse struct {
	Changed int                 `json:"changed" description:"persons concerned by events since the last event screening"`
	Turning int                 `json:"turning" description:"persons turning 80 in the month"`
	Cursor  int64               `json:"cursor" description:"the last audit event read"`
	Runs    []screeningResponse `json:"runs" required:"true" nullable:"false"`
}

func (s *server) handleScreenEvents(w http.ResponseWriter, r *http.Request) error {
	m, code, err := decodeRun(r, "invalid screening")
	if err != nil {
		return err
	}
	sum, err := s.screen.ScreenEvents(r.Context(), m, code)
	if err != nil {
		return err
	}
	out := eventScreeningResponse{Changed: sum.Changed, Turning: sum.Turning, Cursor: sum.Cursor, Runs: []screeningResponse{}}
	for _, run := range sum.Runs {
		out.Runs = append(out.Runs, screeningOf(run))
	}
	reply(w, r, http.StatusCreated, out)
	return nil
}

type screeningJobResponse struct {
	ID      int64   `json:"id"`
	Period  string  `json:"period"`
	Region  string  `json:"region"`
	Status  string  `json:"status" enum:"running,done,failed"`
	Phase   string  `json:"phase" enum:"classify,households,persons,done"`
	Done    int     `json:"done" description:"rows read: tested households, households and persons of every phase"`
	Total   int     `json:"total"`
	Percent float64 `json:"percent" description:"0 to 100, to one decimal"`
	// Resumed says the POST took up a job of the month that was running
	// (crashed, or another process's).
	Resumed bool `json:"resumed,omitempty" description:"the POST took up a job of the month that was running (crashed, queued, or another process's)"`
	// Claimed says the POST's worker runs the job; false, another worker
	// holds its lease and the POST started nothing.
	Claimed bool `json:"claimed,omitempty" description:"the POST's worker runs the job (at once, or queued); false: another worker holds its lease and the POST started nothing"`
	// Queued says the POST's worker has all its job slots taken: the job
	// waits, stored with no lease holder, and is taken up (by this worker
	// or another) when a slot frees.
	Queued         bool                   `json:"queued,omitempty" description:"every job slot of the POST's worker is taken: the job waits, stored with no lease holder, until a slot frees here or another worker takes it up"`
	LeaseOwner     string                 `json:"lease_owner,omitempty" description:"the worker running the job"`
	LeaseUntil     string                 `json:"lease_until,omitempty" description:"when the lease ends unless renewed by the worker's progress; then another worker takes the job up"`
	HeartbeatAt    string                 `json:"heartbeat_at,omitempty"`
	Attempts       int                    `json:"attempts"`
	Error          string                 `json:"error,omitempty"`
	Classification *jobClassificationResp `json:"classification,omitempty"`
	RunIDs         []int64                `json:"run_ids" required:"true" nullable:"false" description:"the screening runs, to review and decide"`
	CreatedBy      int64                  `json:"created_by"`
	CreatedAt      string                 `json:"created_at"`
	UpdatedAt      string                 `json:"updated_at"`
	FinishedAt     string                 `json:"finished_at,omitempty"`
}

type jobClassificationResp struct {
	Households  int            `json:"households" description:"tested households classified"`
	ByLayer     map[string]int `json:"by_layer"`
	Unserved    map[string]int `json:"unserved" description:"households classified 特困 or 低保 with neither an active award nor an open case"`
	DibaoAmount int64          `json:"dibao_amount" description:"fen a month"`
}

func screeningJobOf(j *screening.Job) screeningJobResponse {
	out := screeningJobResponse{ID: int64(j.ID), Period: j.Period.String(), Region: string(j.Region), Status: string(j.Status), Phase: j.Phase,
		Done: j.Done, Total: j.Total, Percent: j.Percent(), Attempts: j.Attempts, Error: j.Error, RunIDs: []int64{}, CreatedBy: j.CreatedBy,
		CreatedAt: j.CreatedAt.Format(time.RFC3339), UpdatedAt: j.UpdatedAt.Format(time.RFC3339)}
	if !j.FinishedAt.IsZero() {
		out.FinishedAt = j.FinishedAt.Format(time.RFC3339)
	}
	if j.LeaseOwner != "" {
		out.LeaseOwner, out.LeaseUntil = j.LeaseOwner, j.LeaseUntil.Format(time.RFC3339)
	}
	if !j.HeartbeatAt.IsZero() {
		out.HeartbeatAt = j.HeartbeatAt.Format(time.RFC3339)
	}
	for _, id := range j.RunIDs {
		out.RunIDs = append(out.RunIDs, int64(id))
	}
	if c := j.Classification; c != nil {
		out.Classification = &jobClassificationResp{Households: c.Households, ByLayer: map[string]int{}, Unserved: map[string]int{}, DibaoAmount: int64(c.DibaoAmount)}
		for l, n := range c.ByLayer {
			out.Classification.ByLayer[string(l)] = n
		}
		for l, n := range c.Unserved {
			out.Classification.Unserved[string(l)] = n
		}
	}
	return out
}

func (s *server) handleStartScreeningJob(w http.ResponseWriter, r *http.Request) error {
	m, code, err := decodeRun(r, "invalid screening")
	if err != nil {
		return err
	}
	job, resumed, err := s.screen.StartJob(r.Context(), m, code)
	if err != nil {
		return err
	}
	// The job outlives the request: the runner runs it, or queues it when
	// its slots are taken, and the caller follows it at Location. A job
	// another worker holds is only followed.
	claimed, queued := job.Held(), false
	if claimed {
		if queued, err = s.screen.Submit(r.Context(), s.jobs, job); err != nil {
			return err
		}
	}
	out := screeningJobOf(job)
	out.Resumed, out.Claimed, out.Queued = resumed, claimed, queued
	w.Header().Set("Location", "/api/v1/screening-jobs/"+strconv.FormatInt(int64(job.ID), 10))
	reply(w, r, http.StatusAccepted, out)
	return nil
}
