package httpapi

import (
	"context"
	"net/http"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// payeeRoutes are the routes of the maker-checker changes of where
// benefits are paid: pending bank accounts and payee agents (代领人) for an
// approver to confirm or reject, and the reference table of banks.
func (s *server) payeeRoutes() []route {
	type (
		bankAccountList = listResponse[bankAccountResponse]
		agentList       = listResponse[payeeAgentResponse]
		bankList        = listResponse[bankResponse]
	)
	return []route{
		{method: "GET", path: "/api/v1/banks", op: "listBanks", handler: s.handleListBanks, tag: "payments",
			summary: "The reference table of banks a bank account may be at, with the dates each code is accepted", params: pageParams{}, status: http.StatusOK, resp: bankList{}},
		{method: "GET", path: "/api/v1/bank-accounts", op: "listBankAccounts", handler: s.handleBankAccountsByStatus, tag: "payments",
			summary: "List bank accounts by status in your scope: by default the pending ones, for an approver to confirm or reject",
			params:  approvalListParams{}, status: http.StatusOK, resp: bankAccountList{}},
		{method: "GET", path: "/api/v1/bank-accounts/{id}", op: "getBankAccount", handler: s.handleGetBankAccount, tag: "payments",
			summary: "Read a bank account with who requested and who decided it", params: idParams{}, status: http.StatusOK, resp: bankAccountResponse{}},
		{method: "POST", path: "/api/v1/bank-accounts/{id}/decision", op: "decideBankAccount", handler: s.handleDecideBankAccount, tag: "payments",
			summary: "Confirm or reject a pending bank account (checker): an approver who did not request it; only a confirmed account is paid",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: bankAccountResponse{}},
		{method: "GET", path: "/api/v1/persons/{id}/payee-agents", op: "listPersonPayeeAgents", handler: s.handleListAgents, tag: "persons",
			summary: "List a person's payee agents (代领人)", params: personPageParams{}, status: http.StatusOK, resp: agentList{}},
		{method: "POST", path: "/api/v1/persons/{id}/payee-agents", op: "createPayeeAgent", handler: s.handleCreateAgent, tag: "persons",
			summary: "Record a payee agent (代领人) who may hold the account a person's benefits are paid to; pending until another user confirms it",
			params:  personParams{}, body: payeeAgentRequest{}, status: http.StatusCreated, resp: payeeAgentResponse{}},
		{method: "GET", path: "/api/v1/payee-agents", op: "listPayeeAgents", handler: s.handleAgentsByStatus, tag: "payments",
			summary: "List payee agents by status in your scope: by default the pending ones", params: approvalListParams{}, status: http.StatusOK, resp: agentList{}},
		{method: "POST", path: "/api/v1/payee-agents/{id}/decision", op: "decidePayeeAgent", handler: s.handleDecideAgent, tag: "payments",
			summary: "Confirm or reject a pending payee agent (checker): an approver who did not record it",
			params:  idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: payeeAgentResponse{}},
	}
}

// bankAccountResponse is a bank account; the account number is masked
// unless the role may see personal data.
type bankAccountResponse struct {
	ID          int64  `json:"id"`
	OwnerKind   string `json:"owner_kind" enum:"person,organisation"`
	OwnerID     int64  `json:"owner_id"`
	RegionCode  string `json:"region_code"`
	BankCode    string `json:"bank_code" example:"ICBC"`
	BankName    string `json:"bank_name"`
	AccountNo   string `json:"account_no" example:"6222************1234"`
	AccountName string `json:"account_name"`
	// Primary marks the account benefits are paid into.
	Primary bool `json:"primary"`
	// WantsPrimary is the request to make it primary once confirmed.
	WantsPrimary bool   `json:"wants_primary"`
	Status       string `json:"status" enum:"pending,confirmed,rejected" description:"only a confirmed account is paid"`
	AgentID      int64  `json:"agent_id,omitempty" description:"the payee agent who holds the account"`
	approvalResponse
	Version int64 `json:"version"`
	// IdentityChangeID flags the owner's identity change (name, ID
	// number) an approver must weigh: one pending now (the account cannot
	// be confirmed until it is decided), or one confirmed shortly before
	// the account was requested.
	IdentityChangeID int64 `json:"identity_change_id,omitempty"`
	// IdentityChangedAt is when that change was confirmed.
	IdentityChangedAt string `json:"identity_changed_at,omitempty" format:"date-time"`
}

// approvalResponse says who requested a maker-checker change and who
// decided it.
type approvalResponse struct {
	RequestedBy   int64  `json:"requested_by" description:"0 for the system's registration"`
	RequestedName string `json:"requested_name"`
	RequestedAt   string `json:"requested_at,omitempty"`
	DecidedBy     int64  `json:"decided_by,omitempty"`
	DecidedName   string `json:"decided_name,omitempty"`
	DecidedAt     string `json:"decided_at,omitempty"`
	DecisionNote  string `json:"decision_note,omitempty"`
}

// timestamp writes t in RFC 3339 UTC, "" for the zero time.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func approvalOf(a registry.Approval) approvalResponse {
	return approvalResponse{RequestedBy: a.RequestedBy, RequestedName: a.RequestedName, RequestedAt: timestamp(a.RequestedAt), DecidedBy: a.DecidedBy,
		DecidedName: a.DecidedName, DecidedAt: timestamp(a.DecidedAt), DecisionNote: a.DecisionNote}
}

func (v view) bankAccount(b *registry.BankAccount) bankAccountResponse {
	return bankAccountResponse{
		ID: int64(b.ID), OwnerKind: string(b.OwnerKind), OwnerID: b.OwnerID, RegionCode: string(b.RegionCode),
		BankCode: b.BankCode, BankName: b.BankName, AccountNo: v.account(b.AccountNo), AccountName: b.AccountName,
		Primary: b.Primary, WantsPrimary: b.WantsPrimary, Status: string(b.Status), AgentID: b.AgentID, approvalResponse: approvalOf(b.Approval),
		Version: b.Version, IdentityChangeID: int64(b.IdentityChangeID), IdentityChangedAt: timestamp(b.IdentityChangedAt),
	}
}

// bankAccountRequest is the body that adds a bank account to a person or
// an organisation.
type bankAccountRequest struct {
	BankCode    string `json:"bank_code" required:"true" example:"ICBC" description:"a code of GET /api/v1/banks"`
	BankName    string `json:"bank_name" required:"true" example:"中国工商银行昌吉分行"`
	AccountNo   string `json:"account_no" required:"true" pattern:"^[0-9]{8,32}$"`
	AccountName string `json:"account_name" required:"true" description:"the holder: the owner's registered name, or the payee agent's"`
	// Primary makes this the account benefits are paid into once it is
	// confirmed; the owner's other accounts then stop being primary.
	Primary bool `json:"primary,omitempty"`
	// AgentID names the confirmed payee agent who holds the account, for
	// an account not in the person's own name.
	AgentID int64 `json:"agent_id,omitempty"`
}

// handleListBankAccounts returns a handler listing the accounts of the
// owner named by the {id} path parameter.
func (s *server) handleListBankAccounts(kind registry.OwnerKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := bind[idPageParams](r)
		if err != nil {
			return err
		}
		bs, err := s.reg.BankAccounts(r.Context(), kind, p.ID)
		if err != nil {
			return err
		}
		reply(w, r, http.StatusOK, wholePage(bs, p.page(), s.viewOf(r.Context()).bankAccount))
		return nil
	}
}

// handleCreateBankAccount returns a handler adding an account to the owner
// named by the {id} path parameter: pending until another user confirms
// it.
func (s *server) handleCreateBankAccount(kind registry.OwnerKind) handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, req, err := bindBody[idParams, bankAccountRequest](r)
		if err != nil {
			return err
		}
		b := &registry.BankAccount{OwnerKind: kind, OwnerID: p.ID, BankCode: req.BankCode, BankName: req.BankName,
			AccountNo: req.AccountNo, AccountName: req.AccountName, Primary: req.Primary, AgentID: req.AgentID}
		if err := s.reg.CreateBankAccount(r.Context(), b); err != nil {
			return notFoundOwner(err, "owner_id")
		}
		reply(w, r, http.StatusCreated, s.viewOf(r.Context()).bankAccount(b))
		return nil
	}
}

// approvalListParams are the filters of the lists of maker-checker
// changes.
type approvalListParams struct {
	Status string      `query:"status" enum:"pending,confirmed,rejected" default:"pending"`
	Region region.Code `query:"region" description:"division code; default your whole scope"`
	pageParams
}

// listByStatus serves a list of maker-checker records by status.
func listByStatus[T, R any](w http.ResponseWriter, r *http.Request, list func(context.Context, registry.ApprovalStatus, region.Code, int64, int) ([]T, error),
	key func(T) int64, out func(T) R) error {
	p, err := bind[approvalListParams](r)
	if err != nil {
		return err
	}
	st := registry.ApprovalStatus(p.Status)
	if st == "" {
		st = registry.StatusPending
	}
	page := p.page()
	recs, err := list(r.Context(), st, p.Region, page.After, page.Limit)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(recs, page.Limit, key, out))
	return nil
}

func (s *server) handleBankAccountsByStatus(w http.ResponseWriter, r *http.Request) error {
	return listByStatus(w, r, s.reg.BankAccountsByStatus, func(b *registry.BankAccount) int64 { return int64(b.ID) }, s.viewOf(r.Context()).bankAccount)
}

func (s *server) handleGetBankAccount(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	b, err := s.reg.BankAccount(r.Context(), registry.BankAccountID(p.ID))
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, s.viewOf(r.Context()).bankAccount(b))
	return nil
}

func (s *server) handleDecideBankAccount(w http.ResponseWriter, r *http.Request) error {
	return decide(s.reg.DecideBankAccount, s.viewOf(r.Context()).bankAccount)(w, r)
}

// payeeAgentRequest is the body that records a payee agent.
type payeeAgentRequest struct {
	Name     string `json:"name" required:"true"`
	IDNumber string `json:"id_number" required:"true" description:"the agent's resident ID (18 characters)"`
	Relation string `json:"relation" required:"true" enum:"spouse,child,parent,grandchild,grandparent,sibling,child_in_law,other" description:"the agent's relation to the person"`
}

// payeeAgentResponse is a payee agent; the ID number is masked unless the
// role may see personal data.
type payeeAgentResponse struct {
	ID         int64  `json:"id"`
	PersonID   int64  `json:"person_id"`
	RegionCode string `json:"region_code"`
	Name       string `json:"name"`
	IDNumber   string `json:"id_number" example:"652301********1234"`
	Relation   string `json:"relation"`
	Status     string `json:"status" enum:"pending,confirmed,rejected"`
	approvalResponse
	Version int64 `json:"version"`
}

func (v view) payeeAgent(a *registry.PayeeAgent) payeeAgentResponse {
	return payeeAgentResponse{ID: int64(a.ID), PersonID: int64(a.PersonID), RegionCode: string(a.RegionCode), Name: a.Name,
		IDNumber: v.idNumber(a.IDNumber), Relation: string(a.Relation), Status: string(a.Status), approvalResponse: approvalOf(a.Approval), Version: a.Version}
}

func (s *server) handleListAgents(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[personPageParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	as, err := s.reg.PayeeAgents(r.Context(), p.ID)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(as, page, s.viewOf(r.Context()).payeeAgent))
	return nil
}

func (s *server) handleCreateAgent(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[personParams, payeeAgentRequest](r)
	if err != nil {
		return err
	}
	a := &registry.PayeeAgent{PersonID: p.ID, Name: req.Name, IDNumber: ids.ResidentID(req.IDNumber), Relation: registry.Relation(req.Relation)}
	if err := s.reg.CreatePayeeAgent(r.Context(), a); err != nil {
		return err
	}
	reply(w, r, http.StatusCreated, s.viewOf(r.Context()).payeeAgent(a))
	return nil
}

func (s *server) handleAgentsByStatus(w http.ResponseWriter, r *http.Request) error {
	return listByStatus(w, r, s.reg.PayeeAgentsByStatus, func(a *registry.PayeeAgent) int64 { return int64(a.ID) }, s.viewOf(r.Context()).payeeAgent)
}

func (s *server) handleDecideAgent(w http.ResponseWriter, r *http.Request) error {
	return decide(s.reg.DecidePayeeAgent, s.viewOf(r.Context()).payeeAgent)(w, r)
}

// bankResponse is an entry of the reference table of banks.
type bankResponse struct {
	Code   string `json:"code" example:"ICBC"`
	Name   string `json:"name" example:"中国工商银行"`
	CNAPS  string `json:"cnaps" description:"the bank's class code in CNAPS (行别代码)"`
	From   string `json:"from" description:"the first day the code is accepted"`
	Until  string `json:"until,omitempty" description:"the first day it no longer is"`
	Source string `json:"source"`
	Status string `json:"status" enum:"confirmed,unconfirmed"`
}

func (s *server) handleListBanks(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[pageParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	bs, err := registry.Banks()
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(bs, page, func(b registry.Bank) bankResponse {
		return bankResponse{Code: b.Code, Name: b.Name, CNAPS: b.CNAPS, From: dateString(b.From), Until: dateString(b.Until),
			Source: b.Source, Status: b.Status}
	}))
	return nil
}
