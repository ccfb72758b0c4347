// Package clocktest gives each service a test builds a clock of its own
// that the test may set, by the service: Build makes the service on a
// settable clock (the system time until set), Set sets it, Func reads it.
package clocktest

import (
	"sync"
	"time"

	"safetynet/internal/clock"
	"safetynet/internal/region"
)

var settables sync.Map // service → *clock.Settable

// Juris is the jurisdiction of the tests: the embedded Changji one.
var Juris = region.DefaultJurisdiction()

// Build returns the service build makes on a settable clock of its own,
// in the zone of Juris.
func Build[T any](build func(clock.Clock) T) T {
	s := clock.NewSettable(time.Now)
	v := build(s.In(Juris.Zone))
	settables.Store(any(v), s)
	return v
}

// Set makes the clock of svc (made by Build) tell the time of now.
func Set(svc any, now func() time.Time) { settable(svc).Set(now) }

// Func returns the function the clock of svc tells the time of now.
func Func(svc any) func() time.Time { return settable(svc).Func() }

// Clock returns the clock of svc.
func Clock(svc any) clock.Clock { return settable(svc).In(Juris.Zone) }

func settable(svc any) *clock.Settable {
	s, ok := settables.Load(svc)
	if !ok {
		panic("clocktest: the service was not made by clocktest.Build")
	}
	return s.(*clock.Settable)
}
