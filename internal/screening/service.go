package screening

import (
	"time"

	"safetynet/internal/assistance"
	"safetynet/internal/clock"
	"safetynet/internal/policy"
	"safetynet/internal/region"
)

// Service screens the registry for the allowances and runs screening
// jobs.
type Service struct {
	store  Store
	asst   *assistance.Service
	policy *policy.Package
	juris  region.Jurisdiction
	clock  clock.Clock
	// ProgressFunc, when set, is told how many rows of a screening are
	// done out of how many.
	ProgressFunc func(done, total int)
	// Leases configures how this process claims screening jobs.
	Leases LeaseConfig
}

// NewService returns a Service storing in store and building on asst (its
// policy package, batch workers, classification and award rules), for the
// jurisdiction j by the clock clk (docs/architecture.md, the jurisdiction
// and the clock).
func NewService(store Store, asst *assistance.Service, j region.Jurisdiction, clk clock.Clock) *Service {
	return &Service{store: store, asst: asst, policy: asst.Policy(), juris: j, clock: clk}
}

// now is the current time, by the service's clock.
func (s *Service) now() time.Time { return s.clock.Now() }

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
