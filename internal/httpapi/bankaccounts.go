package httpapi

import (
	"net/http"

	"safetynet/internal/registry"
)

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
	Primary bool  `json:"primary"`
	Version int64 `json:"version"`
}

func (v view) bankAccount(b *registry.BankAccount) bankAccountResponse {
	return bankAccountResponse{
		ID: int64(b.ID), OwnerKind: string(b.OwnerKind), OwnerID: b.OwnerID, RegionCode: string(b.RegionCode),
		BankCode: b.BankCode, BankName: b.BankName, AccountNo: v.account(b.AccountNo), AccountName: b.AccountName,
		Primary: b.Primary, Version: b.Version,
	}
}

// bankAccountRequest is the body that adds a bank account to a person or
// an organisation.
type bankAccountRequest struct {
	BankCode    string `json:"bank_code" required:"true" example:"ICBC"`
	BankName    string `json:"bank_name" required:"true" example:"中国工商银行昌吉分行"`
	AccountNo   string `json:"account_no" required:"true" pattern:"^[0-9]{8,32}$"`
	AccountName string `json:"account_name" required:"true"`
	// Primary makes this the account benefits are paid into; the owner's
	// other accounts stop being primary.
	Primary bool `json:"primary,omitempty"`
}

// handleListBankAccounts returns a handler listing the accounts of the
// owner named by the {id} path parameter.
func (s *server) handleListBankAccounts(kind registry.OwnerKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			writeError(w, r, err)
			return
		}
		q := newQuery(r)
		page := q.page()
		if err := q.err(); err != nil {
			writeError(w, r, err)
			return
		}
		bs, err := s.reg.BankAccounts(r.Context(), kind, id)
		if err != nil {
			writeError(w, r, err)
			return
		}
		reply(w, r, http.StatusOK, wholePage(bs, page, s.viewOf(r.Context()).bankAccount))
	}
}

// handleCreateBankAccount returns a handler adding an account to the owner
// named by the {id} path parameter.
func (s *server) handleCreateBankAccount(kind registry.OwnerKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r, "id")
		if err != nil {
			writeError(w, r, err)
			return
		}
		req, err := decode[bankAccountRequest](r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		b := &registry.BankAccount{OwnerKind: kind, OwnerID: id, BankCode: req.BankCode, BankName: req.BankName,
			AccountNo: req.AccountNo, AccountName: req.AccountName, Primary: req.Primary}
		if err := s.reg.CreateBankAccount(r.Context(), b); err != nil {
			writeError(w, r, notFoundOwner(err, "owner_id"))
			return
		}
		reply(w, r, http.StatusCreated, s.viewOf(r.Context()).bankAccount(b))
	}
}
