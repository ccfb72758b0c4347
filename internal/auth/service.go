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
	// PostID is the post the session acts in (see Principal).
	PostID    int64
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
	// ListUsers returns up to f.Limit users of f, by ID.
	ListUsers(ctx context.Context, f UserFilter) ([]*User, error)
	// UpdateUser stores u's display name, password hash and flags, inserts
	// its posts of ID 0 (setting their IDs and user) and stores the
	// revocation of the others, with the audit event action in the same
	// transaction; NotFound if there is no such user.
	UpdateUser(ctx context.Context, u *User, action string) error
	// CreateSession stores s, clears the failure record of ev's username
	// and appends ev (the sign-in) to the audit trail, in one transaction.
	CreateSession(ctx context.Context, s Session, ev SignInEvent) error
	// SessionByHash returns the session; NotFound if there is none.
	SessionByHash(ctx context.Context, tokenHash string) (*Session, error)
	// SetSessionPost makes the session of tokenHash act in postID and
	// appends ev (the switch) to the audit trail, in one transaction;
	// NotFound if there is no such session.
	SetSessionPost(ctx context.Context, tokenHash string, postID int64, ev SignInEvent) error
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
	// juris is the jurisdiction whose regions posts are over.
	juris     region.Jurisdiction
	passwords PasswordRules
}

// NewService returns a Service of the users of jurisdiction j (whose
// region tree posts are over), whose sessions last ttl, with the default
// sign-in limits and password rules and a random session key of its own
// (see SetSessionKey), telling the time by clk.
func NewService(store Store, j region.Jurisdiction, ttl time.Duration, clk clock.Clock) *Service {
	l := DefaultSignInLimits()
	key := make([]byte, SessionKeySize)
	rand.Read(key) // never fails: crypto/rand crashes the program instead
	return &Service{store: store, ttl: ttl, clock: clk, bcryptCost: bcrypt.DefaultCost,
		limits: l, hashSlots: make(chan struct{}, l.HashSlots), tokenKey: key, juris: j, passwords: DefaultPasswordRules()}
}

// SetFastHashing lowers the password-hash cost for tests and the demo's
// seeding; never use it for real accounts.
func (s *Service) SetFastHashing() { s.bcryptCost = bcrypt.MinCost }

// Grant is the result of a successful login.
type Grant struct {
	// Token is the bearer token; it is shown once and stored only hashed.
	Token string
	User  *User
	// Principal is the user acting in the post the session opened in.
	Principal Principal
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
// lock are in the audit trail. The session acts in the user's first live
// post (see LoginInPost).
func (s *Service) Login(ctx context.Context, username, password, addr string) (*Grant, error) {
	return s.LoginInPost(ctx, username, password, addr, 0)
}

// LoginInPost is Login in the user's live post postID (0: the first live
// post). A post the user does not hold is Invalid, naming the field
// "post". An account holding no post signs in as a disabled one does:
// never.
func (s *Service) LoginInPost(ctx context.Context, username, password, addr string, postID int64) (*Grant, error) {
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
	ok := bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil && u != nil && !u.Disabled && len(u.LivePosts()) > 0
	release()
	if !ok {
		return nil, s.recordFailure(ctx, u, name, addr, now, bad)
	}
	post := u.LivePosts()[0]
	if postID != 0 {
		var held bool
		if post, held = u.LivePost(postID); !held {
			return nil, &fault.Error{Code: fault.Invalid, Message: "invalid login",
				Fields: map[string]string{"post": fmt.Sprintf("you hold no post %d", postID)}}
		}
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("new token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	sess := Session{TokenHash: s.hashToken(token), UserID: u.ID, PostID: post.ID, CreatedAt: now, ExpiresAt: now.Add(s.ttl)}
	sess.Seal = s.seal(token, sess.UserID, sess.ExpiresAt)
	ev := SignInEvent{Action: ActionLogin, UserID: u.ID, Role: post.Role, Scope: post.Region, Username: u.Username, Address: addr}
	if err := s.store.CreateSession(ctx, sess, ev); err != nil {
		return nil, err
	}
	return &Grant{Token: token, User: u, Principal: principalOf(u, post), ExpiresAt: sess.ExpiresAt}, nil
}

// principalOf is u acting in post.
func principalOf(u *User, post Post) Principal {
	return Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Role: post.Role, Scope: post.Region,
		PostID: post.ID, Posts: u.LivePosts(), PersonID: u.PersonID, MustChangePassword: u.MustChangePassword}
}

// Authenticate resolves a bearer token to its principal, acting in the
// session's post. A session whose post was revoked since opens nothing:
// its user signs in again.
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
	post, ok := u.LivePost(sess.PostID)
	if !ok {
		return Principal{}, fault.Errorf(fault.Unauthenticated, "sign in again: the post this session acted in was revoked")
	}
	return principalOf(u, post), nil
}

// Logout ends the session of token, signed out from the client address
// addr, and audits it as the principal in ctx.
func (s *Service) Logout(ctx context.Context, token, addr string) error {
	p, ok := PrincipalFrom(ctx)
	if !ok {
		return fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	ev := SignInEvent{Action: ActionLogout, UserID: p.UserID, Role: p.Role, Scope: p.Scope, Username: p.Username, Address: addr, Post: p.PostID}
	return s.store.DeleteSession(ctx, s.hashToken(token), ev)
}

// ActionSwitchPost is a signed-in user's switch of the session to another
// of its posts.
const ActionSwitchPost = "session.post"

// SwitchPost makes the session of token, the principal's in ctx, act in
// another live post of the same user, from the client address addr, and
// returns the principal as it now is. The switch is audited
// (ActionSwitchPost). A post the user does not hold is Invalid, naming
// the field "post".
func (s *Service) SwitchPost(ctx context.Context, token string, postID int64, addr string) (Principal, error) {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.System() {
		return Principal{}, fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	u, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return Principal{}, err
	}
	post, held := u.LivePost(postID)
	if !held {
		return Principal{}, &fault.Error{Code: fault.Invalid, Message: "invalid post switch",
			Fields: map[string]string{"post": fmt.Sprintf("you hold no post %d", postID)}}
	}
	ev := SignInEvent{Action: ActionSwitchPost, UserID: u.ID, Role: post.Role, Scope: post.Region, Username: u.Username, Address: addr, Post: post.ID}
	if err := s.store.SetSessionPost(ctx, s.hashToken(token), post.ID, ev); err != nil {
		return Principal{}, err
	}
	return principalOf(u, post), nil
}

// ChangeOwnPassword changes the password of the signed-in user in ctx,
// from the client address addr, given the current one; it clears
// MustChangePassword. The new password follows the password rules, is
// not the username and not the current password (Invalid, naming the
// field "new"). A wrong current password is Invalid, naming "current",
// and counts as a failed sign-in of the username (locked as sign-ins
// are: Throttled). The change is audited ("user.password_change").
func (s *Service) ChangeOwnPassword(ctx context.Context, current, next, addr string) error {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.System() {
		return fault.Errorf(fault.Unauthenticated, "sign in first")
	}
	var pr fault.Problems
	reasons := map[string]fault.Reason{}
	if current == "" {
		pr.Add("current", "is required")
	}
	if msg, why := s.checkPassword(p.Username, next); msg != "" {
		pr.Add("new", "%s", msg)
		reasons["new"] = why
	} else if next == current {
		pr.Add("new", "must differ from the current password")
		reasons["new"] = fault.Reason{Key: "password_unchanged"}
	}
	if err := pr.ErrWith("invalid password change", reasons); err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	name := triedName(p.Username)
	if d, locked := s.userLocks.lockedFor(name, now); locked {
		return throttled(d)
	}
	u, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return err
	}
	release, err := s.acquireHash(ctx)
	if err != nil {
		return err
	}
	ok = bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(current)) == nil
	release()
	if !ok {
		wrong := &fault.Error{Code: fault.Invalid, Message: "invalid password change", Fields: map[string]string{"current": "is not your password"}}
		return s.recordFailure(ctx, u, name, addr, now, wrong)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(next), s.bcryptCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	u.PasswordHash, u.MustChangePassword = string(hash), false
	return s.store.UpdateUser(ctx, u, ActionPasswordChange)
}
