package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// assistanceRoutes are the routes of social assistance: means tests,
// classification, cases, awards, reviews, payment runs, screening runs and
// reports.
func (s *server) assistanceRoutes() []route {
	type (
		testList       = listResponse[meansTestResponse]
		lowIncomeList  = listResponse[classificationResponse]
		caseList       = listResponse[caseResponse]
		awardList      = listResponse[assistanceAwardResponse]
		layerCountList = listResponse[layerCountResponse]
	)
	return []route{
		{method: "POST", path: "/api/v1/means-tests", op: "createMeansTest", handler: s.handleCreateMeansTest, tag: "assistance",
			summary: "Record a household means test (家庭经济状况核对): members, incomes over 12 months, assets, rigid expenses; pensions and benefits come in from the insurance side; the household is classified at once",
			body:    meansTestRequest{}, status: http.StatusCreated, resp: householdExplanationResponse{}},
		{method: "GET", path: "/api/v1/means-tests", op: "listMeansTests", handler: s.handleListMeansTests, tag: "assistance",
			summary: "List means tests in your scope", params: meansTestListParams{}, status: http.StatusOK, resp: testList{}},
		{method: "GET", path: "/api/v1/means-tests/{id}", op: "getMeansTest", handler: getByID(s.asst.MeansTest, meansTestOf), tag: "assistance",
			summary: "Read a means test with its members and lines", params: idParams{}, status: http.StatusOK, resp: meansTestResponse{}},
		{method: "GET", path: "/api/v1/households/{id}/classification", op: "getHouseholdClassification", handler: s.handleExplainHousehold, tag: "assistance",
			summary: "Classify a household (分层分类) for a month from its latest means test: the layer, every decision, a reason per programme naming each threshold and its date, and the assistance items the layer opens",
			params:  classificationParams{}, status: http.StatusOK, resp: householdExplanationResponse{}},
		{method: "POST", path: "/api/v1/classification-runs", op: "runClassification", handler: s.handleClassifyAll, tag: "assistance",
			summary: "Classify every tested household of a region for a month (columnar engine); replaces the month's low-income population there",
			body:    runRequest{}, status: http.StatusOK, resp: classifySummaryResponse{}},
		{method: "GET", path: "/api/v1/low-income", op: "listLowIncomeHouseholds", handler: s.handleListLowIncome, tag: "assistance",
			summary: "The low-income population of a month (低收入人口库): households in a layer", params: lowIncomeParams{}, status: http.StatusOK, resp: lowIncomeList{}},
		{method: "GET", path: "/api/v1/reports/low-income", op: "getLowIncomeReport", handler: s.handleLayerCounts, tag: "assistance",
			summary: "Households and persons of the low-income population by county and layer", params: reportMonthParams{}, status: http.StatusOK, resp: layerCountList{}},

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
		{method: "POST", path: "/api/v1/assistance-cases/{id}/approval", op: "approveAssistanceCase", handler: s.caseAction(s.asst.Approve), tag: "assistance",
			summary: "Approve the assessment (审批), by an approver who did not assess it: an award, or the proposed refusal", params: idParams{},
			body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/refusal", op: "refuseAssistanceCase", handler: s.caseAction(s.asst.Refuse), tag: "assistance",
			summary: "Refuse the case with the reason the applicant is told", params: idParams{}, body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/withdrawal", op: "withdrawAssistanceCase", handler: s.caseAction(s.asst.Withdraw), tag: "assistance",
			summary: "Withdraw an open case at the applicant's request", params: idParams{}, body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/fast-track", op: "fastTrackAssistanceCase", handler: s.caseAction(s.asst.FastTrack), tag: "assistance",
			summary: "Grant emergency temporary assistance at once (先救助后审批), within the fast-track limit; reviewed after the fact", params: idParams{},
			body: caseActionRequest{}, status: http.StatusOK, resp: caseResponse{}},
		{method: "POST", path: "/api/v1/assistance-cases/{id}/grant-review", op: "reviewFastTrackGrant", handler: s.handleReviewGrant, tag: "assistance",
			summary: "Review a fast-track grant after the fact: confirm it, or reverse it with the reason", params: idParams{},
			body: grantReviewRequest{}, status: http.StatusOK, resp: caseResponse{}},

		{method: "GET", path: "/api/v1/assistance-awards", op: "listAssistanceAwards", handler: s.handleListAssistanceAwards, tag: "assistance",
			summary: "List assistance and allowance awards in your scope", params: assistanceAwardListParams{}, status: http.StatusOK, resp: awardList{}},
		{method: "GET", path: "/api/v1/assistance-awards/{id}", op: "getAssistanceAward", handler: s.handleGetAssistanceAward, tag: "assistance",
			summary: "Read an award with its explained decision, payment lines and reviews", params: idParams{}, status: http.StatusOK, resp: assistanceAwardResponse{}},
		{method: "GET", path: "/api/v1/assistance-reviews/due", op: "listDueAssistanceReviews", handler: s.handleReviewsDue, tag: "assistance",
			summary: "Awards whose periodic review (定期核查) is due", params: reviewsDueParams{}, status: http.StatusOK, resp: awardList{}},
		{method: "POST", path: "/api/v1/assistance-awards/{id}/reviews", op: "reviewAssistanceAward", handler: s.handleReview, tag: "assistance",
			summary: "Review an award on a new means test: continue, or propose a change or the stop with the reason", params: idParams{},
			body: meansTestRequest{}, status: http.StatusOK, resp: reviewResponse{}},
		{method: "POST", path: "/api/v1/assistance-reviews/{id}/decision", op: "decideAssistanceReview", handler: decide(s.asst.DecideReview, reviewOf), tag: "assistance",
			summary: "Approve or reject a review's proposal, by an approver who did not review", params: idParams{},
			body: decisionRequest{}, status: http.StatusOK, resp: reviewResponse{}},
		{method: "POST", path: "/api/v1/assistance-runs", op: "runAssistancePayments", handler: s.handleAssistancePay, tag: "assistance",
			summary: "The month's assistance payments: one line per award; the month of a death is paid, the next not; a repeated run writes nothing",
			body:    runRequest{}, status: http.StatusOK, resp: paySummaryResponse{}},
		{method: "GET", path: "/api/v1/reports/assistance", op: "getAssistanceReport", handler: s.handleAssistanceReport, tag: "assistance",
			summary: "Beneficiaries and amounts by programme, county, layer and month, with totals over the range as published", params: reportRangeParams{},
			status: http.StatusOK, resp: assistanceReportResponse{}},
	}
}

// idParams are the parameters of a URL with one numeric id.
type idParams struct {
	ID int64 `path:"id" minimum:"1"`
}

// ---- means tests

type memberRequest struct {
	PersonID     int64  `json:"person_id" required:"true" minimum:"1"`
	Relation     string `json:"relation,omitempty" description:"default the relation in the registry household"`
	UnableToWork bool   `json:"unable_to_work,omitempty" description:"丧失劳动能力; default false, which never favours eligibility"`
	SelfCare     string `json:"self_care,omitempty" enum:"able,partly_unable,unable" description:"default able"`
	HasSupporter *bool  `json:"has_supporter,omitempty" description:"a legal supporter (法定赡养、抚养、扶养义务人) able to support them exists; derived from the registry household when it holds an able spouse, parent or child, otherwise required"`
	Monitored    bool   `json:"monitored,omitempty" description:"防止返贫监测对象 or otherwise monitored; default false, which never favours eligibility"`
}

type lineRequest struct {
	PersonID int64  `json:"person_id,omitempty" description:"the member the line belongs to; absent for the household"`
	Kind     string `json:"kind" required:"true" enum:"income.wage,income.business,income.property,income.transfer,income.pension,income.benefit,asset.deposit,asset.securities,asset.vehicle,asset.house,asset.business,expense.medical,expense.education,expense.rehabilitation,expense.living"`
	Amount   int64  `json:"amount,omitempty" description:"fen: 12 months of an income or expense, a financial asset's balance"`
	Quantity int    `json:"quantity,omitempty" description:"vehicles, houses, businesses"`
	Exempt   bool   `json:"exempt,omitempty" description:"recorded, not counted"`
	Note     string `json:"note,omitempty"`
}

// meansTestRequest is a means test as a caseworker records it.
type meansTestRequest struct {
	HouseholdID int64           `json:"household_id,omitempty" description:"required for POST /means-tests; a case's or award's household otherwise"`
	Period      string          `json:"period,omitempty" example:"2025-06" description:"the month the test speaks for; default the month of application or today"`
	Members     []memberRequest `json:"members" required:"true"`
	Lines       []lineRequest   `json:"lines"`
	HeatingType string          `json:"heating_type" required:"true" enum:"central,self_heating,provided" description:"取暖方式; it decides heating assistance"`
	Source      string          `json:"source,omitempty" enum:"investigation,data_match,review,import"`
	Note        string          `json:"note,omitempty"`
	// Version is the case's version, for an investigation.
	Version *int64 `json:"version,omitempty"`
}

func (req *meansTestRequest) test(pr *fault.Problems) *assistance.MeansTest {
	t := &assistance.MeansTest{HouseholdID: registry.HouseholdID(req.HouseholdID), HeatingType: req.HeatingType,
		Source: assistance.Source(req.Source), Note: req.Note, Lines: []assistance.Line{}}
	if req.Period != "" {
		t.Period = periodField(pr, "period", req.Period)
	}
	for _, m := range req.Members {
		mem := assistance.Member{PersonID: registry.PersonID(m.PersonID), Relation: registry.Relation(m.Relation),
			UnableToWork: m.UnableToWork, SelfCare: assistance.SelfCare(m.SelfCare), Monitored: m.Monitored}
		if m.HasSupporter != nil {
			mem.HasSupporter, mem.SupporterStated = *m.HasSupporter, true
		}
		t.Members = append(t.Members, mem)
	}
	for _, l := range req.Lines {
		t.Lines = append(t.Lines, assistance.Line{PersonID: registry.PersonID(l.PersonID), Kind: assistance.LineKind(l.Kind),
			Amount: money.Fen(l.Amount), Quantity: l.Quantity, Exempt: l.Exempt, Note: l.Note})
	}
	return t
}

type memberResponse struct {
	PersonID int64  `json:"person_id"`
	Relation string `json:"relation"`
	// BirthDate is shown only to roles that may see personal data (it
	// would give the masked ID number away); BirthYear to all.
	BirthDate       string `json:"birth_date,omitempty" format:"date"`
	BirthYear       int    `json:"birth_year,omitempty"`
	DisabilityGrade int    `json:"disability_grade"`
	HukouLocal      bool   `json:"hukou_local"`
	HukouType       string `json:"hukou_type"`
	UnableToWork    bool   `json:"unable_to_work"`
	SelfCare        string `json:"self_care"`
	HasSupporter    bool   `json:"has_supporter"`
	Monitored       bool   `json:"monitored"`
	OwnIncome       int64  `json:"own_income" description:"monthly, fen"`
}

type lineResponse struct {
	PersonID int64  `json:"person_id,omitempty"`
	Kind     string `json:"kind"`
	Amount   int64  `json:"amount"`
	Quantity int    `json:"quantity,omitempty"`
	Exempt   bool   `json:"exempt,omitempty"`
	Note     string `json:"note,omitempty"`
}

// meansTestResponse is a household means test with its totals.
type meansTestResponse struct {
	ID               int64            `json:"id"`
	HouseholdID      int64            `json:"household_id"`
	RegionCode       string           `json:"region_code"`
	Period           string           `json:"period"`
	HukouType        string           `json:"hukou_type"`
	HukouLocal       bool             `json:"hukou_local"`
	HeatingType      string           `json:"heating_type"`
	Members          []memberResponse `json:"members,omitempty"`
	Lines            []lineResponse   `json:"lines,omitempty"`
	MemberCount      int              `json:"member_count"`
	Income12m        int64            `json:"income_12m" description:"counted income of all members over 12 months, fen"`
	TotalIncome      int64            `json:"total_income" description:"monthly household income, fen"`
	PerCapitaIncome  int64            `json:"per_capita_income" description:"monthly, fen"`
	FinancialAssets  int64            `json:"financial_assets"`
	Vehicles         int              `json:"vehicles"`
	Houses           int              `json:"houses"`
	BusinessEntities int              `json:"business_entities"`
	RigidExpenses12m int64            `json:"rigid_expenses_12m"`
	Source           string           `json:"source"`
	Note             string           `json:"note,omitempty"`
	CreatedBy        string           `json:"created_by"`
	CreatedAt        string           `json:"created_at" format:"date-time"`
}

func meansTestOf(t *assistance.MeansTest) meansTestResponse {
	out := meansTestResponse{ID: int64(t.ID), HouseholdID: int64(t.HouseholdID), RegionCode: string(t.RegionCode), Period: monthString(t.Period),
		HukouType: string(t.HukouType), HukouLocal: t.HukouLocal, HeatingType: t.HeatingType, MemberCount: t.MemberCount,
		Income12m: int64(t.Income12m), TotalIncome: int64(t.TotalIncome), PerCapitaIncome: int64(t.PerCapitaIncome()),
		FinancialAssets: int64(t.FinancialAssets), Vehicles: t.Vehicles, Houses: t.Houses, BusinessEntities: t.BusinessEntities,
		RigidExpenses12m: int64(t.RigidExpenses12m), Source: string(t.Source), Note: t.Note, CreatedBy: t.CreatedBy, CreatedAt: timeString(t.CreatedAt)}
	for _, m := range t.Members {
		out.Members = append(out.Members, memberResponse{PersonID: int64(m.PersonID), Relation: string(m.Relation), BirthDate: dateString(m.BirthDate), BirthYear: yearOf(m.BirthDate),
			DisabilityGrade: m.DisabilityGrade, HukouLocal: m.HukouLocal, HukouType: string(m.HukouType), UnableToWork: m.UnableToWork,
			SelfCare: string(m.SelfCare), HasSupporter: m.HasSupporter, Monitored: m.Monitored, OwnIncome: int64(m.OwnIncome)})
	}
	for _, l := range t.Lines {
		out.Lines = append(out.Lines, lineResponse{PersonID: int64(l.PersonID), Kind: string(l.Kind), Amount: int64(l.Amount), Quantity: l.Quantity,
			Exempt: l.Exempt, Note: l.Note})
	}
	return out
}

func meansTestKey(t *assistance.MeansTest) int64 { return int64(t.ID) }

type meansTestListParams struct {
	Region      string `query:"region"`
	HouseholdID int64  `query:"household_id"`
	pageParams
}

// classificationResponse is a household's layer in a month.
type classificationResponse struct {
	Period          string `json:"period"`
	HouseholdID     int64  `json:"household_id"`
	RegionCode      string `json:"region_code"`
	TestID          int64  `json:"test_id"`
	Layer           string `json:"layer" enum:"tekun,dibao,dibao_edge,rigid_expense,low_income,none"`
	Members         int    `json:"members"`
	PerCapitaIncome int64  `json:"per_capita_income" description:"monthly, fen"`
	DibaoAmount     int64  `json:"dibao_amount" description:"the monthly 低保 the test gives, fen"`
	TekunMembers    int    `json:"tekun_members"`
	PolicyVersion   string `json:"policy_version"`
}

func classificationOf(c *assistance.Classification) classificationResponse {
	return classificationResponse{Period: monthString(c.Period), HouseholdID: int64(c.HouseholdID), RegionCode: string(c.RegionCode),
		TestID: int64(c.TestID), Layer: string(c.Layer), Members: c.Members, PerCapitaIncome: int64(c.PerCapitaIncome),
		DibaoAmount: int64(c.DibaoAmount), TekunMembers: c.TekunMembers, PolicyVersion: c.PolicyVersion}
}

type memberDecisionResponse struct {
	PersonID int64            `json:"person_id"`
	Decision decisionResponse `json:"decision"`
}

// householdExplanationResponse is a classification with every decision behind it.
type householdExplanationResponse struct {
	Classification classificationResponse   `json:"classification"`
	Test           meansTestResponse        `json:"test"`
	Dibao          decisionResponse         `json:"dibao"`
	Tekun          []memberDecisionResponse `json:"tekun" required:"true" nullable:"false"`
	DibaoEdge      decisionResponse         `json:"dibao_edge"`
	RigidExpense   decisionResponse         `json:"rigid_expense"`
	// Reasons say, programme by programme, what decided it, naming the
	// thresholds with the dates they took effect.
	Reasons []string `json:"reasons" required:"true" nullable:"false"`
	// Opens lists the assistance items (联助清单) the layer opens.
	Opens []assistanceItemResponse `json:"opens" required:"true" nullable:"false"`
}

func (s *server) explanationOf(ex *assistance.Explanation) householdExplanationResponse {
	out := householdExplanationResponse{Classification: classificationOf(&ex.Classification), Test: meansTestOf(ex.Test),
		Dibao: decisionOf(ex.Dibao), DibaoEdge: decisionOf(ex.DibaoEdge), RigidExpense: decisionOf(ex.RigidExpense),
		Tekun: []memberDecisionResponse{}, Reasons: ex.Reasons, Opens: []assistanceItemResponse{}}
	out.Test.ID = int64(ex.TestID)
	for _, md := range ex.Tekun {
		out.Tekun = append(out.Tekun, memberDecisionResponse{PersonID: int64(md.PersonID), Decision: decisionOf(md.Decision)})
	}
	if ex.Layer != assistance.LayerNone {
		for _, it := range s.cat.ForLayer(ex.Layer) {
			out.Opens = append(out.Opens, assistanceItemOf(it))
		}
	}
	return out
}

func (s *server) handleCreateMeansTest(w http.ResponseWriter, r *http.Request) {
	req, err := decode[meansTestRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	t := req.test(&pr)
	if t.Period.IsZero() && req.Period == "" {
		pr.Add("period", "is required, as YYYY-MM")
	}
	if err := pr.Err("invalid means test"); err != nil {
		writeError(w, r, err)
		return
	}
	ex, err := s.asst.CreateMeansTest(r.Context(), t)
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/means-tests/"+strconv.FormatInt(int64(t.ID), 10))
	reply(w, r, http.StatusCreated, s.explanationOf(ex))
}

func (s *server) handleListMeansTests(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := assistance.TestFilter{Region: q.region("region"), HouseholdID: registry.HouseholdID(q.id("household_id")), Page: q.page()}
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	ts, err := s.asst.MeansTests(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, newList(ts, f.Limit, meansTestKey, meansTestOf))
}

type classificationParams struct {
	ID     int64  `path:"id" minimum:"1"`
	Period string `query:"period" required:"true" example:"2025-06"`
}

func (s *server) handleExplainHousehold(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	m := periodField(&pr, "period", r.URL.Query().Get("period"))
	if err := pr.Err("invalid query parameters"); err != nil {
		writeError(w, r, err)
		return
	}
	ex, err := s.asst.Explain(r.Context(), registry.HouseholdID(id), m)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, s.explanationOf(ex))
}

// runRequest is the body of a monthly run over a region.
type runRequest struct {
	Period string `json:"period" required:"true" example:"2025-06" description:"YYYY-MM"`
	Region string `json:"region,omitempty" example:"652301" description:"default your whole scope"`
}

// decodeRun reads the body of a run: its month and region.
func decodeRun(r *http.Request, message string) (period.Month, region.Code, error) {
	req, err := decode[runRequest](r)
	if err != nil {
		return 0, "", err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	code := regionField(&pr, "region", req.Region)
	return m, code, pr.Err(message)
}

// requiredMonth reads a YYYY-MM query parameter that must be given.
func (q *query) requiredMonth(name string) period.Month {
	var pr fault.Problems
	m := periodField(&pr, name, q.str(name))
	for k, v := range pr {
		q.pr.Add(k, "%s", v)
	}
	return m
}

type classifySummaryResponse struct {
	Period        string         `json:"period"`
	Region        string         `json:"region"`
	Households    int            `json:"households"`
	ByLayer       map[string]int `json:"by_layer" required:"true" nullable:"false"`
	DibaoAmount   int64          `json:"dibao_amount" description:"monthly 低保 the tests give, fen"`
	PolicyVersion string         `json:"policy_version"`
}

func (s *server) handleClassifyAll(w http.ResponseWriter, r *http.Request) {
	m, code, err := decodeRun(r, "invalid classification run")
	if err != nil {
		writeError(w, r, err)
		return
	}
	sum, err := s.asst.ClassifyAll(r.Context(), m, code)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := classifySummaryResponse{Period: sum.Period.String(), Region: string(sum.Region), Households: sum.Households,
		ByLayer: map[string]int{}, DibaoAmount: int64(sum.DibaoAmount), PolicyVersion: sum.PolicyVersion}
	for l, n := range sum.ByLayer {
		out.ByLayer[string(l)] = n
	}
	reply(w, r, http.StatusOK, out)
}

type lowIncomeParams struct {
	Period string `query:"period" required:"true" example:"2025-06"`
	Region string `query:"region"`
	Layer  string `query:"layer" enum:"tekun,dibao,dibao_edge,rigid_expense,low_income"`
	pageParams
}

func (s *server) handleListLowIncome(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := assistance.ClassificationFilter{Period: q.requiredMonth("period"), Region: q.region("region"),
		Layer: assistance.Layer(q.str("layer")), Page: q.page()}
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	cs, err := s.asst.Classifications(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, newList(cs, f.Limit, func(c assistance.Classification) int64 { return int64(c.HouseholdID) },
		func(c assistance.Classification) classificationResponse { return classificationOf(&c) }))
}

type reportMonthParams struct {
	Period string `query:"period" required:"true" example:"2025-06"`
	Region string `query:"region"`
	pageParams
}

type layerCountResponse struct {
	County      string `json:"county"`
	Layer       string `json:"layer"`
	Households  int    `json:"households"`
	Persons     int    `json:"persons"`
	DibaoAmount int64  `json:"dibao_amount" description:"fen a month"`
}

func (s *server) handleLayerCounts(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	m, code, page := q.requiredMonth("period"), q.region("region"), q.page()
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	cs, err := s.asst.LayerCounts(r.Context(), m, code)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, wholePage(cs, page, func(c assistance.LayerCount) layerCountResponse {
		return layerCountResponse{County: string(c.County), Layer: string(c.Layer), Households: c.Households,
			Persons: c.Persons, DibaoAmount: int64(c.DibaoAmount)}
	}))
}

// ---- cases

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
			Content: o.Content, Outcome: o.Outcome, Finding: o.Finding, ResolvedBy: o.ResolvedBy})
	}
	return out
}

func caseKey(c *assistance.Case) int64 { return int64(c.ID) }

func (s *server) handleApply(w http.ResponseWriter, r *http.Request) {
	req, err := decode[applyRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	c := &assistance.Case{Programme: req.Programme, HouseholdID: registry.HouseholdID(req.HouseholdID), PersonID: registry.PersonID(req.PersonID),
		Channel: assistance.Channel(req.Channel), AppliedOn: dateField(&pr, "applied_on", req.AppliedOn), ApplicantNote: req.ApplicantNote,
		HardshipType: assistance.HardshipType(req.HardshipType), Expense: money.Fen(req.Expense)}
	if err := pr.Err("invalid application"); err != nil {
		writeError(w, r, err)
		return
	}
	if err := s.asst.Apply(r.Context(), c, req.Note); err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/assistance-cases/"+strconv.FormatInt(int64(c.ID), 10))
	reply(w, r, http.StatusCreated, caseOf(c))
}

type caseListParams struct {
	Region      string `query:"region"`
	Programme   string `query:"programme" enum:"dibao,tekun,temporary_assistance"`
	Status      string `query:"status" enum:"applied,investigated,notice,proposed,approved,refused,withdrawn,granted,reversed"`
	HouseholdID int64  `query:"household_id"`
	pageParams
}

func (s *server) handleListCases(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := assistance.CaseFilter{Region: q.region("region"), Programme: q.str("programme"), Status: assistance.CaseStatus(q.str("status")),
		HouseholdID: registry.HouseholdID(q.id("household_id")), Page: q.page()}
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	cs, err := s.asst.Cases(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, newList(cs, f.Limit, caseKey, caseOf))
}

// replyCase answers with the case as it now stands, history included.
func (s *server) replyCase(w http.ResponseWriter, r *http.Request, status int, id assistance.CaseID) {
	v, err := s.asst.FindCase(r.Context(), id)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, status, caseViewOf(v))
}

func (s *server) handleGetCase(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.replyCase(w, r, http.StatusOK, assistance.CaseID(id))
}

// investigationRequest is the body of an investigation: the case's version
// and the means test found.
type investigationRequest = meansTestRequest

func (s *server) handleInvestigate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := decode[investigationRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	version := requireVersion(&pr, req.Version)
	t := req.test(&pr)
	if err := pr.Err("invalid investigation"); err != nil {
		writeError(w, r, err)
		return
	}
	if _, _, err := s.asst.Investigate(r.Context(), assistance.CaseID(id), version, t, req.Note); err != nil {
		writeError(w, r, err)
		return
	}
	s.replyCase(w, r, http.StatusOK, assistance.CaseID(id))
}

// caseActionRequest is the body of a step of a case.
type caseActionRequest struct {
	Version *int64 `json:"version" required:"true"`
	// Note is the note of the step; for a refusal or withdrawal, the reason.
	Note string `json:"note,omitempty"`
}

// caseAction runs a step that takes the version and a note.
func (s *server) caseAction(step func(ctx context.Context, id assistance.CaseID, version int64, note string) (*assistance.Case, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			writeError(w, r, err)
			return
		}
		req, err := decode[caseActionRequest](r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		var pr fault.Problems
		version := requireVersion(&pr, req.Version)
		if err := pr.Err("invalid request"); err != nil {
			writeError(w, r, err)
			return
		}
		if _, err := step(r.Context(), assistance.CaseID(id), version, req.Note); err != nil {
			writeError(w, r, err)
			return
		}
		s.replyCase(w, r, http.StatusOK, assistance.CaseID(id))
	}
}

type objectionRequest struct {
	Objector   string `json:"objector,omitempty" description:"as given; may be anonymous"`
	Content    string `json:"content" required:"true"`
	ReceivedOn string `json:"received_on,omitempty" format:"date" description:"default today; within the notice"`
}

func (s *server) handleObject(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := decode[objectionRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	o := &assistance.Objection{Objector: req.Objector, Content: req.Content, ReceivedOn: dateField(&pr, "received_on", req.ReceivedOn)}
	if err := pr.Err("invalid objection"); err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := s.asst.Object(r.Context(), assistance.CaseID(id), o); err != nil {
		writeError(w, r, err)
		return
	}
	s.replyCase(w, r, http.StatusOK, assistance.CaseID(id))
}

type objectionParams struct {
	ID        int64 `path:"id" minimum:"1"`
	Objection int64 `path:"objection" minimum:"1"`
}

type resolutionRequest struct {
	Upheld  bool   `json:"upheld"`
	Finding string `json:"finding" required:"true" description:"what the check found"`
}

func (s *server) handleResolveObjection(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	oid, err := pathID(r, "objection")
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := decode[resolutionRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := s.asst.ResolveObjection(r.Context(), assistance.CaseID(id), assistance.ObjectionID(oid), req.Upheld, req.Finding); err != nil {
		writeError(w, r, err)
		return
	}
	s.replyCase(w, r, http.StatusOK, assistance.CaseID(id))
}

type grantReviewRequest struct {
	Version *int64 `json:"version" required:"true"`
	Confirm bool   `json:"confirm"`
	Reason  string `json:"reason,omitempty" description:"required to reverse"`
}

func (s *server) handleReviewGrant(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := decode[grantReviewRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	version := requireVersion(&pr, req.Version)
	if err := pr.Err("invalid review"); err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := s.asst.ReviewGrant(r.Context(), assistance.CaseID(id), version, req.Confirm, req.Reason); err != nil {
		writeError(w, r, err)
		return
	}
	s.replyCase(w, r, http.StatusOK, assistance.CaseID(id))
}

// ---- awards, reviews, runs

type paymentLineResponse struct {
	Period string `json:"period"`
	Amount int64  `json:"amount"`
	Layer  string `json:"layer"`
}

type reviewResponse struct {
	ID        int64             `json:"id"`
	AwardID   int64             `json:"award_id"`
	DueOn     string            `json:"due_on,omitempty" format:"date"`
	TestID    int64             `json:"test_id,omitempty"`
	Outcome   string            `json:"outcome" enum:"continue,change_proposed,changed,change_rejected,stop_proposed,stopped,stop_rejected"`
	Eligible  bool              `json:"eligible"`
	Amount    int64             `json:"amount"`
	OldAmount int64             `json:"old_amount"`
	Reason    string            `json:"reason,omitempty"`
	Decision  *decisionResponse `json:"decision,omitempty"`
}

func reviewOf(rv *assistance.Review) reviewResponse {
	return reviewResponse{ID: int64(rv.ID), AwardID: int64(rv.AwardID), DueOn: dateString(rv.DueOn), TestID: int64(rv.TestID), Outcome: string(rv.Outcome),
		Eligible: rv.Eligible, Amount: int64(rv.Amount), OldAmount: int64(rv.OldAmount), Reason: rv.Reason, Decision: storedDecision(rv.Decision)}
}

// assistanceAwardResponse is an award of assistance or an allowance.
type assistanceAwardResponse struct {
	ID          int64  `json:"id"`
	Programme   string `json:"programme"`
	Kind        string `json:"kind" enum:"monthly,once"`
	CaseID      int64  `json:"case_id,omitempty"`
	HouseholdID int64  `json:"household_id,omitempty"`
	PersonID    int64  `json:"person_id,omitempty"`
	RegionCode  string `json:"region_code"`
	Amount      int64  `json:"amount" description:"monthly, or the one-off grant, fen"`
	Start       string `json:"start"`
	End         string `json:"end,omitempty" description:"last month paid of a stopped award"`
	Status      string `json:"status" enum:"active,stopped,granted"`
	Category    string `json:"category,omitempty" enum:"stable,other,tekun"`
	ReviewDue   string `json:"review_due,omitempty" format:"date"`
	StopReason  string `json:"stop_reason,omitempty"`
	Version     int64  `json:"version"`
	// Decision, Lines and Reviews come in single reads.
	Decision *decisionResponse     `json:"decision,omitempty"`
	Lines    []paymentLineResponse `json:"lines,omitempty"`
	Reviews  []reviewResponse      `json:"reviews,omitempty"`
}

func assistanceAwardOf(a *assistance.Award) assistanceAwardResponse {
	return assistanceAwardResponse{ID: int64(a.ID), Programme: a.Programme, Kind: string(a.Kind), CaseID: int64(a.CaseID),
		HouseholdID: int64(a.HouseholdID), PersonID: int64(a.PersonID), RegionCode: string(a.RegionCode), Amount: int64(a.Amount),
		Start: monthString(a.Start), End: monthString(a.End), Status: string(a.Status), Category: a.Category,
		ReviewDue: dateString(a.ReviewDue), StopReason: a.StopReason, Version: a.Version}
}

func assistanceAwardKey(a *assistance.Award) int64 { return int64(a.ID) }

type assistanceAwardListParams struct {
	Region      string `query:"region"`
	Programme   string `query:"programme"`
	Status      string `query:"status" enum:"active,stopped,granted"`
	HouseholdID int64  `query:"household_id"`
	PersonID    int64  `query:"person_id"`
	pageParams
}

func (s *server) handleListAssistanceAwards(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	f := assistance.AwardFilter{Region: q.region("region"), Programme: q.str("programme"), Status: assistance.AwardStatus(q.str("status")),
		HouseholdID: registry.HouseholdID(q.id("household_id")), PersonID: registry.PersonID(q.id("person_id")), Page: q.page()}
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	as, err := s.asst.Awards(r.Context(), f)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, newList(as, f.Limit, assistanceAwardKey, assistanceAwardOf))
}

func (s *server) handleGetAssistanceAward(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	a, err := s.asst.FindAward(r.Context(), assistance.AwardID(id))
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := assistanceAwardOf(a)
	out.Decision = storedDecision(a.Decision)
	lines, err := s.asst.AwardLines(r.Context(), a.ID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	for _, l := range lines {
		out.Lines = append(out.Lines, paymentLineResponse{Period: l.Period.String(), Amount: int64(l.Amount), Layer: string(l.Layer)})
	}
	reviews, err := s.asst.AwardReviews(r.Context(), a.ID)
	if err != nil {
		writeError(w, r, err)
		return
	}
	for i := range reviews {
		out.Reviews = append(out.Reviews, reviewOf(&reviews[i]))
	}
	reply(w, r, http.StatusOK, out)
}

type reviewsDueParams struct {
	AsOf   string `query:"as_of" format:"date" description:"default today"`
	Region string `query:"region"`
	pageParams
}

func (s *server) handleReviewsDue(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	asOf, code := q.date("as_of"), q.region("region")
	page := q.page()
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	if asOf.IsZero() {
		asOf = s.today()
	}
	as, err := s.asst.ReviewsDue(r.Context(), asOf, code, page)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, newList(as, page.Limit, assistanceAwardKey, assistanceAwardOf))
}

func (s *server) handleReview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r, "id")
	if err != nil {
		writeError(w, r, err)
		return
	}
	req, err := decode[meansTestRequest](r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var pr fault.Problems
	t := req.test(&pr)
	if err := pr.Err("invalid review"); err != nil {
		writeError(w, r, err)
		return
	}
	rv, _, err := s.asst.Review(r.Context(), assistance.AwardID(id), t, req.Note)
	if err != nil {
		writeError(w, r, err)
		return
	}
	reply(w, r, http.StatusOK, reviewOf(rv))
}

type decisionRequest struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note,omitempty" description:"the reason of a rejection"`
}

type paySummaryResponse struct {
	Period      string                      `json:"period"`
	Region      string                      `json:"region"`
	Lines       int                         `json:"lines"`
	NewLines    int                         `json:"new_lines"`
	Amount      int64                       `json:"amount" description:"fen"`
	ByProgramme map[string]programmeSumResp `json:"by_programme" required:"true" nullable:"false"`
	Stopped     int                         `json:"stopped" description:"awards stopped because their person died"`
}

type programmeSumResp struct {
	Lines  int   `json:"lines"`
	Amount int64 `json:"amount"`
}

func (s *server) handleAssistancePay(w http.ResponseWriter, r *http.Request) {
	m, code, err := decodeRun(r, "invalid payment run")
	if err != nil {
		writeError(w, r, err)
		return
	}
	sum, err := s.asst.Pay(r.Context(), m, code)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := paySummaryResponse{Period: sum.Period.String(), Region: string(sum.Region), Lines: sum.Lines, NewLines: sum.NewLines,
		Amount: int64(sum.Amount), ByProgramme: map[string]programmeSumResp{}, Stopped: sum.Stopped}
	for p, ps := range sum.ByProgramme {
		out.ByProgramme[p] = programmeSumResp{Lines: ps.Lines, Amount: int64(ps.Amount)}
	}
	reply(w, r, http.StatusOK, out)
}

type reportRangeParams struct {
	From   string `query:"from" required:"true" example:"2024-01"`
	To     string `query:"to" required:"true" example:"2024-12"`
	Region string `query:"region"`
}

type reportRowResponse struct {
	Period        string `json:"period,omitempty"`
	Programme     string `json:"programme"`
	County        string `json:"county,omitempty"`
	Layer         string `json:"layer,omitempty"`
	Beneficiaries int    `json:"beneficiaries" description:"distinct persons (person programmes) or households"`
	LastMonth     int    `json:"last_month,omitempty" description:"in totals: beneficiaries paid in the range's last month (the year-end count)"`
	Lines         int    `json:"lines"`
	Amount        int64  `json:"amount" description:"fen"`
}

type assistanceReportResponse struct {
	From   string              `json:"from"`
	To     string              `json:"to"`
	Region string              `json:"region"`
	Rows   []reportRowResponse `json:"rows" required:"true" nullable:"false"`
	Totals []reportRowResponse `json:"totals" required:"true" nullable:"false"`
}

func reportRowOf(rr assistance.ReportRow) reportRowResponse {
	return reportRowResponse{Period: monthString(rr.Period), Programme: rr.Programme, County: string(rr.County), Layer: string(rr.Layer),
		Beneficiaries: rr.Beneficiaries, LastMonth: rr.LastMonth, Lines: rr.Lines, Amount: int64(rr.Amount)}
}

func (s *server) handleAssistanceReport(w http.ResponseWriter, r *http.Request) {
	q := newQuery(r)
	from, to, code := q.requiredMonth("from"), q.requiredMonth("to"), q.region("region")
	if err := q.err(); err != nil {
		writeError(w, r, err)
		return
	}
	rep, err := s.asst.Report(r.Context(), from, to, code)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := assistanceReportResponse{From: rep.From.String(), To: rep.To.String(), Region: string(rep.Region), Rows: []reportRowResponse{}, Totals: []reportRowResponse{}}
	for _, rr := range rep.Rows {
		out.Rows = append(out.Rows, reportRowOf(rr))
	}
	for _, rr := range rep.Totals {
		out.Totals = append(out.Totals, reportRowOf(rr))
	}
	reply(w, r, http.StatusOK, out)
}

func (s *server) today() period.Date { return s.reg.Today() }
