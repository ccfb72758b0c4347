package auth

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"safetynet/internal/audit"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// The audit actions of signing in and out.
const (
	// ActionLogin is a successful sign-in.
	ActionLogin = "session.login"
	// ActionLoginFailed is a sign-in with a wrong password, an unknown
	// username or a disabled account.
	ActionLoginFailed = "session.login_failed"
	// ActionUserLocked is a username locked after too many failures.
	ActionUserLocked = "session.user_locked"
	// ActionAddressLocked is a client address locked after too many
	// failures, whatever the usernames tried.
	ActionAddressLocked = "session.address_locked"
	// ActionLogout is a sign-out.
	ActionLogout = "session.logout"
)

// SignInLimits are the operational limits of signing in. The zero value of
// a field means its default, given with the field.
type SignInLimits struct {
	// UserFailures is how many failed sign-ins in a row lock a username
	// (default 5).
	UserFailures int
	// AddressFailures is how many failed sign-ins from one client address,
	// whatever the usernames, lock the address (default 20).
	AddressFailures int
	// Lock is how long the first lock lasts (default 1 minute); each
	// further lock in a row doubles it, up to MaxLock (default 1 hour).
	Lock, MaxLock time.Duration
	// Forget is how long after its last failure a username's or an
	// address's record starts afresh (default 24 hours).
	Forget time.Duration
	// HashSlots is how many password checks run at once (default one less
	// than the CPUs, at least 1), so that a flood of sign-ins cannot take
	// every CPU from the other requests.
	HashSlots int
	// HashWait is how long a sign-in waits for a free slot before it is
	// refused as Busy (default 2 seconds).
	HashWait time.Duration
}

// DefaultSignInLimits returns the default limits.
func DefaultSignInLimits() SignInLimits {
	return SignInLimits{UserFailures: 5, AddressFailures: 20, Lock: time.Minute, MaxLock: time.Hour, Forget: 24 * time.Hour,
		HashSlots: max(1, runtime.NumCPU()-1), HashWait: 2 * time.Second}
}

// withDefaults returns l with each zero field set to its default, or an
// error naming a negative one.
func (l SignInLimits) withDefaults() (SignInLimits, error) {
	d := DefaultSignInLimits()
	if l.UserFailures < 0 || l.AddressFailures < 0 || l.Lock < 0 || l.MaxLock < 0 || l.Forget < 0 || l.HashSlots < 0 || l.HashWait < 0 {
		return l, errors.New("sign-in limits must not be negative")
	}
	if l.UserFailures == 0 {
		l.UserFailures = d.UserFailures
	}
	if l.AddressFailures == 0 {
		l.AddressFailures = d.AddressFailures
	}
	if l.Lock == 0 {
		l.Lock = d.Lock
	}
	if l.MaxLock == 0 {
		l.MaxLock = max(d.MaxLock, l.Lock)
	}
	if l.MaxLock < l.Lock {
		return l, fmt.Errorf("the longest lock %s is shorter than the first %s", l.MaxLock, l.Lock)
	}
	if l.Forget == 0 {
		l.Forget = d.Forget
	}
	if l.HashSlots == 0 {
		l.HashSlots = d.HashSlots
	}
	if l.HashWait == 0 {
		l.HashWait = d.HashWait
	}
	return l, nil
}

// SetSignInLimits sets the limits of signing in; call it before the
// service is used. Zero fields take their defaults.
func (s *Service) SetSignInLimits(l SignInLimits) error {
	l, err := l.withDefaults()
	if err != nil {
		return err
	}
	s.limits = l
	s.hashSlots = make(chan struct{}, l.HashSlots)
	return nil
}

// Throttle is the failure record of a username or a client address.
type Throttle struct {
	// Failures counts the failures since the last lock.
	Failures int
	// Locks counts the locks in a row; each doubles the next.
	Locks       int
	LastFailure time.Time
	// LockedUntil is when the last lock ends; zero if never locked.
	LockedUntil time.Time
}

// lockedFor returns how long t is still locked at now, and whether it is.
func (t Throttle) lockedFor(now time.Time) (time.Duration, bool) {
	if now.Before(t.LockedUntil) {
		return t.LockedUntil.Sub(now), true
	}
	return 0, false
}

// fail returns t after one more failure at now; the limit-th failure since
// the last lock locks it for l.Lock, doubled for each earlier lock in a
// row, at most l.MaxLock. It reports whether this failure locked it.
func (t Throttle) fail(now time.Time, limit int, l SignInLimits) (Throttle, bool) {
	if !t.LastFailure.IsZero() && now.Sub(t.LastFailure) >= l.Forget {
		t = Throttle{}
	}
	t.Failures++
	t.LastFailure = now
	if t.Failures < limit {
		return t, false
	}
	t.Locks++
	t.Failures = 0
	d := l.Lock
	for i := 1; i < t.Locks && d < l.MaxLock; i++ {
		d *= 2
	}
	t.LockedUntil = now.Add(min(d, l.MaxLock))
	return t, true
}

// SignInEvent is what the audit trail keeps of a sign-in, a failed one, a
// lock or a sign-out: who (the username as tried), from where (the client
// address), never the password.
type SignInEvent struct {
	// Action is one of the Action constants of this package.
	Action string
	// UserID, Role and Scope are the user's; zero for an unknown username.
	UserID int64
	Role   Role
	Scope  region.Code
	// Username is the username as tried, cut to 64 bytes.
	Username string
	// Address is the client's address ("" when unknown).
	Address string
	// Post is the post a session switched to (ActionSwitchPost) or
	// signed out of (ActionLogout); 0 otherwise.
	Post int64
	// LockedUntil is when a lock ends, for the lock actions.
	LockedUntil time.Time
	// Session is the stored token hash of the session a sign-in opened
	// (ActionLogin; the store fills it in). The trail keeps only a digest
	// of it, by which `audit verify` finds the sign-in of every session.
	Session string
}

// Actor returns the audit actor of the event: the user, or the username
// tried with the role "anonymous" when there is no such user.
func (e SignInEvent) Actor() audit.Actor {
	role := string(e.Role)
	if e.UserID == 0 {
		role = "anonymous"
	}
	return audit.Actor{UserID: e.UserID, Name: e.Username, Role: role}
}

// SignInStore keeps the failure records of usernames and writes the audit
// events of signing in.
type SignInStore interface {
	// LoginThrottle returns the failure record of username; a zero one if
	// it has none.
	LoginThrottle(ctx context.Context, username string) (Throttle, error)
	// RecordLoginFailure, in one transaction, removes the records of every
	// username whose last failure and lock both ended before forgetBefore,
	// reads username's record, stores the record next returns and appends
	// next's events to the audit trail. It returns the stored record.
	RecordLoginFailure(ctx context.Context, username string, forgetBefore time.Time, next func(Throttle) (Throttle, []SignInEvent)) (Throttle, error)
}

// triedName is the username as tried, cut to 64 bytes of valid UTF-8, as
// it is counted and audited.
func triedName(username string) string {
	if len(username) > 64 {
		username = username[:64]
	}
	return strings.ToValidUTF8(username, string(utf8.RuneError))
}

// throttled is the error of a locked username or address.
func throttled(d time.Duration) error {
	mins := int((d + time.Minute - 1) / time.Minute)
	return &fault.Error{Code: fault.Throttled, RetryAfter: d,
		Message: fmt.Sprintf("too many failed sign-ins: try again in %d minute(s)", mins)}
}

// addressThrottles counts failed sign-ins per client address in memory.
type addressThrottles struct {
	mu sync.Mutex
	m  map[string]Throttle
}

// lockedFor returns how long addr is still locked at now.
func (a *addressThrottles) lockedFor(addr string, now time.Time) (time.Duration, bool) {
	if addr == "" {
		return 0, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.m[addr].lockedFor(now)
}

// fail counts a failure of addr at now and returns its record and whether
// this failure locked it.
func (a *addressThrottles) fail(addr string, now time.Time, l SignInLimits) (Throttle, bool) {
	if addr == "" {
		return Throttle{}, false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.m == nil {
		a.m = make(map[string]Throttle)
	}
	if len(a.m) >= 10000 {
		// Forget the records that no longer matter before growing.
		for k, t := range a.m {
			if _, locked := t.lockedFor(now); !locked && now.Sub(t.LastFailure) >= l.Forget {
				delete(a.m, k)
			}
		}
	}
	t, locked := a.m[addr].fail(now, l.AddressFailures, l)
	a.m[addr] = t
	return t, locked
}

// lockCache remembers the usernames seen locked until their locks end, so
// that a flood of sign-ins of a locked username is refused without reading
// the database. A lock is never lifted early, so the copy cannot be stale.
type lockCache struct {
	mu sync.Mutex
	m  map[string]time.Time
}

// lockedFor returns how long name is still locked at now, as far as the
// cache knows.
func (c *lockCache) lockedFor(name string, now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.m[name]
	if !ok {
		return 0, false
	}
	if !now.Before(until) {
		delete(c.m, name)
		return 0, false
	}
	return until.Sub(now), true
}

// lock records that name is locked until until.
func (c *lockCache) lock(name string, until, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]time.Time)
	}
	if len(c.m) >= 10000 {
		for k, u := range c.m {
			if !now.Before(u) {
				delete(c.m, k)
			}
		}
	}
	c.m[name] = until
}

// acquireHash waits for a password-check slot, at most HashWait; the
// returned function frees it.
func (s *Service) acquireHash(ctx context.Context) (func(), error) {
	release := func() { <-s.hashSlots }
	select {
	case s.hashSlots <- struct{}{}:
		return release, nil
	default:
	}
	timer := time.NewTimer(s.limits.HashWait)
	defer timer.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-timer.C:
		return nil, &fault.Error{Code: fault.Busy, RetryAfter: max(time.Second, s.limits.HashWait),
			Message: "the server is busy signing others in: try again shortly"}
	}
}

// recordFailure counts a failed sign-in of username from addr at now, in
// the database for the username and in memory for the address, and audits
// it with any lock it causes. It returns the error to answer: Throttled if
// this failure locked the username or the address, else bad.
func (s *Service) recordFailure(ctx context.Context, u *User, name, addr string, now time.Time, bad error) error {
	ev := SignInEvent{Action: ActionLoginFailed, Username: name, Address: addr}
	if u != nil {
		ev.UserID, ev.Role, ev.Scope = u.ID, u.Role, u.Scope
	}
	at, addrLocked := s.addrs.fail(addr, now, s.limits)
	var lockedFor time.Duration
	t, err := s.store.RecordLoginFailure(ctx, name, now.Add(-s.limits.Forget), func(t Throttle) (Throttle, []SignInEvent) {
		evs := []SignInEvent{ev}
		t, userLocked := t.fail(now, s.limits.UserFailures, s.limits)
		if userLocked {
			lock := ev
			lock.Action, lock.LockedUntil = ActionUserLocked, t.LockedUntil
			evs = append(evs, lock)
			lockedFor = t.LockedUntil.Sub(now)
		}
		if addrLocked {
			lock := ev
			lock.Action, lock.LockedUntil = ActionAddressLocked, at.LockedUntil
			evs = append(evs, lock)
			lockedFor = max(lockedFor, at.LockedUntil.Sub(now))
		}
		return t, evs
	})
	if err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	if _, locked := t.lockedFor(now); locked {
		s.userLocks.lock(name, t.LockedUntil, now)
	}
	if lockedFor > 0 {
		return throttled(lockedFor)
	}
	return bad
}
