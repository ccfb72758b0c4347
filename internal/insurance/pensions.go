package insurance

import (
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
)

// PensionStore keeps what Pensions needs. Methods that change state write their audit
// event in the same transaction.
type PensionStore interface{}

// Pensions runs retirement and pensions: awards (待遇核定), the monthly payroll with the yearly adjustment, qualification certification, stop on death with the overpayment, and duplicate-receipt control.
type Pensions struct {
	store    PensionStore
	registry Registry
	policy   *policy.Package
	// NowFunc returns the current time; tests replace it.
	NowFunc func() time.Time
}

// NewPensions returns a Pensions.
func NewPensions(store PensionStore, reg Registry, pk *policy.Package) *Pensions {
	return &Pensions{store: store, registry: reg, policy: pk, NowFunc: time.Now}
}

func (s *Pensions) today() period.Date { return period.DateOf(s.NowFunc().In(chinaTime)) }
