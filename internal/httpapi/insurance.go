package httpapi

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// enrolmentResponse is a person's insurance relationship with a scheme
// (参保关系).
type enrolmentResponse struct {
	ID       int64  `json:"id"`
	PersonID int64  `json:"person_id"`
	Scheme   string `json:"scheme" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	Kind     string `json:"kind" enum:"employer,flexible,resident"`
	// OrgID is the employer, for enrolment through an employer.
	OrgID int64 `json:"org_id,omitempty"`
	// RegionCode is where the person is insured (参保地): the employer's
	// region, or where a flexible worker or resident lives.
	RegionCode string `json:"region_code"`
	Start      string `json:"start" example:"2025-01" description:"first month covered, YYYY-MM"`
	End        string `json:"end,omitempty" example:"2025-06" description:"last month covered once suspended or terminated, YYYY-MM"`
	Status     string `json:"status" enum:"active,suspended,terminated"`
	Reason     string `json:"reason,omitempty"`
	Base       int64  `json:"base,omitempty" description:"a flexible worker's chosen monthly base, in fen"`
	Tier       int64  `json:"tier,omitempty" description:"a resident's yearly contribution tier, in fen"`
	RiskClass  int    `json:"risk_class,omitempty" minimum:"1" maximum:"8" description:"work injury industry risk class"`
	Version    int64  `json:"version"`
}

func enrolmentOf(e *insurance.Enrolment) enrolmentResponse {
	return enrolmentResponse{
		ID: int64(e.ID), PersonID: int64(e.PersonID), Scheme: string(e.Scheme), Kind: string(e.Kind), OrgID: int64(e.OrgID),
		RegionCode: string(e.RegionCode), Start: monthString(e.Start), End: monthString(e.End), Status: string(e.Status),
		Reason: e.Reason, Base: int64(e.Base), Tier: int64(e.Tier), RiskClass: e.RiskClass, Version: e.Version,
	}
}

// monthString formats a month for a response; "" for no month.
func monthString(m period.Month) string {
	if m.IsZero() {
		return ""
	}
	return m.String()
}

// enrolmentRequest is the body of POST /api/v1/enrolments.
type enrolmentRequest struct {
	PersonID int64  `json:"person_id" required:"true" minimum:"1"`
	Scheme   string `json:"scheme" required:"true" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	Kind     string `json:"kind" required:"true" enum:"employer,flexible,resident"`
	// OrgID is the employer; required for, and only for, kind employer.
	OrgID     int64  `json:"org_id,omitempty" minimum:"1"`
	Start     string `json:"start" required:"true" example:"2025-01" description:"first month covered, YYYY-MM"`
	Base      int64  `json:"base,omitempty" minimum:"1" description:"monthly base in fen; flexible workers only"`
	Tier      int64  `json:"tier,omitempty" minimum:"1" description:"yearly tier in fen; residents only"`
	RiskClass int    `json:"risk_class,omitempty" minimum:"1" maximum:"8" description:"the employer's industry risk class; work injury only"`
}

// transitionRequest is the body of POST /api/v1/enrolments/{id}/suspension,
// /resumption and /termination.
type transitionRequest struct {
	Version *int64 `json:"version" required:"true"`
	// From is the first month of the new status: a suspended or terminated
	// enrolment covers up to the month before; a resumed one from this
	// month on.
	From   string `json:"from" required:"true" example:"2025-07" description:"YYYY-MM"`
	Reason string `json:"reason,omitempty" description:"required to suspend or terminate"`
}

// enrolmentParams are the parameters of an enrolment's URL.
type enrolmentParams struct {
	ID insurance.EnrolmentID `path:"id" minimum:"1"`
}

// enrolmentListParams are the filters of GET /api/v1/enrolments.
type enrolmentListParams struct {
	Region   region.Code       `query:"region" description:"division code of the insured region; default your whole scope"`
	PersonID registry.PersonID `query:"person_id"`
	OrgID    registry.OrgID    `query:"org_id"`
	Scheme   string            `query:"scheme" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	Status   string            `query:"status" enum:"active,suspended,terminated"`
	pageParams
}

func enrolmentKey(e *insurance.Enrolment) int64 { return int64(e.ID) }

// handleListEnrolments lists enrolments in the caller's scope.
func (s *server) handleListEnrolments(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[enrolmentListParams](r)
	if err != nil {
		return err
	}
	f := insurance.EnrolmentFilter{Region: p.Region, PersonID: p.PersonID,
		OrgID: p.OrgID, Scheme: insurance.Scheme(p.Scheme),
		Status: insurance.Status(p.Status), Page: p.page()}
	if f.Scheme != "" && !f.Scheme.Valid() {
		return queryProblem("scheme", "must be one of %v", insurance.Schemes)
	}
	switch f.Status {
	case "", insurance.Active, insurance.Suspended, insurance.Terminated:
	default:
		return queryProblem("status", "must be active, suspended or terminated")
	}
	es, err := s.ins.Enrolments(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(es, f.Limit, enrolmentKey, enrolmentOf))
	return nil
}

// handleCreateEnrolment enrols a person in a scheme (参保登记).
func (s *server) handleCreateEnrolment(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[enrolmentRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	e := &insurance.Enrolment{PersonID: registry.PersonID(req.PersonID), Scheme: insurance.Scheme(req.Scheme),
		Kind: insurance.Kind(req.Kind), OrgID: registry.OrgID(req.OrgID), Start: periodField(&pr, "start", req.Start),
		Base: money.Fen(req.Base), Tier: money.Fen(req.Tier), RiskClass: req.RiskClass}
	lim := s.ceilings(&pr)
	lim.check("base", req.Base, "limits.amount")
	lim.check("tier", req.Tier, "limits.amount")
	if err := lim.Err(); err != nil {
		return err
	}
	if err := pr.Err("invalid enrolment"); err != nil {
		return err
	}
	if err := s.ins.Enrol(r.Context(), e); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/enrolments/"+strconv.FormatInt(int64(e.ID), 10))
	reply(w, r, http.StatusCreated, enrolmentOf(e))
	return nil
}

// handleTransitionEnrolment returns a handler moving the enrolment named by
// the {id} path parameter to status to: suspend (暂停), resume (恢复) or
// terminate (终止), if the version sent is current.
func (s *server) handleTransitionEnrolment(to insurance.Status) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		var from period.Month
		p, req, version, err := versioned[enrolmentParams](r, "invalid change of enrolment", func(pr *fault.Problems, req *transitionRequest) error {
			from = periodField(pr, "from", req.From)
			return nil
		})
		if err != nil {
			return err
		}
		e, err := s.ins.Transition(r.Context(), p.ID, version, to, from, req.Reason)
		if err != nil {
			return err
		}
		reply(w, r, http.StatusOK, enrolmentOf(e))
		return nil
	}
}

// assessmentRequest is the body of POST /api/v1/assessments.
type assessmentRequest struct {
	Period string `json:"period" required:"true" example:"2025-03" description:"contribution month, YYYY-MM; parameters are read as of its first day"`
	// Region limits the run to a subtree; default your whole scope.
	Region string `json:"region,omitempty" example:"652301"`
}

// assessmentResponse totals a monthly contribution assessment (月度核定).
// Running it again for the same month and region replaces the month's
// assessments.
type assessmentResponse struct {
	Period string `json:"period" example:"2025-03"`
	Region string `json:"region"`
	// Count is the number of enrolments assessed.
	Count      int   `json:"count"`
	Employer   int64 `json:"employer" description:"employers' total due, in fen"`
	Individual int64 `json:"individual" description:"individuals' total due, in fen"`
	// ByScheme counts the assessments of each scheme.
	ByScheme map[string]int `json:"by_scheme" required:"true" nullable:"false"`
	// AtFloor counts employer enrolments whose declared wage was below the
	// base floor, or missing, and were assessed at the floor.
	AtFloor int `json:"at_floor"`
	// Parameters are the rates and base band read, with the day each took
	// effect.
	Parameters []parameterReadResponse `json:"parameters" required:"true" nullable:"false"`
}

func assessmentOf(sum *insurance.Summary) assessmentResponse {
	out := assessmentResponse{Period: sum.Period.String(), Region: string(sum.Region), Count: sum.Assessments,
		Employer: int64(sum.Employer), Individual: int64(sum.Individual), ByScheme: make(map[string]int, len(sum.ByScheme)),
		AtFloor: sum.AtFloor, Parameters: make([]parameterReadResponse, len(sum.Parameters))}
	for sc, n := range sum.ByScheme {
		out.ByScheme[string(sc)] = n
	}
	for i, p := range sum.Parameters {
		out.Parameters[i] = parameterReadResponse{Key: p.Key, Value: p.Value, Unit: p.Unit, From: dateString(p.From),
			Source: p.Source, Status: p.Status, Layer: p.Layer, Region: string(p.Region)}
	}
	return out
}

// handleAssess runs the monthly contribution assessment of a month for the
// caller's scope, or a subtree of it.
func (s *server) handleAssess(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[assessmentRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	var code region.Code
	if req.Region != "" {
		if code, err = region.ParseCode(req.Region); err != nil {
			pr.Add("region", "%v", err)
		}
	}
	if err := pr.Err("invalid assessment"); err != nil {
		return err
	}
	sum, err := s.ins.Assess(r.Context(), m, code)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, assessmentOf(sum))
	return nil
}

// paymentRequest is one contribution collected at the window (窗口收缴).
type paymentRequest struct {
	PersonID int64 `json:"person_id" required:"true" minimum:"1"`
	// OrgID is the employer, for employer contributions.
	OrgID      int64  `json:"org_id,omitempty" minimum:"1"`
	Scheme     string `json:"scheme" required:"true" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	Period     string `json:"period" required:"true" example:"2025-03" description:"contribution month, YYYY-MM"`
	Base       int64  `json:"base" minimum:"0" description:"contribution base in fen"`
	Employer   int64  `json:"employer" minimum:"0" description:"employer's part in fen"`
	Individual int64  `json:"individual" minimum:"0" description:"individual's part in fen"`
	PaidOn     string `json:"paid_on" required:"true" format:"date"`
	// ReceiptNo is the collection voucher number (票证号); each is posted
	// once.
	ReceiptNo string `json:"receipt_no" required:"true" maxLength:"40"`
}

// paymentsRequest is the body of POST /api/v1/payments.
type paymentsRequest struct {
	Payments []paymentRequest `json:"payments" required:"true" nullable:"false" minItems:"1"`
}

// postedResponse says how many payments were posted.
type postedResponse struct {
	Posted int `json:"posted"`
}

// handlePostPayments records contributions collected at the window, all or
// none.
func (s *server) handlePostPayments(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[paymentsRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	if len(req.Payments) == 0 {
		pr.Add("payments", "give at least one payment")
	}
	ps := make([]insurance.Payment, len(req.Payments))
	for i, p := range req.Payments {
		field := fmt.Sprintf("payments[%d].", i)
		ps[i] = insurance.Payment{PersonID: registry.PersonID(p.PersonID), OrgID: registry.OrgID(p.OrgID),
			Scheme: insurance.Scheme(p.Scheme), Period: periodField(&pr, field+"period", p.Period), Base: money.Fen(p.Base),
			Employer: money.Fen(p.Employer), Individual: money.Fen(p.Individual), PaidOn: dateField(&pr, field+"paid_on", p.PaidOn),
			ReceiptNo: p.ReceiptNo}
	}
	if err := pr.Err("invalid payments"); err != nil {
		return err
	}
	if err := s.ins.Post(r.Context(), ps); err != nil {
		return err
	}
	reply(w, r, http.StatusCreated, postedResponse{Posted: len(ps)})
	return nil
}

// arrearsParams are the filters of GET /api/v1/arrears.
type arrearsParams struct {
	Region region.Code    `query:"region" description:"division code of the employer; default your whole scope"`
	OrgID  registry.OrgID `query:"org_id"`
	From   period.Month   `query:"from" required:"true" example:"2025-01" description:"first month, YYYY-MM"`
	To     period.Month   `query:"to" required:"true" example:"2025-06" description:"last month, YYYY-MM"`
	pageParams
}

// arrearsRowResponse is what one employer owed and paid for one month and
// scheme (欠费).
type arrearsRowResponse struct {
	OrgID   int64  `json:"org_id"`
	Period  string `json:"period" example:"2025-03"`
	Scheme  string `json:"scheme" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	Due     int64  `json:"due" description:"in fen"`
	Paid    int64  `json:"paid" description:"in fen"`
	Arrears int64  `json:"arrears" description:"due less paid, in fen"`
}

// handleArrears lists employers' months with less paid than due in the
// caller's scope, by employer, month and scheme.
func (s *server) handleArrears(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[arrearsParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	// The store pages by employer: from the employer of the key (some of
	// its months may follow the key), one employer more than the rows
	// wanted, each employer having a month at least.
	f := insurance.ArrearsFilter{Region: p.Region, OrgID: p.OrgID,
		From: p.From, To: p.To, After: registry.OrgID(max(page.After>>arrearsOrgShift-1, 0)), Limit: page.Limit + 1}
	rows, err := s.ins.Arrears(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(keyPage(rows, page, arrearsKey), page.Limit, arrearsKey, func(a insurance.ArrearsRow) arrearsRowResponse {
		return arrearsRowResponse{OrgID: int64(a.OrgID), Period: a.Period.String(), Scheme: string(a.Scheme),
			Due: int64(a.Due), Paid: int64(a.Paid), Arrears: int64(a.Arrears)}
	}))
	return nil
}

// coverageRowResponse is one county's line of the coverage report in a
// month, or, with no county, the month's total.
type coverageRowResponse struct {
	Period               string           `json:"period" example:"2025-03" description:"the month, YYYY-MM"`
	County               string           `json:"county" example:"652301"`
	Adults               int              `json:"adults" description:"living persons aged 16 or over"`
	Employed             int              `json:"employed" description:"persons with an employment spell open in the month"`
	Insured              map[string]int   `json:"insured" description:"persons insured in the month, by scheme"`
	Payments             map[string]int   `json:"payments" description:"contributions collected for the month, by scheme"`
	Collected            map[string]int64 `json:"collected" description:"employer and individual contributions collected for the month, by scheme, in fen"`
	PensionCoverage      string           `json:"pension_coverage" example:"95.12%" description:"employee or resident pension insured over the adults (基本养老保险参保率)"`
	UnemploymentCoverage string           `json:"unemployment_coverage" description:"unemployment insured over the employed"`
	WorkInjuryCoverage   string           `json:"work_injury_coverage" description:"work-injury insured over the employed"`
}

// coverageReport is the body of GET /api/v1/reports/insurance: its totals
// are each month's total over the counties.
type coverageReport = reportResponse[coverageRowResponse, []coverageRowResponse]

func coverageRowOf(m period.Month, r insurance.CoverageRow) coverageRowResponse {
	out := coverageRowResponse{Period: m.String(), County: string(r.County), Adults: r.Adults, Employed: r.Employed,
		Insured: map[string]int{}, Payments: map[string]int{}, Collected: map[string]int64{},
		PensionCoverage: r.PensionCoverage.String(), UnemploymentCoverage: r.UnemploymentCoverage.String(),
		WorkInjuryCoverage: r.WorkInjuryCoverage.String()}
	for _, sc := range insurance.Schemes {
		out.Insured[string(sc)] = r.Insured[sc]
		out.Payments[string(sc)] = r.Payments[sc]
		out.Collected[string(sc)] = int64(r.Collected[sc])
	}
	return out
}

// handleCoverageReport reports insured persons by scheme and county, the
// coverage rates and the contributions collected, month by month.
func (s *server) handleCoverageReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readReportPeriod(r)
	if err != nil {
		return err
	}
	out := newReport[coverageRowResponse, []coverageRowResponse]("insurance", p)
	out.Totals = []coverageRowResponse{}
	for _, m := range p.months() {
		rep, err := s.ins.Coverage(r.Context(), m, p.Region)
		if err != nil {
			return err
		}
		for _, row := range rep.Rows {
			out.Rows = append(out.Rows, coverageRowOf(m, row))
		}
		out.Totals = append(out.Totals, coverageRowOf(m, rep.Total))
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// contributionListParams are the filters of GET /api/v1/contributions.
type contributionListParams struct {
	Region   region.Code       `query:"region" description:"division code; default your whole scope"`
	PersonID registry.PersonID `query:"person_id" description:"a citizen must name themself"`
	OrgID    registry.OrgID    `query:"org_id"`
	Scheme   string            `query:"scheme" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	From     period.Month      `query:"from" example:"2025-01" description:"first month, YYYY-MM"`
	To       period.Month      `query:"to" example:"2025-12" description:"last month, YYYY-MM"`
	pageParams
}

// contributionResponse is one collected contribution (缴费记录).
type contributionResponse struct {
	ID         int64  `json:"id"`
	ReceiptNo  string `json:"receipt_no"`
	PersonID   int64  `json:"person_id"`
	OrgID      int64  `json:"org_id,omitempty"`
	Scheme     string `json:"scheme"`
	Period     string `json:"period" example:"2025-03"`
	RegionCode string `json:"region_code"`
	Base       int64  `json:"base" description:"contribution base in fen"`
	Employer   int64  `json:"employer" description:"in fen"`
	Individual int64  `json:"individual" description:"in fen"`
	PaidOn     string `json:"paid_on" format:"date"`
	Source     string `json:"source"`
}

func contributionOf(p insurance.Payment) contributionResponse {
	return contributionResponse{ID: p.ID, ReceiptNo: p.ReceiptNo, PersonID: int64(p.PersonID), OrgID: int64(p.OrgID), Scheme: string(p.Scheme),
		Period: p.Period.String(), RegionCode: string(p.RegionCode), Base: int64(p.Base), Employer: int64(p.Employer),
		Individual: int64(p.Individual), PaidOn: p.PaidOn.String(), Source: string(p.Source)}
}

// handleListContributions lists collected contributions.
func (s *server) handleListContributions(w http.ResponseWriter, r *http.Request) error {
	in, err := bind[contributionListParams](r)
	if err != nil {
		return err
	}
	f := insurance.ContributionFilter{Region: in.Region, PersonID: in.PersonID,
		OrgID: in.OrgID, Scheme: insurance.Scheme(in.Scheme), From: in.From, To: in.To,
		Page: in.page()}
	ps, err := s.ins.Contributions(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(ps, f.Limit, func(p insurance.Payment) int64 { return p.ID }, contributionOf))
	return nil
}

// assessmentListParams are the filters of GET /api/v1/assessments.
type assessmentListParams struct {
	Period   period.Month      `query:"period" required:"true" example:"2025-03" description:"month, YYYY-MM"`
	Region   region.Code       `query:"region" description:"division code; default your whole scope"`
	PersonID registry.PersonID `query:"person_id"`
	OrgID    registry.OrgID    `query:"org_id"`
	Scheme   string            `query:"scheme" enum:"employee_pension,resident_pension,unemployment,work_injury"`
	pageParams
}

// assessmentRowResponse is the contribution due for one enrolment and
// month (核定应缴).
type assessmentRowResponse struct {
	EnrolmentID int64  `json:"enrolment_id"`
	PersonID    int64  `json:"person_id"`
	OrgID       int64  `json:"org_id,omitempty"`
	Scheme      string `json:"scheme"`
	Period      string `json:"period"`
	RegionCode  string `json:"region_code"`
	Wage        int64  `json:"wage" description:"declared wage (or chosen base) in fen"`
	Base        int64  `json:"base" description:"contribution base after the floor and ceiling, in fen"`
	Employer    int64  `json:"employer" description:"in fen"`
	Individual  int64  `json:"individual" description:"in fen"`
	Account     int64  `json:"account" description:"part credited to the personal account, in fen"`
}

// handleListAssessments lists the assessments of a month.
func (s *server) handleListAssessments(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[assessmentListParams](r)
	if err != nil {
		return err
	}
	f := insurance.AssessmentFilter{Period: p.Period, Region: p.Region, PersonID: p.PersonID,
		OrgID: p.OrgID, Scheme: insurance.Scheme(p.Scheme), Page: p.page()}
	as, err := s.ins.Assessments(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(as, f.Limit, func(a insurance.Assessment) int64 { return int64(a.EnrolmentID) },
		func(a insurance.Assessment) assessmentRowResponse {
			return assessmentRowResponse{EnrolmentID: int64(a.EnrolmentID), PersonID: int64(a.PersonID), OrgID: int64(a.OrgID),
				Scheme: string(a.Scheme), Period: a.Period.String(), RegionCode: string(a.RegionCode), Wage: int64(a.Wage),
				Base: int64(a.Base), Employer: int64(a.Employer), Individual: int64(a.Individual), Account: int64(a.Account)}
		}))
	return nil
}

// arrearsKey orders arrears by employer, month and scheme, as one integer.
func arrearsKey(a insurance.ArrearsRow) int64 {
	return (int64(a.OrgID)<<20|int64(a.Period))<<3 | int64(slices.Index(insurance.Schemes, a.Scheme)+1)
}

// arrearsOrgShift is where the employer starts in an arrearsKey.
const arrearsOrgShift = 20 + 3
