// Package bundles carries out the bundled matters (一件事一次办): one
// application, one set of materials, several matters of the domain
// services done in order. Each bundle calls the real domain service
// methods with the caller's principal, so every permission, scope and
// maker-checker rule of the back office holds; it keeps no store of its
// own: every step finds its earlier effect by the natural key of the
// record it makes (the employer's USCC, a person's enrolment in a scheme
// through an employer from a month, a person's pension award, the death
// record and the death settlement), so running a half-done bundle again
// finishes the remaining steps without repeating the done ones.
// docs/bundles.md says for each bundle which steps are one transaction and
// which a saga, and why.
package bundles

import (
	"fmt"

	"safetynet/internal/assistance"
	"safetynet/internal/fault"
	"safetynet/internal/insurance"
	"safetynet/internal/period"
	"safetynet/internal/registry"
)

// Service carries out the bundles over the domain services.
type Service struct {
	registry   *registry.Service
	insurance  *insurance.Service
	pensions   *insurance.Pensions
	deaths     *insurance.Deaths
	closings   *insurance.Closings
	assistance *assistance.Service
}

// New returns a Service over the domain services of one process.
func New(reg *registry.Service, ins *insurance.Service, pen *insurance.Pensions, deaths *insurance.Deaths,
	closings *insurance.Closings, asst *assistance.Service) *Service {
	return &Service{registry: reg, insurance: ins, pensions: pen, deaths: deaths, closings: closings, assistance: asst}
}

// pageMax is the page size of the look-ups of one person's or one
// employer's records: the registry's largest page.
const pageMax = registry.PageMax

// invalid returns a fault.Invalid error from the problems, or nil.
func invalid(pr *fault.Problems, msg string) error { return pr.Err(msg) }

// isNotFound reports whether err is a fault.NotFound.
func isNotFound(err error) bool { return fault.CodeOf(err) == fault.NotFound }

// monthZH writes a month as 2026年11月.
func monthZH(m period.Month) string {
	return fmt.Sprintf("%d年%d月", m.Year(), int(m.MonthOfYear()))
}

// dateZH writes a date as 2026年11月22日.
func dateZH(d period.Date) string {
	y, m, dd := d.YMD()
	return fmt.Sprintf("%d年%d月%d日", y, int(m), dd)
}
