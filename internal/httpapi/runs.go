package httpapi

import (
	"net/http"
	"time"

	"safetynet/internal/insurance"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/screening"
)

// runListRoutes are the lists of the runs and jobs that make work for a
// reviewer: screening runs and jobs, refund runs, payroll runs and payment
// runs, each in the caller's scope.
func (s *server) runListRoutes() []route {
	type (
		screeningList    = listResponse[screeningResponse]
		screeningJobList = listResponse[screeningJobResponse]
		refundRunList    = listResponse[refundRunResponse]
		payrollRunList   = listResponse[payrollRunResponse]
		paymentRunList   = listResponse[paymentRunResponse]
	)
	return []route{
		{method: "GET", path: "/api/v1/screenings", op: "listScreenings", handler: s.handleListScreenings, tag: "assistance",
			summary: "List screening runs (主动发现) made for your scope or a part of it, by key, without their items: those proposed wait for review",
			params:  screeningListParams{}, status: http.StatusOK, resp: screeningList{}},
		{method: "GET", path: "/api/v1/screening-jobs", op: "listScreeningJobs", handler: s.handleListScreeningJobs, tag: "assistance",
			summary: "List screening jobs (全量筛查) made for your scope or a part of it, by key, without their runs",
			params:  screeningJobListParams{}, status: http.StatusOK, resp: screeningJobList{}},
		{method: "GET", path: "/api/v1/refund-runs", op: "listRefundRuns", handler: s.handleListRefundRuns, tag: "insurance",
			summary: "List job-stabilisation refund runs made for your scope or a part of it, by key, without their items: those proposed wait for a decision",
			params:  refundRunListParams{}, status: http.StatusOK, resp: refundRunList{}},
		{method: "GET", path: "/api/v1/payroll-runs", op: "listPayrollRuns", handler: s.handleListPayrollRuns, tag: "pensions",
			summary: "List pension payroll runs made for your scope or a part of it, by key",
			params:  payrollRunListParams{}, status: http.StatusOK, resp: payrollRunList{}},
		{method: "GET", path: "/api/v1/payment-runs", op: "listPaymentRuns", handler: s.handleListPaymentRuns, tag: "payments",
			summary: "List payment runs (生成支付指令) made for your scope or a part of it, by key: what each made, and those still running or failed",
			params:  paymentRunListParams{}, status: http.StatusOK, resp: paymentRunList{}},
	}
}

type screeningListParams struct {
	Region    region.Code     `query:"region" description:"the runs made for this region's subtree; default your scope"`
	Period    period.Month    `query:"period" example:"2025-07"`
	Programme string          `query:"programme" example:"dibao"`
	Status    string          `query:"status" example:"proposed" description:"a run's status, such as proposed, reviewed, approved or rejected"`
	JobID     screening.JobID `query:"job_id" description:"the runs of one screening job"`
	pageParams
}

func (s *server) handleListScreenings(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[screeningListParams](r)
	if err != nil {
		return err
	}
	f := screening.RunFilter{Region: p.Region, Period: p.Period, Programme: p.Programme, Status: screening.RunStatus(p.Status),
		JobID: p.JobID, Page: p.page()}
	runs, err := s.screen.Runs(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(runs, f.Limit, func(run *screening.Run) int64 { return int64(run.ID) }, screeningOf))
	return nil
}

type screeningJobListParams struct {
	Region region.Code  `query:"region" description:"the jobs made for this region's subtree; default your scope"`
	Period period.Month `query:"period" example:"2025-07"`
	Status string       `query:"status" example:"running" description:"a job's status, such as running, done or failed"`
	pageParams
}

func (s *server) handleListScreeningJobs(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[screeningJobListParams](r)
	if err != nil {
		return err
	}
	f := screening.JobFilter{Region: p.Region, Period: p.Period, Status: screening.JobStatus(p.Status), Page: p.page()}
	js, err := s.screen.Jobs(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(js, f.Limit, func(j *screening.Job) int64 { return int64(j.ID) }, screeningJobOf))
	return nil
}

type refundRunListParams struct {
	Region region.Code `query:"region" description:"the runs made for this region's subtree; default your scope"`
	Year   int         `query:"year" example:"2025" description:"the refund year"`
	Status string      `query:"status" example:"proposed" description:"a run's status, such as proposed, approved or rejected"`
	pageParams
}

func (s *server) handleListRefundRuns(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[refundRunListParams](r)
	if err != nil {
		return err
	}
	f := insurance.RefundRunFilter{Region: p.Region, Status: insurance.RefundStatus(p.Status), Page: p.page()}
	if y := p.Year; y != 0 {
		if y < 1900 || y > 9999 {
			return queryProblem("year", "must be a year such as 2025")
		}
		f.Year = y
	}
	runs, err := s.ref.Runs(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(runs, f.Limit, func(run *insurance.RefundRun) int64 { return int64(run.ID) }, refundRunOf))
	return nil
}

type payrollRunListParams struct {
	Region region.Code  `query:"region" description:"the runs made for this region's subtree; default your scope"`
	Period period.Month `query:"period" example:"2025-07"`
	pageParams
}

// payrollRunResponse is a payroll run as listed.
type payrollRunResponse struct {
	ID        int64  `json:"id"`
	Period    string `json:"period"`
	Region    string `json:"region"`
	Awards    int    `json:"awards"`
	NewLines  int    `json:"new_lines" description:"lines written by this run"`
	Lines     int    `json:"lines" description:"all lines of the month when the run ended"`
	Regular   int64  `json:"regular" description:"the month's regular payments, fen"`
	Arrears   int64  `json:"arrears" description:"the month's back pay, fen"`
	Suspended int    `json:"suspended"`
	Resumed   int    `json:"resumed"`
	Stopped   int    `json:"stopped"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
}

func payrollRunOf(run *insurance.PayrollRun) payrollRunResponse {
	return payrollRunResponse{ID: run.ID, Period: run.Period.String(), Region: string(run.Region), Awards: run.Awards, NewLines: run.NewLines,
		Lines: run.Lines, Regular: int64(run.Regular), Arrears: int64(run.Arrears), Suspended: run.Suspended, Resumed: run.Resumed,
		Stopped: run.Stopped, CreatedBy: run.CreatedBy, CreatedAt: run.CreatedAt.UTC().Format(time.RFC3339)}
}

func (s *server) handleListPayrollRuns(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[payrollRunListParams](r)
	if err != nil {
		return err
	}
	f := insurance.PayrollRunFilter{Region: p.Region, Period: p.Period, Page: p.page()}
	runs, err := s.pen.PayrollRuns(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(runs, f.Limit, func(run *insurance.PayrollRun) int64 { return run.ID }, payrollRunOf))
	return nil
}

type paymentRunListParams struct {
	Region region.Code  `query:"region" description:"the runs made for this region's subtree; default your scope"`
	Period period.Month `query:"period" example:"2025-07"`
	Status string       `query:"status" enum:"running,done,failed"`
	pageParams
}

// paymentRunResponse is a payment run as listed.
type paymentRunResponse struct {
	ID         int64  `json:"id"`
	Period     string `json:"period"`
	Region     string `json:"region"`
	Status     string `json:"status" enum:"running,done,failed" description:"running also when the run was killed half-way"`
	Made       int    `json:"made" description:"instructions made"`
	Held       int    `json:"held" description:"of them, held for want of a bank account"`
	Amount     int64  `json:"amount" description:"fen"`
	Error      string `json:"error,omitempty"`
	CreatedBy  int64  `json:"created_by"`
	CreatedAt  string `json:"created_at"`
	FinishedAt string `json:"finished_at,omitempty"`
}

func paymentRunOf(run *payment.Run) paymentRunResponse {
	out := paymentRunResponse{ID: run.ID, Period: run.Period.String(), Region: string(run.Region), Status: string(run.Status), Made: run.Made,
		Held: run.Held, Amount: int64(run.Amount), Error: run.Error, CreatedBy: run.CreatedBy, CreatedAt: run.CreatedAt.UTC().Format(time.RFC3339)}
	if !run.FinishedAt.IsZero() {
		out.FinishedAt = run.FinishedAt.UTC().Format(time.RFC3339)
	}
	return out
}

func (s *server) handleListPaymentRuns(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[paymentRunListParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	f := payment.RunFilter{Region: p.Region, Period: p.Period, Status: payment.RunStatus(p.Status),
		After: page.After, Limit: page.Limit}
	switch f.Status {
	case "", payment.RunRunning, payment.RunDone, payment.RunFailed:
	default:
		return queryProblem("status", "%q is not running, done or failed", f.Status)
	}
	runs, err := s.pay.Runs(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(runs, f.Limit, func(run *payment.Run) int64 { return run.ID }, paymentRunOf))
	return nil
}
