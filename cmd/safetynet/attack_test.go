package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// TestAttackReplay replays, end to end against the real binary's server on
// a seeded demo database, the attacks an insider with a caseworker login
// made on the review of issue 12 (docs/security.md): the payment
// diversion, the unmasking by birth dates and by the ID-number oracle, the
// overflowing credits, twenty simultaneous starts of a screening job, a
// flood of wrong passwords and a slow request body. Each must be refused
// or detected.
func TestAttackReplay(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the demo")
	}
	db := filepath.Join(t.TempDir(), "attack.db")
	url, out, stop := startDemo(t, db, 600, "--read-timeout", "1s")
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("demo: %v\n%s", err, out.String())
		}
	}()
	c := &attacker{t: t, url: url, tokens: map[string]string{}}

	t.Run("diversion", func(t *testing.T) { c.t = t; c.diversion() })
	t.Run("unmasking", func(t *testing.T) { c.t = t; c.unmasking() })
	t.Run("id-oracle", func(t *testing.T) { c.t = t; c.idOracle() })
	t.Run("overflow", func(t *testing.T) { c.t = t; c.overflow() })
	t.Run("job-starts", func(t *testing.T) { c.t = t; c.jobStarts() })
	t.Run("passwords", func(t *testing.T) { c.t = t; c.passwords(db) })
	t.Run("slow-body", func(t *testing.T) { c.t = t; c.slowBody() })
}

// attacker is a client of the demo with the demo's logins.
type attacker struct {
	t      *testing.T
	url    string
	mu     sync.Mutex
	tokens map[string]string
}

// answer is a response: status, headers and body.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// problemField reports whether a problem body names field among its errors.
func (a answer) problemField(field string) bool {
	var p struct {
		Errors []struct {
			Field string `json:"field"`
		} `json:"errors"`
	}
	if json.Unmarshal(a.body, &p) != nil {
		return false
	}
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

func (c *attacker) token(user string) string {
	c.mu.Lock()
	tok, ok := c.tokens[user]
	c.mu.Unlock()
	if ok {
		return tok
	}
	a := c.call("POST", "/api/v1/login", "", map[string]any{"username": user, "password": "demo-2026"})
	var r struct {
		Token string `json:"token"`
	}
	if a.status != http.StatusOK || json.Unmarshal(a.body, &r) != nil || r.Token == "" {
		c.t.Fatalf("sign in as %s: %d %s", user, a.status, a.body)
	}
	c.mu.Lock()
	c.tokens[user] = r.Token
	c.mu.Unlock()
	return r.Token
}

// call sends a request as user ("" for none) with body as JSON (nil for
// none).
func (c *attacker) call(method, path, user string, body any) answer {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+c.token(user))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: b}
}

// get decodes a 200 answer into v.
func (c *attacker) get(path, user string, v any) {
	c.t.Helper()
	a := c.call("GET", path, user, nil)
	if a.status != http.StatusOK {
		c.t.Fatalf("GET %s as %s: %d %s", path, user, a.status, a.body)
	}
	if err := json.Unmarshal(a.body, v); err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
}

type personJSON struct {
	ID        int64  `json:"id"`
	IDNumber  string `json:"id_number"`
	Name      string `json:"name"`
	BirthDate string `json:"birth_date"`
	Phone     string `json:"phone"`
}

// diversion: a caseworker adds an account in an attacker's name to a
// beneficiary, with a made-up bank, confirms it and downloads the bank
// file.
func (c *attacker) diversion() {
	t := c.t
	var ps struct {
		Items []personJSON `json:"items"`
	}
	c.get("/api/v1/persons?region=652301&alive=true&limit=1", "cw.changji", &ps)
	if len(ps.Items) != 1 {
		t.Fatal("no person in Changji City")
	}
	p := ps.Items[0]
	path := fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID)
	acct := map[string]any{"bank_code": "ABC", "bank_name": "中国农业银行", "account_no": "6228480000000000666", "account_name": "攻击者", "primary": true}
	if a := c.call("POST", path, "cw.changji", acct); a.status != http.StatusUnprocessableEntity || !a.problemField("account_name") {
		t.Errorf("an account in another holder's name: %d %s, want 422 naming account_name", a.status, a.body)
	}
	acct["account_name"], acct["bank_code"] = p.Name, "EVIL"
	if a := c.call("POST", path, "cw.changji", acct); a.status != http.StatusUnprocessableEntity || !a.problemField("bank_code") {
		t.Errorf("a bank code outside the reference table: %d %s, want 422 naming bank_code", a.status, a.body)
	}
	// In the beneficiary's own name, the change waits for a second user.
	acct["bank_code"] = "ABC"
	a := c.call("POST", path, "cw.changji", acct)
	var made struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Primary bool   `json:"primary"`
	}
	if a.status != http.StatusCreated || json.Unmarshal(a.body, &made) != nil || made.Status != "pending" || made.Primary {
		t.Fatalf("an account in the holder's name: %d %s, want 201 pending and not primary", a.status, a.body)
	}
	decision := fmt.Sprintf("/api/v1/bank-accounts/%d/decision", made.ID)
	if a := c.call("POST", decision, "cw.changji", map[string]any{"outcome": "approve"}); a.status != http.StatusForbidden {
		t.Errorf("the caseworker confirms their own account change: %d %s, want 403", a.status, a.body)
	}
	// The bank file, with full accounts, is not the caseworker's.
	var bs struct {
		Items []struct {
			ID      int64 `json:"id"`
			Version int64 `json:"version"`
		} `json:"items"`
	}
	c.get("/api/v1/payment-batches?limit=1", "admin", &bs)
	if len(bs.Items) != 1 {
		t.Fatal("the demo has no payment batch")
	}
	b := bs.Items[0]
	// Refused: for want of pii.view, or as outside the caseworker's scope.
	if a := c.call("POST", fmt.Sprintf("/api/v1/payment-batches/%d/export", b.ID), "cw.changji", map[string]any{"version": b.Version}); a.status != http.StatusForbidden && a.status != http.StatusNotFound {
		t.Errorf("a caseworker exports bank file %d: %d, want 403 or 404", b.ID, a.status)
	}
}

// unmasking: the decision inputs of a household's classification, means
// tests and awards must not give a caseworker, auditor or analyst a full
// birth date or ID number of the persons they show masked.
func (c *attacker) unmasking() {
	t := c.t
	var li struct {
		Items []struct {
			HouseholdID int64  `json:"household_id"`
			Period      string `json:"period"`
		} `json:"items"`
	}
	c.get("/api/v1/low-income?region=652301&period=2026-11&limit=5", "cw.changji", &li)
	if len(li.Items) == 0 {
		t.Fatal("no low-income household in Changji City in 2026-11")
	}
	checked := 0
	for _, h := range li.Items {
		var hh struct {
			Members []struct {
				PersonID int64 `json:"person_id"`
			} `json:"members"`
		}
		c.get(fmt.Sprintf("/api/v1/households/%d", h.HouseholdID), "approver", &hh)
		var secrets []string
		for _, m := range hh.Members {
			var p personJSON
			c.get(fmt.Sprintf("/api/v1/persons/%d", m.PersonID), "approver", &p)
			if len(p.IDNumber) != 18 || p.BirthDate == "" {
				t.Fatalf("the approver reads person %d masked: %+v", m.PersonID, p)
			}
			secrets = append(secrets, p.IDNumber, p.BirthDate, strings.ReplaceAll(p.BirthDate, "-", ""))
			if p.Phone != "" {
				secrets = append(secrets, p.Phone)
			}
		}
		for _, user := range []string{"cw.changji", "auditor", "analyst"} {
			a := c.call("GET", fmt.Sprintf("/api/v1/households/%d/classification?period=2026-11", h.HouseholdID), user, nil)
			if a.status != http.StatusOK {
				t.Errorf("classification of household %d as %s: %d", h.HouseholdID, user, a.status)
				continue
			}
			checked++
			for _, s := range secrets {
				if bytes.Contains(a.body, []byte(s)) {
					t.Errorf("the classification of household %d shows %s a member's full ID number, birth date or phone", h.HouseholdID, user)
				}
			}
		}
	}
	if checked == 0 {
		t.Error("no classification was checked")
	}
	t.Logf("%d classifications read without pii.view, none with a member's full ID number, birth date or phone", checked)
}

// idOracle: guessing ID numbers by searching for them is audited and
// stops after the hour's limit.
func (c *attacker) idOracle() {
	t := c.t
	var ps struct {
		Items []personJSON `json:"items"`
	}
	c.get("/api/v1/persons?region=652301&limit=1", "approver", &ps)
	full := ps.Items[0].IDNumber
	limited := false
	var wait string
	for i := 0; i < 100 && !limited; i++ {
		// Valid guesses (the check digit right) that vary the birth date's
		// day, as the attacker did.
		birth, err := period.ParseDate(full[6:10] + "-" + full[10:12] + "-" + fmt.Sprintf("%02d", 1+i%28))
		if err != nil {
			t.Fatal(err)
		}
		seq, _ := strconv.Atoi(full[14:17])
		guess, err := ids.MakeResidentID(full[:6], birth, seq)
		if err != nil {
			t.Fatal(err)
		}
		a := c.call("GET", "/api/v1/persons?id_number="+string(guess), "cw.changji", nil)
		switch a.status {
		case http.StatusOK, http.StatusUnprocessableEntity:
		case http.StatusTooManyRequests:
			limited, wait = true, a.header.Get("Retry-After")
		default:
			t.Fatalf("search %d: %d %s", i, a.status, a.body)
		}
	}
	if !limited || wait == "" {
		t.Errorf("100 searches by ID number in a row: limited %v, Retry-After %q; want 429 with Retry-After", limited, wait)
	}
	// Each search is in the trail, the number masked.
	var ev struct {
		Items []struct {
			Action   string `json:"action"`
			EntityID string `json:"entity_id"`
		} `json:"items"`
		NextAfter *int64 `json:"next_after"`
	}
	searches := 0
	for after := int64(0); ; {
		c.get(fmt.Sprintf("/api/v1/audit?limit=500&after=%d", after), "auditor", &ev)
		for _, e := range ev.Items {
			if e.Action == "person.search" || e.Action == "person.search_refused" {
				searches++
			}
			if strings.Contains(e.EntityID, full[6:14]) {
				t.Errorf("audit event %s holds the birth date of a searched number", e.Action)
			}
		}
		if ev.NextAfter == nil {
			break
		}
		after = *ev.NextAfter
	}
	if searches == 0 {
		t.Error("no search by ID number in the audit trail")
	}
	t.Logf("limited after the searches the hour allows; %d searches by ID number in the audit trail", searches)
}

// overflow: int64-max credits and wages are refused, naming the field.
func (c *attacker) overflow() {
	t := c.t
	var ps struct {
		Items []personJSON `json:"items"`
	}
	c.get("/api/v1/persons?region=652301&alive=true&limit=2", "cw.changji", &ps)
	p := ps.Items[len(ps.Items)-1]
	a := c.call("POST", fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p.ID), "cw.changji",
		map[string]any{"from_region": "北京市", "on": "2026-11-02", "balance": int64(math.MaxInt64), "months": 12})
	if a.status != http.StatusUnprocessableEntity || !a.problemField("balance") {
		t.Errorf("a transfer-in of int64-max fen: %d %s, want 422 naming balance", a.status, a.body)
	}
	var orgs struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	c.get("/api/v1/organisations?region=652301&limit=1", "cw.changji", &orgs)
	if len(orgs.Items) == 0 {
		t.Fatal("no employer in Changji City")
	}
	a = c.call("POST", "/api/v1/employment", "cw.changji",
		map[string]any{"person_id": p.ID, "org_id": orgs.Items[0].ID, "start": "2026-11-01", "monthly_wage": int64(math.MaxInt64)})
	if a.status != http.StatusUnprocessableEntity || !a.problemField("monthly_wage") {
		t.Errorf("a wage of int64-max fen: %d %s, want 422 naming monthly_wage", a.status, a.body)
	}
}

// jobStarts: twenty simultaneous starts of the month's screening job run
// it once, and leave one live proposal per programme and region.
func (c *attacker) jobStarts() {
	t := c.t
	const month = "2026-12"
	c.token("admin")
	// Two waves: twenty at once, and twenty more once the first job is
	// done (a new job of the month, whose runs must replace the first's
	// undecided ones, not stand beside them).
	ids := make([]int64, 40)
	statuses := make([]int, 40)
	wave := func(from, to int) {
		var wg sync.WaitGroup
		for i := from; i < to; i++ {
			wg.Go(func() {
				a := c.call("POST", "/api/v1/screening-jobs", "admin", map[string]any{"period": month})
				statuses[i] = a.status
				var j struct {
					ID int64 `json:"id"`
				}
				json.Unmarshal(a.body, &j)
				ids[i] = j.ID
			})
		}
		wg.Wait()
	}
	wave(0, 20)
	c.waitJob(ids[0])
	wave(20, 40)
	jobs := map[int64]bool{}
	for i, s := range statuses {
		if s != http.StatusAccepted {
			t.Errorf("start %d: %d, want 202", i, s)
		}
		jobs[ids[i]] = true
	}
	for id := range jobs {
		j := c.waitJob(id)
		if j.Status != "done" || j.Attempts != 1 {
			t.Errorf("job %d: %s after %d attempts, want done in one", id, j.Status, j.Attempts)
		}
	}
	var runs struct {
		Items []struct {
			ID        int64  `json:"id"`
			Programme string `json:"programme"`
			Region    string `json:"region"`
			Status    string `json:"status"`
		} `json:"items"`
		NextAfter *int64 `json:"next_after"`
	}
	live := map[string][]int64{}
	for after := int64(0); ; {
		c.get(fmt.Sprintf("/api/v1/screenings?period=%s&limit=500&after=%d", month, after), "admin", &runs)
		for _, r := range runs.Items {
			if r.Status == "proposed" || r.Status == "reviewed" {
				k := r.Programme + " " + r.Region
				live[k] = append(live[k], r.ID)
			}
		}
		if runs.NextAfter == nil {
			break
		}
		after = *runs.NextAfter
	}
	if len(live) == 0 {
		t.Error("the job proposed nothing")
	}
	t.Logf("2 × 20 starts: %d job(s); %d live proposals of programme and region", len(jobs), len(live))
	for k, rs := range live {
		if len(rs) > 1 {
			t.Errorf("%d live proposals for %s: %v", len(rs), k, rs)
			for _, id := range rs {
				a := c.call("GET", fmt.Sprintf("/api/v1/screenings/%d", id), "admin", nil)
				t.Logf("run %d: %.400s", id, a.body)
			}
		}
	}
}

// jobState is a screening job's status and attempts.
type jobState struct {
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
}

// waitJob waits for job id to end, three minutes at most.
func (c *attacker) waitJob(id int64) jobState {
	var j jobState
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		c.get(fmt.Sprintf("/api/v1/screening-jobs/%d", id), "admin", &j)
		if j.Status != "running" || time.Now().After(deadline) {
			return j
		}
	}
}

// passwords: fifty wrong passwords lock the account, so that the right one
// is refused too, and the lock is in the audit trail.
func (c *attacker) passwords(db string) {
	t := c.t
	locked := 0
	for range 50 {
		a := c.call("POST", "/api/v1/login", "", map[string]any{"username": "analyst", "password": "guess-2026"})
		switch a.status {
		case http.StatusUnauthorized:
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			if a.header.Get("Retry-After") == "" {
				t.Errorf("%d without Retry-After", a.status)
			}
			if a.status == http.StatusTooManyRequests {
				locked++
			}
		default:
			t.Fatalf("a wrong password: %d %s", a.status, a.body)
		}
	}
	if locked == 0 {
		t.Error("50 wrong passwords and no lock")
	}
	t.Logf("50 wrong passwords: %d answered 429", locked)
	if a := c.call("POST", "/api/v1/login", "", map[string]any{"username": "analyst", "password": "demo-2026"}); a.status != http.StatusTooManyRequests {
		t.Errorf("the right password while locked: %d, want 429", a.status)
	}
	// The trail has the failures and the lock.
	sdb, err := sql.Open("sqlite", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	for _, action := range []string{"session.login_failed", "session.user_locked"} {
		var n int
		if err := sdb.QueryRowContext(context.Background(), "SELECT COUNT(*) FROM audit_events WHERE action = ?", action).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("no %s event in the audit trail", action)
		}
	}
}

var statusLineRE = regexp.MustCompile(`^HTTP/1\.1 (\d{3})`)

// slowBody: a request that sends its headers and then stalls in its body
// is cut off by the server's read timeout (1 s here) instead of holding a
// connection.
func (c *attacker) slowBody() {
	t := c.t
	conn, err := net.Dial("tcp", strings.TrimPrefix(c.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/login HTTP/1.1\r\nHost: safetynet\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"username\":")
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	line, err := bufio.NewReader(conn).ReadString('\n')
	switch m := statusLineRE.FindStringSubmatch(line); {
	case m != nil && m[1] == "408":
	case m == nil && err != nil && !isTimeout(err):
		// Closed without an answer: cut off all the same.
	default:
		t.Errorf("a stalled body: %q %v, want 408 or the connection closed within the read timeout", line, err)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
}
