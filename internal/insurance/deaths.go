package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// SurvivorProgramme is the programme of the funeral grant and survivors'
// benefit of the employee pension (人社部发〔2021〕18号).
const SurvivorProgramme = "survivor_benefit"

// The payment line of a settlement: a survivors' benefit paid by the
// pension fund, instructed like the other benefit lines (source benefit),
// keyed by the settlement's id and this line name.
const (
	settlementLine      = "survivor"
	settlementProgramme = "death_settlement"
)

// DeathSettlementID is a death settlement's surrogate key.
type DeathSettlementID int64

// SettlementStatus is where a death settlement stands.
type SettlementStatus string

// The settlement statuses.
const (
	SettlementProposed SettlementStatus = "proposed" // 待审批: waiting for a second user
	SettlementApproved SettlementStatus = "approved" // 已核定: approved, paid through an instruction
	SettlementRejected SettlementStatus = "rejected" // 不予核定: refused; another may be proposed
)

// DeathSettlement settles an insured person's death (身后事): the funeral
// grant and survivors' benefit of the employee pension, the inheritable
// personal-account balance, less the pension paid after the death
// (recovered from the balance first, then from the grant), paid to a
// survivor; on approval the pension is stopped from the month after the
// death and the household's assistance is reassessed.
type DeathSettlement struct {
	ID         DeathSettlementID `json:"id"`
	PersonID   registry.PersonID `json:"person_id"`
	RegionCode region.Code       `json:"region_code"`
	DeathDate  period.Date       `json:"death_date"`
	// Scheme is the pension the settlement is made under: the employee
	// pension when the person was insured in it or drew it, else the
	// resident pension.
	Scheme Scheme `json:"scheme"`
	// SurvivorID is the survivor (遗属) paid, to their confirmed account.
	SurvivorID registry.PersonID `json:"survivor_id"`
	Status     SettlementStatus  `json:"status"`
	SettlementAmounts
	// Detail is how the amounts were found.
	Detail        SettlementDetail `json:"detail"`
	PolicyVersion string           `json:"policy_version"`
	CreatedBy     int64            `json:"created_by"`
	CreatedAt     time.Time        `json:"created_at"`
	DecidedBy     int64            `json:"decided_by,omitempty"`
	DecidedAt     time.Time        `json:"decided_at,omitzero"`
	Note          string           `json:"note,omitempty"`
	// InstructionID is the payment instruction made on approval, 0 when
	// nothing is left to pay.
	InstructionID payment.InstructionID `json:"instruction_id,omitempty"`
	Version       int64                 `json:"version"`
}

// SettlementAmounts are a settlement's amounts, in fen.
type SettlementAmounts struct {
	// FuneralGrant (丧葬补助金) and SurvivorsBenefit (抚恤金) of the
	// employee pension; 0 under the resident pension.
	FuneralGrant     money.Fen `json:"funeral_grant"`
	SurvivorsBenefit money.Fen `json:"survivors_benefit"`
	// Inheritable is the personal-account balance the heirs inherit
	// (个人账户可继承余额).
	Inheritable money.Fen `json:"inheritable"`
	// Overpayment is the pension paid for months after the death, still
	// outstanding; Recovered the part recovered by this settlement (whole
	// months, oldest first, as far as the balance and the grant reach).
	Overpayment money.Fen `json:"overpayment"`
	Recovered   money.Fen `json:"recovered"`
	// Net is what the survivor is paid: grant + benefit + inheritable −
	// recovered.
	Net money.Fen `json:"net"`
}

// SettlementDetail is how a settlement's amounts were found: the facts
// read, the steps in words (zh-CN) and the programme's decision.
type SettlementDetail struct {
	Retired bool `json:"retired"`
	// ContributionMonths are the months counted for the survivors'
	// benefit (deemed months included for a retiree).
	ContributionMonths int `json:"contribution_months"`
	// MonthsDrawn counts the months of pension paid while alive.
	MonthsDrawn int `json:"months_drawn"`
	// AccountCredited is the account's inheritable entries (the personal
	// part of the employee account with its interest; the whole resident
	// account); AccountDrawn the personal-account pension paid from it
	// while alive.
	AccountCredited money.Fen `json:"account_credited"`
	AccountDrawn    money.Fen `json:"account_drawn"`
	// Overpayments are the months paid after the death, each with whether
	// this settlement recovers it.
	Overpayments []SettledOverpayment `json:"overpayments"`
	// Steps say in words how each amount was found.
	Steps []string `json:"steps"`
	// Decision is the programme's explained decision of the grant and
	// benefit; nil under the resident pension.
	Decision *policy.Decision `json:"decision,omitempty"`
}

// SettledOverpayment is a month paid after the death.
type SettledOverpayment struct {
	AwardID   AwardID      `json:"award_id"`
	Period    period.Month `json:"period"`
	Amount    money.Fen    `json:"amount"`
	Recovered bool         `json:"recovered"`
}

// DeathFacts are what a settlement reads of the person's records.
type DeathFacts struct {
	// EmployeeAccount sums the employee account's personal entries (all
	// but public money); ResidentAccount the whole resident account.
	EmployeeAccount money.Fen
	ResidentAccount money.Fen
	// EmployeeMonths counts the months with an individual employee-pension
	// contribution paid.
	EmployeeMonths int
	// Overpayments are the person's outstanding overpayments and the
	// regular months a pension not stopped yet paid after the month of
	// death (the payroll records them when it stops the award), by
	// period.
	Overpayments []Overpayment
}

// DeathStore keeps death settlements.
type DeathStore interface {
	// DeathFacts reads a person's accounts, contributions and the pension
	// paid after death, the last month alive.
	DeathFacts(ctx context.Context, personID registry.PersonID, death period.Month) (*DeathFacts, error)
	// Enrolments lists enrolments matching f, by key.
	Enrolments(ctx context.Context, f EnrolmentFilter) ([]*Enrolment, error)
	// Awards lists awards matching f, by key, without their decisions.
	Awards(ctx context.Context, f AwardFilter) ([]*Award, error)
	// Award returns an award with its decision.
	Award(ctx context.Context, id AwardID) (*Award, error)
	// CreateDeathSettlement inserts d with its audit event and sets d.ID;
	// Conflict when the person has a settlement not rejected.
	CreateDeathSettlement(ctx context.Context, d *DeathSettlement) error
	// DeathSettlement returns a settlement.
	DeathSettlement(ctx context.Context, id DeathSettlementID) (*DeathSettlement, error)
	// LatestDeathSettlement returns the person's latest settlement,
	// whatever its status; NotFound when there is none.
	LatestDeathSettlement(ctx context.Context, person registry.PersonID) (*DeathSettlement, error)
	// DecideDeathSettlement stores the decision on a proposed settlement
	// (Conflict when it is no longer proposed at d.Version) in one
	// transaction with its audit event. Approved, in the same transaction:
	// the months paid after the death not recorded as overpayments yet
	// recorded (as the payroll does when it stops an award), then Conflict
	// when the person's outstanding overpayments are no longer those of
	// d.Detail; the person's pension awards stopped with the
	// month of death (those not stopped yet), the overpayments d recovers
	// marked recovered, the person's own assistance awards stopped with
	// the month of death and the household's awards due for review on the
	// first day of the month after, and, when d.Net > 0, the instruction
	// in (to the survivor's confirmed primary account, held without one)
	// with its accrual journal; it sets d.InstructionID.
	DecideDeathSettlement(ctx context.Context, d *DeathSettlement, in *payment.Instruction) error
}

// Deaths settles the deaths of insured persons (身后事).
type Deaths struct {
	store    DeathStore
	registry Registry
	policy   *policy.Package
	clock    clock.Clock
}

// NewDeaths returns a Deaths telling the time by clk.
func NewDeaths(store DeathStore, reg Registry, pk *policy.Package, clk clock.Clock) *Deaths {
	return &Deaths{store: store, registry: scopedRegistry{reg}, policy: pk, clock: clk}
}

// Policy is the policy package that decides the grant and benefit.
func (s *Deaths) Policy() *policy.Package { return s.policy }

// DeathRequest asks for a settlement.
type DeathRequest struct {
	PersonID   registry.PersonID
	SurvivorID registry.PersonID
	// DiedAtWork says the death is a work injury: the work-injury fund
	// pays then, and this settlement has no funeral grant or benefit.
	DiedAtWork bool
}

// Propose computes the settlement of a recorded death and proposes it for
// a second user's approval (a caseworker with insurance.write in the
// person's region). A second proposal while one is proposed or approved
// is Conflict.
func (s *Deaths) Propose(ctx context.Context, req DeathRequest) (*DeathSettlement, error) {
	var pr fault.Problems
	if req.PersonID <= 0 {
		pr.Add("id", "is required")
	}
	if req.SurvivorID <= 0 {
		pr.Add("survivor_id", "name the survivor paid")
	}
	if err := pr.Err("invalid death settlement"); err != nil {
		return nil, err
	}
	p, err := s.registry.Person(ctx, req.PersonID)
	if err != nil {
		return nil, err
	}
	pri, err := auth.RequireFound(ctx, auth.PermInsurance, p.RegionCode, "person", p.ID)
	if err != nil {
		return nil, err
	}
	if p.Alive() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid death settlement",
			Fields: map[string]string{"id": fmt.Sprintf("no death is recorded for person %d (死亡登记 first)", p.ID)}}
	}
	sv, err := s.registry.Person(ctx, req.SurvivorID)
	switch {
	case fault.CodeOf(err) == fault.NotFound:
		pr.Add("survivor_id", "person %d does not exist", req.SurvivorID)
	case err != nil:
		return nil, err
	case sv.ID == p.ID:
		pr.Add("survivor_id", "the survivor is someone else than the deceased")
	case !sv.Alive():
		pr.Add("survivor_id", "person %d died on %s", sv.ID, sv.DeathDate)
	}
	if err := pr.Err("invalid death settlement"); err != nil {
		return nil, err
	}
	d, err := s.compute(ctx, p, req.DiedAtWork)
	if err != nil {
		return nil, err
	}
	d.SurvivorID, d.Status = sv.ID, SettlementProposed
	d.CreatedBy, d.CreatedAt, d.PolicyVersion = pri.UserID, s.clock.Now().UTC(), s.policy.Version
	if err := s.store.CreateDeathSettlement(ctx, d); err != nil {
		return nil, err
	}
	return d, nil
}

// compute finds the amounts of the settlement of p's death.
func (s *Deaths) compute(ctx context.Context, p *registry.Person, diedAtWork bool) (*DeathSettlement, error) {
	death := p.DeathDate
	dm := death.Period()
	ens, err := s.store.Enrolments(ctx, EnrolmentFilter{PersonID: p.ID, Page: registry.Page{Limit: registry.PageMax}})
	if err != nil {
		return nil, err
	}
	awards, err := s.store.Awards(ctx, AwardFilter{PersonID: p.ID, Page: registry.Page{Limit: registry.PageMax}})
	if err != nil {
		return nil, err
	}
	facts, err := s.store.DeathFacts(ctx, p.ID, dm)
	if err != nil {
		return nil, err
	}
	var empAward, resAward *Award
	for _, a := range awards {
		if a.Start > dm {
			continue
		}
		switch a.Scheme {
		case EmployeePension:
			empAward = a
		case ResidentPension:
			resAward = a
		}
	}
	var empMember, resMember bool
	for _, e := range ens {
		switch {
		case e.Scheme == EmployeePension && e.Covers(dm):
			empMember = true
		case e.Scheme == ResidentPension && e.Start <= dm:
			resMember = true
		}
	}
	d := &DeathSettlement{PersonID: p.ID, RegionCode: p.RegionCode, DeathDate: death}
	det := &d.Detail
	yuan := func(f money.Fen) string { return f.String() + " 元" }
	switch {
	case empMember || empAward != nil:
		d.Scheme = EmployeePension
	case resMember || resAward != nil || facts.ResidentAccount > 0:
		d.Scheme = ResidentPension
	default:
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid death settlement",
			Fields: map[string]string{"id": fmt.Sprintf("person %d was not insured in a pension when they died on %s", p.ID, death)}}
	}
	award := empAward
	if d.Scheme == ResidentPension {
		award = resAward
	}
	// The account: what the heirs inherit is what was credited, less the
	// personal-account pension a retiree drew while alive.
	det.AccountCredited = facts.EmployeeAccount
	if d.Scheme == ResidentPension {
		det.AccountCredited = facts.ResidentAccount
	}
	var monthly money.Fen
	if award != nil {
		full, err := s.store.Award(ctx, award.ID)
		if err != nil {
			return nil, err
		}
		det.Retired = true
		det.MonthsDrawn = int(dm-full.Start) + 1
		monthly = accountPension(full.Decision)
		if det.AccountCredited == 0 {
			// No ledger entries held (an account moved in on paper): the
			// balance the award read at the start.
			det.AccountCredited = accountBalance(full.Decision)
		}
		if det.AccountDrawn, err = money.Mul(monthly, int64(det.MonthsDrawn)); err != nil {
			return nil, fmt.Errorf("account drawn by person %d: %w", p.ID, err)
		}
	}
	d.Inheritable = max(det.AccountCredited-det.AccountDrawn, 0)
	part := "个人账户中个人缴费部分储存额（含利息）"
	if d.Scheme == ResidentPension {
		part = "城乡居民个人账户储存额"
	}
	if det.Retired {
		det.Steps = append(det.Steps, fmt.Sprintf("个人账户可继承余额 = %s %s − 已领取个人账户养老金 %s（%s/月 × %d 个月）= %s",
			part, yuan(det.AccountCredited), yuan(det.AccountDrawn), yuan(monthly), det.MonthsDrawn, yuan(d.Inheritable)))
	} else {
		det.Steps = append(det.Steps, fmt.Sprintf("个人账户可继承余额 = %s %s", part, yuan(d.Inheritable)))
	}
	// The grant and the benefit (employee pension only).
	if d.Scheme == EmployeePension {
		months := facts.EmployeeMonths
		if empAward != nil {
			months = max(months, empAward.ContributionMonths)
		}
		det.ContributionMonths = months
		dec, err := s.policy.Evaluate(SurvivorProgramme, dm, policy.Case{Entity: "person", Region: p.RegionCode, Inputs: map[string]json.RawMessage{
			"employee_pension_member": jsonBool(true), "died_at_work": jsonBool(diedAtWork), "draws_employee_pension": jsonBool(empAward != nil),
			"contribution_months": jsonInt(int64(months)), "deemed_months": jsonInt(0), "pension_months_drawn": jsonInt(int64(det.MonthsDrawn)),
		}})
		if err != nil {
			return nil, &fault.Error{Code: fault.Invalid, Message: "survivors' benefit parameters not in force", Err: err,
				Fields: map[string]string{"id": err.Error()}}
		}
		det.Decision = dec
		if dec.Eligible {
			d.FuneralGrant, d.SurvivorsBenefit = money.Fen(decisionInt(dec, "funeral_grant")), money.Fen(decisionInt(dec, "survivors_benefit"))
			det.Steps = append(det.Steps, fmt.Sprintf("丧葬补助金 = 上一年度城镇居民月人均可支配收入 %s × %s 个月 = %s",
				yuan(money.Fen(decisionInt(dec, "monthly_base"))), paramValue(dec, "survivor.funeral_grant_months"), yuan(d.FuneralGrant)))
			det.Steps = append(det.Steps, fmt.Sprintf("抚恤金 = 上一年度城镇居民月人均可支配收入 %s × %d 个月（缴费年限 %d 年%s）= %s",
				yuan(money.Fen(decisionInt(dec, "monthly_base"))), decisionInt(dec, "benefit_months"), decisionInt(dec, "contribution_years"),
				retireeText(det.Retired, decisionInt(dec, "years_drawn")), yuan(d.SurvivorsBenefit)))
		} else {
			det.Steps = append(det.Steps, "不享受丧葬补助金和抚恤金：因工死亡的，由工伤保险基金支付")
		}
	}
	// The overpayments: recovered from the balance first, then the grant,
	// whole months, oldest first.
	gross, err := money.Add(d.FuneralGrant, d.SurvivorsBenefit)
	if err == nil {
		gross, err = money.Add(gross, d.Inheritable)
	}
	if err != nil {
		return nil, fmt.Errorf("settlement of person %d: %w", p.ID, err)
	}
	left := gross
	for _, o := range facts.Overpayments {
		so := SettledOverpayment{AwardID: o.AwardID, Period: o.Period, Amount: o.Amount}
		if d.Overpayment, err = money.Add(d.Overpayment, o.Amount); err != nil {
			return nil, fmt.Errorf("overpayments of person %d: %w", p.ID, err)
		}
		if o.Amount <= left {
			so.Recovered = true
			left -= o.Amount
			d.Recovered += o.Amount
		}
		det.Overpayments = append(det.Overpayments, so)
	}
	d.Net = gross - d.Recovered
	if d.Overpayment > 0 {
		st := fmt.Sprintf("死亡后多发养老金 %s（%d 个月），先从个人账户余额、再从丧葬补助金和抚恤金中扣回 %s", yuan(d.Overpayment), len(det.Overpayments), yuan(d.Recovered))
		if d.Recovered < d.Overpayment {
			st += fmt.Sprintf("，其余 %s 另行追回", yuan(d.Overpayment-d.Recovered))
		}
		det.Steps = append(det.Steps, st)
	}
	det.Steps = append(det.Steps, fmt.Sprintf("支付遗属 = 丧葬补助金 %s + 抚恤金 %s + 个人账户可继承余额 %s − 扣回多发养老金 %s = %s",
		yuan(d.FuneralGrant), yuan(d.SurvivorsBenefit), yuan(d.Inheritable), yuan(d.Recovered), yuan(d.Net)))
	return d, nil
}

// paramValue is the value of a parameter a decision read, as written.
func paramValue(d *policy.Decision, key string) string {
	for _, p := range d.Parameters {
		if p.Key == key {
			return p.Value
		}
	}
	return "?"
}

func retireeText(retired bool, yearsDrawn int64) string {
	if !retired {
		return ""
	}
	return fmt.Sprintf("，已领取基本养老金 %d 年，每满1年减少1个月，最低9个月", yearsDrawn)
}

// decisionInt returns a whole-number variable of a decision (money in
// fen), 0 when d is nil or has none.
func decisionInt(d *policy.Decision, name string) int64 {
	if d == nil {
		return 0
	}
	v, err := variable(d, name)
	if err != nil {
		return 0
	}
	return v
}

// accountPension is the personal-account pension of an award's decision.
func accountPension(d *policy.Decision) money.Fen {
	return money.Fen(decisionInt(d, "account_pension"))
}

// accountBalance is the account balance an award's decision read at the
// start of the pension (a money input, written in yuan).
func accountBalance(d *policy.Decision) money.Fen {
	if d == nil {
		return 0
	}
	for _, v := range d.Inputs {
		if v.Name == "account_balance" || v.Name == "resident_account_balance" {
			f, err := money.Parse(strings.TrimSuffix(v.Value, " yuan"))
			if err != nil {
				return 0
			}
			return f
		}
	}
	return 0
}

func jsonInt(v int64) json.RawMessage { return json.RawMessage(fmt.Sprint(v)) }

// Decide approves or rejects a proposed settlement, by a user with
// decision.approve in the person's region who did not propose it.
// Approved, the pension is stopped, the overpayments recovered, the
// household's assistance set for review from the month after the death and
// the survivor paid through a payment instruction of the month of approval,
// all in one transaction. A rejection needs the reason (the decision's
// note).
func (s *Deaths) Decide(ctx context.Context, id DeathSettlementID, approve bool, note string) (*DeathSettlement, error) {
	d, err := s.store.DeathSettlement(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireFound(ctx, auth.PermApprove, d.RegionCode, "death settlement", id)
	if err != nil {
		return nil, err
	}
	if d.Status != SettlementProposed {
		return nil, fault.Errorf(fault.Conflict, "death settlement %d was %s already", id, d.Status)
	}
	if err := auth.SecondUser(p, []int64{d.CreatedBy}, "death settlement %d was proposed by you: another user decides it", id); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	d.DecidedBy, d.DecidedAt, d.Note = p.UserID, now, note
	if !approve {
		if strings.TrimSpace(note) == "" {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"note": "give the reason the settlement is rejected"}}
		}
		d.Status = SettlementRejected
		return d, s.store.DecideDeathSettlement(ctx, d, nil)
	}
	d.Status = SettlementApproved
	var in *payment.Instruction
	if d.Net > 0 {
		fund := payment.FundEmployeePension
		if d.Scheme == ResidentPension {
			fund = payment.FundResidentPension
		}
		in = &payment.Instruction{Source: payment.SourceBenefit, SourceRef: int64(d.ID), Period: s.clock.Date(now).Period(), Line: settlementLine,
			Fund: fund, Programme: settlementProgramme, PayeeKind: "person", PayeeID: int64(d.SurvivorID), Amount: d.Net,
			Status: payment.Pending, CreatedAt: now, Version: 1}
	}
	if err := s.store.DecideDeathSettlement(ctx, d, in); err != nil {
		return nil, err
	}
	return d, nil
}

// Find returns a settlement in the caller's scope.
func (s *Deaths) Find(ctx context.Context, id DeathSettlementID) (*DeathSettlement, error) {
	d, err := s.store.DeathSettlement(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, d.RegionCode, "death settlement", id); err != nil {
		return nil, err
	}
	return d, nil
}
