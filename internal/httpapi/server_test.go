package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/app"
	"safetynet/internal/assistance"
	"safetynet/internal/auth"
	"safetynet/internal/citizen"
	"safetynet/internal/clock"
	"safetynet/internal/crossprov"
	"safetynet/internal/frontoffice"
	"safetynet/internal/frontoffice/ratings"
	"safetynet/internal/frontoffice/report"
	"safetynet/internal/httpapi"
	"safetynet/internal/ids"
	"safetynet/internal/insurance"
	"safetynet/internal/jobs"
	"safetynet/internal/monitoring"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
	"safetynet/internal/sqlstore"
	"safetynet/internal/sqlstore/sqlstoretest"
	"safetynet/policies"
)

const testPassword = "correct-horse-9"

// testBundle is a running API over a fresh SQLite database, with one user
// of each kind the tests need.
type testBundle struct {
	url  string
	cit  *citizen.Service
	db   *sqlstore.DB
	reg  *registry.Service
	ins  *insurance.Service
	acc  *insurance.Accounts
	pen  *insurance.Pensions
	ben  *insurance.Benefits
	asst *assistance.Service
	ref  *insurance.Refunds
	dths *insurance.Deaths
	clos *insurance.Closings
	mon  *monitoring.Service
	au   *auth.Service
	pay  *payment.Service
	cat  *assistance.Catalogue
	logs *syncBuffer
	// now is the clock of every service of the bundle; a test sets it.
	now *clock.Settable
	// screen is the screening service; jobs the runner of the background
	// jobs the API starts (limit 2), shut down when the test ends.
	screen *screening.Service
	jobs   *jobs.Runner
	// xp is the cross-province exchange.
	xp *crossprov.Service
	// rat is the ratings, over the front office of mustOffice.
	rat *ratings.Service
	// fo is the front office.
	fo *frontoffice.Service
	// rep is the handling report of the front office.
	rep *report.Service

	mu     sync.Mutex
	tokens map[string]string
}

// The test users: username → role and scope.
var testUsers = []auth.NewUser{
	{Username: "admin", Role: auth.RoleAdmin, Scope: region.Changji},
	{Username: "approver", Role: auth.RoleApprover, Scope: region.Changji},
	{Username: "auditor", Role: auth.RoleAuditor, Scope: region.Changji},
	{Username: "cw1", Role: auth.RoleCaseworker, Scope: "652301"},   // 昌吉市
	{Username: "cw2", Role: auth.RoleCaseworker, Scope: "652302"},   // 阜康市
	{Username: "auditor1", Role: auth.RoleAuditor, Scope: "652301"}, // county auditor
	{Username: "analyst", Role: auth.RoleAnalyst, Scope: region.Changji},
}

// services returns the bundle's services with the policy pol.
func (b *testBundle) services(pol httpapi.Policy) httpapi.Services {
	return httpapi.Services{Registry: b.reg, Insurance: b.ins, Accounts: b.acc, Pensions: b.pen, Benefits: b.ben, Assistance: b.asst,
		Auth: b.au, Audit: b.db, Policy: pol, Catalogue: b.cat, Monitoring: b.mon, Payments: b.pay, Refunds: b.ref, Deaths: b.dths, Closings: b.clos,
		Screening: b.screen, Jobs: b.jobs, Office: mustOffice(), CrossProvince: b.xp,
		Ratings: b.rat, FrontOffice: b.fo, Reports: b.rep, Citizen: b.cit}
}

func setup(t testing.TB) *testBundle {
	t.Helper()
	return setupOn(t, sqlstoretest.Open)
}

// setupOn is setup over a database that open opens (an engine of
// sqlstoretest.Engines).
func setupOn(t testing.TB, open func(testing.TB) *sqlstore.DB) *testBundle {
	t.Helper()
	db := open(t)
	pk, err := realPolicy()
	if err != nil {
		t.Fatalf("load the policy package: %v", err)
	}
	// The services, built as the binary builds them, on the bundle's
	// clock. Sessions outlast the 8 days some tests move the clock on.
	now := clock.NewSettable(time.Now)
	a := app.New(db, pk, region.DefaultJurisdiction(), now.In(region.DefaultJurisdiction().Zone), app.Options{SessionTTL: 30 * 24 * time.Hour})
	b := &testBundle{db: db, reg: a.Registry, ins: a.Insurance, acc: a.Accounts, pen: a.Pensions, ben: a.Benefits, asst: a.Assistance,
		ref: a.Refunds, dths: a.Deaths, clos: a.Closings, mon: a.Monitoring, au: a.Auth, pay: a.Payments, now: now, logs: &syncBuffer{}, tokens: map[string]string{}}
	b.screen = a.Screening
	b.xp = a.CrossProvince
	b.rat = a.Ratings
	b.rat.UseOffice(mustOffice())
	b.cit = a.Citizen
	b.fo = a.FrontOffice
	b.rep = a.Reports
	b.screen.Leases = screening.LeaseConfig{Worker: "api-test"}
	b.jobs = jobs.New(jobs.Config{Limit: 2})
	t.Cleanup(func() { _, _ = b.jobs.Shutdown(context.Background()) })
	if b.cat, err = realCatalogue(); err != nil {
		t.Fatalf("load the catalogue of assistance items: %v", err)
	}
	b.au.SetFastHashing()
	logger := slog.New(slog.NewJSONHandler(b.logs, nil))
	h, err := httpapi.NewServer(logger, httpapi.Config{Version: "test-1"}, b.services(testPolicy(t)))
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	b.url = srv.URL
	ctx := systemContext()
	for _, nu := range testUsers {
		nu.Password = testPassword
		nu.DisplayName = "Test " + nu.Username
		if _, err := b.au.CreateUser(ctx, nu); err != nil {
			t.Fatalf("create user %s: %v", nu.Username, err)
		}
	}
	return b
}

// realPolicy is the policy package built into the binary, loaded once: the
// insurance service reads its contribution rates and base band.
var realPolicy = sync.OnceValues(func() (*policy.Package, error) {
	return policy.Load(policies.FS, policy.PensionFuncs()...)
})

func systemContext() context.Context {
	return auth.WithPrincipal(context.Background(), auth.SystemPrincipal("test", region.Changji))
}

// token signs user in once and returns the bearer token.
func (b *testBundle) token(t *testing.T, user string) string {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if tok, ok := b.tokens[user]; ok {
		return tok
	}
	g, err := b.au.Login(context.Background(), user, testPassword, "")
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	b.tokens[user] = g.Token
	return g.Token
}

// result is a response read in full.
type result struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as user ("" for none). body is sent as is if it is a
// string, else as JSON.
func (b *testBundle) do(t *testing.T, method, path, user string, body any) *result {
	t.Helper()
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, b.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+b.token(t, user))
	}
	return send(t, req)
}

func send(t *testing.T, req *http.Request) *result {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &result{status: resp.StatusCode, header: resp.Header, body: raw}
}

// want fails the test unless the status is status.
func (r *result) want(t *testing.T, status int) *result {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body: %s", r.status, status, r.body)
	}
	return r
}

// decode decodes the JSON body into v.
func (r *result) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problemBody is an RFC 9457 problem as a client sees it.
type problemBody struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail"`
	Instance  string `json:"instance"`
	RequestID string `json:"request_id"`
	Errors    []struct {
		Field  string `json:"field"`
		Detail string `json:"detail"`
	} `json:"errors"`
}

// problem checks that r is a problem with status and returns it.
func (r *result) problem(t *testing.T, status int) problemBody {
	t.Helper()
	r.want(t, status)
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("Content-Type %q, want application/problem+json", ct)
	}
	var p problemBody
	r.decode(t, &p)
	if p.Status != status || p.Title == "" || p.Type == "" || p.RequestID == "" || p.RequestID != r.header.Get("X-Request-ID") {
		t.Errorf("problem %+v: want status %d, a title, a type and the request ID %q", p, status, r.header.Get("X-Request-ID"))
	}
	return p
}

// field returns the detail of the problem with field, and whether there is
// one.
func (p problemBody) field(name string) (string, bool) {
	for _, e := range p.Errors {
		if e.Field == name {
			return e.Detail, true
		}
	}
	return "", false
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// villages returns the first n village codes under county.
func villages(t *testing.T, county region.Code, n int) []region.Code {
	t.Helper()
	tree, err := region.Default()
	if err != nil {
		t.Fatal(err)
	}
	vs := tree.Descendants(county, region.Village)
	if len(vs) < n {
		t.Fatalf("county %s has %d villages, want %d", county, len(vs), n)
	}
	out := make([]region.Code, n)
	for i := range out {
		out[i] = vs[i].Code
	}
	return out
}

// residentID builds a valid resident ID born on 1980-05-17 with seq.
func residentID(t *testing.T, seq int) ids.ResidentID {
	t.Helper()
	id, err := ids.MakeResidentID("652301", period.MustDate(1980, time.May, 17), seq)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// personJSON is the part of a person response the tests read.
type personJSON struct {
	ID         int64  `json:"id"`
	IDNumber   string `json:"id_number"`
	Name       string `json:"name"`
	Gender     string `json:"gender"`
	BirthDate  string `json:"birth_date"`
	Age        int    `json:"age"`
	Alive      bool   `json:"alive"`
	RegionCode string `json:"region_code"`
	RegionName string `json:"region_name"`
	Phone      string `json:"phone"`
	DeathDate  string `json:"death_date"`
	Version    int64  `json:"version"`
}

// listJSON is a page of a list.
type listJSON[T any] struct {
	Items     []T    `json:"items"`
	NextAfter *int64 `json:"next_after"`
}

// createPerson registers a person in village as user.
func (b *testBundle) createPerson(t *testing.T, user string, village region.Code, seq int) personJSON {
	t.Helper()
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", user, map[string]any{
		"id_number": residentID(t, seq), "name": "王芳", "ethnicity": "hui", "hukou_type": "rural",
		"region_code": village, "phone": "13812345678",
	}).want(t, http.StatusCreated).decode(t, &p)
	return p
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var got struct{ Status, Version string }
	b.do(t, "GET", "/healthz", "", nil).want(t, http.StatusOK).decode(t, &got)
	if got.Status != "ok" || got.Version != "test-1" {
		t.Errorf("GET /healthz = %+v, want status ok, version test-1", got)
	}
}

func TestOpenAPI(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK)
	var doc struct {
		OpenAPI    string                     `json:"openapi"`
		Paths      map[string]json.RawMessage `json:"paths"`
		Components struct {
			SecuritySchemes map[string]json.RawMessage `json:"securitySchemes"`
			Schemas         map[string]json.RawMessage `json:"schemas"`
		} `json:"components"`
	}
	r.decode(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	for _, p := range []string{"/api/v1/persons", "/api/v1/persons/{id}", "/api/v1/login", "/api/v1/audit", "/api/v1/regions/{code}"} {
		if _, ok := doc.Paths[p]; !ok {
			t.Errorf("paths lack %s", p)
		}
	}
	if _, ok := doc.Components.SecuritySchemes["bearer"]; !ok {
		t.Errorf("no bearer security scheme in %v", doc.Components.SecuritySchemes)
	}
	for _, s := range []string{"Problem", "PersonResponse", "PersonRequest", "PersonPatch", "PersonResponseList"} {
		if _, ok := doc.Components.Schemas[s]; !ok {
			t.Errorf("schemas lack %s", s)
		}
	}
	if !strings.Contains(string(r.body), `"application/problem+json"`) {
		t.Error("the document declares no application/problem+json response")
	}
}

func TestUnknownRouteAndMethod(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.do(t, "GET", "/api/v1/nothing-here", "admin", nil).problem(t, http.StatusNotFound)
	r := b.do(t, "DELETE", "/api/v1/persons", "admin", nil)
	r.problem(t, http.StatusMethodNotAllowed)
	if allow := r.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "POST") {
		t.Errorf("Allow = %q, want GET and POST", allow)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req, _ := http.NewRequest("GET", b.url+"/healthz", nil)
	req.Header.Set("X-Request-ID", "abc-123")
	if got := send(t, req).header.Get("X-Request-ID"); got != "abc-123" {
		t.Errorf("X-Request-ID = %q, want the caller's abc-123", got)
	}
	req.Header.Set("X-Request-ID", "bad id {with} spaces")
	if got := send(t, req).header.Get("X-Request-ID"); got == "" || strings.ContainsAny(got, " {}") {
		t.Errorf("X-Request-ID = %q, want a fresh one replacing the unsafe value", got)
	}
}

func TestAccessLogHasNoQueryOrBody(t *testing.T) {
	t.Parallel()
	b := setup(t)
	village := villages(t, "652301", 1)[0]
	b.createPerson(t, "admin", village, 11)
	full := string(residentID(t, 11))
	b.do(t, "GET", "/api/v1/persons?id_number="+full, "admin", nil).want(t, http.StatusOK)

	logs := b.logs.String()
	for _, secret := range []string{full, "13812345678", "王芳", "id_number="} {
		if strings.Contains(logs, secret) {
			t.Errorf("access log contains %q:\n%s", secret, logs)
		}
	}
	for _, want := range []string{`"pattern":"GET /api/v1/persons"`, `"pattern":"POST /api/v1/persons"`, `"actor_id":`, `"request_id":`, `"status":201`} {
		if !strings.Contains(logs, want) {
			t.Errorf("access log lacks %s:\n%s", want, logs)
		}
	}
}
