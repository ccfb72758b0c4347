package httpapi

import (
	"net/http"
	"time"

	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// crossTaskRoutes are the routes of the requests of other provinces that
// a caseworker handles here (跨省通办来件, docs/crossprov.md, Incoming
// tasks).
func (s *server) crossTaskRoutes() []route {
	type taskList = listResponse[crossTaskResponse]
	return []route{
		{method: "GET", path: "/api/v1/cross-province/incoming", op: "listCrossProvinceIncoming", handler: s.handleListCrossTasks, tag: "cross-province",
			summary: "List the requests of other provinces (transfer contact letters, certification requests) for the persons of your scope (insurance.write), oldest first",
			params:  crossTaskListParams{}, status: http.StatusOK, resp: taskList{}},
		{method: "GET", path: "/api/v1/cross-province/incoming/{id}", op: "getCrossProvinceIncoming", handler: s.handleGetCrossTask, tag: "cross-province",
			summary: "Read a request of another province: staff with insurance.write in the person's region; anyone else gets 404",
			params:  idParams{}, status: http.StatusOK, resp: crossTaskResponse{}},
		{method: "POST", path: "/api/v1/cross-province/incoming/{id}/answer", op: "answerCrossProvinceIncoming", handler: s.handleAnswerCrossTask, tag: "cross-province",
			summary: "Answer a request of another province once. outcome accept: a contact letter transfers the pension out (insurance.Accounts.TransferOut) and sends the voucher; a certification is recorded (date, method) and the result sent. outcome refuse: the reason is sent to the other province. 409 while another user handles it or once handled",
			params:  idParams{}, body: crossTaskAnswerBody{}, status: http.StatusOK, resp: crossTaskResponse{}},
	}
}

// crossTaskListParams are the filters of the list.
type crossTaskListParams struct {
	Region region.Code `query:"region" description:"region subtree; default your whole scope"`
	Status string      `query:"status" enum:"to_handle,accepted,refused" description:"default all"`
	pageParams
}

// crossTaskAnswerBody answers a request of another province.
type crossTaskAnswerBody struct {
	Outcome string `json:"outcome" enum:"accept,refuse" description:"accept: do what the other province asks; refuse: say why"`
	Date    string `json:"date,omitempty" format:"date" description:"accept a certification: the date the pensioner was certified, today by default"`
	Method  string `json:"method,omitempty" enum:"face,visit,data_match" description:"accept a certification: how the pensioner was certified (required)"`
	Reason  string `json:"reason,omitempty" maxLength:"500" description:"refuse: why, sent to the other province (required)"`
}

// crossTaskResponse is a request of another province and where it stands.
type crossTaskResponse struct {
	ID          int64     `json:"id"`
	MessageID   string    `json:"message_id" description:"the other province's message, which the answer correlates"`
	Kind        string    `json:"kind" enum:"transfer_out,certification" description:"transfer_out: a transfer contact letter (联系函); certification: certify a pensioner living here"`
	KindText    string    `json:"kind_text" example:"养老保险关系转出（联系函）" description:"what the other province asks, in zh-CN"`
	PersonID    int64     `json:"person_id"`
	PersonName  string    `json:"person_name" description:"the person's name as registered here"`
	RegionCode  string    `json:"region_code"`
	Counterpart partyJSON `json:"counterpart" description:"the agency in another province that asks"`
	Detail      string    `json:"detail,omitempty" description:"where the pensioner lives (certification) or the date the person applied there (transfer)"`
	Status      string    `json:"status" enum:"to_handle,accepted,refused"`
	StatusText  string    `json:"status_text" example:"待办理" description:"the status in zh-CN"`
	Reason      string    `json:"reason,omitempty" description:"why it was refused"`
	On          string    `json:"on,omitempty" format:"date" description:"the transfer's or the certification's date"`
	Method      string    `json:"method,omitempty" enum:"face,visit,data_match"`
	RecordRef   string    `json:"record_ref,omitempty" example:"transfer:12" description:"what accepting it made"`
	ReplyID     string    `json:"reply_id,omitempty" description:"the message that answered it"`
	HandledBy   int64     `json:"handled_by,omitempty" description:"the ID of the user who accepted or refused it"`
	HandledName string    `json:"handled_by_name,omitempty" description:"the user who accepted or refused it"`
	ReceivedAt  time.Time `json:"received_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	Version     int64     `json:"version"`
}

// crossTaskView converts a task.
func crossTaskView(t *crossprov.Task) crossTaskResponse {
	return crossTaskResponse{ID: t.ID, MessageID: t.MessageID, Kind: string(t.Kind), KindText: t.KindText(), PersonID: int64(t.PersonID),
		PersonName: t.PersonName, RegionCode: string(t.RegionCode), Counterpart: partyJSON(t.Counterpart), Detail: t.Detail,
		Status: string(t.Status), StatusText: t.Status.Text(), Reason: t.Reason, On: dateString(t.On), Method: t.Method,
		RecordRef: t.RecordRef, ReplyID: t.ReplyID, HandledBy: t.HandledBy, HandledName: t.HandledByName,
		ReceivedAt: t.ReceivedAt, UpdatedAt: t.UpdatedAt, Version: t.Version}
}

func (s *server) handleListCrossTasks(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[crossTaskListParams](r)
	if err != nil {
		return err
	}
	xp, err := s.crossService()
	if err != nil {
		return err
	}
	page := p.page()
	ts, err := xp.Tasks(r.Context(), crossprov.TaskFilter{Region: p.Region, Status: crossprov.TaskStatus(p.Status), After: page.After, Limit: page.Limit})
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(ts, page.Limit, func(t *crossprov.Task) int64 { return t.ID }, crossTaskView))
	return nil
}

func (s *server) handleGetCrossTask(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	xp, err := s.crossService()
	if err != nil {
		return err
	}
	t, err := xp.Task(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, crossTaskView(t))
	return nil
}

func (s *server) handleAnswerCrossTask(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	xp, err := s.crossService()
	if err != nil {
		return err
	}
	body, err := decode[crossTaskAnswerBody](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	var t *crossprov.Task
	switch body.Outcome {
	case "accept":
		on := dateField(&pr, "date", body.Date)
		if err := pr.Err("invalid answer"); err != nil {
			return err
		}
		t, err = xp.AcceptTask(r.Context(), p.ID, crossprov.AcceptTask{Date: on, Method: body.Method})
	case "refuse":
		t, err = xp.RefuseTask(r.Context(), p.ID, body.Reason)
	default:
		pr.Add("outcome", "must be accept or refuse, not %q", body.Outcome)
		return pr.Err("invalid answer")
	}
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, crossTaskView(t))
	return nil
}
