package httpapi_test

import (
	"fmt"
	"math"
	"net/http"
	"testing"
)

// TestTransferInBounds: a transfer-in of int64-max fen (which used to make
// the balance negative) is a 422 naming the field, and credits nothing.
func TestTransferInBounds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	p := b.createPerson(t, "cw1", villages(t, "652301", 1)[0], 711)
	in := fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p.ID)
	for _, tc := range []struct {
		field string
		body  map[string]any
	}{
		{"balance", map[string]any{"from_region": "北京市", "on": "2026-09-01", "balance": int64(math.MaxInt64), "pooled": 0, "months": 12}},
		{"balance", map[string]any{"from_region": "北京市", "on": "2026-09-01", "balance": 500_000_001, "pooled": 0, "months": 12}},
		{"pooled", map[string]any{"from_region": "北京市", "on": "2026-09-01", "balance": 100, "pooled": int64(math.MaxInt64), "months": 12}},
	} {
		wantField(t, b.do(t, "POST", in, "cw1", tc.body).problem(t, http.StatusUnprocessableEntity), tc.field)
	}
	var st statementJSON
	b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account", p.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &st)
	if st.Balance != 0 || st.ContributionMonths != 0 {
		t.Errorf("statement after refused transfers = %+v, want nothing credited", st)
	}
}

// TestTransferInMakerChecker: a transfer-in above
// limits.transfer_in.review_above (100,000 yuan) is pending and credits
// nothing until a second user approves it; whoever recorded it may not
// approve it, a rejection needs its reason, and a decided transfer is not
// decided again.
func TestTransferInMakerChecker(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 2)
	p := b.createPerson(t, "cw1", vs[0], 721)
	type transferJSON struct {
		ID        int64  `json:"id"`
		Status    string `json:"status"`
		CreatedBy int64  `json:"created_by"`
		DecidedBy int64  `json:"decided_by"`
	}
	statement := func() statementJSON {
		var st statementJSON
		b.do(t, "GET", fmt.Sprintf("/api/v1/persons/%d/account", p.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &st)
		return st
	}
	in := fmt.Sprintf("/api/v1/persons/%d/account/transfer-in", p.ID)
	var tr transferJSON
	// 90,000 + 10,000.01 yuan: above the threshold together.
	b.do(t, "POST", in, "admin", map[string]any{"from_region": "北京市", "on": "2026-09-01", "balance": 9_000_000, "pooled": 1_000_001, "months": 120}).
		want(t, http.StatusCreated).decode(t, &tr)
	if tr.Status != "pending" {
		t.Fatalf("transfer of 100,000.01 yuan = %+v, want pending", tr)
	}
	if st := statement(); st.Balance != 0 || st.ContributionMonths != 0 {
		t.Errorf("statement with a pending transfer = %+v, want nothing credited", st)
	}
	var pending struct {
		Items []transferJSON `json:"items"`
	}
	b.do(t, "GET", "/api/v1/transfers/pending", "approver", nil).want(t, http.StatusOK).decode(t, &pending)
	if len(pending.Items) != 1 || pending.Items[0].ID != tr.ID {
		t.Errorf("pending transfers = %+v, want transfer %d", pending.Items, tr.ID)
	}
	b.do(t, "GET", "/api/v1/transfers/pending", "cw1", nil).problem(t, http.StatusForbidden)
	decision := fmt.Sprintf("/api/v1/transfers/%d/decision", tr.ID)
	b.do(t, "POST", decision, "admin", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden) // the maker
	b.do(t, "POST", decision, "cw1", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)   // no decision.approve
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &tr)
	if tr.Status != "done" || tr.DecidedBy == 0 || tr.DecidedBy == tr.CreatedBy {
		t.Errorf("approved transfer = %+v, want done by another user", tr)
	}
	if st := statement(); st.Balance != 9_000_000 || st.ContributionMonths != 120 {
		t.Errorf("statement after approval = %+v, want 9000000 fen and 120 months", st)
	}
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusConflict)
	b.do(t, "GET", "/api/v1/transfers/pending", "approver", nil).want(t, http.StatusOK).decode(t, &pending)
	if len(pending.Items) != 0 {
		t.Errorf("pending transfers after the approval = %+v, want none", pending.Items)
	}

	// A second one, rejected: the reason is required, nothing is credited.
	b.do(t, "POST", in, "admin", map[string]any{"from_region": "上海市", "on": "2026-09-02", "balance": 20_000_000, "pooled": 0, "months": 12}).
		want(t, http.StatusCreated).decode(t, &tr)
	decision = fmt.Sprintf("/api/v1/transfers/%d/decision", tr.ID)
	wantField(t, b.do(t, "POST", decision, "approver", map[string]any{"outcome": "reject"}).problem(t, http.StatusUnprocessableEntity), "note")
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "reject", "note": "转出地未确认"}).want(t, http.StatusOK).decode(t, &tr)
	if tr.Status != "rejected" {
		t.Errorf("rejected transfer = %+v", tr)
	}
	if st := statement(); st.Balance != 9_000_000 {
		t.Errorf("balance after a rejection = %d, want 9000000", st.Balance)
	}
	// Below the threshold it is credited at once.
	b.do(t, "POST", in, "cw1", map[string]any{"from_region": "天津市", "on": "2026-09-03", "balance": 5_000_000, "pooled": 5_000_000, "months": 12}).
		want(t, http.StatusCreated).decode(t, &tr)
	if tr.Status != "done" {
		t.Errorf("transfer of 100,000.00 yuan = %+v, want done", tr)
	}
}

// TestAmountCeilings: an employment spell at int64-max monthly_wage (which
// used to be accepted) and other amounts typed in above their ceilings are
// a 422 naming the field, and nothing is written.
func TestAmountCeilings(t *testing.T) {
	t.Parallel()
	b := setup(t)
	vs := villages(t, "652301", 1)
	p := b.createPerson(t, "cw1", vs[0], 731)
	org := b.createOrg(t, "cw1", "652301", "MA7LM001")
	pb := b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{"person_id": p.ID, "org_id": org, "start": "2024-01-01",
		"monthly_wage": int64(math.MaxInt64)}).problem(t, http.StatusUnprocessableEntity)
	wantField(t, pb, "monthly_wage")
	var list struct {
		Items []struct{} `json:"items"`
	}
	b.do(t, "GET", fmt.Sprintf("/api/v1/employment?person_id=%d", p.ID), "cw1", nil).want(t, http.StatusOK).decode(t, &list)
	if len(list.Items) != 0 {
		t.Errorf("a refused spell was written: %d spells", len(list.Items))
	}
	var e struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}
	b.do(t, "POST", "/api/v1/employment", "cw1", map[string]any{"person_id": p.ID, "org_id": org, "start": "2024-01-01", "monthly_wage": 800_000}).
		want(t, http.StatusCreated).decode(t, &e)
	wantField(t, b.do(t, "PATCH", fmt.Sprintf("/api/v1/employment/%d", e.ID), "cw1", map[string]any{"version": e.Version,
		"monthly_wage": 100_000_001}).problem(t, http.StatusUnprocessableEntity), "monthly_wage")

	pb = b.do(t, "POST", "/api/v1/payments", "cw1", map[string]any{"payments": []map[string]any{{"person_id": p.ID, "scheme": "employee_pension",
		"period": "2025-01", "base": 500000, "individual": int64(math.MaxInt64), "paid_on": "2025-01-20", "receipt_no": "FW-2025-9"}}}).
		problem(t, http.StatusUnprocessableEntity)
	wantField(t, pb, "payments[0].individual")
}
