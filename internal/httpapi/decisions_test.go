package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"safetynet/internal/ids"
	"safetynet/internal/period"
)

// TestRejectionsNameTheNote rejects a screening run, a refund run and an
// assistance case without a reason: each 422 names note, the field the
// client sends the reason in, and not a field the request has not got.
// With a note, each rejection goes through.
func TestRejectionsNameTheNote(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	wantNote := func(what string, pb problemBody) {
		t.Helper()
		if _, ok := pb.field("note"); !ok || len(pb.Errors) != 1 {
			t.Errorf("%s without a note: errors %+v, want one naming note", what, pb.Errors)
		}
	}
	var status struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Version int64  `json:"version"`
	}

	// A screening run of the high-age allowance, finding one 88-year-old.
	id, err := ids.MakeResidentID("652301", period.MustDate(1938, time.March, 3), 7)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": id, "name": "马桂兰", "ethnicity": "hui", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": p.ID, "relation": "head"}},
	}).want(t, http.StatusCreated).decode(t, &h)
	month := period.DateOf(time.Now().In(time.FixedZone("CST", 8*3600))).Period().String()
	b.do(t, "POST", "/api/v1/screenings", "cw1", map[string]any{"programme": "high_age_allowance", "period": month}).
		want(t, http.StatusCreated).decode(t, &status)
	path := fmt.Sprintf("/api/v1/screenings/%d", status.ID)
	b.do(t, "POST", path+"/reviews", "cw1", map[string]any{"all": true}).want(t, http.StatusOK)
	wantNote("screening rejection", b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject"}).problem(t, http.StatusUnprocessableEntity))
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "note": "年龄核实有误"}).want(t, http.StatusOK).decode(t, &status)
	if status.Status != "rejected" {
		t.Errorf("screening run after a rejection with a note: %s", status.Status)
	}

	// A refund screening with no employers to refund records no run, so
	// there is nothing to reject (the refund rejection's note is checked in
	// the store's TestRefundEndToEnd, which has employers to refund).
	b.do(t, "POST", "/api/v1/refund-runs", "cw1", map[string]any{"year": 2025}).want(t, http.StatusOK).decode(t, &status)
	if status.ID != 0 || status.Status != "none" {
		t.Errorf("refund screening with nobody to refund: run %d %s, want none recorded", status.ID, status.Status)
	}

	// A 低保 case on notice, refused.
	b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "dibao", "household_id": h.ID, "channel": "online"}).
		want(t, http.StatusCreated).decode(t, &status)
	path = fmt.Sprintf("/api/v1/assistance-cases/%d", status.ID)
	b.do(t, "POST", path+"/investigation", "cw1", map[string]any{"version": status.Version, "heating_type": "self_heating",
		"members": []map[string]any{{"person_id": p.ID, "has_supporter": true}},
		"lines":   []map[string]any{{"person_id": p.ID, "kind": "income.wage", "amount": 120_000}}}).want(t, http.StatusOK).decode(t, &status)
	b.do(t, "POST", path+"/assessment", "cw1", map[string]any{"version": status.Version}).want(t, http.StatusOK).decode(t, &status)
	wantNote("case refusal", b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "version": status.Version}).problem(t, http.StatusUnprocessableEntity))
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "version": status.Version, "note": "有赡养人"}).want(t, http.StatusOK).decode(t, &status)
	if status.Status != "refused" {
		t.Errorf("case after a refusal with a note: %s", status.Status)
	}
}

// TestDecisionsShareOneBody walks the OpenAPI document: every second
// user's decision is a POST to a .../decision sub-resource taking the one
// decision body, and no action is named by a verb (docs/conventions.md,
// API): a state change creates the record of the act, named by its noun.
func TestDecisionsShareOneBody(t *testing.T) {
	t.Parallel()
	_, doc := openAPIDoc(t)
	verbs := map[string]bool{"approval": true, "refusal": true, "approve": true, "refuse": true, "reject": true, "suspend": true,
		"resume": true, "terminate": true, "cancel": true, "stop": true, "hold": true, "release": true, "retry": true, "process": true,
		"grant-review": true, "review": true}
	n := 0
	operations(doc, func(path, method string, op map[string]any) {
		segs := strings.Split(path, "/")
		if last := segs[len(segs)-1]; verbs[last] {
			t.Errorf("%s %s: the action %q is a verb or a second name for a decision; name the act's record by its noun", method, path, last)
		}
		if !strings.HasSuffix(path, "/decision") {
			return
		}
		n++
		ref := ""
		if rb, ok := op["requestBody"].(map[string]any); ok {
			schema, _ := rb["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
			ref, _ = schema["$ref"].(string)
		}
		if method != "post" || ref != "#/components/schemas/DecisionRequest" {
			t.Errorf("%s %s takes %q, want a POST of the one DecisionRequest", method, path, ref)
		}
	})
	if n < 9 {
		t.Errorf("%d decision routes, want at least the 9 of cases, batches, accounts, agents, identity, transfers, refunds, screenings, reviews", n)
	}
}

// TestCaseDecisionReviewsAFastTrackGrant decides a fast-tracked emergency
// grant through the case's one decision route: a reversal needs the note,
// an unversioned decision body is refused, and with both the grant is
// reversed.
func TestCaseDecisionReviewsAFastTrackGrant(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	id, err := ids.MakeResidentID("652301", period.MustDate(1980, time.May, 9), 3)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": id, "name": "李强", "ethnicity": "han", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	var c struct {
		ID      int64  `json:"id"`
		Status  string `json:"status"`
		Version int64  `json:"version"`
	}
	var h struct {
		ID int64 `json:"id"`
	}
	b.do(t, "POST", "/api/v1/households", "cw1", map[string]any{
		"region_code": vs[0], "hukou_type": "rural", "members": []map[string]any{{"person_id": p.ID, "relation": "head"}},
	}).want(t, http.StatusCreated).decode(t, &h)
	b.do(t, "POST", "/api/v1/assistance-cases", "cw1", map[string]any{"programme": "temporary_assistance", "household_id": h.ID, "channel": "village",
		"hardship_type": "emergency", "expense": 250_000}).want(t, http.StatusCreated).decode(t, &c)
	path := fmt.Sprintf("/api/v1/assistance-cases/%d", c.ID)
	b.do(t, "POST", path+"/investigation", "cw1", map[string]any{"version": c.Version, "heating_type": "self_heating",
		"members": []map[string]any{{"person_id": p.ID, "has_supporter": false}}}).want(t, http.StatusOK).decode(t, &c)
	b.do(t, "POST", path+"/fast-track", "cw1", map[string]any{"version": c.Version, "note": "先行救助"}).want(t, http.StatusOK).decode(t, &c)
	if c.Status != "granted" {
		t.Fatalf("fast-tracked case is %s, want granted", c.Status)
	}
	wantField(t, b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject"}).problem(t, http.StatusUnprocessableEntity), "version")
	wantField(t, b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "no", "version": c.Version}).problem(t, http.StatusUnprocessableEntity), "outcome")
	wantField(t, b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "version": c.Version}).problem(t, http.StatusUnprocessableEntity), "note")
	b.do(t, "POST", path+"/decision", "cw1", map[string]any{"outcome": "approve", "version": c.Version}).problem(t, http.StatusForbidden)
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "version": c.Version, "note": "医疗费已由商业保险赔付"}).
		want(t, http.StatusOK).decode(t, &c)
	if c.Status != "reversed" {
		t.Errorf("grant after a rejecting decision: %s, want reversed", c.Status)
	}
}

// TestUnversionedDecisionRefusesAVersion: a decision on a record decided
// only while pending (a bank account) names version when one is sent, so
// a client never believes a version was checked when it was not.
func TestUnversionedDecisionRefusesAVersion(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	id, err := ids.MakeResidentID("652301", period.MustDate(1975, time.June, 1), 5)
	if err != nil {
		t.Fatal(err)
	}
	var p personJSON
	b.do(t, "POST", "/api/v1/persons", "cw1", map[string]any{
		"id_number": id, "name": "王芳", "ethnicity": "han", "hukou_type": "rural", "hukou_region": "652301", "region_code": vs[0],
	}).want(t, http.StatusCreated).decode(t, &p)
	var acct struct {
		ID     int64  `json:"id"`
		Status string `json:"status"`
	}
	b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), "cw1", map[string]any{
		"bank_code": "ICBC", "bank_name": "工商银行", "account_no": "6222000011119999", "account_name": "王芳", "primary": true,
	}).want(t, http.StatusCreated).decode(t, &acct)
	decision := fmt.Sprintf("/api/v1/bank-accounts/%d/decision", acct.ID)
	wantField(t, b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve", "version": 1}).problem(t, http.StatusUnprocessableEntity), "version")
	wantField(t, b.do(t, "POST", decision, "approver", map[string]any{}).problem(t, http.StatusUnprocessableEntity), "outcome")
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &acct)
	if acct.Status != "confirmed" {
		t.Errorf("account after approval: %s, want confirmed", acct.Status)
	}
}
