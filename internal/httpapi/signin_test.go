package httpapi_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/httpapi"
)

// serveWith serves the bundle's services with the transport tr on a
// second test server and returns its URL.
func (b *testBundle) serveWith(t testing.TB, tr httpapi.Transport) string {
	t.Helper()
	h, err := httpapi.NewServer(slog.New(slog.NewJSONHandler(b.logs, nil)), httpapi.Config{Version: "test-1", Transport: tr}, b.services(testPolicy(t)))
	if err != nil {
		t.Fatalf("NewServer: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// login posts a sign-in to url, with the extra headers hdr.
func login(t testing.TB, url, user, password string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	req, err := http.NewRequest("POST", url+"/api/v1/login", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// setClock makes the bundle's services read the time from an atomic
// clock starting at now, and returns the function that moves it on.
func (b *testBundle) setClock(now time.Time) func(time.Duration) {
	var clock atomic.Pointer[time.Time]
	clock.Store(&now)
	b.now.Set(func() time.Time { return *clock.Load() })
	return func(d time.Duration) {
		next := clock.Load().Add(d)
		clock.Store(&next)
	}
}

// signInEvents returns the sign-in audit events of actor name.
func (b *testBundle) signInEvents(t *testing.T, name string) (actions []string, entities []string) {
	t.Helper()
	evs, err := b.db.AuditEvents(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Actor.Name == name && strings.HasPrefix(e.Action, "session.") {
			actions = append(actions, e.Action)
			entities = append(entities, e.EntityKind+":"+e.EntityID)
		}
	}
	return actions, entities
}

// TestLoginLockedAfterFailures: 50 wrong passwords then the right one is
// refused 429 with Retry-After, every failure and the lock are in the
// audit trail with the client address, and once the lock has passed the
// right password works.
func TestLoginLockedAfterFailures(t *testing.T) {
	t.Parallel()
	b := setup(t)
	advance := b.setClock(time.Now())
	for i := 0; i < 50; i++ {
		resp, raw := login(t, b.url, "cw1", "wrong-password", nil)
		if resp.StatusCode != http.StatusUnauthorized && resp.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("wrong password %d: status %d, want 401 or 429; %s", i+1, resp.StatusCode, raw)
		}
	}
	resp, raw := login(t, b.url, "cw1", testPassword, nil)
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("right password after 50 wrong: status %d, want 429; %s", resp.StatusCode, raw)
	}
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 1 || secs > 60 {
		t.Errorf("Retry-After %q, want 1 to 60 seconds", resp.Header.Get("Retry-After"))
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" || !strings.Contains(string(raw), "urn:safetynet:problem:throttled") {
		t.Errorf("429 is %s %s, want a throttled problem", ct, raw)
	}
	if strings.Contains(b.logs.String(), "wrong-password") {
		t.Error("a password is in the logs")
	}

	acts, ents := b.signInEvents(t, "cw1")
	var failed, locked int
	for i, a := range acts {
		switch a {
		case auth.ActionLoginFailed:
			failed++
		case auth.ActionUserLocked:
			locked++
		}
		if ents[i] != "client:127.0.0.1" {
			t.Errorf("event %s is about %s, want the client address 127.0.0.1", a, ents[i])
		}
	}
	if failed != 5 || locked != 1 {
		t.Errorf("audit: %d failures and %d locks (%v), want 5 and 1", failed, locked, acts)
	}

	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	for _, status := range []string{"429", "503"} {
		if _, ok := doc.Paths["/api/v1/login"]["post"].Responses[status]; !ok {
			t.Errorf("the OpenAPI document lacks the sign-in's %s", status)
		}
	}

	advance(61 * time.Second)
	resp, raw = login(t, b.url, "cw1", testPassword, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("right password after the lock: status %d, want 200; %s", resp.StatusCode, raw)
	}
	var g struct{ Token string }
	json.Unmarshal(raw, &g)
	req, _ := http.NewRequest("POST", b.url+"/api/v1/logout", nil)
	req.Header.Set("Authorization", "Bearer "+g.Token)
	send(t, req).want(t, http.StatusNoContent)
	acts, _ = b.signInEvents(t, "cw1")
	if n := len(acts); n < 2 || acts[n-2] != auth.ActionLogin || acts[n-1] != auth.ActionLogout {
		t.Errorf("audit ends %v, want a sign-in and a sign-out", acts)
	}
}

// TestLoginAddressLimitAndProxies: failures from one client address across
// usernames lock the address. Behind a trusted proxy the address is the
// one in X-Forwarded-For, so other clients still sign in; from an
// untrusted peer X-Forwarded-For is ignored and the peer is the client.
func TestLoginAddressLimitAndProxies(t *testing.T) {
	t.Parallel()
	lockAddress := func(t *testing.T, url, forwardedFor string) {
		for i := 0; i < 6; i++ {
			login(t, url, fmt.Sprintf("no.user%d", i), "wrong-password", map[string]string{"X-Forwarded-For": forwardedFor})
		}
	}
	t.Run("trusted proxy", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if err := b.au.SetSignInLimits(auth.SignInLimits{AddressFailures: 6}); err != nil {
			t.Fatal(err)
		}
		url := b.serveWith(t, httpapi.Transport{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}})
		lockAddress(t, url, "203.0.113.5")
		if resp, raw := login(t, url, "cw1", testPassword, map[string]string{"X-Forwarded-For": "203.0.113.5"}); resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
			t.Errorf("right password from the locked address: %d %s, want 429 with Retry-After", resp.StatusCode, raw)
		}
		if resp, raw := login(t, url, "cw1", testPassword, map[string]string{"X-Forwarded-For": "198.51.100.1, 203.0.113.6"}); resp.StatusCode != http.StatusOK {
			t.Errorf("right password from another client: %d %s, want 200", resp.StatusCode, raw)
		}
		acts, ents := b.signInEvents(t, "no.user5")
		if len(acts) != 2 || acts[1] != auth.ActionAddressLocked || ents[1] != "client:203.0.113.5" {
			t.Errorf("audit of the locking failure: %v %v, want an address lock of 203.0.113.5", acts, ents)
		}
		if _, ents := b.signInEvents(t, "cw1"); len(ents) == 0 || ents[len(ents)-1] != "client:203.0.113.6" {
			t.Errorf("sign-in audited about %v, want the right-most untrusted address 203.0.113.6", ents)
		}
	})
	t.Run("untrusted peer", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		if err := b.au.SetSignInLimits(auth.SignInLimits{AddressFailures: 6}); err != nil {
			t.Fatal(err)
		}
		lockAddress(t, b.url, "203.0.113.5")
		if resp, raw := login(t, b.url, "cw1", testPassword, map[string]string{"X-Forwarded-For": "203.0.113.6"}); resp.StatusCode != http.StatusTooManyRequests {
			t.Errorf("right password with a made-up X-Forwarded-For: %d %s, want 429 (the peer is locked)", resp.StatusCode, raw)
		}
		if _, ents := b.signInEvents(t, "no.user0"); len(ents) != 1 || ents[0] != "client:127.0.0.1" {
			t.Errorf("failure audited about %v, want the peer 127.0.0.1", ents)
		}
	})
}

// TestSecureCookieAndHSTS: the session cookie is Secure and HSTS is sent
// when the client came over HTTPS through a trusted proxy or the base URL
// is https, and not otherwise.
func TestSecureCookieAndHSTS(t *testing.T) {
	t.Parallel()
	b := setup(t)
	local := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	tests := []struct {
		name   string
		tr     httpapi.Transport
		hdr    map[string]string
		secure bool
	}{
		{"plain", httpapi.Transport{}, nil, false},
		{"forwarded https from an untrusted peer", httpapi.Transport{}, map[string]string{"X-Forwarded-Proto": "https"}, false},
		{"trusted proxy, plain http", httpapi.Transport{TrustedProxies: local}, map[string]string{"X-Forwarded-Proto": "http"}, false},
		{"trusted proxy, forwarded https", httpapi.Transport{TrustedProxies: local}, map[string]string{"X-Forwarded-Proto": "https"}, true},
		{"trusted proxy and https base URL", httpapi.Transport{TrustedProxies: local, BaseURL: "https://safetynet.example.org"}, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			url := b.serveWith(t, tt.tr)
			resp, raw := login(t, url, "cw1", testPassword, tt.hdr)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("login: %d %s", resp.StatusCode, raw)
			}
			cookie := resp.Header.Get("Set-Cookie")
			if got := strings.Contains(cookie, "; Secure"); got != tt.secure {
				t.Errorf("Set-Cookie %q: Secure %v, want %v", cookie, got, tt.secure)
			}
			hsts := resp.Header.Get("Strict-Transport-Security")
			if (hsts != "") != tt.secure || (tt.secure && hsts != "max-age=31536000") {
				t.Errorf("Strict-Transport-Security %q, want it %v (max-age=31536000)", hsts, tt.secure)
			}
		})
	}
	if _, err := httpapi.NewServer(slog.New(slog.DiscardHandler), httpapi.Config{Transport: httpapi.Transport{BaseURL: "safetynet.example.org"}}, b.services(testPolicy(t))); err == nil {
		t.Error("NewServer accepted a base URL without a scheme")
	}
}

// loginFlood signs in with wrong passwords from 30 goroutines, each
// sign-in of a new username (so each needs a password check), or for half
// of them, with lockedHalf, of the locked username flood.target. It goes on
// until stop is closed and, with lockedHalf, a sign-in was refused 429. It
// returns a function that waits for the flood to end and returns the count
// of each status.
func loginFlood(t testing.TB, url string, stop <-chan struct{}, lockedHalf bool) (wait func() map[int]int) {
	var mu sync.Mutex
	counts := map[int]int{}
	var wg sync.WaitGroup
	var attempts atomic.Int64
	for g := 0; g < 30; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					mu.Lock()
					done := !lockedHalf || counts[http.StatusTooManyRequests] > 0 || attempts.Load() > 5000
					mu.Unlock()
					if done {
						return
					}
				default:
				}
				attempts.Add(1)
				user := fmt.Sprintf("flood.%d.%d", g, i)
				if lockedHalf && g%2 == 0 {
					user = "flood.target"
				}
				body := fmt.Sprintf(`{"username":%q,"password":"wrong-password"}`, user)
				resp, err := http.Post(url+"/api/v1/login", "application/json", strings.NewReader(body))
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mu.Lock()
				counts[resp.StatusCode]++
				mu.Unlock()
			}
		}()
	}
	return func() map[int]int {
		wg.Wait()
		return counts
	}
}

// floodBundle is a bundle whose sign-in checks one password at a time,
// waits briefly for it and never locks an address, so that a flood from
// one address keeps hashing; the flood's target username is locked
// already, for an hour.
func floodBundle(t testing.TB) *testBundle {
	b := setup(t)
	if err := b.au.SetSignInLimits(auth.SignInLimits{HashSlots: 1, HashWait: 50 * time.Millisecond, AddressFailures: 1 << 30, Lock: time.Hour}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		b.au.Login(context.Background(), "flood.target", "wrong-password", "")
	}
	if _, err := b.au.Login(context.Background(), "flood.target", "wrong-password", ""); fault.CodeOf(err) != fault.Throttled {
		t.Fatalf("flood.target after 5 failures: %v, want locked", err)
	}
	return b
}

// listPersons lists persons with token and returns the status.
func listPersons(url, token string) (int, error) {
	req, _ := http.NewRequest("GET", url+"/api/v1/persons?limit=20", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

// TestListServedDuringLoginFlood: while 30 clients flood the sign-in, the
// signed-in user's list requests all succeed, and the flood is answered
// 401, 429 (the locked username) or 503 with nothing else.
func TestListServedDuringLoginFlood(t *testing.T) {
	t.Parallel()
	b := floodBundle(t)
	token := b.token(t, "cw1")
	stop := make(chan struct{})
	wait := loginFlood(t, b.url, stop, true)
	for i := 0; i < 40; i++ {
		status, err := listPersons(b.url, token)
		if err != nil || status != http.StatusOK {
			close(stop)
			wait()
			t.Fatalf("list %d during the flood: %d %v, want 200", i+1, status, err)
		}
	}
	close(stop)
	counts := wait()
	for status, n := range counts {
		if status != http.StatusUnauthorized && status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable {
			t.Errorf("%d sign-ins answered %d, want only 401, 429 and 503", n, status)
		}
	}
	if counts[http.StatusTooManyRequests] == 0 {
		t.Errorf("no sign-in throttled: %v", counts)
	}
}

// BenchmarkListDuringLoginFlood reports the list requests per second
// served while 30 clients flood the sign-in with usernames that each need
// a password check ("flood"), and without the flood ("quiet") for
// comparison on the same machine.
func BenchmarkListDuringLoginFlood(bm *testing.B) {
	b := floodBundle(bm)
	g, err := b.au.Login(context.Background(), "cw1", testPassword, "")
	if err != nil {
		bm.Fatal(err)
	}
	lists := func(bm *testing.B) {
		start := time.Now()
		for i := 0; i < bm.N; i++ {
			if status, err := listPersons(b.url, g.Token); err != nil || status != http.StatusOK {
				bm.Fatalf("list: %d %v", status, err)
			}
		}
		bm.ReportMetric(float64(bm.N)/time.Since(start).Seconds(), "lists/s")
	}
	bm.Run("quiet", lists)
	bm.Run("flood", func(bm *testing.B) {
		stop := make(chan struct{})
		wait := loginFlood(bm, b.url, stop, false)
		bm.ResetTimer()
		lists(bm)
		bm.StopTimer()
		close(stop)
		counts := wait()
		bm.ReportMetric(float64(counts[http.StatusServiceUnavailable]+counts[http.StatusTooManyRequests]), "logins-refused")
	})
}

// serveLoopback serves the bundle's API with the transport tr from a real
// http.Server built by httpapi.NewHTTPServer on a loopback port, and
// returns its address.
func (b *testBundle) serveLoopback(t *testing.T, tr httpapi.Transport) string {
	t.Helper()
	h, err := httpapi.NewServer(slog.New(slog.NewJSONHandler(b.logs, nil)), httpapi.Config{Version: "test-1", Transport: tr}, b.services(testPolicy(t)))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := httpapi.NewHTTPServer(h, tr, slog.New(slog.NewJSONHandler(b.logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

// readUntilClosed reads conn until the server closes it and returns what
// it sent; it fails the test if the server keeps it open for 20 seconds.
func readUntilClosed(t *testing.T, conn net.Conn) string {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	got, err := io.ReadAll(conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatalf("the server kept the connection open; read so far: %q", got)
	}
	return string(got)
}

// TestServerCutsSlowBody: a client that sends its headers and then stalls
// in the body is cut off by the read timeout, answered 408.
func TestServerCutsSlowBody(t *testing.T) {
	t.Parallel()
	b := setup(t)
	addr := b.serveLoopback(t, httpapi.Transport{ReadTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"username\":")
	got := readUntilClosed(t, conn)
	if !strings.HasPrefix(got, "HTTP/1.1 408") {
		t.Errorf("answer to a stalled body: %q, want 408", got)
	}
}

// TestServerClosesIdleConnection: a keep-alive connection left idle after
// a request is closed after the idle timeout.
func TestServerClosesIdleConnection(t *testing.T) {
	t.Parallel()
	b := setup(t)
	addr := b.serveLoopback(t, httpapi.Transport{IdleTimeout: 300 * time.Millisecond})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("GET /healthz: %d, close %v; want 200 on a kept-alive connection", resp.StatusCode, resp.Close)
	}
	if rest := readUntilClosed(t, conn); rest != "" {
		t.Errorf("the idle connection got %q, want it closed with nothing", rest)
	}
}

// TestDownloadOutlivesWriteTimeout: a download gets its own write deadline,
// so it is served whole where the server's write timeout cuts off other
// responses.
func TestDownloadOutlivesWriteTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	addr := b.serveLoopback(t, httpapi.Transport{WriteTimeout: time.Nanosecond})
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Get("http://" + addr + "/api/v1/assistance-items/export.xlsx")
	if err != nil {
		t.Fatalf("download: %v", err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.HasPrefix(raw, []byte("PK")) {
		t.Errorf("download: %d, %d bytes, %v; want a whole workbook", resp.StatusCode, len(raw), err)
	}
	if resp, err := client.Get("http://" + addr + "/healthz"); err == nil {
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			t.Errorf("GET /healthz was served whole past a 1ns write timeout (status %d)", resp.StatusCode)
		}
	}
}
