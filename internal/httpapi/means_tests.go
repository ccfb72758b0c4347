package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// meansTestRoutes are the routes of household means tests.
func (s *server) meansTestRoutes() []route {
	type (
		testList = listResponse[meansTestResponse]
	)
	return []route{
		{method: "POST", path: "/api/v1/means-tests", op: "createMeansTest", handler: s.handleCreateMeansTest, tag: "assistance",
			summary: "Record a household means test (家庭经济状况核对): members, incomes over 12 months, assets, rigid expenses; pensions and benefits come in from the insurance side; the household is classified at once",
			body:    meansTestRequest{}, status: http.StatusCreated, resp: householdExplanationResponse{}},
		{method: "GET", path: "/api/v1/means-tests", op: "listMeansTests", handler: s.handleListMeansTests, tag: "assistance",
			summary: "List means tests in your scope", params: meansTestListParams{}, status: http.StatusOK, resp: testList{}},
		{method: "GET", path: "/api/v1/means-tests/{id}", op: "getMeansTest", handler: getByID(s.asst.MeansTest, meansTestOf), tag: "assistance",
			summary: "Read a means test with its members and lines", params: idParams{}, status: http.StatusOK, resp: meansTestResponse{}},
	}
}

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
	Region      region.Code          `query:"region"`
	HouseholdID registry.HouseholdID `query:"household_id"`
	pageParams
}

func (s *server) handleCreateMeansTest(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[meansTestRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	t := req.test(&pr)
	if t.Period.IsZero() && req.Period == "" {
		pr.Add("period", "is required, as YYYY-MM")
	}
	if err := pr.Err("invalid means test"); err != nil {
		return err
	}
	ex, err := s.asst.CreateMeansTest(r.Context(), t)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/means-tests/"+strconv.FormatInt(int64(t.ID), 10))
	reply(w, r, http.StatusCreated, s.explanationOf(ex))
	return nil
}

func (s *server) handleListMeansTests(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[meansTestListParams](r)
	if err != nil {
		return err
	}
	f := assistance.TestFilter{Region: p.Region, HouseholdID: p.HouseholdID, Page: p.page()}
	ts, err := s.asst.MeansTests(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(ts, f.Limit, meansTestKey, meansTestOf))
	return nil
}
