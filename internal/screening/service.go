package screening

import (
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/policy"
)

// Service screens the registry for the allowances and runs screening
// jobs.
type Service struct {
	store  Store
	asst   *assistance.Service
	policy *policy.Package
	// ProgressFunc, when set, is told how many rows of a screening are
	// done out of how many.
	ProgressFunc func(done, total int)
	// Leases configures how this process claims screening jobs.
	Leases LeaseConfig
}

// NewService returns a Service storing in store and building on asst:
// its policy package, clock, batch workers, classification and award
// notices.
func NewService(store Store, asst *assistance.Service) *Service {
	return &Service{store: store, asst: asst, policy: asst.Policy()}
}

// now is the current time, by the assistance service's clock.
func (s *Service) now() time.Time { return s.asst.NowFunc() }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
