// Package clock is the one clock of safetynet: the current instant, and
// the civil date it is in the jurisdiction's time zone. Every service gets
// a Clock at construction (internal/app builds them); tests pass a fixed
// or a stepping one instead of replacing a field afterwards.
package clock

import (
	"time"

	"safetynet/internal/period"
	"sync"
)

// Clock tells the current instant and the civil date in a time zone. The
// zero Clock is not usable: build one with New, System or Fixed.
type Clock struct {
	now  func() time.Time
	zone *time.Location
}

// New returns a Clock reading the time from now, whose dates are those of
// zone.
func New(now func() time.Time, zone *time.Location) Clock {
	if now == nil || zone == nil {
		panic("clock.New: nil now or zone")
	}
	return Clock{now: now, zone: zone}
}

// System returns the Clock of the system time, whose dates are those of
// zone.
func System(zone *time.Location) Clock { return New(time.Now, zone) }

// Fixed returns a Clock that always tells t, whose dates are those of
// zone.
func Fixed(t time.Time, zone *time.Location) Clock {
	return New(func() time.Time { return t }, zone)
}

// Now returns the current instant.
func (c Clock) Now() time.Time {
	if c.now == nil {
		panic("clock: zero Clock (build one with clock.New, System or Fixed)")
	}
	return c.now()
}

// Zone returns the time zone of the clock's dates.
func (c Clock) Zone() *time.Location {
	if c.zone == nil {
		panic("clock: zero Clock (build one with clock.New, System or Fixed)")
	}
	return c.zone
}

// Today returns the current civil date in the clock's zone.
func (c Clock) Today() period.Date { return c.Date(c.Now()) }

// Date returns the civil date of the instant t in the clock's zone.
func (c Clock) Date(t time.Time) period.Date { return period.DateOf(t.In(c.Zone())) }

// Settable is a clock whose time is set by hand: a test's, or a
// simulation's. It is safe for concurrent use.
type Settable struct {
	mu  sync.Mutex
	now func() time.Time
}

// NewSettable returns a Settable telling the time of now.
func NewSettable(now func() time.Time) *Settable { return &Settable{now: now} }

// Set makes the Settable tell the time of now from here on.
func (s *Settable) Set(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Now returns the current time by the function last set.
func (s *Settable) Now() time.Time {
	s.mu.Lock()
	now := s.now
	s.mu.Unlock()
	return now()
}

// In returns the Clock of s whose dates are those of zone.
func (s *Settable) In(zone *time.Location) Clock { return New(s.Now, zone) }

// Func returns the function the Settable tells the time of now.
func (s *Settable) Func() func() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.now
}
