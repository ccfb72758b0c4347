package insurance

import (
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
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
