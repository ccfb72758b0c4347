package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"safetynet/internal/citizen"
	"safetynet/internal/insurance"
	"safetynet/internal/registry"
	"safetynet/internal/sqlstore/sqlstoretest"
)

// citizenSignIn asks a code for the person, reads it from the demo
// gateway's outbox and signs in with it, returning the citizen session
// token and the session response.
func (b *testBundle) citizenSignIn(t *testing.T, p personJSON) (string, *result) {
	t.Helper()
	b.do(t, "POST", "/api/v1/citizen/code", "", map[string]any{"id_number": p.IDNumber, "name": p.Name}).want(t, http.StatusAccepted)
	msgs, err := b.db.SMSOutbox(context.Background(), "13812345678", 1)
	if err != nil || len(msgs) == 0 {
		t.Fatalf("outbox: %v %v", msgs, err)
	}
	code := regexp.MustCompile(`\d{6}`).FindString(msgs[0].Message)
	res := b.do(t, "POST", "/api/v1/citizen/session", "", map[string]any{"id_number": p.IDNumber, "code": code}).want(t, http.StatusOK)
	var got struct {
		Token   string `json:"token"`
		Citizen struct {
			Name, IDNumber, Phone string
		} `json:"citizen"`
	}
	res.decode(t, &got)
	return got.Token, res
}

// asCitizen sends a request with a citizen token, or cookie when cookie
// is set.
func (b *testBundle) asCitizen(t *testing.T, method, path, token string, cookie bool) *result {
	t.Helper()
	req, err := http.NewRequest(method, b.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cookie {
		req.AddCookie(&http.Cookie{Name: "sn_citizen", Value: token})
	} else {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, req)
}

func TestCitizenSessionApartFromStaff(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.createPerson(t, "cw1", sqlstoretest.Village(t, "652301", 0), 31)
	p.IDNumber = string(residentID(t, 31))
	token, res := b.citizenSignIn(t, p)
	if c := res.header.Get("Set-Cookie"); !strings.HasPrefix(c, "sn_citizen=") || !strings.Contains(c, "HttpOnly") {
		t.Errorf("Set-Cookie %q, want sn_citizen, HttpOnly", c)
	}
	// The citizen reads themself, masked, by token and by cookie.
	var me struct {
		Name     string `json:"name"`
		IDNumber string `json:"id_number"`
		Phone    string `json:"phone"`
	}
	b.asCitizen(t, "GET", "/api/v1/citizen/me", token, false).want(t, http.StatusOK).decode(t, &me)
	if me.Name != p.Name || me.IDNumber == p.IDNumber || !strings.Contains(me.IDNumber, "*") || me.Phone == "13812345678" {
		t.Errorf("me %+v: want the name and masked numbers", me)
	}
	b.asCitizen(t, "GET", "/api/v1/citizen/me", token, true).want(t, http.StatusOK)
	// A citizen session never reaches a staff route, by token or cookie.
	b.asCitizen(t, "GET", "/api/v1/me", token, false).problem(t, http.StatusUnauthorized)
	b.asCitizen(t, "GET", fmt.Sprintf("/api/v1/persons/%d", p.ID), token, false).problem(t, http.StatusUnauthorized)
	b.asCitizen(t, "GET", "/api/v1/me", token, true).problem(t, http.StatusUnauthorized)
	// A staff session never reaches the citizen's routes.
	b.do(t, "GET", "/api/v1/citizen/me", "admin", nil).problem(t, http.StatusUnauthorized)
	req, _ := http.NewRequest("GET", b.url+"/api/v1/citizen/me", nil)
	req.AddCookie(&http.Cookie{Name: "sn_session", Value: b.token(t, "admin")})
	send(t, req).problem(t, http.StatusUnauthorized)
	// Signed out, the token opens nothing.
	b.asCitizen(t, "DELETE", "/api/v1/citizen/session", token, false).want(t, http.StatusNoContent)
	b.asCitizen(t, "GET", "/api/v1/citizen/me", token, false).problem(t, http.StatusUnauthorized)
}

func TestCitizenCodeProblems(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.createPerson(t, "cw1", sqlstoretest.Village(t, "652301", 0), 32)
	p.IDNumber = string(residentID(t, 32))
	// A bad number is a 422 naming the field; a wrong code a 401.
	b.do(t, "POST", "/api/v1/citizen/code", "", map[string]any{"id_number": "123", "name": "王芳"}).problem(t, http.StatusUnprocessableEntity)
	b.do(t, "POST", "/api/v1/citizen/code", "", map[string]any{"id_number": p.IDNumber, "name": p.Name}).want(t, http.StatusAccepted)
	for i := 0; i < 4; i++ {
		b.do(t, "POST", "/api/v1/citizen/session", "", map[string]any{"id_number": p.IDNumber, "code": "abcdef"}).problem(t, http.StatusUnprocessableEntity)
	}
	msgs, _ := b.db.SMSOutbox(context.Background(), "13812345678", 1)
	code := regexp.MustCompile(`\d{6}`).FindString(msgs[0].Message)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 0; i < 4; i++ {
		b.do(t, "POST", "/api/v1/citizen/session", "", map[string]any{"id_number": p.IDNumber, "code": wrong}).problem(t, http.StatusUnauthorized)
	}
	res := b.do(t, "POST", "/api/v1/citizen/session", "", map[string]any{"id_number": p.IDNumber, "code": wrong})
	res.problem(t, http.StatusTooManyRequests)
	if res.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestCitizenIdentityProviderStateSingleUse(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "GET", "/api/v1/citizen/idp/start", "", nil).problem(t, http.StatusNotFound)
	sim := citizen.SimulatedProvider{Key: []byte("test-key-of-the-simulated-esscard"), AuthorizeURL: "/simulated-esscard/authorize"}
	b.cit.SetIdentityProvider(sim, b.db)
	p := b.createPerson(t, "cw1", sqlstoretest.Village(t, "652301", 0), 33)
	id := string(residentID(t, 33))
	start := func() string {
		var got struct {
			RedirectURL string `json:"redirect_url"`
			State       string `json:"state"`
		}
		b.do(t, "GET", "/api/v1/citizen/idp/start", "", nil).want(t, http.StatusOK).decode(t, &got)
		if got.State == "" || !strings.Contains(got.RedirectURL, url.QueryEscape(got.State)) {
			t.Fatalf("start %+v", got)
		}
		return got.State
	}
	callback := func(state, code string) *result {
		return b.do(t, "GET", "/api/v1/citizen/idp/callback?state="+url.QueryEscape(state)+"&code="+url.QueryEscape(code), "", nil)
	}
	state := start()
	var sess struct {
		Token string `json:"token"`
	}
	callback(state, sim.Code(state, id, p.Name)).want(t, http.StatusOK).decode(t, &sess)
	b.asCitizen(t, "GET", "/api/v1/citizen/me", sess.Token, false).want(t, http.StatusOK)
	// The state is single use: a replay of the same answer is refused.
	callback(state, sim.Code(state, id, p.Name)).problem(t, http.StatusUnauthorized)
	// A code not signed by the provider, or signed for another state, is refused.
	state = start()
	forged := citizen.SimulatedProvider{Key: []byte("another key")}.Code(state, id, p.Name)
	callback(state, forged).problem(t, http.StatusUnauthorized)
	other := start()
	callback(other, sim.Code(state, id, p.Name)).problem(t, http.StatusUnauthorized)
	// An unknown state is refused.
	callback("no-such-state", sim.Code("no-such-state", id, p.Name)).problem(t, http.StatusUnauthorized)
}

func TestCitizenFaceCertificationRecordedOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.createPerson(t, "cw1", sqlstoretest.Village(t, "652301", 0), 34)
	p.IDNumber = string(residentID(t, 34))
	token, _ := b.citizenSignIn(t, p)
	b.asCitizen(t, "POST", "/api/v1/citizen/certification/face/start", token, false).problem(t, http.StatusNotFound)
	face := citizen.SimulatedFace{Key: []byte("test-key-of-the-simulated-face"), URL: "/simulated-face"}
	b.cit.SetFace(face, b.db)
	var start struct {
		URL   string `json:"url"`
		Token string `json:"token"`
	}
	b.asCitizen(t, "POST", "/api/v1/citizen/certification/face/start", token, false).want(t, http.StatusOK).decode(t, &start)
	// A staff session cannot start one.
	b.do(t, "POST", "/api/v1/citizen/certification/face/start", "cw1", nil).problem(t, http.StatusUnauthorized)
	post := func(body []byte, sig string) *result {
		req, _ := http.NewRequest("POST", b.url+"/api/v1/citizen/certification/face/result", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Signature", sig)
		return send(t, req)
	}
	at := b.now.Now().Add(-time.Minute)
	// A failed check is recorded and certifies nothing.
	body, sig := face.Callback(start.Token, "failed", "ref-1", at)
	var got struct {
		Outcome   string `json:"outcome"`
		Certified bool   `json:"certified"`
	}
	post(body, sig).want(t, http.StatusOK).decode(t, &got)
	if got.Outcome != "failed" || got.Certified {
		t.Errorf("failed result %+v", got)
	}
	// A body not signed by the provider is refused.
	body, _ = face.Callback(start.Token, "passed", "ref-2", at)
	post(body, "forged").problem(t, http.StatusUnauthorized)
	// A passed check certifies once, even if the callback comes twice.
	body, sig = face.Callback(start.Token, "passed", "ref-2", at)
	for i := 0; i < 2; i++ {
		post(body, sig).want(t, http.StatusOK).decode(t, &got)
		if got.Outcome != "passed" || !got.Certified {
			t.Errorf("passed result %+v", got)
		}
	}
	certs, err := b.db.CertificationsOf(context.Background(), registry.PersonID(p.ID), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(certs) != 1 || certs[0].Method != insurance.CertFace {
		t.Errorf("certifications %+v, want one by face", certs)
	}
}
