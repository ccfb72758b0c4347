package httpapi

import (
	"net/http"
	"strconv"

	"safetynet/internal/insurance"
	"safetynet/internal/registry"
)

// deathRoutes are the routes of the settlement of an insured person's
// death (身后事): proposed by a caseworker, decided by a second user.
func (s *server) deathRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/persons/{id}/death-settlement", op: "proposeDeathSettlement", handler: s.handleProposeDeath, tag: "pensions",
			summary: "Propose the settlement of a recorded death (身后事): the funeral grant and survivors' benefit of the employee pension (人社部发〔2021〕18号), " +
				"the inheritable personal-account balance, less the pension paid after the death; another user decides it (one live settlement per person: 409)",
			params: personParams{}, body: deathSettlementRequest{}, status: http.StatusCreated, resp: deathSettlementResponse{}},
		{method: "GET", path: "/api/v1/death-settlements/{id}", op: "getDeathSettlement", handler: s.handleGetDeath, tag: "pensions",
			summary: "Read a death settlement with its amounts explained", params: idParams{}, status: http.StatusOK, resp: deathSettlementResponse{}},
		{method: "POST", path: "/api/v1/death-settlements/{id}/decision", op: "decideDeathSettlement", handler: s.handleDecideDeath, tag: "pensions",
			summary: "Approve or reject a death settlement, by an approver who did not propose it: approved, the pension stops, the overpayments are recovered, " +
				"the household's assistance is due for review from the month after, and the survivor is paid through a payment instruction",
			params: idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: deathSettlementResponse{}},
	}
}

// deathSettlementRequest is the body of POST /api/v1/persons/{id}/death-settlement.
type deathSettlementRequest struct {
	SurvivorID int64 `json:"survivor_id" required:"true" minimum:"1" description:"the survivor (遗属) paid, a registered living person; paid to their confirmed primary account, held without one"`
	DiedAtWork bool  `json:"died_at_work,omitempty" description:"the death is a work injury (因工死亡): the work-injury fund pays the grants, this settlement only the account"`
}

// settledOverpaymentResponse is a month of pension paid after the death.
type settledOverpaymentResponse struct {
	AwardID   int64  `json:"award_id"`
	Period    string `json:"period" example:"2026-08"`
	Amount    int64  `json:"amount" description:"fen"`
	Recovered bool   `json:"recovered" description:"recovered by this settlement (whole months, oldest first, as far as the balance and the grant reach)"`
}

// deathSettlementResponse is a death settlement.
type deathSettlementResponse struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	RegionCode string `json:"region_code"`
	DeathDate  string `json:"death_date" format:"date"`
	Scheme     string `json:"scheme" enum:"employee_pension,resident_pension"`
	SurvivorID int64  `json:"survivor_id"`
	Status     string `json:"status" enum:"proposed,approved,rejected"`
	// The amounts, in fen.
	FuneralGrant     int64 `json:"funeral_grant" description:"丧葬补助金, fen"`
	SurvivorsBenefit int64 `json:"survivors_benefit" description:"抚恤金, fen"`
	Inheritable      int64 `json:"inheritable" description:"个人账户可继承余额: the personal part of the employee account (the whole resident account) less the account pension drawn, fen"`
	Overpayment      int64 `json:"overpayment" description:"pension paid for months after the death, outstanding when proposed, fen"`
	Recovered        int64 `json:"recovered" description:"the part of it recovered from the balance, then the grant, fen"`
	Net              int64 `json:"net" description:"paid to the survivor: grant + benefit + inheritable − recovered, fen"`
	// The facts read.
	Retired            bool                         `json:"retired" description:"the person drew the pension when they died"`
	ContributionMonths int                          `json:"contribution_months" description:"months counted for the survivors' benefit"`
	MonthsDrawn        int                          `json:"months_drawn" description:"months of pension paid while alive"`
	AccountCredited    int64                        `json:"account_credited" description:"the account's inheritable entries, fen"`
	AccountDrawn       int64                        `json:"account_drawn" description:"personal-account pension paid from it while alive, fen"`
	Overpayments       []settledOverpaymentResponse `json:"overpayments" required:"true" nullable:"false"`
	Steps              []string                     `json:"steps" required:"true" nullable:"false" description:"how each amount was found, in words (zh-CN)"`
	Decision           *decisionResponse            `json:"decision,omitempty" description:"the programme survivor_benefit's explained decision; absent under the resident pension"`
	CreatedBy          int64                        `json:"created_by"`
	DecidedBy          int64                        `json:"decided_by,omitempty"`
	Note               string                       `json:"note,omitempty"`
	InstructionID      int64                        `json:"instruction_id,omitempty" description:"the payment instruction made on approval"`
	Version            int64                        `json:"version"`
}

func deathSettlementOf(d *insurance.DeathSettlement) deathSettlementResponse {
	out := deathSettlementResponse{ID: int64(d.ID), PersonID: int64(d.PersonID), RegionCode: string(d.RegionCode), DeathDate: dateString(d.DeathDate),
		Scheme: string(d.Scheme), SurvivorID: int64(d.SurvivorID), Status: string(d.Status), FuneralGrant: int64(d.FuneralGrant),
		SurvivorsBenefit: int64(d.SurvivorsBenefit), Inheritable: int64(d.Inheritable), Overpayment: int64(d.Overpayment), Recovered: int64(d.Recovered),
		Net: int64(d.Net), Retired: d.Detail.Retired, ContributionMonths: d.Detail.ContributionMonths, MonthsDrawn: d.Detail.MonthsDrawn,
		AccountCredited: int64(d.Detail.AccountCredited), AccountDrawn: int64(d.Detail.AccountDrawn), Overpayments: []settledOverpaymentResponse{},
		Steps: append([]string{}, d.Detail.Steps...), CreatedBy: d.CreatedBy, DecidedBy: d.DecidedBy, Note: d.Note,
		InstructionID: int64(d.InstructionID), Version: d.Version}
	for _, o := range d.Detail.Overpayments {
		out.Overpayments = append(out.Overpayments, settledOverpaymentResponse{AwardID: int64(o.AwardID), Period: o.Period.String(),
			Amount: int64(o.Amount), Recovered: o.Recovered})
	}
	if d.Detail.Decision != nil {
		dr := decisionOf(d.Detail.Decision)
		out.Decision = &dr
	}
	return out
}

func (s *server) handleProposeDeath(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, deathSettlementRequest](r)
	if err != nil {
		return err
	}
	d, err := s.deaths.Propose(r.Context(), insurance.DeathRequest{PersonID: p.ID, SurvivorID: registry.PersonID(req.SurvivorID), DiedAtWork: req.DiedAtWork})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/death-settlements/"+strconv.FormatInt(int64(d.ID), 10))
	reply(w, r, http.StatusCreated, deathSettlementOf(d))
	return nil
}

func (s *server) handleGetDeath(w http.ResponseWriter, r *http.Request) error {
	return getByID(s.deaths.Find, deathSettlementOf)(w, r)
}

func (s *server) handleDecideDeath(w http.ResponseWriter, r *http.Request) error {
	return decide(s.deaths.Decide, deathSettlementOf)(w, r)
}
