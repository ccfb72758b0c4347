package httpapi

import (
	"net/http"

	"safetynet/internal/assistance"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// classificationRoutes are the routes of classification (分层分类): a
// household's layer, classification runs, the low-income population and its
// counts.
func (s *server) classificationRoutes() []route {
	type lowIncomeList = listResponse[classificationResponse]
	return []route{
		{method: "GET", path: "/api/v1/households/{id}/classification", op: "getHouseholdClassification", handler: s.handleExplainHousehold, tag: "assistance",
			summary: "Classify a household (分层分类) for a month from its latest means test: the layer, every decision, a reason per programme naming each threshold and its date, and the assistance items the layer opens",
			params:  classificationParams{}, status: http.StatusOK, resp: householdExplanationResponse{}},
		{method: "POST", path: "/api/v1/classification-runs", op: "runClassification", handler: s.handleClassifyAll, tag: "assistance",
			summary: "Classify every tested household of a region for a month (columnar engine); replaces the month's low-income population there",
			body:    runRequest{}, status: http.StatusOK, resp: classifySummaryResponse{}},
		{method: "GET", path: "/api/v1/low-income", op: "listLowIncomeHouseholds", handler: s.handleListLowIncome, tag: "assistance",
			summary: "The low-income population of a month (低收入人口库): households in a layer", params: lowIncomeParams{}, status: http.StatusOK, resp: lowIncomeList{}},
		{method: "GET", path: "/api/v1/reports/low-income", op: "getLowIncomeReport", handler: s.handleLayerCounts, tag: "assistance",
			summary: "Households and persons of the low-income population by county and layer", params: reportParams{}, status: http.StatusOK, resp: lowIncomeReport{}},
	}
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

type classificationParams struct {
	ID     registry.HouseholdID `path:"id" minimum:"1"`
	Period period.Month         `query:"period" required:"true" example:"2025-06"`
}

func (s *server) handleExplainHousehold(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[classificationParams](r)
	if err != nil {
		return err
	}
	ex, err := s.asst.Explain(r.Context(), p.ID, p.Period)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.explanationOf(ex))
	return nil
}

type classifySummaryResponse struct {
	Period        string         `json:"period"`
	Region        string         `json:"region"`
	Households    int            `json:"households"`
	ByLayer       map[string]int `json:"by_layer" required:"true" nullable:"false"`
	DibaoAmount   int64          `json:"dibao_amount" description:"monthly 低保 the tests give, fen"`
	PolicyVersion string         `json:"policy_version"`
}

func (s *server) handleClassifyAll(w http.ResponseWriter, r *http.Request) error {
	m, code, err := decodeRun(r, "invalid classification run")
	if err != nil {
		return err
	}
	sum, err := s.asst.ClassifyAll(r.Context(), m, code)
	if err != nil {
		return err
	}
	out := classifySummaryResponse{Period: sum.Period.String(), Region: string(sum.Region), Households: sum.Households,
		ByLayer: map[string]int{}, DibaoAmount: int64(sum.DibaoAmount), PolicyVersion: sum.PolicyVersion}
	for l, n := range sum.ByLayer {
		out.ByLayer[string(l)] = n
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

type lowIncomeParams struct {
	Period period.Month `query:"period" required:"true" example:"2025-06"`
	Region region.Code  `query:"region"`
	Layer  string       `query:"layer" enum:"tekun,dibao,dibao_edge,rigid_expense,low_income"`
	pageParams
}

func (s *server) handleListLowIncome(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[lowIncomeParams](r)
	if err != nil {
		return err
	}
	f := assistance.ClassificationFilter{Period: p.Period, Region: p.Region,
		Layer: assistance.Layer(p.Layer), Page: p.page()}
	cs, err := s.asst.Classifications(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(cs, f.Limit, func(c assistance.Classification) int64 { return int64(c.HouseholdID) },
		func(c assistance.Classification) classificationResponse { return classificationOf(&c) }))
	return nil
}

type layerCountResponse struct {
	Period      string `json:"period" example:"2025-06" description:"the month counted, YYYY-MM"`
	County      string `json:"county"`
	Layer       string `json:"layer"`
	Households  int    `json:"households"`
	Persons     int    `json:"persons"`
	DibaoAmount int64  `json:"dibao_amount" description:"fen a month"`
}

// lowIncomeReport is the body of GET /api/v1/reports/low-income: the
// layers counted month by month (counts of a month do not add up over
// months, so it has no totals).
type lowIncomeReport = reportResponse[layerCountResponse, noTotals]

func (s *server) handleLayerCounts(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readReportPeriod(r)
	if err != nil {
		return err
	}
	out := newReport[layerCountResponse, noTotals]("low-income", p)
	for _, m := range p.months() {
		cs, err := s.asst.LayerCounts(r.Context(), m, p.Region)
		if err != nil {
			return err
		}
		for _, c := range cs {
			out.Rows = append(out.Rows, layerCountResponse{Period: m.String(), County: string(c.County), Layer: string(c.Layer),
				Households: c.Households, Persons: c.Persons, DibaoAmount: int64(c.DibaoAmount)})
		}
	}
	reply(w, r, http.StatusOK, out)
	return nil
}
