package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/crossprov"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// crossProvinceRoutes are the routes of the cross-province requests
// (跨省通办, docs/crossprov.md): started by a caseworker, followed by the
// applicant.
func (s *server) crossProvinceRoutes() []route {
	type crossList = listResponse[crossRequestResponse]
	rs := []route{
		{method: "POST", path: "/api/v1/cross-province/requests", op: "startCrossProvinceRequest", handler: s.handleStartCrossRequest, tag: "cross-province",
			summary: "Start a cross-province request for a person in your scope (insurance.write): a pension transfer out (the account is debited at once and its voucher sent) or in (a 联系函), a remote certification, or a record",
			body:    crossRequestBody{}, status: http.StatusCreated, resp: crossRequestResponse{}},
		{method: "GET", path: "/api/v1/cross-province/requests", op: "listCrossProvinceRequests", handler: s.handleListCrossRequests, tag: "cross-province",
			summary: "List cross-province requests: a person's (staff in the person's region, or the citizen themself), an application's (application_no), or those of a region in your scope, oldest first",
			params:  crossListParams{}, status: http.StatusOK, resp: crossList{}},
		{method: "GET", path: "/api/v1/cross-province/requests/{id}", op: "getCrossProvinceRequest", handler: s.handleGetCrossRequest, tag: "cross-province",
			summary: "Read a cross-province request with its status in zh-CN: staff in the person's region, or the citizen it is about; anyone else gets 404",
			params:  idParams{}, status: http.StatusOK, resp: crossRequestResponse{}},
	}
	return append(rs, s.crossTaskRoutes()...)
}

// partyJSON is an agency at the other end: province and prefecture codes
// and its agency code.
type partyJSON struct {
	Province   string `json:"province" example:"110000" description:"6-digit province code, another province than this one"`
	Prefecture string `json:"prefecture,omitempty" example:"110100" description:"6-digit prefecture code in the province"`
	Agency     string `json:"agency" example:"11010001" description:"the agency's code (经办机构代码)"`
}

// crossRequestBody starts a cross-province request.
type crossRequestBody struct {
	Kind        string    `json:"kind" enum:"transfer_out,transfer_in,certification,record"`
	PersonID    int64     `json:"person_id"`
	Counterpart partyJSON `json:"counterpart" description:"the agency in another province the request goes to"`
	On          string    `json:"on,omitempty" format:"date" description:"transfer_out: the transfer's date, today by default"`
	LivingIn    string    `json:"living_in,omitempty" description:"certification: where the pensioner lives"`
	Record      string    `json:"record,omitempty" enum:"contribution_voucher,insured_certificate,rights_record" description:"record: the record asked for"`
}

// crossListParams are the filters of the list.
type crossListParams struct {
	PersonID      int64       `query:"person_id" description:"the person's requests; a citizen must name themself"`
	ApplicationNo string      `query:"application_no" maxLength:"40" description:"the requests of one application of the front office (办件编号)"`
	Region        region.Code `query:"region" description:"region subtree when no person is named; default your whole scope"`
	pageParams
}

// crossRecordResponse is a record an answer brought.
type crossRecordResponse struct {
	Record   string `json:"record" enum:"contribution_voucher,insured_certificate,rights_record" description:"参保缴费凭证, 参保证明 or 个人权益记录"`
	IssuedOn string `json:"issued_on" format:"date"`
	Months   int    `json:"months"`
	Balance  int64  `json:"balance" description:"personal-account balance, fen"`
	From     string `json:"from,omitempty" description:"first month insured, YYYY-MM"`
	To       string `json:"to,omitempty" description:"last month insured, YYYY-MM"`
}

// crossRequestResponse is a cross-province request and where it stands.
type crossRequestResponse struct {
	ID          int64     `json:"id"`
	Direction   string    `json:"direction" enum:"outgoing,incoming"`
	Kind        string    `json:"kind" enum:"transfer_out,transfer_in,certification,record"`
	PersonID    int64     `json:"person_id"`
	RegionCode  string    `json:"region_code"`
	Counterpart partyJSON `json:"counterpart" description:"the agency in another province at the other end"`
	Status      string    `json:"status" enum:"drafted,sent,acknowledged,answered,completed,refused,failed"`
	StatusText  string    `json:"status_text" example:"对方经办机构已受理" description:"the status in zh-CN, as the applicant reads it"`
	Reason      string    `json:"reason,omitempty" description:"why it was refused or failed, or the last sending error"`
	Retries     int       `json:"retries" description:"failed attempts to send its message"`
	MessageID   string    `json:"message_id"`
	On          string    `json:"on,omitempty" format:"date"`
	Detail      string    `json:"detail,omitempty"`
	Balance     int64     `json:"balance" description:"transfer: personal-account balance moved, fen"`
	Pooled      int64     `json:"pooled" description:"transfer: pooled funds moved, fen"`
	Months      int       `json:"months"`
	RecordRef   string    `json:"record_ref,omitempty" example:"transfer:12" description:"the record it produced here"`
	// TransferStatus is the status of the transfer it produced, when one.
	TransferStatus string               `json:"transfer_status,omitempty" enum:"done,pending,rejected" description:"the transfer it produced: pending while a second user decides a large transfer-in"`
	Record         *crossRecordResponse `json:"record,omitempty" description:"record: the record the counterpart returned"`
	CreatedBy      int64                `json:"created_by"`
	CreatedAt      time.Time            `json:"created_at"`
	UpdatedAt      time.Time            `json:"updated_at"`
	Version        int64                `json:"version"`
	ApplicationNo  string               `json:"application_no,omitempty" description:"the application of the front office (办件编号) that started it"`
}

// crossView converts a request, with the state of the transfer it made.
func (s *server) crossView(ctx context.Context, r *crossprov.Request) (crossRequestResponse, error) {
	c := crossRequestResponse{ID: r.ID, Direction: string(r.Direction), Kind: string(r.Kind), PersonID: int64(r.PersonID), RegionCode: string(r.RegionCode),
		Counterpart: partyJSON(r.Counterpart), Status: string(r.Status), StatusText: r.Status.Text(r.Kind), Reason: r.Reason, Retries: r.Retries,
		MessageID: r.MessageID, On: dateString(r.On), Detail: r.Detail, Balance: int64(r.Balance), Pooled: int64(r.Pooled), Months: r.Months,
		RecordRef: r.RecordRef, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, Version: r.Version, ApplicationNo: r.ApplicationNo}
	if strings.HasPrefix(r.RecordRef, "transfer:") {
		t, err := s.xp.TransferOf(ctx, r)
		if err != nil {
			return c, err
		}
		c.TransferStatus = string(t.Status)
		if r.Status == crossprov.StatusAnswered {
			switch t.Status {
			case insurance.TransferDone:
				c.StatusText = "已办结：养老保险关系已转入（已复核）"
			case insurance.TransferRejected:
				c.StatusText = "转入未通过复核：" + t.DecisionNote
			}
		}
	}
	if len(r.Answer) > 0 && r.Kind == crossprov.RecordReq {
		var rec crossprov.Record
		if err := json.Unmarshal(r.Answer, &rec); err == nil {
			c.Record = &crossRecordResponse{Record: rec.Record, IssuedOn: dateString(rec.IssuedOn), Months: rec.Months, Balance: int64(rec.Balance)}
			if !rec.From.IsZero() {
				c.Record.From = rec.From.String()
			}
			if !rec.To.IsZero() {
				c.Record.To = rec.To.String()
			}
		}
	}
	return c, nil
}

// crossService is the exchange, or the error of a server built without
// it.
func (s *server) crossService() (*crossprov.Service, error) {
	if s.xp == nil {
		return nil, fault.Errorf(fault.NotFound, "the cross-province exchange is not configured on this server")
	}
	return s.xp, nil
}

func (s *server) handleStartCrossRequest(w http.ResponseWriter, r *http.Request) error {
	xp, err := s.crossService()
	if err != nil {
		return err
	}
	body, err := decode[crossRequestBody](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	on := dateField(&pr, "on", body.On)
	if err := pr.Err("invalid cross-province request"); err != nil {
		return err
	}
	req, err := xp.Start(r.Context(), crossprov.StartRequest{Kind: crossprov.RequestKind(body.Kind), PersonID: registry.PersonID(body.PersonID),
		Counterpart: crossprov.Party(body.Counterpart), On: on, LivingIn: body.LivingIn, Record: body.Record})
	if err != nil {
		return err
	}
	out, err := s.crossView(r.Context(), req)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/cross-province/requests/"+strconv.FormatInt(req.ID, 10))
	reply(w, r, http.StatusCreated, out)
	return nil
}

func (s *server) handleGetCrossRequest(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	xp, err := s.crossService()
	if err != nil {
		return err
	}
	req, err := xp.Request(r.Context(), p.ID)
	if err != nil {
		return err
	}
	out, err := s.crossView(r.Context(), req)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

func (s *server) handleListCrossRequests(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[crossListParams](r)
	if err != nil {
		return err
	}
	xp, err := s.crossService()
	if err != nil {
		return err
	}
	page := p.page()
	rs, err := xp.Requests(r.Context(), crossprov.Filter{PersonID: registry.PersonID(p.PersonID), ApplicationNo: p.ApplicationNo, Region: p.Region, After: page.After, Limit: page.Limit})
	if err != nil {
		return err
	}
	views := make([]crossRequestResponse, 0, len(rs))
	for _, req := range rs {
		v, err := s.crossView(r.Context(), req)
		if err != nil {
			return err
		}
		views = append(views, v)
	}
	reply(w, r, http.StatusOK, newList(views, page.Limit, func(v crossRequestResponse) int64 { return v.ID }, func(v crossRequestResponse) crossRequestResponse { return v }))
	return nil
}
