package citizen

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"time"

	"safetynet/internal/fault"
)

// ActionIdentityLogin is a citizen signed in through an identity
// provider; ActionIdentityFailed a callback refused.
const (
	ActionIdentityLogin  = "citizen.idp_login"
	ActionIdentityFailed = "citizen.idp_failed"
)

// IdentityProvider is a third party that vouches for a citizen's identity
// (the electronic social security card, 电子社保卡): Begin gives the URL
// the citizen is sent to, carrying state; the provider sends the citizen
// back to the callback with state and a code, which Complete turns into
// the verified ID number and name.
type IdentityProvider interface {
	// Name names the provider in the audit trail.
	Name() string
	// Begin returns the URL to send the citizen to, carrying state.
	Begin(ctx context.Context, state string) (string, error)
	// Complete checks the code the provider returned with state and
	// returns the verified ID number and name; Unauthenticated if the
	// code is not the provider's for this state.
	Complete(ctx context.Context, state, code string) (idNumber, name string, err error)
}

// IdentityStore keeps the states of identity-provider sign-ins.
type IdentityStore interface {
	// CreateIdentityState stores the hash of a state.
	CreateIdentityState(ctx context.Context, stateHash, provider string, now, expires time.Time) error
	// UseIdentityState marks the state used and reports whether it was
	// live and unused (in one statement: a replay finds it used).
	UseIdentityState(ctx context.Context, stateHash string, now time.Time) (bool, error)
}

// SimulatedProvider is the demo's and the tests' identity provider: its
// codes are the ID number and the name signed with an HMAC key, bound to
// the state.
type SimulatedProvider struct {
	// Key signs the codes.
	Key []byte
	// AuthorizeURL is where Begin sends the citizen (the simulated
	// provider's page); the state is added as a query parameter.
	AuthorizeURL string
}

// Name implements IdentityProvider.
func (p SimulatedProvider) Name() string { return "simulated-esscard" }

// Begin implements IdentityProvider.
func (p SimulatedProvider) Begin(ctx context.Context, state string) (string, error) {
	return p.AuthorizeURL + "?state=" + url.QueryEscape(state), nil
}

func (p SimulatedProvider) sign(state, payload string) string {
	m := hmac.New(sha256.New, p.Key)
	m.Write([]byte(state + "\x00" + payload))
	return hex.EncodeToString(m.Sum(nil))
}

// Code is what the simulated provider returns for a citizen who proved to
// be idNumber, name, for state.
func (p SimulatedProvider) Code(state, idNumber, name string) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(idNumber + "\x00" + name))
	return payload + "." + p.sign(state, payload)
}

// Complete implements IdentityProvider.
func (p SimulatedProvider) Complete(ctx context.Context, state, code string) (string, string, error) {
	bad := fault.Errorf(fault.Unauthenticated, "the identity provider's answer is not valid")
	payload, sig, ok := strings.Cut(code, ".")
	if !ok || !hmac.Equal([]byte(sig), []byte(p.sign(state, payload))) {
		return "", "", bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", "", bad
	}
	id, name, ok := strings.Cut(string(raw), "\x00")
	if !ok {
		return "", "", bad
	}
	return id, name, nil
}

// stateTTL is how long a citizen has to come back from the provider.
const stateTTL = 10 * time.Minute

// SetIdentityProvider sets the identity provider and the store of its
// states; without one the identity-provider sign-in is NotFound.
func (s *Service) SetIdentityProvider(idp IdentityProvider, st IdentityStore) {
	s.idp, s.idStore = idp, st
}

func stateHash(state string) string {
	sum := sha256.Sum256([]byte("citizen-idp-state\x00" + state))
	return hex.EncodeToString(sum[:])
}

// BeginIdentity starts a sign-in through the identity provider: it makes
// a single-use state and returns the provider's URL and the state.
func (s *Service) BeginIdentity(ctx context.Context) (redirect, state string, err error) {
	if s.idp == nil {
		return "", "", fault.Errorf(fault.NotFound, "no identity provider is configured")
	}
	var raw [24]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", fmt.Errorf("new state: %w", err)
	}
	state = base64.RawURLEncoding.EncodeToString(raw[:])
	now := s.clock.Now().UTC()
	if err := s.idStore.CreateIdentityState(ctx, stateHash(state), s.idp.Name(), now, now.Add(stateTTL)); err != nil {
		return "", "", err
	}
	redirect, err = s.idp.Begin(ctx, state)
	return redirect, state, err
}

// CompleteIdentity finishes a sign-in through the identity provider from
// addr: the state must be live and unused (it is used up here), the code
// the provider's, and the person it names on record with that name; then
// the same citizen session as a code sign-in opens. Counted per address.
func (s *Service) CompleteIdentity(ctx context.Context, state, code, addr string) (*Grant, error) {
	if s.idp == nil {
		return nil, fault.Errorf(fault.NotFound, "no identity provider is configured")
	}
	now := s.clock.Now().UTC()
	ev := Event{Action: ActionIdentityFailed, Who: s.idp.Name(), Address: addr}
	if d, ok := s.addressAllowed(addr, now); !ok {
		ev.Reason = "address_limit"
		if err := s.store.AuditCitizen(ctx, ev); err != nil {
			return nil, err
		}
		return nil, throttled(d, "too many requests from this address: try again later")
	}
	fail := func(reason string, err error) (*Grant, error) {
		ev.Reason = reason
		if aerr := s.store.AuditCitizen(ctx, ev); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	ok, err := s.idStore.UseIdentityState(ctx, stateHash(state), now)
	if err != nil {
		return nil, err
	}
	if !ok {
		return fail("state", fault.Errorf(fault.Unauthenticated, "the sign-in state is unknown, expired or used: start again"))
	}
	idNumber, name, err := s.idp.Complete(ctx, state, code)
	if err != nil {
		return fail("code", err)
	}
	p, err := s.store.CitizenPerson(ctx, strings.ToUpper(idNumber))
	if err != nil && fault.CodeOf(err) != fault.NotFound {
		return nil, err
	}
	if p == nil || p.Name != name {
		return fail("no_match", fault.Errorf(fault.Unauthenticated, "the identity the provider vouched for is not on record: go to a counter"))
	}
	return s.open(ctx, p, addr, ActionIdentityLogin, now)
}
