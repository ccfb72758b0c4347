// Package citizen signs citizens in on the mobile channel (掌上办): a
// one-time code sent to the phone on record through an SMS gateway, with
// limits per ID number and per client address, and a citizen session kept
// apart from the staff's sessions (docs/citizen.md).
package citizen

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// The audit actions of the citizen's sign-in (entity "client", the
// client address; the actor is the masked ID number, or the citizen).
const (
	// ActionCodeRequest is a code sent.
	ActionCodeRequest = "citizen.code_request"
	// ActionCodeRefused is a code request refused: unknown number, a name
	// that does not match, no phone on record, a limit reached.
	ActionCodeRefused = "citizen.code_refused"
	// ActionCodeFailed is a wrong, expired or used code.
	ActionCodeFailed = "citizen.code_failed"
	// ActionLogin is a citizen signed in.
	ActionLogin = "citizen.login"
	// ActionLogout is a citizen signed out.
	ActionLogout = "citizen.logout"
)

// Config holds the operational limits of the citizen's sign-in; a zero
// field takes the default given with it.
type Config struct {
	// CodeTTL is how long a code is good for (default 5 minutes).
	CodeTTL time.Duration
	// CodesPerNumber codes at most are sent to one ID number per
	// CodeWindow (defaults 3 per 10 minutes).
	CodesPerNumber int
	CodeWindow     time.Duration
	// WrongCodes wrong codes in a row lock the ID number for Lock
	// (defaults 5 and 15 minutes).
	WrongCodes int
	Lock       time.Duration
	// AddressRequests requests (codes asked for and codes tried) at most
	// come from one client address per AddressWindow (defaults 20 per
	// hour).
	AddressRequests int
	AddressWindow   time.Duration
	// SessionTTL is how long a citizen session lasts (default 2 hours).
	SessionTTL time.Duration
}

// withDefaults returns c with its zero fields set to their defaults.
func (c Config) withDefaults() Config {
	set := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	seti := func(n *int, v int) {
		if *n <= 0 {
			*n = v
		}
	}
	set(&c.CodeTTL, 5*time.Minute)
	seti(&c.CodesPerNumber, 3)
	set(&c.CodeWindow, 10*time.Minute)
	seti(&c.WrongCodes, 5)
	set(&c.Lock, 15*time.Minute)
	seti(&c.AddressRequests, 20)
	set(&c.AddressWindow, time.Hour)
	set(&c.SessionTTL, 2*time.Hour)
	return c
}

// SMSGateway sends a text message. The demo's and the tests' gateway is
// the store's outbox (sqlstore.DB implements it).
type SMSGateway interface {
	Send(ctx context.Context, phone, text string) error
}

// Person is what the sign-in reads of a registry person.
type Person struct {
	ID       int64
	IDNumber string
	Name     string
	Phone    string
	Region   region.Code
}

// Code is a one-time code as stored: never the code itself.
type Code struct {
	ID int64
	// NumberKey is the hash of the ID number the code was sent for.
	NumberKey string
	// Hash is the hash of the code (see Service.codeHash).
	Hash      string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time
}

// Event is what the audit trail keeps of a sign-in step: never the code,
// the phone or the ID number in clear.
type Event struct {
	Action string
	// UserID is the citizen's account, 0 before sign-in.
	UserID int64
	// Who is the masked ID number, or the citizen's username.
	Who      string
	PersonID int64
	Region   region.Code
	Address  string
	// Reason says why a request was refused (a key, in English).
	Reason string
}

// Session is a citizen session; the token is stored only hashed.
type Session struct {
	TokenHash string
	UserID    int64
	PersonID  int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Store keeps the codes, the wrong-code counts, the citizens' accounts
// and sessions, and audits each step in the same transaction.
type Store interface {
	// CitizenPerson returns the living person of the ID number; NotFound
	// if there is none.
	CitizenPerson(ctx context.Context, idNumber string) (*Person, error)
	// CitizenPersonByID returns the person of id; NotFound if none.
	CitizenPersonByID(ctx context.Context, id int64) (*Person, error)
	// CitizenCodeTimes returns when the last codes of numberKey were made,
	// newest first, at most limit.
	CitizenCodeTimes(ctx context.Context, numberKey string, limit int) ([]time.Time, error)
	// CitizenLockedUntil returns when the lock of numberKey ends (zero if
	// none).
	CitizenLockedUntil(ctx context.Context, numberKey string) (time.Time, error)
	// CreateCitizenCode stores c and audits ev, in one transaction.
	CreateCitizenCode(ctx context.Context, c Code, ev Event) error
	// UseCitizenCode, in one transaction, reads the newest code of
	// numberKey (nil if none) and the wrong codes counted, calls decide,
	// and stores its verdict: a used code consumed, a wrong one counted
	// (locking until lockUntil when the verdict says so), and ev audited.
	UseCitizenCode(ctx context.Context, numberKey string, decide func(c *Code, failures int) Verdict) (Verdict, error)
	// CitizenAccount returns the citizen account of the person, creating
	// it (role citizen over region, audited) on the first sign-in.
	CitizenAccount(ctx context.Context, p *Person, now time.Time) (*auth.User, error)
	// CreateCitizenSession stores s and audits ev, in one transaction.
	CreateCitizenSession(ctx context.Context, s Session, ev Event) error
	// CitizenSession returns the session; NotFound if none.
	CitizenSession(ctx context.Context, tokenHash string) (*Session, error)
	// DeleteCitizenSession removes the session and audits ev.
	DeleteCitizenSession(ctx context.Context, tokenHash string, ev Event) error
	// AuditCitizen appends ev on its own.
	AuditCitizen(ctx context.Context, ev Event) error
	// UserByID returns the user; NotFound if none.
	UserByID(ctx context.Context, id int64) (*auth.User, error)
}

// Verdict is the decision on a code tried.
type Verdict struct {
	// OK: the code was right, live and unused; it is consumed.
	OK bool
	// Reason is why not: "no_code", "expired", "used", "wrong".
	Reason string
	// Failures is the wrong codes counted after this one (0 on success).
	Failures int
	// LockUntil, when set, locks the number until then.
	LockUntil time.Time
	// Event is audited with the verdict.
	Event Event
}

// Counter names the counter a citizen without a phone on record goes to.
type Counter func(county region.Code) (id, name string)

// Service signs citizens in.
type Service struct {
	store     Store
	sms       SMSGateway
	clock     clock.Clock
	cfg       Config
	key       []byte
	counter   Counter
	mu        sync.Mutex
	addrs     map[string][]time.Time
	idp       IdentityProvider
	idStore   IdentityStore
	face      FaceProvider
	faceStore FaceStore
	certify   Certifier
}

// New returns the citizen sign-in over store, sending codes through sms,
// naming counters with counter (may be nil), with a random key for its
// session tokens unless SetKey gives one.
func New(store Store, sms SMSGateway, clk clock.Clock, cfg Config, counter Counter) *Service {
	key := make([]byte, 32)
	rand.Read(key)
	return &Service{store: store, sms: sms, clock: clk, cfg: cfg.withDefaults(), key: key, counter: counter, addrs: map[string][]time.Time{}}
}

// SetKey sets the key the session tokens are hashed under (share it
// between processes: the staff session key does).
func (s *Service) SetKey(key []byte) { s.key = append([]byte(nil), key...) }

// Config returns the limits in force.
func (s *Service) Config() Config { return s.cfg }

// numberKey is the stored key of an ID number.
func numberKey(idNumber string) string {
	sum := sha256.Sum256([]byte("citizen-number\x00" + strings.ToUpper(strings.TrimSpace(idNumber))))
	return hex.EncodeToString(sum[:])
}

// codeHash is the stored hash of a code of a number, keyed.
func (s *Service) codeHash(nk, code string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("code\x00" + nk + "\x00" + code))
	return hex.EncodeToString(m.Sum(nil))
}

// tokenHash is the stored hash of a session token.
func (s *Service) tokenHash(token string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("citizen-session\x00" + token))
	return hex.EncodeToString(m.Sum(nil))
}

func throttled(d time.Duration, msg string) error {
	return &fault.Error{Code: fault.Throttled, RetryAfter: d, Message: msg}
}

// addressAllowed counts a request of addr at now and refuses it past the
// limit per window.
func (s *Service) addressAllowed(addr string, now time.Time) (time.Duration, bool) {
	if addr == "" {
		return 0, true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.addrs) > 10000 {
		for k, ts := range s.addrs {
			if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= s.cfg.AddressWindow {
				delete(s.addrs, k)
			}
		}
	}
	var kept []time.Time
	for _, t := range s.addrs[addr] {
		if now.Sub(t) < s.cfg.AddressWindow {
			kept = append(kept, t)
		}
	}
	if len(kept) >= s.cfg.AddressRequests {
		s.addrs[addr] = kept
		return kept[0].Add(s.cfg.AddressWindow).Sub(now), false
	}
	s.addrs[addr] = append(kept, now)
	return 0, true
}

// RequestCode sends a one-time code to the phone on record of the person
// of idNumber, whose name must match, asked from the client address addr.
// A person without a phone is told the counter to go to (Invalid, field
// "phone"); an unknown number or a name that does not match is Invalid
// alike, so that numbers cannot be probed for names. Too many requests of
// the number or the address are Throttled. Every request is audited.
func (s *Service) RequestCode(ctx context.Context, idNumber, name, addr string) error {
	now := s.clock.Now().UTC()
	var pr fault.Problems
	if _, err := ids.ParseResidentID(strings.ToUpper(strings.TrimSpace(idNumber)), period.DateOf(now)); err != nil {
		pr.Add("id_number", "is not a valid resident ID number")
	}
	if strings.TrimSpace(name) == "" {
		pr.Add("name", "is required")
	}
	if err := pr.Err("invalid code request"); err != nil {
		return err
	}
	ev := Event{Action: ActionCodeRefused, Who: ids.Mask(idNumber), Address: addr}
	if d, ok := s.addressAllowed(addr, now); !ok {
		ev.Reason = "address_limit"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return err
		}
		return throttled(d, "too many requests from this address: try again later")
	}
	nk := numberKey(idNumber)
	p, err := s.store.CitizenPerson(ctx, strings.ToUpper(strings.TrimSpace(idNumber)))
	if err != nil && fault.CodeOf(err) != fault.NotFound {
		return err
	}
	if p == nil || p.Name != strings.TrimSpace(name) {
		ev.Reason = "no_match"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return err
		}
		return &fault.Error{Code: fault.Invalid, Message: "invalid code request",
			Fields: map[string]string{"id_number": "the ID number and the name match no one on record"}}
	}
	ev.PersonID, ev.Region = p.ID, p.Region
	if p.Phone == "" {
		ev.Reason = "no_phone"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return err
		}
		msg := "登记信息中没有您的手机号码，请携带身份证到县（市）政务服务大厅社保窗口登记手机号码"
		if s.counter != nil {
			if id, cname := s.counter(p.Region.County()); id != "" {
				msg = fmt.Sprintf("登记信息中没有您的手机号码，请携带身份证到%s（%s）登记手机号码", cname, id)
			}
		}
		return &fault.Error{Code: fault.Invalid, Message: "no phone on record", Fields: map[string]string{"phone": msg}}
	}
	until, err := s.store.CitizenLockedUntil(ctx, nk)
	if err != nil {
		return err
	}
	if now.Before(until) {
		ev.Reason = "number_locked"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return err
		}
		return throttled(until.Sub(now), "too many wrong codes for this ID number: try again later")
	}
	times, err := s.store.CitizenCodeTimes(ctx, nk, s.cfg.CodesPerNumber)
	if err != nil {
		return err
	}
	if len(times) >= s.cfg.CodesPerNumber && now.Sub(times[len(times)-1]) < s.cfg.CodeWindow {
		ev.Reason = "number_limit"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return err
		}
		return throttled(times[len(times)-1].Add(s.cfg.CodeWindow).Sub(now), "too many codes for this ID number: try again later")
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return fmt.Errorf("new code: %w", err)
	}
	code := fmt.Sprintf("%06d", n.Int64())
	ev.Action, ev.Reason = ActionCodeRequest, ""
	c := Code{NumberKey: nk, Hash: s.codeHash(nk, code), CreatedAt: now, ExpiresAt: now.Add(s.cfg.CodeTTL)}
	if err := s.store.CreateCitizenCode(ctx, c, ev); err != nil {
		return err
	}
	mins := int(s.cfg.CodeTTL / time.Minute)
	text := fmt.Sprintf("【昌吉社保】您的登录验证码是%s，%d分钟内有效，请勿告诉他人。", code, max(1, mins))
	if err := s.sms.Send(ctx, p.Phone, text); err != nil {
		return fmt.Errorf("send the code: %w", err)
	}
	return nil
}

// Grant is a citizen signed in.
type Grant struct {
	// Token is the session token, shown once.
	Token     string
	Principal auth.Principal
	ExpiresAt time.Time
}

// VerifyCode checks code for idNumber, tried from addr: the newest code
// sent, unexpired and unused, consumed in the same transaction as the
// check. A wrong code counts toward the number's lock; an expired, used
// or wrong code is Unauthenticated; a locked number or address Throttled.
// On success the citizen's account is made on first sign-in and a
// citizen session opened. Everything is audited.
func (s *Service) VerifyCode(ctx context.Context, idNumber, code, addr string) (*Grant, error) {
	now := s.clock.Now().UTC()
	idNumber = strings.ToUpper(strings.TrimSpace(idNumber))
	var pr fault.Problems
	if idNumber == "" {
		pr.Add("id_number", "is required")
	}
	if len(code) != 6 || strings.Trim(code, "0123456789") != "" {
		pr.Add("code", "is six digits")
	}
	if err := pr.Err("invalid sign-in"); err != nil {
		return nil, err
	}
	ev := Event{Action: ActionCodeFailed, Who: ids.Mask(idNumber), Address: addr}
	if d, ok := s.addressAllowed(addr, now); !ok {
		ev.Reason = "address_limit"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return nil, err
		}
		return nil, throttled(d, "too many requests from this address: try again later")
	}
	nk := numberKey(idNumber)
	until, err := s.store.CitizenLockedUntil(ctx, nk)
	if err != nil {
		return nil, err
	}
	if now.Before(until) {
		ev.Reason = "number_locked"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return nil, err
		}
		return nil, throttled(until.Sub(now), "too many wrong codes for this ID number: try again later")
	}
	want := s.codeHash(nk, code)
	v, err := s.store.UseCitizenCode(ctx, nk, func(c *Code, failures int) Verdict {
		v := Verdict{Event: ev}
		switch {
		case c == nil:
			v.Reason = "no_code"
		case !hmac.Equal([]byte(c.Hash), []byte(want)):
			v.Reason = "wrong"
		case !c.UsedAt.IsZero():
			v.Reason = "used"
		case !now.Before(c.ExpiresAt):
			v.Reason = "expired"
		default:
			v.OK = true
			return v
		}
		v.Failures = failures + 1
		if v.Failures >= s.cfg.WrongCodes {
			v.LockUntil = now.Add(s.cfg.Lock)
			v.Failures = 0
		}
		v.Event.Reason = v.Reason
		return v
	})
	if err != nil {
		return nil, err
	}
	if !v.OK {
		if !v.LockUntil.IsZero() {
			return nil, throttled(v.LockUntil.Sub(now), "too many wrong codes for this ID number: try again later")
		}
		msg := map[string]string{"no_code": "ask for a code first", "wrong": "the code is wrong",
			"used": "the code was used already: ask for a new one", "expired": "the code has expired: ask for a new one"}[v.Reason]
		return nil, fault.Errorf(fault.Unauthenticated, "%s", msg)
	}
	p, err := s.store.CitizenPerson(ctx, idNumber)
	if err != nil {
		return nil, err
	}
	return s.open(ctx, p, addr, ActionLogin, now)
}

// open makes the person's citizen account on first sign-in and opens a
// citizen session, audited as action.
func (s *Service) open(ctx context.Context, p *Person, addr, action string, now time.Time) (*Grant, error) {
	u, err := s.store.CitizenAccount(ctx, p, now)
	if err != nil {
		return nil, err
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("new token: %w", err)
	}
	token := base64.RawURLEncoding.EncodeToString(raw[:])
	sess := Session{TokenHash: s.tokenHash(token), UserID: u.ID, PersonID: p.ID, CreatedAt: now, ExpiresAt: now.Add(s.cfg.SessionTTL)}
	login := Event{Action: action, UserID: u.ID, Who: u.Username, PersonID: p.ID, Region: p.Region, Address: addr}
	if err := s.store.CreateCitizenSession(ctx, sess, login); err != nil {
		return nil, err
	}
	return &Grant{Token: token, Principal: principalOf(u, p.Name), ExpiresAt: sess.ExpiresAt}, nil
}

// principalOf is the citizen u acting in its post.
func principalOf(u *auth.User, name string) auth.Principal {
	p := auth.Principal{UserID: u.ID, Username: u.Username, DisplayName: name, Role: auth.RoleCitizen, PersonID: u.PersonID, Posts: u.LivePosts()}
	if live := u.LivePosts(); len(live) > 0 {
		p.Scope, p.PostID = live[0].Region, live[0].ID
	}
	return p
}

// Authenticate resolves a citizen session token to the citizen's
// principal (role citizen, PersonID set); a staff token, an unknown or an
// expired one is Unauthenticated.
func (s *Service) Authenticate(ctx context.Context, token string) (auth.Principal, error) {
	unauth := fault.Errorf(fault.Unauthenticated, "sign in first: the citizen session is unknown or expired")
	if token == "" {
		return auth.Principal{}, unauth
	}
	sess, err := s.store.CitizenSession(ctx, s.tokenHash(token))
	if fault.CodeOf(err) == fault.NotFound {
		return auth.Principal{}, unauth
	}
	if err != nil {
		return auth.Principal{}, err
	}
	if !s.clock.Now().Before(sess.ExpiresAt) {
		return auth.Principal{}, unauth
	}
	u, err := s.store.UserByID(ctx, sess.UserID)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return auth.Principal{}, err
		}
		return auth.Principal{}, unauth
	}
	if u.Disabled || u.PersonID != sess.PersonID || len(u.LivePosts()) == 0 || u.LivePosts()[0].Role != auth.RoleCitizen {
		return auth.Principal{}, unauth
	}
	return principalOf(u, u.DisplayName), nil
}

// Logout ends the citizen session of token, from addr.
func (s *Service) Logout(ctx context.Context, token, addr string) error {
	p, err := s.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	return s.store.DeleteCitizenSession(ctx, s.tokenHash(token),
		Event{Action: ActionLogout, UserID: p.UserID, Who: p.Username, PersonID: p.PersonID, Region: p.Scope, Address: addr})
}

// Me is what a signed-in citizen reads of themself: masked.
type Me struct {
	Name     string
	IDNumber string
	Phone    string
	Region   region.Code
}

// Me returns the signed-in citizen's name, masked ID number and phone.
func (s *Service) Me(ctx context.Context, p auth.Principal) (Me, error) {
	if p.Role != auth.RoleCitizen || p.PersonID == 0 {
		return Me{}, fault.Errorf(fault.Unauthenticated, "sign in as a citizen first")
	}
	per, err := s.store.CitizenPersonByID(ctx, p.PersonID)
	if err != nil {
		return Me{}, err
	}
	return Me{Name: per.Name, IDNumber: ids.Mask(per.IDNumber), Phone: ids.MaskPhone(per.Phone), Region: per.Region}, nil
}
