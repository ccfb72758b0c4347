package insurance

import (
	"time"

	"safetynet/internal/period"
	"safetynet/internal/policy"
)

// BenefitStore keeps what Benefits needs. Methods that change state write their audit
// event in the same transaction.
type BenefitStore interface{}

// Benefits runs unemployment benefit claims (失业保险金) and work-injury benefits (工伤保险待遇).
type Benefits struct {
	store    BenefitStore
	registry Registry
	policy   *policy.Package
	// NowFunc returns the current time; tests replace it.
	NowFunc func() time.Time
}

// NewBenefits returns a Benefits.
func NewBenefits(store BenefitStore, reg Registry, pk *policy.Package) *Benefits {
	return &Benefits{store: store, registry: reg, policy: pk, NowFunc: time.Now}
}

func (s *Benefits) today() period.Date { return period.DateOf(s.NowFunc().In(chinaTime)) }
