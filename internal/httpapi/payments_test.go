package httpapi_test

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// TestPaymentsAPI pays a month over the API: instructions, a batch made by
// a caseworker and approved by an approver, its bank file, the bank's
// return, and the reconciliation.
func TestPaymentsAPI(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	var ids []int64
	for i := range 3 {
		p := b.createPerson(t, "cw1", vs[0], 61+i)
		ids = append(ids, p.ID)
		var acct struct {
			ID int64 `json:"id"`
		}
		b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), "cw1", map[string]any{
			"bank_code": "ICBC", "bank_name": "工商银行", "account_no": fmt.Sprintf("622200001111%04d", i), "account_name": "王芳", "primary": true,
		}).want(t, http.StatusCreated).decode(t, &acct)
		b.do(t, "POST", fmt.Sprintf("/api/v1/bank-accounts/%d/decision", acct.ID), "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK)
		for _, q := range []string{
			fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
				VALUES (%d, %d, 'employee_pension', '%s', '2024-01', 280000, 'active', '{}', 't', 't', '2024-01-01T00:00:00Z')`, 500+i, p.ID, vs[0]),
			fmt.Sprintf(`INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id) VALUES (%d, '2025-03', 'regular', 280000, '%s', %d, 1)`, 500+i, vs[0], p.ID),
		} {
			if err := b.db.ExecRaw(systemContext(), q); err != nil {
				t.Fatal(err)
			}
		}
	}
	b.do(t, "POST", "/api/v1/payment-runs", "analyst", map[string]any{"period": "2025-03"}).problem(t, http.StatusForbidden)
	var gen struct {
		Made   int   `json:"made"`
		Amount int64 `json:"amount"`
	}
	b.do(t, "POST", "/api/v1/payment-runs", "cw1", map[string]any{"period": "2025-03"}).want(t, http.StatusOK).decode(t, &gen)
	if gen.Made != 3 || gen.Amount != 840_000 {
		t.Fatalf("run %+v, want 3 instructions of 8,400.00", gen)
	}
	b.do(t, "POST", "/api/v1/payment-runs", "cw1", map[string]any{"period": "2025-03"}).want(t, http.StatusOK).decode(t, &gen)
	if gen.Made != 0 {
		t.Errorf("a second run made %d", gen.Made)
	}
	type batchJSON struct {
		ID         int64  `json:"id"`
		Status     string `json:"status"`
		Lines      int    `json:"lines"`
		Version    int64  `json:"version"`
		BatchLines []struct {
			Reference string `json:"reference"`
			Outcome   string `json:"outcome"`
		} `json:"batch_lines"`
	}
	var bt batchJSON
	b.do(t, "POST", "/api/v1/payment-batches", "cw1", map[string]any{"fund": "employee_pension", "bank_code": "ICBC", "period": "2025-03"}).
		want(t, http.StatusCreated).decode(t, &bt)
	path := fmt.Sprintf("/api/v1/payment-batches/%d", bt.ID)
	b.do(t, "POST", path+"/decision", "cw1", map[string]any{"outcome": "approve", "version": bt.Version}).problem(t, http.StatusForbidden)
	// The one decision body, which needs the version: a rejection (退回)
	// needs the note, sends the batch back and releases its instructions,
	// which the maker batches again.
	wantField(t, b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "version": bt.Version}).
		problem(t, http.StatusUnprocessableEntity), "note")
	var rejected struct {
		Status     string `json:"status"`
		RejectedBy int64  `json:"rejected_by"`
		RejectNote string `json:"reject_note"`
	}
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "reject", "version": bt.Version, "note": "第2行账户新近变更，待核实"}).
		want(t, http.StatusOK).decode(t, &rejected)
	if rejected.Status != "rejected" || rejected.RejectedBy == 0 || rejected.RejectNote != "第2行账户新近变更，待核实" {
		t.Fatalf("the rejected batch: %+v", rejected)
	}
	// The problem's reason is a stable key beside the English detail.
	var keyed struct {
		Detail string `json:"detail"`
		Reason string `json:"reason"`
	}
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": bt.Version + 1}).want(t, http.StatusConflict).decode(t, &keyed)
	if keyed.Reason != "batch_state" || !strings.Contains(keyed.Detail, "is rejected") {
		t.Errorf("the approval of the rejected batch: %+v, want reason batch_state with the English detail", keyed)
	}
	var listed struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	b.do(t, "GET", "/api/v1/payment-batches?status=rejected", "cw1", nil).want(t, http.StatusOK).decode(t, &listed)
	if len(listed.Items) != 1 || listed.Items[0].ID != bt.ID {
		t.Errorf("the rejected batches listed: %+v, want batch %d", listed, bt.ID)
	}
	b.do(t, "POST", "/api/v1/payment-batches", "cw1", map[string]any{"fund": "employee_pension", "bank_code": "ICBC", "period": "2025-03"}).
		want(t, http.StatusCreated).decode(t, &bt)
	if bt.Lines != 3 {
		t.Fatalf("the batch made again after the rejection has %d lines, want the 3 released", bt.Lines)
	}
	path = fmt.Sprintf("/api/v1/payment-batches/%d", bt.ID)
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": bt.Version + 5}).want(t, http.StatusConflict).decode(t, &keyed)
	if keyed.Reason != "version_conflict" {
		t.Errorf("a stale approval: %+v, want reason version_conflict", keyed)
	}
	wantField(t, b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusUnprocessableEntity), "version")
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": bt.Version}).want(t, http.StatusOK).decode(t, &bt)
	b.do(t, "POST", path+"/export", "cw1", map[string]any{"version": bt.Version}).problem(t, http.StatusForbidden)
	res := b.do(t, "POST", path+"/export", "admin", map[string]any{"version": bt.Version}).want(t, http.StatusOK)
	if ct := res.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") || !strings.Contains(string(res.body), "6222000011110001") {
		t.Fatalf("bank file %q:\n%s", ct, res.body)
	}
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &bt)
	if bt.Status != "exported" || len(bt.BatchLines) != 3 {
		t.Fatalf("batch %+v", bt)
	}
	file := "业务参考号,处理结果,失败原因\n"
	for i, l := range bt.BatchLines {
		if i == 1 {
			file += l.Reference + ",失败,账户已冻结\n"
		} else {
			file += l.Reference + ",成功,\n"
		}
	}
	bad := base64.StdEncoding.EncodeToString([]byte("业务参考号,处理结果,失败原因\n" + bt.BatchLines[0].Reference + ",失败,\n"))
	pb := b.do(t, "POST", path+"/returns", "cw1", map[string]any{"file_name": "r.csv", "file": bad}).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("row 2: reason"); !ok {
		t.Errorf("errors %+v do not name row 2's reason", pb.Errors)
	}
	var ret struct {
		Paid, Failed int
	}
	b.do(t, "POST", path+"/returns", "cw1", map[string]any{"file_name": "r.csv", "file": base64.StdEncoding.EncodeToString([]byte(file))}).
		want(t, http.StatusOK).decode(t, &ret)
	if ret.Paid != 2 || ret.Failed != 1 {
		t.Errorf("return %+v, want 2 paid and 1 failed", ret)
	}
	b.do(t, "GET", path, "cw1", nil).want(t, http.StatusOK).decode(t, &bt)
	outcomes := map[string]int{}
	for _, l := range bt.BatchLines {
		outcomes[l.Outcome]++
	}
	if outcomes["paid"] != 2 || outcomes["failed"] != 1 {
		t.Errorf("batch lines' outcomes %v, want 2 paid and 1 failed", outcomes)
	}
	var rec struct {
		Totals struct {
			Balanced bool `json:"balanced"`
		} `json:"totals"`
		Rows []struct {
			Name   string `json:"name"`
			Fund   string `json:"fund"`
			Actual int64  `json:"actual"`
		} `json:"rows"`
	}
	b.do(t, "GET", "/api/v1/reports/reconciliation?from=2025-03&to=2025-03", "auditor", nil).want(t, http.StatusOK).decode(t, &rec)
	if !rec.Totals.Balanced {
		t.Errorf("reconciliation %+v, want balanced", rec)
	}
	for _, c := range rec.Rows {
		if c.Fund == "employee_pension" && strings.HasPrefix(c.Name, "payable") && c.Actual != 280_000 {
			t.Errorf("payable %d, want the failed 2,800.00", c.Actual)
		}
	}
	type paidRow struct {
		Payments int   `json:"payments"`
		Amount   int64 `json:"amount"`
	}
	var paid struct {
		Rows   []paidRow `json:"rows"`
		Totals paidRow   `json:"totals"`
	}
	b.do(t, "GET", "/api/v1/reports/payments?from=2025-03&to=2025-03", "analyst", nil).want(t, http.StatusOK).decode(t, &paid)
	if len(paid.Rows) != 1 || paid.Rows[0].Payments != 2 || paid.Rows[0].Amount != 560_000 || paid.Totals != paid.Rows[0] {
		t.Errorf("paid report %+v", paid)
	}
	_ = ids
}
