package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and a polling reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var servingRE = regexp.MustCompile(`demo serving (http://[0-9.:]+)`)

// startDemo runs `safetynet demo` in-process and returns its URL, its output
// and a function that stops it and returns its error.
func startDemo(t *testing.T, db string, persons int, extra ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"safetynet", "demo", "--addr", "127.0.0.1:0", "--db", db, "--persons", fmt.Sprint(persons)}, extra...),
			func(string) string { return "" }, strings.NewReader(""), out, &syncBuffer{})
	}()
	deadline := time.Now().Add(60 * time.Second)
	for {
		// Ready once the whole banner is out (its last line), not at the
		// serving line: the logins are printed after it.
		if m := servingRE.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "Press Ctrl-C to stop.") {
			return m[1], out, func() error { cancel(); return <-done }
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("demo ended before serving: %v\n%s", err, out.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("demo did not start within 60 s:\n%s", out.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func getJSON(t *testing.T, method, url, token, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s %s: decode: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

// TestDemo follows the README: the demo serves /healthz and, with a printed
// login, lists the persons of county 652301; a second run reuses the
// database, and its audit trail verifies.
func TestDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo")
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	url, out, stop := startDemo(t, db, 600)
	for _, want := range []string{"cw.changji", "ap.hutubi", "tw.mori", "caseworker@652301", demoPassword} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks the demo logins (%s):\n%s", want, out.String())
		}
	}
	var health struct{ Status string }
	if code := getJSON(t, "GET", url+"/healthz", "", "", &health); code != 200 || health.Status != "ok" {
		t.Fatalf("GET /healthz = %d %+v", code, health)
	}
	var login struct{ Token string }
	if code := getJSON(t, "POST", url+"/api/v1/login", "", `{"username":"cw.changji","password":"`+demoPassword+`"}`, &login); code != 200 || login.Token == "" {
		t.Fatalf("login = %d", code)
	}
	var cross struct {
		Items []struct {
			Status string `json:"status"`
		} `json:"items"`
	}
	if code := getJSON(t, "GET", url+"/api/v1/cross-province/requests", login.Token, "", &cross); code != 200 || len(cross.Items) != 10 {
		t.Errorf("cross-province requests of cw.changji = %d, %d items; want the demo's 10\n%s", code, len(cross.Items), out.String())
	}
	var list struct {
		Items []struct {
			ID         int64  `json:"id"`
			IDNumber   string `json:"id_number"`
			RegionCode string `json:"region_code"`
		} `json:"items"`
	}
	if code := getJSON(t, "GET", url+"/api/v1/persons?region=652301&limit=20", login.Token, "", &list); code != 200 {
		t.Fatalf("list persons of 652301 = %d", code)
	}
	if len(list.Items) == 0 {
		t.Fatal("no persons in 652301")
	}
	for _, p := range list.Items {
		if !strings.HasPrefix(p.RegionCode, "652301") {
			t.Errorf("person %d lives in %s, outside 652301", p.ID, p.RegionCode)
		}
		if !strings.Contains(p.IDNumber, "********") {
			t.Errorf("caseworker sees ID number %q unmasked", p.IDNumber)
		}
	}
	if code := getJSON(t, "GET", url+"/api/v1/persons?region=652302", login.Token, "", nil); code != http.StatusForbidden {
		t.Errorf("caseworker of 652301 listing 652302 = %d, want 403", code)
	}
	if err := stop(); err != nil {
		t.Fatalf("demo stopped with %v", err)
	}
	checkDemoApplications(t, db, out.String())

	_, out2, stop2 := startDemo(t, db, 600)
	if !strings.Contains(out2.String(), "reusing the demo database") {
		t.Errorf("second run did not reuse the database:\n%s", out2.String())
	}
	if err := stop2(); err != nil {
		t.Fatal(err)
	}
	auditOut, _, err := runCLI(t, "audit", "verify", "--db", db, "--pub", db+".audit-key.pub")
	if err != nil || !strings.Contains(auditOut, "audit trail intact") || !strings.Contains(auditOut, "checkpoints: 2 of 2 hold") {
		t.Errorf("audit verify after the demo: %v\n%s", err, auditOut)
	}
}
