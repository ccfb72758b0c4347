package httpapi

import (
	"io"
	"net/http"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/citizen"
	"safetynet/internal/fault"
)

// citizenCookie carries the citizen session: a cookie of its own, so that
// a citizen session never reaches the staff's routes (which read
// sn_session and the staff's sessions) nor a staff session the citizen's.
const citizenCookie = "sn_citizen"

// citizenSessionNote is said of every route that needs a citizen session.
const citizenSessionNote = "Needs a citizen session (POST /api/v1/citizen/session): the sn_citizen cookie or its token as a Bearer token. A staff session is refused (401), as a citizen session is on every staff route."

// citizenCodeRequest is the body of POST /api/v1/citizen/code.
type citizenCodeRequest struct {
	IDNumber string `json:"id_number" required:"true" example:"652301198003050011" description:"the resident ID number on record"`
	Name     string `json:"name" required:"true" example:"张伟" description:"the name on record, as registered"`
}

// citizenCodeResponse says a code was sent.
type citizenCodeResponse struct {
	Sent bool `json:"sent" description:"a code went to the phone on record"`
	// ExpiresIn is how long the code is good for.
	ExpiresIn int `json:"expires_in_seconds" description:"how long the code is good for, in seconds"`
}

// citizenSessionRequest is the body of POST /api/v1/citizen/session.
type citizenSessionRequest struct {
	IDNumber string `json:"id_number" required:"true" example:"652301198003050011"`
	Code     string `json:"code" required:"true" example:"123456" description:"the six-digit code sent to the phone on record"`
}

// citizenMeResponse is the signed-in citizen, masked.
type citizenMeResponse struct {
	Name     string `json:"name"`
	IDNumber string `json:"id_number" description:"masked"`
	Phone    string `json:"phone" description:"masked"`
	Region   string `json:"region" description:"the village or community on record"`
}

// citizenSessionResponse carries the citizen session token, shown once.
type citizenSessionResponse struct {
	Token     string            `json:"token" required:"true" description:"the citizen session token; browsers get it in the sn_citizen cookie as well"`
	ExpiresAt time.Time         `json:"expires_at" required:"true"`
	Citizen   citizenMeResponse `json:"citizen" required:"true" description:"the citizen signed in, masked"`
}

// citizenRoutes are the citizen's sign-in and session. They are public to
// the staff's sign-in: each that needs one checks the citizen session.
func (s *server) citizenRoutes() []route {
	return []route{
		{method: "POST", path: "/api/v1/citizen/code", op: "requestCitizenCode", handler: s.handleCitizenCode, public: true, tag: "citizen",
			summary:     "Send a one-time sign-in code to the phone on record of the ID number and name given",
			description: "Limited per ID number (3 codes in 10 minutes by default; 5 wrong codes lock the number for 15 minutes) and per client address (20 requests an hour): 429 with Retry-After. A person without a phone on record is a 422 naming the field phone, whose reason names the counter to go to. Every request is audited.",
			body:        citizenCodeRequest{}, status: http.StatusAccepted, resp: citizenCodeResponse{}},
		{method: "POST", path: "/api/v1/citizen/session", op: "openCitizenSession", handler: s.handleCitizenSession, public: true, tag: "citizen",
			summary:     "Sign a citizen in with the code: the code is single-use and expires; the citizen's account is made on the first sign-in",
			description: "A wrong, used or expired code is 401 and counts toward the number's lock (429 with Retry-After). The session is a citizen session, kept apart from staff sessions.",
			body:        citizenSessionRequest{}, status: http.StatusOK, resp: citizenSessionResponse{}},
		{method: "DELETE", path: "/api/v1/citizen/session", op: "closeCitizenSession", handler: s.handleCitizenLogout, public: true, tag: "citizen",
			summary: "Sign the citizen out", description: citizenSessionNote, status: http.StatusNoContent},
		{method: "GET", path: "/api/v1/citizen/me", op: "getCitizenMe", handler: s.handleCitizenMe, public: true, tag: "citizen",
			summary: "The signed-in citizen: name, masked ID number and phone", description: citizenSessionNote,
			status: http.StatusOK, resp: citizenMeResponse{}},
		{method: "GET", path: "/api/v1/citizen/idp/start", op: "startCitizenIdentity", handler: s.handleCitizenIdentityStart, public: true, tag: "citizen",
			summary:     "Begin a sign-in through the identity provider (电子社保卡): the URL to send the citizen to, carrying a single-use state",
			description: "404 when no identity provider is configured. The state lasts 10 minutes and is used up by the callback.",
			status:      http.StatusOK, resp: citizenIdentityStartResponse{}},
		{method: "GET", path: "/api/v1/citizen/idp/callback", op: "completeCitizenIdentity", handler: s.handleCitizenIdentityCallback, public: true, tag: "citizen",
			summary:     "The identity provider's callback: the state is checked and used up, the code verified, and the same citizen session as a code sign-in opened",
			description: "A replayed, expired or unknown state, or a code that is not the provider's, is 401; an identity not on record is 401 too. Counted against the client address's limit; audited.",
			params:      citizenIdentityCallbackParams{}, status: http.StatusOK, resp: citizenSessionResponse{}},
		{method: "POST", path: "/api/v1/citizen/certification/face/start", op: "startCitizenFace", handler: s.handleCitizenFaceStart, public: true, tag: "citizen",
			summary:     "Begin the yearly certification by face (刷脸认证) with the third party: its URL and the token it returns with the result",
			description: citizenSessionNote + " 404 when no face provider is configured.",
			status:      http.StatusOK, resp: citizenFaceStartResponse{}},
		{method: "POST", path: "/api/v1/citizen/certification/face/result", op: "recordCitizenFace", handler: s.handleCitizenFaceResult, public: true, tag: "citizen",
			summary:     "The face provider's callback, signed in the X-Signature header: the result is recorded, passed or failed, once per reference; a passed one records the yearly certification by face once",
			description: "A body not signed by the provider is 401. A second callback of the same reference records nothing more and answers the result as stored.",
			body:        citizenFaceResultRequest{}, status: http.StatusOK, resp: citizenFaceResultResponse{}},
	}
}

// citizenFaceStartResponse is the answer of POST
// /api/v1/citizen/certification/face/start.
type citizenFaceStartResponse struct {
	URL   string `json:"url" description:"the face provider's page to send the citizen to"`
	Token string `json:"token" description:"the token the provider returns with its result"`
}

// citizenFaceResultRequest is the body the simulated face provider posts;
// another provider's is its own, checked by its FaceProvider.Verify.
type citizenFaceResultRequest struct {
	Token     string    `json:"token" required:"true" description:"the token of the start"`
	Outcome   string    `json:"outcome" required:"true" enum:"passed,failed" description:"the provider's outcome"`
	Reference string    `json:"reference" required:"true" description:"the provider's reference of the check"`
	At        time.Time `json:"at" required:"true" description:"when the check was made"`
}

// citizenFaceResultResponse is a face result as stored.
type citizenFaceResultResponse struct {
	Provider  string    `json:"provider" description:"the face provider"`
	Reference string    `json:"reference" description:"the provider's reference"`
	Outcome   string    `json:"outcome" enum:"passed,failed" description:"the outcome"`
	At        time.Time `json:"at" description:"when the check was made"`
	Certified bool      `json:"certified" description:"the yearly certification by face is recorded (passed results)"`
}

// handleCitizenFaceStart begins a face certification.
func (s *server) handleCitizenFaceStart(w http.ResponseWriter, r *http.Request) error {
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	u, token, err := cit.BeginFace(r.Context(), citizenToken(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	reply(w, r, http.StatusOK, citizenFaceStartResponse{URL: u, Token: token})
	return nil
}

// handleCitizenFaceResult records the face provider's signed callback.
func (s *server) handleCitizenFaceResult(w http.ResponseWriter, r *http.Request) error {
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return fault.Wrap(fault.Invalid, err, "read the callback")
	}
	res, err := cit.FaceCallback(r.Context(), body, r.Header.Get("X-Signature"))
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, citizenFaceResultResponse{Provider: res.Provider, Reference: res.Reference, Outcome: res.Outcome, At: res.At, Certified: res.Certified})
	return nil
}

// citizenIdentityStartResponse is the answer of GET
// /api/v1/citizen/idp/start.
type citizenIdentityStartResponse struct {
	RedirectURL string `json:"redirect_url" description:"the identity provider's page to send the citizen to"`
	State       string `json:"state" description:"the single-use state the provider returns to the callback"`
}

// citizenIdentityCallbackParams are the query of the callback.
type citizenIdentityCallbackParams struct {
	State string `query:"state" description:"the state of GET /api/v1/citizen/idp/start, single use"`
	Code  string `query:"code" description:"the provider's code"`
}

// handleCitizenIdentityStart begins an identity-provider sign-in.
func (s *server) handleCitizenIdentityStart(w http.ResponseWriter, r *http.Request) error {
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	u, state, err := cit.BeginIdentity(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	reply(w, r, http.StatusOK, citizenIdentityStartResponse{RedirectURL: u, State: state})
	return nil
}

// handleCitizenIdentityCallback finishes an identity-provider sign-in.
func (s *server) handleCitizenIdentityCallback(w http.ResponseWriter, r *http.Request) error {
	q, err := bind[citizenIdentityCallbackParams](r)
	if err != nil {
		return err
	}
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	var pr fault.Problems
	if q.State == "" {
		pr.Add("state", "is required")
	}
	if q.Code == "" {
		pr.Add("code", "is required")
	}
	if err := pr.Err("invalid callback"); err != nil {
		return err
	}
	info := infoFrom(r.Context())
	g, err := cit.CompleteIdentity(r.Context(), q.State, q.Code, info.client)
	if err != nil {
		return err
	}
	return s.replyCitizenGrant(w, r, cit, g)
}

// replyCitizenGrant sets the citizen cookie and answers the session.
func (s *server) replyCitizenGrant(w http.ResponseWriter, r *http.Request, cit *citizen.Service, g *citizen.Grant) error {
	me, err := cit.Me(r.Context(), g.Principal)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: citizenCookie, Value: g.Token, Path: "/", Expires: g.ExpiresAt, HttpOnly: true,
		Secure: infoFrom(r.Context()).secure, SameSite: http.SameSiteLaxMode})
	w.Header().Set("Cache-Control", "no-store")
	reply(w, r, http.StatusOK, citizenSessionResponse{Token: g.Token, ExpiresAt: g.ExpiresAt, Citizen: citizenMeOf(me)})
	return nil
}

// citizenToken is the citizen session token of r: a Bearer token, or the
// sn_citizen cookie (never the staff's cookie).
func citizenToken(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return ""
		}
		return strings.TrimSpace(token)
	}
	if c, err := r.Cookie(citizenCookie); err == nil {
		return c.Value
	}
	return ""
}

// citizenService returns the citizen sign-in, or NotFound without one.
func (s *server) citizenService() (*citizen.Service, error) {
	if s.cit == nil {
		return nil, fault.Errorf(fault.NotFound, "the citizen channel is not served")
	}
	return s.cit, nil
}

// citizenPrincipal authenticates the request's citizen session.
func (s *server) citizenPrincipal(r *http.Request) (*citizen.Service, auth.Principal, error) {
	cit, err := s.citizenService()
	if err != nil {
		return nil, auth.Principal{}, err
	}
	p, err := cit.Authenticate(r.Context(), citizenToken(r))
	return cit, p, err
}

// handleCitizenCode sends a sign-in code.
func (s *server) handleCitizenCode(w http.ResponseWriter, r *http.Request) error {
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	req, err := decode[citizenCodeRequest](r)
	if err != nil {
		return err
	}
	if err := cit.RequestCode(r.Context(), req.IDNumber, req.Name, infoFrom(r.Context()).client); err != nil {
		return err
	}
	reply(w, r, http.StatusAccepted, citizenCodeResponse{Sent: true, ExpiresIn: int(cit.Config().CodeTTL / time.Second)})
	return nil
}

// handleCitizenSession checks a code and opens a citizen session.
func (s *server) handleCitizenSession(w http.ResponseWriter, r *http.Request) error {
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	req, err := decode[citizenSessionRequest](r)
	if err != nil {
		return err
	}
	info := infoFrom(r.Context())
	g, err := cit.VerifyCode(r.Context(), req.IDNumber, req.Code, info.client)
	if err != nil {
		return err
	}
	return s.replyCitizenGrant(w, r, cit, g)
}

// handleCitizenLogout ends the citizen session and clears its cookie.
func (s *server) handleCitizenLogout(w http.ResponseWriter, r *http.Request) error {
	cit, err := s.citizenService()
	if err != nil {
		return err
	}
	info := infoFrom(r.Context())
	if err := cit.Logout(r.Context(), citizenToken(r), info.client); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: citizenCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: info.secure, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleCitizenMe describes the signed-in citizen.
func (s *server) handleCitizenMe(w http.ResponseWriter, r *http.Request) error {
	cit, p, err := s.citizenPrincipal(r)
	if err != nil {
		return err
	}
	me, err := cit.Me(r.Context(), p)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	reply(w, r, http.StatusOK, citizenMeOf(me))
	return nil
}

func citizenMeOf(m citizen.Me) citizenMeResponse {
	return citizenMeResponse{Name: m.Name, IDNumber: m.IDNumber, Phone: m.Phone, Region: string(m.Region)}
}
