package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// identityJSON is the part of an identity change response the tests read.
type identityJSON struct {
	ID           int64    `json:"id"`
	PersonID     int64    `json:"person_id"`
	OldName      string   `json:"old_name"`
	OldIDNumber  string   `json:"old_id_number"`
	NewName      string   `json:"new_name"`
	NewIDNumber  string   `json:"new_id_number"`
	NewBirthDate string   `json:"new_birth_date"`
	Fields       []string `json:"fields"`
	Reason       string   `json:"reason"`
	Status       string   `json:"status"`
	RequestedBy  int64    `json:"requested_by"`
	DecidedBy    int64    `json:"decided_by"`
}

// flaggedAccountJSON is a bank account with the identity change it is
// flagged with.
type flaggedAccountJSON struct {
	accountJSON
	IdentityChangeID  int64  `json:"identity_change_id"`
	IdentityChangedAt string `json:"identity_changed_at"`
}

// TestIdentityChangeAPI replays the rename-then-account diversion over
// the API: a caseworker's PATCH of a person's name is a pending request
// (202) that changes nothing; a second request is a 409 naming the first;
// the caseworker cannot decide it; a rejection needs its note and changes
// nothing; a confirmation applies it; the caseworker who asked for the
// rename cannot then ask for an account in the new name; another user's
// account is flagged for its approver, and the approver of the rename
// cannot confirm it.
func TestIdentityChangeAPI(t *testing.T) {
	b := setup(t)
	if _, err := b.au.CreateUser(systemContext(), auth.NewUser{Username: "approver2", Role: auth.RoleApprover, Scope: "652300",
		Password: testPassword, DisplayName: "Test approver2"}); err != nil {
		t.Fatal(err)
	}
	v := villages(t, "652301", 1)[0]
	p := b.createPerson(t, "cw1", v, 61)
	oldID := string(residentID(t, 61))
	path := fmt.Sprintf("/api/v1/persons/%d", p.ID)

	// Refused: no reason; mixed with another field. Other fields change
	// at once.
	pb := b.do(t, "PATCH", path, "cw1", map[string]any{"version": 1, "name": "攻击者"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("reason"); !ok {
		t.Errorf("rename without a reason: problems %+v, want reason", pb.Errors)
	}
	pb = b.do(t, "PATCH", path, "cw1", map[string]any{"version": 1, "name": "攻击者", "phone": "13900000000", "reason": "改名"}).
		problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("phone"); !ok {
		t.Errorf("rename with a phone: problems %+v, want phone", pb.Errors)
	}
	var upd personJSON
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": 1, "phone": "13900000000"}).want(t, http.StatusOK).decode(t, &upd)
	if upd.Version != 2 {
		t.Fatalf("phone change %+v, want applied", upd)
	}

	// The rename: 202 with the pending request; the person is unchanged.
	res := b.do(t, "PATCH", path, "cw1", map[string]any{"version": 2, "name": "攻击者", "reason": "户口簿变更页"}).want(t, http.StatusAccepted)
	var c identityJSON
	res.decode(t, &c)
	if c.Status != "pending" || c.OldName != "王芳" || c.NewName != "攻击者" || c.RequestedBy == 0 || c.PersonID != p.ID ||
		!strings.Contains(c.OldIDNumber, "*") || c.NewBirthDate != "" || len(c.Fields) != 1 || c.Fields[0] != "name" {
		t.Fatalf("rename request %+v, want pending, masked for a caseworker", c)
	}
	if loc := res.header.Get("Location"); loc != fmt.Sprintf("/api/v1/identity-changes/%d", c.ID) {
		t.Errorf("Location %q", loc)
	}
	var cur personJSON
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &cur)
	if cur.Name != "王芳" || cur.Version != 2 {
		t.Fatalf("person after the request %+v, want unchanged", cur)
	}
	pb = b.do(t, "PATCH", path, "cw1", map[string]any{"version": 2, "name": "别人", "reason": "再改"}).problem(t, http.StatusConflict)
	if !strings.Contains(pb.Detail, fmt.Sprintf("identity change %d", c.ID)) {
		t.Errorf("a second request: %q, want it to name identity change %d", pb.Detail, c.ID)
	}
	// No account while it is pending.
	accounts := fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID)
	acct := func(name, no string) map[string]any {
		return map[string]any{"bank_code": "ABC", "bank_name": "中国农业银行", "account_no": no, "account_name": name, "primary": true}
	}
	b.do(t, "POST", accounts, "cw1", acct("王芳", "6228480000000000111")).problem(t, http.StatusConflict)

	// The approver lists it, in full; another county does not see it.
	var list listJSON[identityJSON]
	b.do(t, "GET", "/api/v1/identity-changes?status=pending", "approver", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != c.ID || list.Items[0].OldIDNumber != oldID || list.Items[0].NewBirthDate == "" {
		t.Fatalf("pending identity changes for the approver %+v, want the one in full", list.Items)
	}
	b.do(t, "GET", "/api/v1/identity-changes?status=pending", "cw2", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("cw2 (Fukang) lists %+v", list.Items)
	}
	one := fmt.Sprintf("/api/v1/identity-changes/%d", c.ID)
	b.do(t, "GET", one, "cw2", nil).problem(t, http.StatusNotFound)
	b.do(t, "GET", "/api/v1/identity-changes?state=pending", "approver", nil).problem(t, http.StatusUnprocessableEntity)

	// Decided by an approver only; a rejection gives its reason and
	// changes nothing.
	decision := one + "/decision"
	b.do(t, "POST", decision, "cw1", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)
	pb = b.do(t, "POST", decision, "approver", map[string]any{"outcome": "reject"}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("note"); !ok {
		t.Errorf("rejection without a note: problems %+v, want note", pb.Errors)
	}
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "reject", "note": "证明材料不符"}).want(t, http.StatusOK).decode(t, &c)
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &cur)
	if c.Status != "rejected" || cur.Name != "王芳" || cur.Version != 2 {
		t.Fatalf("after the rejection: request %+v, person %+v; want the person unchanged", c, cur)
	}

	// Asked again and confirmed: applied.
	b.do(t, "PATCH", path, "cw1", map[string]any{"version": 2, "name": "攻击者", "reason": "户口簿变更页"}).want(t, http.StatusAccepted).decode(t, &c)
	b.do(t, "POST", fmt.Sprintf("/api/v1/identity-changes/%d/decision", c.ID), "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &c)
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &cur)
	if c.Status != "confirmed" || c.DecidedBy == 0 || cur.Name != "攻击者" || cur.Version != 3 {
		t.Fatalf("after the confirmation: request %+v, person %+v; want the new name", c, cur)
	}

	// The attack's second step: the caseworker who asked for the rename
	// asks for an account in the new name. Refused, naming the rename.
	pb = b.do(t, "POST", accounts, "cw1", acct("攻击者", "6228480000000000666")).problem(t, http.StatusConflict)
	if !strings.Contains(pb.Detail, fmt.Sprintf("identity change %d", c.ID)) {
		t.Errorf("account after one's own rename: %q, want it to name identity change %d", pb.Detail, c.ID)
	}
	// Another user's account is flagged for its approver, and the
	// approver of the rename cannot confirm it.
	var a flaggedAccountJSON
	b.do(t, "POST", accounts, "admin", acct("攻击者", "6228480000000000666")).want(t, http.StatusCreated).decode(t, &a)
	if a.IdentityChangeID != c.ID || a.IdentityChangedAt == "" {
		t.Errorf("account after a rename %+v, want flagged with identity change %d", a, c.ID)
	}
	var pending listJSON[flaggedAccountJSON]
	b.do(t, "GET", "/api/v1/bank-accounts?status=pending", "approver2", nil).want(t, http.StatusOK).decode(t, &pending)
	if len(pending.Items) != 1 || pending.Items[0].IdentityChangeID != c.ID || pending.Items[0].IdentityChangedAt == "" {
		t.Fatalf("pending accounts %+v, want the new one flagged", pending.Items)
	}
	acctDecision := fmt.Sprintf("/api/v1/bank-accounts/%d/decision", a.ID)
	b.do(t, "POST", acctDecision, "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)
	b.do(t, "POST", acctDecision, "approver2", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &a)
	if a.Status != "confirmed" {
		t.Errorf("account confirmed by another approver: %+v", a)
	}

	// A change of ID number: the new number masked and its birth date
	// left out for a caseworker, in full for the approver.
	newID, err := ids.MakeResidentID("652301", period.MustDate(1982, time.June, 3), 62)
	if err != nil {
		t.Fatal(err)
	}
	res = b.do(t, "PATCH", path, "cw1", map[string]any{"version": 3, "id_number": newID, "reason": "公安户籍更正"}).want(t, http.StatusAccepted)
	res.decode(t, &c)
	for _, secret := range []string{string(newID), "1982-06-03", oldID} {
		if strings.Contains(string(res.body), secret) {
			t.Errorf("the caseworker's answer holds %s:\n%s", secret, res.body)
		}
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/identity-changes/%d", c.ID), "approver", nil).want(t, http.StatusOK).decode(t, &c)
	if c.NewIDNumber != string(newID) || c.NewBirthDate != "1982-06-03" || c.OldIDNumber != oldID {
		t.Errorf("the approver reads %+v, want the numbers in full", c)
	}

	// The person's history: the three requests, in order.
	var hist listJSON[identityJSON]
	b.do(t, "GET", path+"/identity-changes", "cw1", nil).want(t, http.StatusOK).decode(t, &hist)
	if len(hist.Items) != 3 || hist.Items[0].Status != "rejected" || hist.Items[1].Status != "confirmed" || hist.Items[2].Status != "pending" {
		t.Errorf("the person's identity changes %+v, want rejected, confirmed, pending", hist.Items)
	}
	b.do(t, "GET", path+"/identity-changes", "cw2", nil).problem(t, http.StatusNotFound)

	// The OpenAPI document gives the PATCH's 202 and its body.
	var doc struct {
		Paths map[string]map[string]struct {
			Responses map[string]any `json:"responses"`
		} `json:"paths"`
	}
	b.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, http.StatusOK).decode(t, &doc)
	if _, ok := doc.Paths["/api/v1/persons/{id}"]["patch"].Responses["202"]; !ok {
		t.Errorf("the OpenAPI document does not give PATCH /api/v1/persons/{id} its 202")
	}

	// The trail holds the request, the decision and the change of the
	// person.
	var trail struct {
		Items []struct {
			Action   string `json:"action"`
			EntityID string `json:"entity_id"`
		} `json:"items"`
	}
	b.do(t, "GET", "/api/v1/audit?limit=500", "auditor", nil).want(t, http.StatusOK).decode(t, &trail)
	seen := map[string]int{}
	for _, e := range trail.Items {
		seen[e.Action]++
	}
	if seen["identity_change.create"] != 3 || seen["identity_change.reject"] != 1 || seen["identity_change.confirm"] != 1 || seen["person.identity"] != 1 {
		t.Errorf("audit trail counts %v", seen)
	}
}
