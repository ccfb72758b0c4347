package registry

import (
	"unicode/utf8"

	"safetynet/internal/fault"
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
	// most one.
	Primary bool  `json:"primary"`
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
