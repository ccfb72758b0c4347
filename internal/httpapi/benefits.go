package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// benefitRoutes are the routes of unemployment and work-injury benefits.
func (s *server) benefitRoutes() []route {
	type (
		claimList  = listResponse[claimResponse]
		injuryList = listResponse[injuryResponse]
	)
	return []route{
		{method: "GET", path: "/api/v1/unemployment-claims", op: "listUnemploymentClaims", handler: s.handleListClaims, tag: "benefits",
			summary: "List unemployment benefit claims in your scope", params: claimListParams{}, status: http.StatusOK, resp: claimList{}},
		{method: "POST", path: "/api/v1/unemployment-claims", op: "createUnemploymentClaim", handler: s.handleCreateClaim, tag: "benefits",
			summary: "Claim unemployment benefit (失业保险金): decided by the programme unemployment_benefit; a refusal names the failed conditions",
			body:    claimRequest{}, status: http.StatusCreated, resp: claimResponse{}},
		{method: "GET", path: "/api/v1/unemployment-claims/{id}", op: "getUnemploymentClaim", handler: getByID(s.ben.UnemploymentClaim, claimOf), tag: "benefits",
			summary: "Read an unemployment claim with its explained decision", params: benefitParams{}, status: http.StatusOK, resp: claimResponse{}},
		{method: "POST", path: "/api/v1/unemployment-claims/{id}/termination", op: "terminateUnemploymentClaim", handler: s.handleStopClaim, tag: "benefits",
			summary: "Stop an open claim (enlisted, emigrated, pension, imprisoned, refused work ...)", params: benefitParams{},
			body: stopRequest{}, status: http.StatusOK, resp: claimResponse{}},
		{method: "GET", path: "/api/v1/injuries", op: "listInjuries", handler: s.handleListInjuries, tag: "benefits",
			summary: "List recognised work injuries in your scope", params: injuryListParams{}, status: http.StatusOK, resp: injuryList{}},
		{method: "POST", path: "/api/v1/injuries", op: "createInjury", handler: s.handleCreateInjury, tag: "benefits",
			summary: "Record a recognised work injury (工伤) with its disability grade: the one-off grant and the monthly allowance are decided",
			body:    injuryRequest{}, status: http.StatusCreated, resp: injuryResponse{}},
		{method: "GET", path: "/api/v1/injuries/{id}", op: "getInjury", handler: getByID(s.ben.Injury, injuryOf), tag: "benefits",
			summary: "Read a work injury with its explained decisions", params: benefitParams{}, status: http.StatusOK, resp: injuryResponse{}},
		{method: "POST", path: "/api/v1/benefit-runs", op: "runBenefitPayments", handler: s.handleBenefitRun, tag: "benefits",
			summary: "Run the monthly benefit payroll: unemployment benefit and disability allowances; a repeated run changes nothing",
			body:    benefitRunRequest{}, status: http.StatusOK, resp: benefitRunResponse{}},
	}
}

// benefitParams are the parameters of a claim's or injury's URL.
type benefitParams struct {
	ID int64 `path:"id" minimum:"1"`
}

// claimListParams are the filters of GET /api/v1/unemployment-claims.
type claimListParams struct {
	Region   region.Code       `query:"region" description:"division code where the claimant lives; default your whole scope"`
	PersonID registry.PersonID `query:"person_id"`
	Status   string            `query:"status" enum:"open,ended"`
	pageParams
}

// injuryListParams are the filters of GET /api/v1/injuries.
type injuryListParams struct {
	Region   region.Code       `query:"region" description:"division code of the employer; default your whole scope"`
	PersonID registry.PersonID `query:"person_id"`
	Status   string            `query:"status" enum:"none,open,ended" description:"state of the monthly allowance"`
	pageParams
}

// claimRequest is the body of POST /api/v1/unemployment-claims.
type claimRequest struct {
	PersonID int64 `json:"person_id" required:"true" minimum:"1"`
	// OrgID is the last employer.
	OrgID          int64  `json:"org_id" required:"true" minimum:"1"`
	SeparationDate string `json:"separation_date" required:"true" format:"date"`
	Separation     string `json:"separation" required:"true" enum:"contract_expired,terminated_by_employer,employer_closed,resigned_for_employer_fault,resigned_voluntarily,dismissed_for_cause"`
	// RegisteredOn is the unemployment registration date (失业登记); the
	// benefit starts in its month.
	RegisteredOn    string `json:"registered_on" required:"true" format:"date"`
	RetirementGroup string `json:"retirement_group,omitempty" enum:"male,female_cadre,female_worker" description:"default male for men, female_worker for women"`
}

// claimResponse is an unemployment benefit claim (失业保险金).
type claimResponse struct {
	ID                 int64  `json:"id"`
	PersonID           int64  `json:"person_id"`
	OrgID              int64  `json:"org_id"`
	RegionCode         string `json:"region_code"`
	SeparationDate     string `json:"separation_date" format:"date"`
	Separation         string `json:"separation"`
	RegisteredOn       string `json:"registered_on" format:"date"`
	RetirementGroup    string `json:"retirement_group"`
	Start              string `json:"start" example:"2025-07" description:"first month paid"`
	ContributionMonths int    `json:"contribution_months"`
	CarriedMonths      int    `json:"carried_months" description:"unused months of the earlier claim, combined"`
	EntitlementMonths  int    `json:"entitlement_months"`
	MonthsDrawn        int    `json:"months_drawn"`
	PaidTo             string `json:"paid_to,omitempty" example:"2025-09" description:"last month paid"`
	MonthlyAmount      int64  `json:"monthly_amount" description:"in fen, as decided at the claim"`
	Status             string `json:"status" enum:"open,ended"`
	StopReason         string `json:"stop_reason,omitempty"`
	End                string `json:"end,omitempty" description:"last month covered once ended"`
	Version            int64  `json:"version"`
	// Decision is the programme's explained decision; in single reads only.
	Decision *decisionResponse `json:"decision,omitempty"`
}

func storedDecision(raw json.RawMessage) *decisionResponse {
	if len(raw) == 0 {
		return nil
	}
	var d policy.Decision
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil
	}
	out := decisionOf(&d)
	return &out
}

func claimOf(c *insurance.UnemploymentClaim) claimResponse {
	return claimResponse{ID: int64(c.ID), PersonID: int64(c.PersonID), OrgID: int64(c.OrgID), RegionCode: string(c.RegionCode),
		SeparationDate: dateString(c.SeparationDate), Separation: c.Separation, RegisteredOn: dateString(c.RegisteredOn),
		RetirementGroup: c.RetirementGroup, Start: monthString(c.Start), ContributionMonths: c.ContributionMonths,
		CarriedMonths: c.CarriedMonths, EntitlementMonths: c.EntitlementMonths, MonthsDrawn: c.MonthsDrawn, PaidTo: monthString(c.PaidTo),
		MonthlyAmount: int64(c.MonthlyAmount), Status: string(c.Status), StopReason: string(c.StopReason), End: monthString(c.End),
		Version: c.Version, Decision: storedDecision(c.Decision)}
}

func claimKey(c *insurance.UnemploymentClaim) int64 { return int64(c.ID) }

// stopRequest is the body of POST /api/v1/unemployment-claims/{id}/termination.
type stopRequest struct {
	Version *int64 `json:"version" required:"true"`
	Reason  string `json:"reason" required:"true" enum:"enlisted,emigrated,pension,imprisoned,refused_work,reemployed,died"`
	// From is the first month not paid.
	From string `json:"from" required:"true" example:"2025-09" description:"YYYY-MM"`
}

// injuryRequest is the body of POST /api/v1/injuries.
type injuryRequest struct {
	PersonID int64 `json:"person_id" required:"true" minimum:"1"`
	// OrgID is the employer the person was insured with when injured.
	OrgID        int64  `json:"org_id" required:"true" minimum:"1"`
	InjuryDate   string `json:"injury_date" required:"true" format:"date"`
	RecognisedOn string `json:"recognised_on" required:"true" format:"date" description:"work-injury recognition (工伤认定) and appraisal date"`
	Grade        int    `json:"grade" required:"true" minimum:"1" maximum:"10" description:"disability grade (伤残等级), 1 most severe"`
	Nursing      string `json:"nursing,omitempty" enum:"complete,major,partial"`
	// EmployerArrangesWork: for grades 5-6, the employer arranges suitable
	// work, so no allowance is paid.
	EmployerArrangesWork bool   `json:"employer_arranges_work,omitempty"`
	RetirementGroup      string `json:"retirement_group,omitempty" enum:"male,female_cadre,female_worker"`
}

// injuryResponse is a recognised work injury (工伤) and its benefits.
type injuryResponse struct {
	ID                   int64  `json:"id"`
	PersonID             int64  `json:"person_id"`
	OrgID                int64  `json:"org_id"`
	RegionCode           string `json:"region_code"`
	InjuryDate           string `json:"injury_date" format:"date"`
	RecognisedOn         string `json:"recognised_on" format:"date"`
	Grade                int    `json:"grade"`
	Nursing              string `json:"nursing,omitempty"`
	EmployerArrangesWork bool   `json:"employer_arranges_work"`
	RetirementGroup      string `json:"retirement_group"`
	OwnWage              int64  `json:"own_wage" description:"mean monthly base of the 12 months before the injury, in fen, before the 60%-300% bounds"`
	WageMonths           int    `json:"wage_months"`
	WageScheme           string `json:"wage_scheme,omitempty"`
	Grant                int64  `json:"grant" description:"one-off disability grant (一次性伤残补助金), in fen"`
	Allowance            string `json:"allowance" enum:"none,open,ended" description:"the monthly disability allowance (伤残津贴)"`
	AllowanceFrom        string `json:"allowance_from,omitempty"`
	StopReason           string `json:"stop_reason,omitempty"`
	End                  string `json:"end,omitempty"`
	Version              int64  `json:"version"`
	// GrantDecision and AllowanceDecision are the explained decisions; in
	// single reads only.
	GrantDecision     *decisionResponse `json:"grant_decision,omitempty"`
	AllowanceDecision *decisionResponse `json:"allowance_decision,omitempty"`
}

func injuryOf(in *insurance.Injury) injuryResponse {
	return injuryResponse{ID: int64(in.ID), PersonID: int64(in.PersonID), OrgID: int64(in.OrgID), RegionCode: string(in.RegionCode),
		InjuryDate: dateString(in.InjuryDate), RecognisedOn: dateString(in.RecognisedOn), Grade: in.Grade, Nursing: in.Nursing,
		EmployerArrangesWork: in.EmployerArrangesWork, RetirementGroup: in.RetirementGroup, OwnWage: int64(in.OwnWage),
		WageMonths: in.WageMonths, WageScheme: string(in.WageScheme), Grant: int64(in.Grant), Allowance: string(in.Allowance),
		AllowanceFrom: monthString(in.AllowanceFrom), StopReason: string(in.StopReason), End: monthString(in.End), Version: in.Version,
		GrantDecision: storedDecision(in.GrantDecision), AllowanceDecision: storedDecision(in.AllowanceDecision)}
}

func injuryKey(in *insurance.Injury) int64 { return int64(in.ID) }

// benefitRunRequest is the body of POST /api/v1/benefit-runs.
type benefitRunRequest struct {
	Period string `json:"period" required:"true" example:"2025-07" description:"benefit month, YYYY-MM"`
	// Region limits the run to a subtree; default your whole scope.
	Region string `json:"region,omitempty" example:"652301"`
}

// benefitRunResponse totals a monthly benefit run.
type benefitRunResponse struct {
	Period string `json:"period"`
	Region string `json:"region"`
	// Lines counts the lines this run wrote; AlreadyPaid the claims and
	// allowances an earlier run of the month paid.
	Lines        int   `json:"lines"`
	AlreadyPaid  int   `json:"already_paid"`
	Unemployment int64 `json:"unemployment" description:"unemployment benefit paid, in fen"`
	Allowance    int64 `json:"allowance" description:"disability allowances, in fen, top-ups included"`
	TopUp        int64 `json:"top_up" description:"paid by the fund to reach the minimum wage, in fen"`
	ByEmployer   int64 `json:"by_employer" description:"grade 5-6 allowances paid by employers, in fen"`
	// Ended counts the claims and allowances ended, by reason.
	Ended map[string]int `json:"ended" required:"true" nullable:"false"`
}

func (s *server) handleListClaims(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[claimListParams](r)
	if err != nil {
		return err
	}
	f := insurance.ClaimFilter{Region: p.Region, PersonID: p.PersonID,
		Status: insurance.ClaimStatus(p.Status), Page: p.page()}
	switch f.Status {
	case "", insurance.ClaimOpen, insurance.ClaimEnded:
	default:
		return queryProblem("status", "must be open or ended")
	}
	cs, err := s.ben.Claims(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(cs, f.Limit, claimKey, claimOf))
	return nil
}

func (s *server) handleCreateClaim(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[claimRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	c := &insurance.UnemploymentClaim{PersonID: registry.PersonID(req.PersonID), OrgID: registry.OrgID(req.OrgID),
		SeparationDate: dateField(&pr, "separation_date", req.SeparationDate), Separation: req.Separation,
		RegisteredOn: dateField(&pr, "registered_on", req.RegisteredOn), RetirementGroup: req.RetirementGroup}
	if err := pr.Err("invalid unemployment claim"); err != nil {
		return err
	}
	if err := s.ben.Claim(r.Context(), c); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/unemployment-claims/"+strconv.FormatInt(int64(c.ID), 10))
	reply(w, r, http.StatusCreated, claimOf(c))
	return nil
}

func (s *server) handleStopClaim(w http.ResponseWriter, r *http.Request) error {
	var from period.Month
	p, req, version, err := versioned[benefitParams](r, "invalid stop of a claim", func(pr *fault.Problems, req *stopRequest) error {
		from = periodField(pr, "from", req.From)
		return nil
	})
	if err != nil {
		return err
	}
	c, err := s.ben.Stop(r.Context(), insurance.ClaimID(p.ID), version, insurance.StopReason(req.Reason), from)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, claimOf(c))
	return nil
}

func (s *server) handleListInjuries(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[injuryListParams](r)
	if err != nil {
		return err
	}
	f := insurance.ClaimFilter{Region: p.Region, PersonID: p.PersonID,
		Status: insurance.ClaimStatus(p.Status), Page: p.page()}
	switch f.Status {
	case "", insurance.ClaimNone, insurance.ClaimOpen, insurance.ClaimEnded:
	default:
		return queryProblem("status", "must be none, open or ended")
	}
	is, err := s.ben.Injuries(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(is, f.Limit, injuryKey, injuryOf))
	return nil
}

func (s *server) handleCreateInjury(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[injuryRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	in := &insurance.Injury{PersonID: registry.PersonID(req.PersonID), OrgID: registry.OrgID(req.OrgID),
		InjuryDate: dateField(&pr, "injury_date", req.InjuryDate), RecognisedOn: dateField(&pr, "recognised_on", req.RecognisedOn),
		Grade: req.Grade, Nursing: req.Nursing, EmployerArrangesWork: req.EmployerArrangesWork, RetirementGroup: req.RetirementGroup}
	if err := pr.Err("invalid work injury"); err != nil {
		return err
	}
	if err := s.ben.RecordInjury(r.Context(), in); err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/injuries/"+strconv.FormatInt(int64(in.ID), 10))
	reply(w, r, http.StatusCreated, injuryOf(in))
	return nil
}

func (s *server) handleBenefitRun(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[benefitRunRequest](r)
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
	if err := pr.Err("invalid benefit run"); err != nil {
		return err
	}
	sum, err := s.ben.Pay(r.Context(), m, code)
	if err != nil {
		return err
	}
	out := benefitRunResponse{Period: sum.Period.String(), Region: string(sum.Region), Lines: sum.Lines, AlreadyPaid: sum.AlreadyPaid,
		Unemployment: int64(sum.Unemployment), Allowance: int64(sum.Allowance), TopUp: int64(sum.TopUp), ByEmployer: int64(sum.ByEmployer),
		Ended: make(map[string]int, len(sum.Ended))}
	for k, n := range sum.Ended {
		out.Ended[string(k)] = n
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
