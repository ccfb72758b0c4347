package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
)

// refundRoutes are the routes of the job-stabilisation refund.
func (s *server) refundRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/refund-runs", op: "screenRefunds", handler: s.handleScreenRefunds, tag: "insurance",
			summary: "Screen every employer for the year's job-stabilisation refund (稳岗返还) on last year's figures: the year's next batch, for approval",
			body:    refundRunRequest{}, status: http.StatusCreated, resp: refundRunResponse{}},
		{method: "GET", path: "/api/v1/refund-runs/{id}", op: "getRefundRun", handler: getByID(s.ref.FindRun, refundRunOf), tag: "insurance",
			summary: "Read a refund run with its employers", params: idParams{}, status: http.StatusOK, resp: refundRunResponse{}},
		{method: "POST", path: "/api/v1/refund-runs/{id}/decision", op: "decideRefundRun", handler: decide(s.ref.Decide, refundRunOf), tag: "insurance",
			summary: "Approve or reject a refund run, by an approver who did not make it: approved, each employer is refunded once for the year",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: refundRunResponse{}},
		{method: "GET", path: "/api/v1/reports/refunds", op: "getRefundsReport", handler: s.handleRefundBatches, tag: "insurance",
			summary: "Enterprises and amounts per refund batch (and county) of the years from..to touches", params: refundReportParams{}, status: http.StatusOK, resp: refundReport{}},
	}
}

type refundRunRequest struct {
	Year   int    `json:"year" required:"true" example:"2025" description:"the refund year, on the previous year's figures"`
	Region string `json:"region,omitempty"`
}

type refundItemResponse struct {
	OrgID        int64  `json:"org_id"`
	RegionCode   string `json:"region_code"`
	Size         string `json:"size"`
	Amount       int64  `json:"amount"`
	InsuredAvg   int    `json:"insured_avg" description:"average monthly insured contributors of the previous year"`
	NewClaimants int    `json:"new_claimants"`
	MonthsPaid   int    `json:"months_paid"`
	Premiums     int64  `json:"premiums" description:"unemployment premiums paid in the previous year, fen"`
}

type refundRunResponse struct {
	ID           int64                `json:"id"`
	Year         int                  `json:"year"`
	Batch        int                  `json:"batch"`
	Region       string               `json:"region"`
	Status       string               `json:"status" enum:"proposed,approved,rejected,superseded,none" description:"none: no employer to refund, no run recorded (id 0, answered 200)"`
	SupersededBy int64                `json:"superseded_by,omitempty"`
	Evaluated    int                  `json:"evaluated"`
	Enterprises  int                  `json:"enterprises"`
	Amount       int64                `json:"amount"`
	CreatedBy    int64                `json:"created_by"`
	DecidedBy    int64                `json:"decided_by,omitempty"`
	Items        []refundItemResponse `json:"items" required:"true" nullable:"false"`
}

func refundRunOf(r *insurance.RefundRun) refundRunResponse {
	out := refundRunResponse{ID: int64(r.ID), Year: r.Year, Batch: r.Batch, Region: string(r.Region), Status: string(r.Status), Evaluated: r.Evaluated,
		Enterprises: r.Enterprises, Amount: int64(r.Amount), CreatedBy: r.CreatedBy, DecidedBy: r.DecidedBy, SupersededBy: int64(r.SupersededBy),
		Items: []refundItemResponse{}}
	for _, it := range r.Items {
		out.Items = append(out.Items, refundItemResponse{OrgID: int64(it.OrgID), RegionCode: string(it.RegionCode), Size: string(it.Size),
			Amount: int64(it.Amount), InsuredAvg: it.InsuredAvg, NewClaimants: it.NewClaimants, MonthsPaid: it.MonthsPaid, Premiums: int64(it.Premiums)})
	}
	return out
}

func (s *server) handleScreenRefunds(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[refundRunRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	code := regionField(&pr, "region", req.Region)
	if err := pr.Err("invalid refund run"); err != nil {
		return err
	}
	run, err := s.ref.Screen(r.Context(), req.Year, code)
	if err != nil {
		return err
	}
	if run.Status == insurance.RefundNone {
		// No employer to refund: nothing recorded, nothing to approve.
		reply(w, r, http.StatusOK, refundRunOf(run))
		return nil
	}
	w.Header().Set("Location", "/api/v1/refund-runs/"+strconv.FormatInt(int64(run.ID), 10))
	reply(w, r, http.StatusCreated, refundRunOf(run))
	return nil
}

// refundReportParams are the report's period parameters and whether to
// break each batch down by county.
type refundReportParams struct {
	reportParams
	ByCounty bool `query:"by_county" description:"one row per batch and county instead of per batch"`
}

// refundBatchResponse is a refund batch's total, or one county's part.
type refundBatchResponse struct {
	Year        int    `json:"year" description:"the year refunded"`
	Batch       int    `json:"batch" description:"the batch's number within the year"`
	County      string `json:"county,omitempty" description:"county division code, with by_county"`
	Enterprises int    `json:"enterprises" description:"employers refunded"`
	Amount      int64  `json:"amount" description:"refunded, fen"`
}

// refundTotals adds up the refund report's rows.
type refundTotals struct {
	Amount int64 `json:"amount" description:"refunded in the years reported, fen"`
}

// refundReport is the body of GET /api/v1/reports/refunds: refunds are
// made yearly, so it covers every year from..to touches.
type refundReport = reportResponse[refundBatchResponse, refundTotals]

func (s *server) handleRefundBatches(w http.ResponseWriter, r *http.Request) error {
	b, err := bind[refundReportParams](r)
	if err != nil {
		return err
	}
	byCounty := b.ByCounty
	p, err := s.reportPeriod(b.reportParams)
	if err != nil {
		return err
	}
	out := newReport[refundBatchResponse, refundTotals]("refunds", p)
	var total money.Fen
	for year := p.From.Year(); year <= p.To.Year(); year++ {
		bs, err := s.ref.Batches(r.Context(), year, p.Region, byCounty)
		if err != nil {
			return err
		}
		for _, b := range bs {
			out.Rows = append(out.Rows, refundBatchResponse{Year: b.Year, Batch: b.Batch, County: string(b.County), Enterprises: b.Enterprises, Amount: int64(b.Amount)})
			if total, err = money.Add(total, b.Amount); err != nil {
				return err
			}
		}
	}
	out.Totals.Amount = int64(total)
	reply(w, r, http.StatusOK, out)
	return nil
}
