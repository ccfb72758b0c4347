package citizen

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/fault"
	"safetynet/internal/period"
)

// The audit action of a face certification result recorded.
const ActionFaceResult = "citizen.face_result"

// FaceResult is a face certification's result as the third party reports
// it.
type FaceResult struct {
	Provider  string
	Reference string
	PersonID  int64
	At        time.Time
	// Outcome is "passed" or "failed".
	Outcome string
	// Certified is set once the pension certification of a passed result
	// is recorded.
	Certified bool
}

// FaceProvider is the third party that certifies by face (刷脸认证).
type FaceProvider interface {
	// Name names the provider.
	Name() string
	// Begin returns the URL the citizen personID goes to and the token
	// the provider returns with its result.
	Begin(ctx context.Context, personID int64) (url, token string, err error)
	// Verify checks the provider's signed callback body and returns the
	// result it reports; Unauthenticated if it is not the provider's.
	Verify(ctx context.Context, body []byte, signature string) (FaceResult, error)
}

// FaceStore keeps the face results.
type FaceStore interface {
	// RecordFaceResult stores r, audited, unless a result of the same
	// provider and reference is stored; it returns the stored one.
	RecordFaceResult(ctx context.Context, r FaceResult, ev Event) (FaceResult, error)
	// MarkFaceCertified records that the certification of the result was
	// recorded.
	MarkFaceCertified(ctx context.Context, provider, reference string) error
}

// Certifier records a pensioner's yearly certification by face, on date
// (insurance.Pensions.Certify with the method face).
type Certifier func(ctx context.Context, personID int64, date period.Date, note string) error

// SetFace sets the face provider and the store of its results; without
// one the face routes answer 404.
func (s *Service) SetFace(fp FaceProvider, st FaceStore) { s.face, s.faceStore = fp, st }

// SetCertifier sets how a passed face result certifies the pensioner.
func (s *Service) SetCertifier(certify Certifier) { s.certify = certify }

// BeginFace starts a face certification for the signed-in citizen of
// token: the provider's URL and the token it returns.
func (s *Service) BeginFace(ctx context.Context, token string) (url, faceToken string, err error) {
	if s.face == nil {
		return "", "", fault.Errorf(fault.NotFound, "no face provider is configured")
	}
	p, err := s.Authenticate(ctx, token)
	if err != nil {
		return "", "", err
	}
	return s.face.Begin(ctx, p.PersonID)
}

// FaceCallback records the result the provider reports in its signed
// callback body: failed and passed alike, once per provider and
// reference; a passed one records the yearly certification by face, once,
// even if the callback comes again.
func (s *Service) FaceCallback(ctx context.Context, body []byte, signature string) (FaceResult, error) {
	if s.face == nil || s.certify == nil {
		return FaceResult{}, fault.Errorf(fault.NotFound, "no face provider is configured")
	}
	r, err := s.face.Verify(ctx, body, signature)
	if err != nil {
		return FaceResult{}, err
	}
	return s.RecordFaceResult(ctx, r)
}

// RecordFaceResult records r (see FaceCallback).
func (s *Service) RecordFaceResult(ctx context.Context, r FaceResult) (FaceResult, error) {
	var pr fault.Problems
	if r.Outcome != "passed" && r.Outcome != "failed" {
		pr.Add("outcome", "must be passed or failed")
	}
	if r.Reference == "" || len(r.Reference) > 100 {
		pr.Add("reference", "is 1 to 100 characters")
	}
	if r.At.IsZero() {
		pr.Add("at", "is required")
	}
	if r.PersonID <= 0 {
		pr.Add("token", "names no person")
	}
	if err := pr.Err("invalid face result"); err != nil {
		return FaceResult{}, err
	}
	per, err := s.store.CitizenPersonByID(ctx, r.PersonID)
	if err != nil {
		return FaceResult{}, err
	}
	ev := Event{Action: ActionFaceResult, Who: r.Provider, PersonID: per.ID, Region: per.Region, Reason: r.Outcome}
	stored, err := s.faceStore.RecordFaceResult(ctx, r, ev)
	if err != nil {
		return FaceResult{}, err
	}
	if stored.Outcome != "passed" || stored.Certified {
		return stored, nil
	}
	date := period.DateOf(stored.At.In(s.zone()))
	if err := s.certify(ctx, stored.PersonID, date, fmt.Sprintf("刷脸认证 %s %s", stored.Provider, stored.Reference)); err != nil {
		return FaceResult{}, err
	}
	if err := s.faceStore.MarkFaceCertified(ctx, stored.Provider, stored.Reference); err != nil {
		return FaceResult{}, err
	}
	stored.Certified = true
	return stored, nil
}

// zone is the time zone of the service's clock's civil dates.
func (s *Service) zone() *time.Location {
	return s.clock.Now().Location()
}

// SimulatedFace is the demo's and the tests' face provider: its tokens
// name the person, signed with an HMAC key, and its callbacks are JSON
// bodies signed with the same key.
type SimulatedFace struct {
	Key []byte
	// URL is the simulated provider's page.
	URL string
}

// Name implements FaceProvider.
func (f SimulatedFace) Name() string { return "simulated-face" }

func (f SimulatedFace) mac(s string) string {
	m := hmac.New(sha256.New, f.Key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// Begin implements FaceProvider.
func (f SimulatedFace) Begin(ctx context.Context, personID int64) (string, string, error) {
	var nonce [12]byte
	rand.Read(nonce[:])
	payload := strconv.FormatInt(personID, 10) + "." + base64.RawURLEncoding.EncodeToString(nonce[:])
	token := payload + "." + f.mac("token\x00"+payload)
	return f.URL + "?token=" + token, token, nil
}

// faceCallback is the simulated provider's callback body.
type faceCallback struct {
	Token     string    `json:"token"`
	Outcome   string    `json:"outcome"`
	Reference string    `json:"reference"`
	At        time.Time `json:"at"`
}

// Callback returns the body and signature the simulated provider posts
// for token.
func (f SimulatedFace) Callback(token, outcome, reference string, at time.Time) ([]byte, string) {
	body, _ := json.Marshal(faceCallback{Token: token, Outcome: outcome, Reference: reference, At: at})
	return body, f.mac("callback\x00" + string(body))
}

// Verify implements FaceProvider.
func (f SimulatedFace) Verify(ctx context.Context, body []byte, signature string) (FaceResult, error) {
	bad := fault.Errorf(fault.Unauthenticated, "the face provider's callback is not signed by it")
	if !hmac.Equal([]byte(signature), []byte(f.mac("callback\x00"+string(body)))) {
		return FaceResult{}, bad
	}
	var cb faceCallback
	if err := json.Unmarshal(body, &cb); err != nil {
		return FaceResult{}, bad
	}
	i := strings.LastIndex(cb.Token, ".")
	if i < 0 || !hmac.Equal([]byte(cb.Token[i+1:]), []byte(f.mac("token\x00"+cb.Token[:i]))) {
		return FaceResult{}, bad
	}
	id, _, _ := strings.Cut(cb.Token[:i], ".")
	pid, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return FaceResult{}, bad
	}
	return FaceResult{Provider: f.Name(), Reference: cb.Reference, PersonID: pid, At: cb.At, Outcome: cb.Outcome}, nil
}
