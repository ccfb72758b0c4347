package registry

import (
	"time"
	"unicode/utf8"

	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/region"
)

// BankAccountID is a bank account's surrogate key.
type BankAccountID int64

// OwnerKind says whether an account belongs to a person or an organisation.
type OwnerKind string

// The owner kinds.
const (
	OwnerPerson       OwnerKind = "person"
	OwnerOrganisation OwnerKind = "organisation"
)

// BankAccount is an account benefits are paid into (社保卡金融账户 or an
// enterprise's basic account).
type BankAccount struct {
	ID          BankAccountID `json:"id"`
	OwnerKind   OwnerKind     `json:"owner_kind"`
	OwnerID     int64         `json:"owner_id"`
	RegionCode  region.Code   `json:"region_code"`
	BankCode    string        `json:"bank_code"` // e.g. "ICBC", "ABC", "XJRCU"
	BankName    string        `json:"bank_name"`
	AccountNo   string        `json:"account_no"`
	AccountName string        `json:"account_name"`
	// Primary marks the account benefits are paid into; an owner has at
	// most one, and only a confirmed account is primary.
	Primary bool `json:"primary"`
	// WantsPrimary is the request to make the account primary, carried
	// out when it is confirmed.
	WantsPrimary bool `json:"wants_primary"`
	// Status is pending until a second user confirms or rejects the
	// account; only a confirmed account is paid.
	Status ApprovalStatus `json:"status"`
	// AgentID is the payee agent (代领人) who holds the account, 0 when the
	// owner holds it.
	AgentID int64 `json:"agent_id,omitempty"`
	Approval
	Version int64 `json:"version"`
	// IdentityChangeID is the owner's identity change an approver must
	// see before confirming the account: one pending now, or one
	// confirmed within the window before the account was requested (see
	// Service.IdentityChangeWindow); 0 if none. It is not stored with the
	// account but looked up when the account is read.
	IdentityChangeID IdentityChangeID `json:"identity_change_id,omitempty"`
	// IdentityChangedAt is when that change was confirmed; zero while it
	// is pending.
	IdentityChangedAt time.Time `json:"identity_changed_at,omitzero"`
}

// ApprovalStatus is where a maker-checker change stands.
type ApprovalStatus string

// The approval statuses.
const (
	StatusPending   ApprovalStatus = "pending"   // requested, waiting for a second user
	StatusConfirmed ApprovalStatus = "confirmed" // confirmed by a second user, or registered by the system
	StatusRejected  ApprovalStatus = "rejected"  // refused by a second user
)

// Approval records who requested a maker-checker change and who decided
// it. A system process (registration, migration) requests and confirms
// with user 0.
type Approval struct {
	RequestedBy   int64     `json:"requested_by"`
	RequestedName string    `json:"requested_name"`
	RequestedAt   time.Time `json:"requested_at,omitzero"`
	DecidedBy     int64     `json:"decided_by,omitempty"`
	DecidedName   string    `json:"decided_name,omitempty"`
	DecidedAt     time.Time `json:"decided_at,omitzero"`
	DecisionNote  string    `json:"decision_note,omitempty"`
}

// AgentID is a payee agent's surrogate key.
type AgentID int64

// PayeeAgent is a person who collects a beneficiary's benefits into the
// agent's own account (代领人), e.g. the child of a bedridden pensioner.
// Recorded by one user and confirmed by another, like an account.
type PayeeAgent struct {
	ID         AgentID        `json:"id"`
	PersonID   PersonID       `json:"person_id"`
	RegionCode region.Code    `json:"region_code"`
	Name       string         `json:"name"`
	IDNumber   ids.ResidentID `json:"id_number"`
	Relation   Relation       `json:"relation"`
	Status     ApprovalStatus `json:"status"`
	Approval
	Version int64 `json:"version"`
}

func (b *BankAccount) validate() fault.Problems {
	var pr fault.Problems
	if b.OwnerKind != OwnerPerson && b.OwnerKind != OwnerOrganisation {
		pr.Add("owner_kind", "must be person or organisation, not %q", b.OwnerKind)
	}
	if b.OwnerID <= 0 {
		pr.Add("owner_id", "is required")
	}
	if len(b.BankCode) == 0 || len(b.BankCode) > 12 {
		pr.Add("bank_code", "must be 1 to 12 characters")
	}
	if n := utf8.RuneCountInString(b.BankName); n == 0 || n > 60 {
		pr.Add("bank_name", "must be 1 to 60 characters")
	}
	if !allDigits(b.AccountNo) || len(b.AccountNo) < 8 || len(b.AccountNo) > 32 {
		pr.Add("account_no", "must be 8 to 32 digits")
	}
	checkName(&pr, "account_name", b.AccountName)
	return pr
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
