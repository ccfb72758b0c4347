package insurance

import (
	"context"
	"time"

	"safetynet/internal/clock"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// AccountStore keeps what Accounts needs. Methods that change state write their audit
// event in the same transaction.
type AccountStore interface {
	// CreditBasis lists what the crediting of month m in the region subtree
	// needs to read parameters for: the counties with employee-pension
	// payments and, per county, the distinct resident-pension amounts paid.
	CreditBasis(ctx context.Context, m period.Month, code region.Code) (*CreditBasis, error)
	// CreditPayments posts the account entries of the payments of month m
	// in the region subtree by rules, in one transaction with one audit
	// event; payments credited before are skipped. It fills the counts and
	// totals of sum.
	CreditPayments(ctx context.Context, m period.Month, code region.Code, rules *CreditRules, sum *CreditSummary) error
	// InterestBasis returns, per person with entries of the scheme in the
	// region subtree, the sums the interest of year is computed from,
	// leaving out persons whose interest of the year is posted already
	// (they are counted in done).
	InterestBasis(ctx context.Context, year int, scheme Scheme, code region.Code) (rows []InterestBasis, done int, err error)
	// PostEntries inserts ledger entries, all or none, with one audit
	// event (action, id); Conflict if one was posted before.
	PostEntries(ctx context.Context, action, id string, code region.Code, es []AccountEntry, fields []string) error
	// AccountEntries lists a person's entries in a scheme by period and key.
	AccountEntries(ctx context.Context, personID registry.PersonID, scheme Scheme) ([]AccountEntry, error)
	// AccountBalance sums a person's entries in a scheme with period
	// before the month before (0 for every entry).
	AccountBalance(ctx context.Context, personID registry.PersonID, scheme Scheme, before period.Month) (money.Fen, error)

	// SaveHardshipIdentities stores a year's hardship identities, all or
	// none, with one audit event, leaving those held already; it returns
	// how many were new.
	SaveHardshipIdentities(ctx context.Context, year int, source string, hs []HardshipIdentity) (int, error)
	// HardshipCandidates lists, one row per person and record, by person,
	// the persons with a resident-pension enrolment covering a month of
	// year in the region subtree who have a record HardshipGroupOf reads
	// (a hardship identity of the year, a disability certificate valid
	// during the year, a 低保 household or 特困 award covering a month of
	// it); and the persons paid for in the year already.
	HardshipCandidates(ctx context.Context, year int, code region.Code) ([]HardshipCandidate, map[registry.PersonID]bool, error)
	// SaveHardshipBatch inserts the batch, its items and their ledger
	// entries in one transaction with one audit event and sets b.ID and
	// b.CreatedAt; Conflict if a person was paid for in the year meanwhile.
	SaveHardshipBatch(ctx context.Context, b *HardshipBatch, es []AccountEntry) error
	// HardshipBatch returns a batch with its items.
	HardshipBatch(ctx context.Context, id int64) (*HardshipBatch, error)

	// Enrolments lists enrolments matching f, by key.
	Enrolments(ctx context.Context, f EnrolmentFilter) ([]*Enrolment, error)
	// ResidentYears returns what a person holds for each resident-pension
	// year: the individual amounts paid (every source) and the premiums
	// government paid (代缴).
	ResidentYears(ctx context.Context, personID registry.PersonID) (map[int]money.Fen, error)
	// PostAccountPayments inserts each posting's payment and its entries
	// (with Ref "payment:<id>") in one transaction with one audit event;
	// Conflict if a receipt number was posted before. It sets the
	// payments' keys.
	PostAccountPayments(ctx context.Context, action string, ps []AccountPosting) error

	// EmployeeBases sums a person's employee-pension contribution bases
	// per year from year since, with the months paid, in year order.
	EmployeeBases(ctx context.Context, personID registry.PersonID, since int) ([]TransferYear, error)
	// SaveTransfer records a transfer with its years and, unless it is
	// pending, its ledger entry e (Ref "transfer:<id>") in one transaction
	// with one audit event, and sets t.ID and t.CreatedAt. For a transfer
	// out, Conflict if the balance is no longer t.Balance; Conflict if the
	// same transfer was recorded before.
	SaveTransfer(ctx context.Context, t *Transfer, e AccountEntry) error
	// Transfer reads one transfer with its years; NotFound if none.
	Transfer(ctx context.Context, id int64) (*Transfer, error)
	// DecideTransfer records the decision on a pending transfer (t.Status
	// done or rejected, t.DecidedBy, t.DecisionNote) and, when done, its
	// ledger entry e, in one transaction with one audit event, and sets
	// t.DecidedAt. Conflict if the transfer is no longer pending.
	DecideTransfer(ctx context.Context, t *Transfer, e AccountEntry) error
	// PendingTransfers lists the pending transfers in the region subtree
	// code, oldest first, without their years.
	PendingTransfers(ctx context.Context, code region.Code) ([]Transfer, error)
	// Transfers lists a person's transfers by key, without their years.
	Transfers(ctx context.Context, personID registry.PersonID) ([]Transfer, error)
}

// Accounts runs personal accounts (个人账户): monthly crediting, yearly interest, statements, government-paid premiums (代缴), resident back payment and tier upgrade (补缴, 提档), and transfer (转移接续).
type Accounts struct {
	store    AccountStore
	registry Registry
	policy   *policy.Package
	juris    region.Jurisdiction
	clock    clock.Clock
}

// NewAccounts returns an Accounts in jurisdiction j (whose home region is
// local: transfers and 代缴), telling the time by clk.
func NewAccounts(store AccountStore, reg Registry, pk *policy.Package, j region.Jurisdiction, clk clock.Clock) *Accounts {
	return &Accounts{store: store, registry: scopedRegistry{reg}, policy: pk, juris: j, clock: clk}
}

func (s *Accounts) today() period.Date { return s.clock.Today() }

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
