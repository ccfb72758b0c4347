package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/monitoring"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// alertRoutes are the routes of the low-income dynamic monitoring
// (低收入人口动态监测): signals, their processing, alerts, visits and
// dispositions.
func (s *server) alertRoutes() []route {
	type (
		alertList    = listResponse[alertResponse]
		townshipList = listResponse[townshipOverdueResponse]
	)
	return []route{
		{method: "POST", path: "/api/v1/signals", op: "recordSignal", handler: s.handleRecordSignals, tag: "monitoring",
			summary: "Record a batch of department signals (风险信号) about persons in households, all or none; a rejection names every bad item; the ID numbers given count as searches by ID number (429 over the hourly limit)",
			body:    signalsRequest{}, status: http.StatusCreated, resp: signalsResponse{}, limited: true},
		{method: "POST", path: "/api/v1/signal-runs", op: "runSignalProcessing", handler: s.handleProcessSignals, tag: "monitoring",
			summary: "Grade the signals waiting in your scope with the programme low_income_risk: open alerts, raise open ones, attach the rest",
			body:    processRequest{}, status: http.StatusOK, resp: processResponse{}},
		{method: "GET", path: "/api/v1/alerts", op: "listAlerts", handler: s.handleListAlerts, tag: "monitoring",
			summary: "List risk alerts (风险预警) in your scope, by region, township, status, level, or overdue on a day", params: alertListParams{},
			status: http.StatusOK, resp: alertList{}},
		{method: "GET", path: "/api/v1/alerts/overdue", op: "listOverdueAlerts", handler: s.handleOverdueAlerts, tag: "monitoring",
			summary: "Alerts not disposed of by their due date, per township (逾期未处置)", params: overdueParams{},
			status: http.StatusOK, resp: townshipList{}},
		{method: "GET", path: "/api/v1/alerts/{id}", op: "getAlert", handler: s.handleGetAlert, tag: "monitoring",
			summary: "Read an alert with its person, signals, visits and the explained decision of its level (the read is audited)",
			params:  alertParams{}, status: http.StatusOK, resp: alertResponse{}},
		{method: "POST", path: "/api/v1/alerts/{id}/visits", op: "recordAlertVisit", handler: s.handleVisitAlert, tag: "monitoring",
			summary: "Record a visit to the household (入户核实): met, or not reached (send the version you read)",
			params:  alertParams{}, body: visitRequest{}, status: http.StatusCreated, resp: alertResponse{}},
		{method: "POST", path: "/api/v1/alerts/{id}/disposition", op: "disposeAlert", handler: s.handleDisposeAlert, tag: "monitoring",
			summary: "Close an alert: referred to a programme, no need, or unreachable (send the version you read)",
			params:  alertParams{}, body: dispositionRequest{}, status: http.StatusOK, resp: alertResponse{}},
	}
}

// signalRequest is one signal of POST /api/v1/signals: the person by key
// or by resident ID number.
type signalRequest struct {
	PersonID int64  `json:"person_id,omitempty" minimum:"1"`
	IDNumber string `json:"id_number,omitempty" description:"resident ID number (公民身份号码), when person_id is not given"`
	// Name, when given, must be the registered name.
	Name       string `json:"name,omitempty"`
	Kind       string `json:"kind" required:"true" enum:"hospital_bill,new_disability,earner_death,unemployment,disaster,income_drop"`
	Source     string `json:"source" required:"true" enum:"medical_insurance,health,disabled_federation,hr_social_security,civil_affairs,emergency_management,public_security,tax,agriculture,education,housing"`
	OccurredOn string `json:"occurred_on" required:"true" format:"date"`
	Amount     int64  `json:"amount,omitempty" description:"in fen: the out-of-pocket bill, the disaster loss or the income lost over 12 months; for those kinds only"`
	Grade      int    `json:"grade,omitempty" minimum:"1" maximum:"4" description:"a new disability's grade (残疾等级), 1 most severe"`
	Detail     string `json:"detail,omitempty"`
}

// signalsRequest is the body of POST /api/v1/signals.
type signalsRequest struct {
	// Batch names the batch, such as the department's file.
	Batch   string          `json:"batch,omitempty"`
	Signals []signalRequest `json:"signals" required:"true" nullable:"false"`
}

// signalsResponse says what POST /api/v1/signals recorded.
type signalsResponse struct {
	Recorded int     `json:"recorded"`
	IDs      []int64 `json:"ids" required:"true" nullable:"false"`
}

// processRequest is the body of POST /api/v1/signal-runs.
type processRequest struct {
	AsOf string `json:"as_of,omitempty" format:"date" description:"grade the signals that occurred up to this day; default today"`
}

// processResponse totals a processing run.
type processResponse struct {
	Region   string         `json:"region"`
	AsOf     string         `json:"as_of" format:"date"`
	Signals  int            `json:"signals" description:"signals graded"`
	AtRisk   int            `json:"at_risk"`
	NoRisk   int            `json:"no_risk" description:"signals without a risk for a household without an open alert"`
	Opened   int            `json:"opened" description:"alerts opened"`
	Raised   int            `json:"raised" description:"open alerts raised to a higher level"`
	Attached int            `json:"attached" description:"signals attached to an alert without raising it"`
	ByLevel  map[string]int `json:"by_level" required:"true" nullable:"false" description:"alerts opened or raised, by their level now"`
	// PolicyVersion is the policy package that graded the signals.
	PolicyVersion string `json:"policy_version"`
}

// alertParams are the parameters of an alert's URL.
type alertParams struct {
	ID monitoring.AlertID `path:"id" minimum:"1"`
}

// alertListParams are the filters of GET /api/v1/alerts.
type alertListParams struct {
	Region   region.Code `query:"region" description:"division code of the household; default your whole scope"`
	Township region.Code `query:"township" description:"township code (9 digits)"`
	Status   string      `query:"status" enum:"open,visited,closed"`
	Level    string      `query:"level" enum:"yellow,orange,red,1,2,3"`
	Overdue  bool        `query:"overdue" description:"only the alerts overdue on as_of: not closed and due before it"`
	AsOf     period.Date `query:"as_of" format:"date" description:"with overdue=true; default today"`
	pageParams
}

// overdueParams are the filters of GET /api/v1/alerts/overdue.
type overdueParams struct {
	Region region.Code `query:"region" description:"region subtree; default your whole scope"`
	AsOf   period.Date `query:"as_of" format:"date" description:"the day the alerts are overdue on; default today"`
	pageParams
}

// visitRequest is the body of POST /api/v1/alerts/{id}/visits.
type visitRequest struct {
	Version   *int64 `json:"version" required:"true"`
	VisitedOn string `json:"visited_on" required:"true" format:"date"`
	Outcome   string `json:"outcome" required:"true" enum:"met,not_reached"`
	Note      string `json:"note,omitempty"`
}

// dispositionRequest is the body of POST /api/v1/alerts/{id}/disposition.
type dispositionRequest struct {
	Version     *int64 `json:"version" required:"true"`
	Disposition string `json:"disposition" required:"true" enum:"referred,no_need,unreachable"`
	// Programme is the programme a referral names, such as dibao or
	// temporary_assistance (GET /api/v1/programmes).
	Programme string `json:"programme,omitempty"`
	Note      string `json:"note,omitempty" description:"required for no_need: why the household needs no assistance"`
}

// thresholdResponse is a parameter an alert's level read.
type thresholdResponse struct {
	Key   string `json:"key" example:"monitoring.hospital_bill.share.orange"`
	Value string `json:"value" example:"50%"`
	From  string `json:"from" format:"date"`
}

// reasonResponse is a trigger of the programme that held.
type reasonResponse struct {
	Trigger    string              `json:"trigger" example:"trigger_hospital_bill_orange"`
	Thresholds []thresholdResponse `json:"thresholds" required:"true" nullable:"false"`
}

// explanationResponse is the stored explanation of an alert's level: the
// case of the signal that set it.
type explanationResponse struct {
	SignalID int64  `json:"signal_id"`
	Period   string `json:"period" example:"2025-03"`
	Region   string `json:"region"`
	Level    int    `json:"level"`
	DueDays  int    `json:"due_days"`
	// Due is the parameter of the due days.
	Due    *thresholdResponse         `json:"due,omitempty" description:"the policy parameter that set the due days"`
	Inputs map[string]json.RawMessage `json:"inputs" required:"true" nullable:"false"`
	// Version is the policy package that graded the signal; Reproduced
	// says whether the current package gives the same version and level.
	Version    string `json:"version"`
	Reproduced bool   `json:"reproduced"`
}

// alertPersonResponse is the person of an alert, masked as elsewhere.
type alertPersonResponse struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number" description:"masked unless your role may see personal data"`
}

// alertSignalResponse is a signal of an alert.
type alertSignalResponse struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	Source     string `json:"source"`
	Kind       string `json:"kind"`
	OccurredOn string `json:"occurred_on" format:"date"`
	Amount     int64  `json:"amount" description:"in fen"`
	Grade      int    `json:"grade,omitempty"`
	Detail     string `json:"detail,omitempty"`
	Batch      string `json:"batch,omitempty"`
	Line       int    `json:"line,omitempty"`
	ReceivedAt string `json:"received_at" format:"date-time"`
	Level      int    `json:"level" description:"the risk the signal showed, 0-3"`
	Raised     bool   `json:"raised" description:"the signal opened or raised the alert"`
}

// visitResponse is a visit to an alert's household.
type visitResponse struct {
	Seq       int    `json:"seq"`
	VisitedOn string `json:"visited_on" format:"date"`
	Outcome   string `json:"outcome" enum:"met,not_reached"`
	Note      string `json:"note,omitempty"`
	Username  string `json:"username"`
}

// alertResponse is a risk alert (风险预警) for the township caseworker.
type alertResponse struct {
	ID          int64  `json:"id"`
	HouseholdID int64  `json:"household_id"`
	PersonID    int64  `json:"person_id"`
	RegionCode  string `json:"region_code"`
	// TownshipCode is the township-level ancestor of the household's
	// region; TownshipName in single reads only.
	TownshipCode string `json:"township_code"`
	TownshipName string `json:"township_name,omitempty"`
	Level        int    `json:"level" minimum:"1" maximum:"3"`
	Risk         string `json:"risk" enum:"yellow,orange,red"`
	RiskZH       string `json:"risk_zh" enum:"一般,较高,高"`
	OpenedOn     string `json:"opened_on" format:"date"`
	DueOn        string `json:"due_on" format:"date"`
	// Overdue says whether the alert is overdue today.
	Overdue           bool   `json:"overdue"`
	Status            string `json:"status" enum:"open,visited,closed"`
	Disposition       string `json:"disposition,omitempty" enum:"referred,no_need,unreachable"`
	ReferredProgramme string `json:"referred_programme,omitempty"`
	DispositionNote   string `json:"disposition_note,omitempty"`
	ClosedBy          string `json:"closed_by,omitempty"`
	ClosedAt          string `json:"closed_at,omitempty" format:"date-time"`
	Version           int64  `json:"version"`
	// Why lists the triggers that held, with their thresholds.
	Why         []reasonResponse     `json:"why" required:"true" nullable:"false"`
	Explanation *explanationResponse `json:"explanation,omitempty"`
	// The person, signals, visits and the full decision, in single reads
	// only.
	Person   *alertPersonResponse  `json:"person,omitempty"`
	Signals  []alertSignalResponse `json:"signals,omitempty"`
	Visits   []visitResponse       `json:"visits,omitempty"`
	Decision *decisionResponse     `json:"decision,omitempty"`
}

// townshipOverdueResponse is one township's line of the overdue list.
type townshipOverdueResponse struct {
	Township  string  `json:"township"`
	Name      string  `json:"name"`
	Open      int     `json:"open" description:"alerts not closed"`
	Overdue   int     `json:"overdue" description:"of them, due before as_of"`
	OldestDue string  `json:"oldest_due" format:"date"`
	AlertIDs  []int64 `json:"alert_ids" required:"true" nullable:"false" description:"the overdue alerts, by due date"`
}

func threshold(t monitoring.Threshold) thresholdResponse {
	return thresholdResponse{Key: t.Key, Value: t.Value, From: dateString(t.From)}
}

func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// alertOf converts an alert for the view v; single reads carry the
// person, signals, visits and decision.
func (v view) alertOf(a *monitoring.Alert) alertResponse {
	out := alertResponse{ID: int64(a.ID), HouseholdID: int64(a.HouseholdID), PersonID: int64(a.PersonID), RegionCode: string(a.RegionCode),
		TownshipCode: string(a.TownshipCode), TownshipName: a.TownshipName, Level: int(a.Level), Risk: a.Level.String(), RiskZH: a.Level.NameZH(),
		OpenedOn: dateString(a.OpenedOn), DueOn: dateString(a.DueOn), Overdue: a.OverdueOn(v.today), Status: string(a.Status),
		Disposition: string(a.Disposition), ReferredProgramme: a.ReferredProgramme, DispositionNote: a.DispositionNote, ClosedBy: a.ClosedBy,
		ClosedAt: timeString(a.ClosedAt), Version: a.Version, Why: []reasonResponse{}}
	if e := a.Explanation; e != nil {
		for _, r := range e.Reasons {
			rr := reasonResponse{Trigger: r.Trigger, Thresholds: make([]thresholdResponse, len(r.Thresholds))}
			for i, t := range r.Thresholds {
				rr.Thresholds[i] = threshold(t)
			}
			out.Why = append(out.Why, rr)
		}
		out.Explanation = &explanationResponse{SignalID: int64(e.SignalID), Period: monthString(e.Period), Region: string(e.Region), Level: int(e.Level),
			DueDays: e.DueDays, Inputs: e.Inputs, Version: e.Version, Reproduced: e.Reproduced}
		if e.Due.Key != "" {
			d := threshold(e.Due)
			out.Explanation.Due = &d
		}
	}
	if a.PersonIDNumber != "" {
		out.Person = &alertPersonResponse{Name: a.PersonName, IDNumber: v.idNumber(a.PersonIDNumber)}
	}
	for _, sg := range a.Signals {
		out.Signals = append(out.Signals, alertSignalResponse{ID: int64(sg.ID), PersonID: int64(sg.PersonID), Source: string(sg.Source), Kind: string(sg.Kind),
			OccurredOn: dateString(sg.OccurredOn), Amount: int64(sg.Amount), Grade: sg.Grade, Detail: sg.Detail, Batch: sg.Batch, Line: sg.Line,
			ReceivedAt: timeString(sg.ReceivedAt), Level: int(sg.Level), Raised: sg.Raised})
	}
	for _, vi := range a.Visits {
		out.Visits = append(out.Visits, visitResponse{Seq: vi.Seq, VisitedOn: dateString(vi.VisitedOn), Outcome: string(vi.Outcome), Note: vi.Note, Username: vi.Username})
	}
	if a.Decision != nil {
		d := decisionOf(a.Decision)
		out.Decision = &d
	}
	return out
}

func alertKey(a *monitoring.Alert) int64 { return int64(a.ID) }

func (s *server) handleRecordSignals(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[signalsRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	today := s.viewOf(r.Context()).today
	ss := make([]monitoring.Signal, len(req.Signals))
	for i, in := range req.Signals {
		f := "signals[" + strconv.Itoa(i) + "]."
		sg := monitoring.Signal{PersonID: registry.PersonID(in.PersonID), Name: in.Name, Kind: monitoring.Kind(in.Kind), Source: monitoring.Source(in.Source),
			OccurredOn: dateField(&pr, f+"occurred_on", in.OccurredOn), Amount: money.Fen(in.Amount), Grade: in.Grade, Detail: in.Detail}
		if in.IDNumber != "" {
			if in.PersonID != 0 {
				pr.Add(f+"id_number", "give person_id or id_number, not both")
			}
			id, err := ids.ParseResidentID(in.IDNumber, today)
			if err != nil {
				pr.Add(f+"id_number", "%v", err)
			}
			sg.IDNumber = id
		}
		ss[i] = sg
	}
	if err := pr.Err("invalid signals"); err != nil {
		return err
	}
	// Whether an ID number names a registered person is an answer: the
	// numbers count as searches by ID number, limited and audited.
	var numbers []ids.ResidentID
	for _, sg := range ss {
		if sg.IDNumber != "" {
			numbers = append(numbers, sg.IDNumber)
		}
	}
	if err := s.reg.CheckIDSearches(r.Context(), numbers); err != nil {
		return err
	}
	if _, err := s.mon.RecordSignals(r.Context(), req.Batch, ss); err != nil {
		return err
	}
	out := signalsResponse{Recorded: len(ss), IDs: make([]int64, len(ss))}
	for i := range ss {
		out.IDs[i] = int64(ss[i].ID)
	}
	reply(w, r, http.StatusCreated, out)
	return nil
}

func (s *server) handleProcessSignals(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[processRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	asOf := dateField(&pr, "as_of", req.AsOf)
	if err := pr.Err("invalid processing"); err != nil {
		return err
	}
	sum, err := s.mon.Process(r.Context(), asOf)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, processResponse{Region: string(sum.Region), AsOf: dateString(sum.AsOf), Signals: sum.Signals, AtRisk: sum.AtRisk,
		NoRisk: sum.NoRisk, Opened: sum.Opened, Raised: sum.Raised, Attached: sum.Attached, ByLevel: sum.ByLevel, PolicyVersion: sum.PolicyVersion})
	return nil
}

func (s *server) handleListAlerts(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[alertListParams](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	f := monitoring.AlertFilter{Region: p.Region, Township: p.Township, Status: monitoring.Status(p.Status), Page: p.page()}
	if l := p.Level; l != "" {
		lvl, ok := monitoring.ParseLevel(l)
		if !ok {
			pr.Add("level", "must be yellow, orange or red (1-3)")
		}
		f.Level = lvl
	}
	asOf := p.AsOf
	v := s.viewOf(r.Context())
	switch overdue := p.Overdue; {
	case overdue && asOf.IsZero():
		f.OverdueOn = v.today
	case overdue:
		f.OverdueOn = asOf
	case !asOf.IsZero():
		pr.Add("as_of", "goes with overdue=true")
	}
	if err := pr.Err("invalid query parameters"); err != nil {
		return err
	}
	as, err := s.mon.Alerts(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(as, f.Limit, alertKey, v.alertOf))
	return nil
}

func (s *server) handleOverdueAlerts(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[overdueParams](r)
	if err != nil {
		return err
	}
	code, asOf, page := p.Region, p.AsOf, p.page()
	rows, err := s.mon.Overdue(r.Context(), asOf, code)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(rows, page, func(t monitoring.TownshipOverdue) townshipOverdueResponse {
		o := townshipOverdueResponse{Township: string(t.Township), Name: t.Name, Open: t.Open, Overdue: t.Overdue, OldestDue: dateString(t.OldestDue),
			AlertIDs: make([]int64, len(t.AlertIDs))}
		for j, id := range t.AlertIDs {
			o.AlertIDs[j] = int64(id)
		}
		return o
	}))
	return nil
}

func (s *server) handleGetAlert(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[alertParams](r)
	if err != nil {
		return err
	}
	a, err := s.mon.Alert(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.viewOf(r.Context()).alertOf(a))
	return nil
}

func (s *server) handleVisitAlert(w http.ResponseWriter, r *http.Request) error {
	var on period.Date
	p, req, version, err := versioned[alertParams](r, "invalid visit", func(pr *fault.Problems, req *visitRequest) error {
		on = dateField(pr, "visited_on", req.VisitedOn)
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := s.mon.RecordVisit(r.Context(), p.ID, version,
		monitoring.Visit{VisitedOn: on, Outcome: monitoring.VisitOutcome(req.Outcome), Note: req.Note}); err != nil {
		return err
	}
	return s.replyAlert(w, r, http.StatusCreated, p.ID)
}

func (s *server) handleDisposeAlert(w http.ResponseWriter, r *http.Request) error {
	p, req, version, err := versioned[alertParams, dispositionRequest](r, "invalid disposition", nil)
	if err != nil {
		return err
	}
	if _, err := s.mon.Dispose(r.Context(), p.ID, version, monitoring.Disposition(req.Disposition), req.Programme, req.Note); err != nil {
		return err
	}
	return s.replyAlert(w, r, http.StatusOK, p.ID)
}

// replyAlert answers a change with the alert as it now stands.
func (s *server) replyAlert(w http.ResponseWriter, r *http.Request, status int, id monitoring.AlertID) error {
	a, err := s.mon.Alert(r.Context(), id)
	if err != nil {
		return fmt.Errorf("read alert %d after the change: %w", id, err)
	}
	w.Header().Set("Location", "/api/v1/alerts/"+strconv.FormatInt(int64(id), 10))
	reply(w, r, status, s.viewOf(r.Context()).alertOf(a))
	return nil
}
