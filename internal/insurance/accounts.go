package insurance

import (
	"time"

	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// AccountStore keeps what Accounts needs. Methods that change state write their audit
// event in the same transaction.
type AccountStore interface{}

// Accounts runs personal accounts (个人账户): monthly crediting, yearly interest, statements, government-paid premiums (代缴), resident back payment and tier upgrade (补缴, 提档), and transfer (转移接续).
type Accounts struct {
	store    AccountStore
	registry Registry
	policy   *policy.Package
	// NowFunc returns the current time; tests replace it.
	NowFunc func() time.Time
}

// NewAccounts returns a Accounts.
func NewAccounts(store AccountStore, reg Registry, pk *policy.Package) *Accounts {
	return &Accounts{store: store, registry: reg, policy: pk, NowFunc: time.Now}
}

func (s *Accounts) today() period.Date { return period.DateOf(s.NowFunc().In(chinaTime)) }

// EntryKind is what an account entry records.
type EntryKind string

// The account entry kinds.
const (
	EntryContribution EntryKind = "contribution"     // 个人缴费计入 the individual part of a paid month or year
	EntrySubsidy      EntryKind = "subsidy"          // 政府缴费补贴 the resident government contribution subsidy
	EntryCollective   EntryKind = "collective"       // 集体补助 a village collective's subsidy
	EntryHardship     EntryKind = "hardship_premium" // 代缴 the minimum tier paid by government for a hardship group
	EntryBackPayment  EntryKind = "back_payment"     // 补缴 back-paid years, with no subsidy
	EntryInterest     EntryKind = "interest"         // 记账利息 the yearly interest
	EntryTransferIn   EntryKind = "transfer_in"      // 转入 an account moved in from another region
	EntryTransferOut  EntryKind = "transfer_out"     // 转出 the account moved out (negative)
	EntryRefund       EntryKind = "refund"           // 退费 refunded contributions (negative)
)

// AccountEntry is one credit or debit of a personal account (个人账户), a
// row of its ledger. Entries are never changed; the balance is their sum.
type AccountEntry struct {
	ID         int64             `json:"id"`
	PersonID   registry.PersonID `json:"person_id"`
	Scheme     Scheme            `json:"scheme"`
	RegionCode region.Code       `json:"region_code"`
	// Period is the month the entry belongs to; yearly interest belongs to
	// December of its year.
	Period period.Month `json:"period"`
	Kind   EntryKind    `json:"kind"`
	// Amount is in fen, negative for debits.
	Amount money.Fen `json:"amount"`
	// Base is the contribution base the entry was computed from, 0 if none.
	Base money.Fen `json:"base,omitempty"`
	// Government marks public money (subsidies, 代缴), which is neither
	// refunded nor inherited.
	Government bool `json:"government,omitempty"`
	// Ref names the source ("payment:123", "interest:2024"); (person,
	// scheme, kind, ref) is unique, so every posting is idempotent.
	Ref       string    `json:"ref"`
	CreatedAt time.Time `json:"created_at"`
}
