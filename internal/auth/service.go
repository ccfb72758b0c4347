package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/bcrypt"

	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/region"
)

// Session is a signed-in session; the bearer token itself is never stored,
// only its HMAC-SHA-256 under the session key (see SetSessionKey).
type Session struct {
	TokenHash string
	UserID    int64
	CreatedAt time.Time
	ExpiresAt time.Time
	// Seal is the HMAC under the session key of the token, the user and
	// the expiry (see seal): a row whose user or expiry was changed in the
	// database opens nothing.
	Seal string
}

// Store keeps users and sessions.
type Store interface {
	// CreateUser inserts u and sets its ID; Conflict if the username is taken.
	CreateUser(ctx context.Context, u *User) error
	// UserByName returns the user; NotFound if there is none.
	UserByName(ctx context.Context, username string) (*User, error)
	// UserByID returns the user; NotFound if there is none.
	UserByID(ctx context.Context, id int64) (*User, error)
	// Users lists all users by username.
	Users(ctx context.Context) ([]*User, error)
	// UpdateUser stores u's display name, role, scope, password hash and
	// disabled flag, with the audit event action in the same transaction;
	// NotFound if there is no such user.
	UpdateUser(ctx context.Context, u *User, action string) error
	// CreateSession stores s, clears the failure record of ev's username
	// and appends ev (the sign-in) to the audit trail, in one transaction.
	CreateSession(ctx context.Context, s Session, ev SignInEvent) error
	// SessionByHash returns the session; NotFound if there is none.
	SessionByHash(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteSession removes the session, if any, and appends ev (the
	// sign-out) to the audit trail in the same transaction.
	DeleteSession(ctx context.Context, tokenHash string, ev SignInEvent) error
	SignInStore
}

// Service signs users in and resolves bearer tokens to principals.
type Service struct {
	store      Store
	ttl        time.Duration
	clock      clock.Clock
	bcryptCost int
	limits     SignInLimits
	// hashSlots holds a token per password check running.
	hashSlots chan struct{}
	addrs     addressThrottles
	userLocks lockCache
	// tokenKey keys the stored hashes of tokens (see hashToken).
	tokenKey []byte
}

// NewService returns a Service whose sessions last ttl, with the default
// sign-in limits and a random session key of its own (see SetSessionKey),
// telling the time by clk.
func NewService(store Store, ttl time.Duration, clk clock.Clock) *Service {
	l := DefaultSignInLimits()
	key := make([]byte, SessionKeySize)
	rand.Read(key) // never fails: crypto/rand crashes the program instead
	return &Service{store: store, ttl: ttl, clock: clk, bcryptCost: bcrypt.DefaultCost,
		limits: l, hashSlots: make(chan struct{}, l.HashSlots), tokenKey: key}
}

// SetFastHashing lowers the password-hash cost for tests and the demo's
// seeding; never use it for real accounts.
func (s *Service) SetFastHashing() { s.bcryptCost = bcrypt.MinCost }

// NewUser describes a user to create.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Role        Role
	Scope       region.Code
	// PersonID binds a citizen account to its registry person.
	PersonID int64
}

// CreateUser validates and creates a user. The caller must hold
// PermUserAdmin over the user's scope.
func (s *Service) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	if _, err := Require(ctx, PermUserAdmin); err != nil {
		return nil, err
	}
	var p fault.Problems
	if msg := ValidateUsername(nu.Username); msg != "" {
		p.Add("username", "%s", msg)
	}
	if len(nu.Password) < 8 {
		p.Add("password", "must be at least 8 characters")
	}
	if !nu.Role.Valid() {
		p.Add("role", "unknown role %q", nu.Role)
	}
	if _, err := region.ParseCode(string(nu.Scope)); err != nil {
		p.Add("scope", "%v", err)
	}
	switch {
	case nu.Role == RoleCitizen && nu.PersonID <= 0:
		p.Add("person_id", "a citizen account belongs to a registry person")
	case nu.Role != RoleCitizen && nu.PersonID != 0:
		p.Add("person_id", "only a citizen account belongs to a person")
	}
	if err := p.Err("invalid user"); err != nil {
		return nil, err
	}
	if _, err := RequireIn(ctx, PermUserAdmin, nu.Scope); err != nil {
		return nil, err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(nu.Password), s.bcryptCost)
	if err != nil {
		return nil, fmt.Errorf("hash password: %w", err)
	}
	u := &User{Username: nu.Username, DisplayName: nu.DisplayName, Role: nu.Role, Scope: nu.Scope, PersonID: nu.PersonID, PasswordHash: string(hash), CreatedAt: s.clock.Now().UTC()}
	if err := s.store.CreateUser(ctx, u); err != nil {
		return nil, err
	}
	return u, nil
}

// SetGrant gives the user named username the role over the region subtree
// scope. The caller must hold PermUserAdmin over both the old scope and
// the new one. The change is audited ("user.grant").
func (s *Service) SetGrant(ctx context.Context, username string, role Role, scope region.Code) (*User, error) {
	var p fault.Problems
	if !role.Valid() {
		p.Add("role", "unknown role %q", role)
	}
	if _, err := region.ParseCode(string(scope)); err != nil {
		p.Add("scope", "%v", err)
	}
	if err := p.Err("invalid grant"); err != nil {
		return nil, err
	}
	return s.changeUser(ctx, username, "user.grant", scope, func(u *User) error {
		switch {
		case role == RoleCitizen && u.PersonID <= 0:
			return &fault.Error{Code: fault.Invalid, Message: "invalid grant", Fields: map[string]string{"role": "a citizen account belongs to a registry person"}}
		case role != RoleCitizen && u.PersonID != 0:
			return &fault.Error{Code: fault.Invalid, Message: "invalid grant", Fields: map[string]string{"role": "a citizen's account stays a citizen's"}}
		}
		u.Role, u.Scope = role, scope
		return nil
	})
}

// SetDisabled disables or enables the user named username; a disabled
// user cannot sign in and its sessions stop working. The caller must hold
// PermUserAdmin over the user's scope. The change is audited
// ("user.disable" or "user.enable").
func (s *Service) SetDisabled(ctx context.Context, username string, disabled bool) (*User, error) {
	action := "user.enable"
	if disabled {
		action = "user.disable"
	}
	return s.changeUser(ctx, username, action, "", func(u *User) error {
		u.Disabled = disabled
		return nil
	})
}

// SetPassword sets the password of the user named username. The caller
// must hold PermUserAdmin over the user's scope. The change is audited
// ("user.password"; the trail keeps a digest, never the password).
func (s *Service) SetPassword(ctx context.Context, username, password string) (*User, error) {
	if len(password) < 8 {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid password", Fields: map[string]string{"password": "must be at least 8 characters"}}
	}
	return s.changeUser(ctx, username, "user.password", "", func(u *User) error {
		hash, err := bcrypt.GenerateFromPassword([]byte(password), s.bcryptCost)
		if err != nil {
			return fmt.Errorf("hash password: %w", err)
		}
		u.PasswordHash = string(hash)
		return nil
	})
}

// changeUser loads the user, checks the caller administers its scope (and
// newScope, if given), applies change and stores it with its audit event.
func (s *Service) changeUser(ctx context.Context, username, action string, newScope region.Code, change func(*User) error) (*User, error) {
	if _, err := Require(ctx, PermUserAdmin); err != nil {
		return nil, err
	}
	u, err := s.store.UserByName(ctx, username)
	if err != nil {
		return nil, err
	}
	if _, err := RequireIn(ctx, PermUserAdmin, u.Scope); err != nil {
		return nil, err
	}
	if newScope != "" {
		if _, err := RequireIn(ctx, PermUserAdmin, newScope); err != nil {
			return nil, err
		}
	}
	if err := change(u); err != nil {
		return nil, err
	}
	if err := s.store.UpdateUser(ctx, u, action); err != nil {
		return nil, err
	}
	return u, nil
}

// Grant is the result of a successful login.
type Grant struct {
	// Token is the bearer token; it is shown once and stored only hashed.
	Token     string
	User      *User
	ExpiresAt time.Time
}

// dummyHash is checked against when the username is unknown, so that an
// unknown username takes as long as a wrong password.
const dummyHash = "$2a$10$7EqJtq98hPqEX7fNZaFWoOHiUMpGMcEGBYcEBTy4cj4x2SFXTtEcS"

// Login checks the password of username, tried from the client address
// addr ("" when unknown), and opens a session. A username or an address
// with too many failures is locked (Throttled, with the time to wait)
// before any password is checked; password checks run a few at a time
// (Busy when none frees up in time). The sign-in, each failure and each
// lock are in the audit trail.
func (s *Service) Login(ctx context.Context, username, password, addr string) (*Grant, error) {
	bad := fault.Errorf(fault.Unauthenticated, "wrong username or password")
	now := s.clock.Now().UTC()
	name := triedName(username)
	if d, locked := s.addrs.lockedFor(addr, now); locked {
		return nil, throttled(d)
	}
	if d, locked := s.userLocks.lockedFor(name, now); locked {
		return nil, throttled(d)
	}
	// The slot bounds the database reads of sign-ins as well as their
	// password checks.
	release, err := s.acquireHash(ctx)
	if err != nil {
		return nil, err
	}
	t, err := s.store.LoginThrottle(ctx, name)
	if err != nil {
		release()
		return nil, err
	}
	if d, locked := t.lockedFor(now); locked {
		release()
		s.userLocks.lock(name, t.LockedUntil, now)
		return nil, throttled(d)
	}
	u, err := s.store.UserByName(ctx, username)
	switch {
	case fault.CodeOf(err) == fault.NotFound:
		u = nil
	case err != nil:
		release()
		return nil, err
	}
	hash := dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	// Spend the same time on an unknown user as on a real check so that
	// usernames cannot be probed.
	ok := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil && u != nil && !u.Disabled
	release()
	if !ok {
		return nil, s.recordFailure(ctx, u, name, addr, now, bad)
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("new token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	sess := Session{TokenHash: s.hashToken(token), UserID: u.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl)}
	sess.Seal = s.seal(token, sess.UserID, sess.ExpiresAt)
	ev := SignInEvent{Action: ActionLogin, UserID: u.ID, Role: u.Role, Scope: u.Scope, Username: u.Username, Address: addr}
	if err := s.store.CreateSession(ctx, sess, ev); err != nil {
		return nil, err
	}
	return &Grant{Token: token, User: u, ExpiresAt: sess.ExpiresAt}, nil
}

// Authenticate resolves a bearer token to its principal.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	unauth := fault.Errorf(fault.Unauthenticated, "sign in first: the token is unknown or expired")
	if token == "" {
		return Principal{}, unauth
	}
	sess, err := s.store.SessionByHash(ctx, s.hashToken(token))
	if fault.CodeOf(err) == fault.NotFound {
		return Principal{}, unauth
	}
	if err != nil {
		return Principal{}, err
	}
	if !hmac.Equal([]byte(sess.Seal), []byte(s.seal(token, sess.UserID, sess.ExpiresAt))) || !s.clock.Now().Before(sess.ExpiresAt) {
		return Principal{}, unauth
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return Principal{}, err
		}
		return Principal{}, unauth
	}
	if u.Disabled {
		return Principal{}, unauth
	}
	return Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: u.Role, Scope: u.Scope, PersonID: u.PersonID}, nil
}

// Logout ends the session of token, signed out from the client address
// addr, and audits it as the principal in ctx.
func (s *Service) Logout(ctx context.Context, token, addr string) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	ev := SignInEvent{Action: ActionLogout, UserID: p.UserID, Role: p.Role, Scope: p.Scope, Username: p.Username, Address: addr}
	return s.store.DeleteSession(ctx, s.hashToken(token), ev)
}
