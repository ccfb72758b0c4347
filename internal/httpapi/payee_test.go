package httpapi_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// accountJSON is the part of a bank account response the tests read.
type accountJSON struct {
	ID          int64  `json:"id"`
	AccountNo   string `json:"account_no"`
	AccountName string `json:"account_name"`
	Primary     bool   `json:"primary"`
	Status      string `json:"status"`
	RequestedBy int64  `json:"requested_by"`
	DecidedBy   int64  `json:"decided_by"`
	Version     int64  `json:"version"`
}

// reviewJSON is a batch as its approver reads it.
type reviewJSON struct {
	ID              int64 `json:"id"`
	Lines           int   `json:"lines"`
	Version         int64 `json:"version"`
	ChangedAccounts *int  `json:"changed_accounts"`
	FirstPayments   *int  `json:"first_payments"`
	BatchLines      []struct {
		Line          int    `json:"line"`
		InstructionID int64  `json:"instruction_id"`
		PayeeID       int64  `json:"payee_id"`
		PayeeName     string `json:"payee_name"`
		AccountName   string `json:"account_name"`
		AccountNo     string `json:"account_no"`
		BankCode      string `json:"bank_code"`
		BankName      string `json:"bank_name"`
		PreviousNo    string `json:"previous_account_no"`
		Changed       bool   `json:"account_changed"`
		FirstPayment  bool   `json:"first_payment"`
	} `json:"batch_lines"`
}

// TestPaymentDiversion replays the diversion of a pension by a caseworker
// (an account in another name, a made-up bank, a batch its approver could
// not check, a bank file in a caseworker's hands) and checks each step is
// now refused, held for a second user, or shown to the approver.
func TestPaymentDiversion(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	// Two pensioners, each with a confirmed account and paid in February:
	// q at ABC, p (the victim) at ICBC.
	q := b.createPerson(t, "cw1", vs[0], 71)
	p := b.createPerson(t, "cw1", vs[0], 72)
	account := func(person int64, bank, no string) accountJSON {
		t.Helper()
		var a accountJSON
		b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", person), "cw1", map[string]any{
			"bank_code": bank, "bank_name": bank + " 昌吉分行", "account_no": no, "account_name": "王芳", "primary": true,
		}).want(t, http.StatusCreated).decode(t, &a)
		return a
	}
	qAcct := account(q.ID, "ABC", "6228480000000000111")
	pOld := account(p.ID, "ICBC", "6222020000000000222")
	for _, a := range []accountJSON{qAcct, pOld} {
		if a.Status != "pending" || a.Primary {
			t.Fatalf("account recorded by a caseworker: %+v, want pending and not yet primary", a)
		}
		b.do(t, "POST", fmt.Sprintf("/api/v1/bank-accounts/%d/decision", a.ID), "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK)
	}
	for i, who := range []struct {
		person, acct int64
	}{{q.ID, qAcct.ID}, {p.ID, pOld.ID}} {
		for _, sql := range []string{
			fmt.Sprintf(`INSERT INTO awards (id, person_id, scheme, region_code, start_month, amount, status, decision, policy_version, created_by, created_at)
				VALUES (%d, %d, 'employee_pension', '%s', '2024-01', 13000, 'active', '{}', 't', 't', '2024-01-01T00:00:00Z')`, 700+i, who.person, vs[0]),
			fmt.Sprintf(`INSERT INTO payment_instructions (source, source_ref, period, line, fund, programme, payee_kind, payee_id, region_code, amount,
				bank_account_id, status, created_at) VALUES ('pension', %d, '2025-02', 'regular', 'employee_pension', 'employee_pension', 'person', %d, '%s',
				13000, %d, 'paid', '2025-02-01T00:00:00Z')`, 700+i, who.person, vs[0], who.acct),
			fmt.Sprintf(`INSERT INTO payroll_lines (award_id, period, kind, amount, region_code, person_id, run_id) VALUES (%d, '2025-03', 'regular', 13000, '%s', %d, 1),
				(%d, '2025-04', 'regular', 13000, '%s', %d, 2)`, 700+i, vs[0], who.person, 700+i, vs[0], who.person),
		} {
			if err := b.db.ExecRaw(systemContext(), sql); err != nil {
				t.Fatal(err)
			}
		}
	}

	// The attack: an account in the attacker's name, and a bank that does
	// not exist. Both are refused, naming the field.
	base := fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID)
	attack := map[string]any{"bank_code": "ABC", "bank_name": "中国农业银行", "account_no": "6228480000000000666", "account_name": "攻击者", "primary": true}
	pb := b.do(t, "POST", base, "cw1", attack).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("account_name"); !ok {
		t.Errorf("an account in another name: problems %+v, want account_name", pb.Errors)
	}
	evil := map[string]any{"bank_code": "EVIL", "bank_name": "中国农业银行", "account_no": "6228480000000000666", "account_name": "王芳", "primary": true}
	pb = b.do(t, "POST", base, "cw1", evil).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("bank_code"); !ok {
		t.Errorf("bank EVIL: problems %+v, want bank_code", pb.Errors)
	}
	pb = b.do(t, "POST", "/api/v1/payment-batches", "cw1", map[string]any{"fund": "employee_pension", "bank_code": "EVIL", "period": "2025-03"}).
		problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("bank_code"); !ok {
		t.Errorf("batch at bank EVIL: problems %+v, want bank_code", pb.Errors)
	}
	// In the pensioner's name it is recorded, pending, not primary.
	attack["account_name"] = "王芳"
	var pNew accountJSON
	b.do(t, "POST", base, "cw1", attack).want(t, http.StatusCreated).decode(t, &pNew)
	if pNew.Status != "pending" || pNew.Primary || pNew.RequestedBy == 0 {
		t.Fatalf("new account %+v, want pending, not primary, with who requested it", pNew)
	}

	// March is still paid to the old account.
	b.do(t, "POST", "/api/v1/payment-runs", "cw1", map[string]any{"period": "2025-03"}).want(t, http.StatusOK)
	var march reviewJSON
	b.do(t, "POST", "/api/v1/payment-batches", "cw1", map[string]any{"fund": "employee_pension", "bank_code": "ICBC", "period": "2025-03"}).
		want(t, http.StatusCreated).decode(t, &march)
	b.do(t, "GET", fmt.Sprintf("/api/v1/payment-batches/%d", march.ID), "approver", nil).want(t, http.StatusOK).decode(t, &march)
	if len(march.BatchLines) != 1 || march.BatchLines[0].PayeeID != p.ID || !strings.HasSuffix(march.BatchLines[0].AccountNo, "0222") ||
		march.BatchLines[0].Changed {
		t.Fatalf("March batch %+v, want p's one line to the old account, unchanged", march)
	}
	var abc struct {
		Items []struct {
			BankCode string `json:"bank_code"`
		}
	}
	b.do(t, "GET", "/api/v1/payment-banks?fund=employee_pension&period=2025-03", "cw1", nil).want(t, http.StatusOK).decode(t, &abc)
	if len(abc.Items) != 1 || abc.Items[0].BankCode != "ABC" {
		t.Errorf("banks pending in March %+v, want only q's ABC", abc.Items)
	}

	// The caseworker cannot confirm their own change; an approver lists the
	// pending changes and confirms it.
	decision := fmt.Sprintf("/api/v1/bank-accounts/%d/decision", pNew.ID)
	b.do(t, "POST", decision, "cw1", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)
	var pending struct{ Items []accountJSON }
	b.do(t, "GET", "/api/v1/bank-accounts?status=pending", "approver", nil).want(t, http.StatusOK).decode(t, &pending)
	if len(pending.Items) != 1 || pending.Items[0].ID != pNew.ID || pending.Items[0].AccountNo != "6228480000000000666" {
		t.Fatalf("pending accounts %+v, want the new one, in full for the approver", pending.Items)
	}
	var confirmed accountJSON
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &confirmed)
	if confirmed.Status != "confirmed" || !confirmed.Primary || confirmed.DecidedBy == 0 || confirmed.DecidedBy == confirmed.RequestedBy {
		t.Fatalf("confirmed account %+v", confirmed)
	}
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).problem(t, http.StatusConflict)

	// April is paid to the new account, and the approver sees it: payee,
	// masked account, bank, the changed line first and counted.
	b.do(t, "POST", "/api/v1/payment-runs", "cw1", map[string]any{"period": "2025-04"}).want(t, http.StatusOK)
	var april reviewJSON
	b.do(t, "POST", "/api/v1/payment-batches", "cw1", map[string]any{"fund": "employee_pension", "bank_code": "ABC", "period": "2025-04"}).
		want(t, http.StatusCreated).decode(t, &april)
	path := fmt.Sprintf("/api/v1/payment-batches/%d", april.ID)
	res := b.do(t, "GET", path, "approver", nil).want(t, http.StatusOK)
	res.decode(t, &april)
	if strings.Contains(string(res.body), "6228480000000000666") {
		t.Errorf("the batch view carries a full account number:\n%s", res.body)
	}
	if april.ChangedAccounts == nil || *april.ChangedAccounts != 1 || april.FirstPayments == nil || *april.FirstPayments != 0 || len(april.BatchLines) != 2 {
		t.Fatalf("April batch %+v, want two lines, one changed", april)
	}
	first, second := april.BatchLines[0], april.BatchLines[1]
	if first.PayeeID != p.ID || !first.Changed || first.Line != 2 || first.PayeeName != "王芳" || first.AccountName != "王芳" ||
		first.BankCode != "ABC" || first.BankName == "" || !strings.HasSuffix(first.AccountNo, "0666") || first.AccountNo == "6228480000000000666" ||
		!strings.HasSuffix(first.PreviousNo, "0222") {
		t.Errorf("first line %+v, want p's line 2 to the new account, flagged, with the old one", first)
	}
	if second.PayeeID != q.ID || second.Changed || second.Line != 1 {
		t.Errorf("second line %+v, want q's unchanged line 1", second)
	}

	// Only a role that may see full accounts exports the bank file, and
	// each export is audited with the file's SHA-256.
	b.do(t, "POST", path+"/decision", "approver", map[string]any{"outcome": "approve", "version": april.Version}).want(t, http.StatusOK).decode(t, &april)
	b.do(t, "POST", path+"/export", "cw1", map[string]any{"version": april.Version}).problem(t, http.StatusForbidden)
	var sums []string
	for range 2 {
		res := b.do(t, "POST", path+"/export", "admin", map[string]any{"version": april.Version}).want(t, http.StatusOK)
		h := sha256.Sum256(res.body)
		sum := hex.EncodeToString(h[:])
		if got := res.header.Get("X-File-SHA256"); got != sum {
			t.Errorf("X-File-SHA256 %q, want %q", got, sum)
		}
		sums = append(sums, sum)
	}
	b.do(t, "POST", path+"/export", "cw1", map[string]any{}).problem(t, http.StatusForbidden)
	var trail struct {
		Items []struct {
			Action   string   `json:"action"`
			EntityID string   `json:"entity_id"`
			Fields   []string `json:"fields"`
			Actor    struct {
				Name string `json:"name"`
			} `json:"actor"`
		} `json:"items"`
	}
	b.do(t, "GET", "/api/v1/audit?limit=500", "auditor", nil).want(t, http.StatusOK).decode(t, &trail)
	var exports []string
	for _, e := range trail.Items {
		if (e.Action == "batch.export" || e.Action == "batch.download") && e.EntityID == fmt.Sprint(april.ID) {
			for _, f := range e.Fields {
				if sha, ok := strings.CutPrefix(f, "sha256="); ok {
					exports = append(exports, e.Action+" "+e.Actor.Name+" "+sha)
				}
			}
		}
	}
	want := []string{"batch.export admin " + sums[0], "batch.download admin " + sums[1]}
	if !slices.Equal(exports, want) {
		t.Errorf("audited exports %q, want %q", exports, want)
	}
}

// TestPayeeAgentsAPI records a payee agent (代领人) over the API: checked
// fields, the ID number masked for a caseworker, confirmed by an approver
// only, and then an account in the agent's name, itself pending.
func TestPayeeAgentsAPI(t *testing.T) {
	b := setup(t)
	vs := villages(t, "652301", 1)
	p := b.createPerson(t, "cw1", vs[0], 81)
	base := fmt.Sprintf("/api/v1/persons/%d/payee-agents", p.ID)
	pb := b.do(t, "POST", base, "cw1", map[string]any{"name": "李明", "id_number": "652301198005170000", "relation": "head"}).
		problem(t, http.StatusUnprocessableEntity)
	for _, f := range []string{"id_number", "relation"} {
		if _, ok := pb.field(f); !ok {
			t.Errorf("bad agent: problems %+v, want %s", pb.Errors, f)
		}
	}
	pb = b.do(t, "POST", base, "cw1", map[string]any{"name": "李明", "id_number": residentID(t, 81), "relation": "child"}).problem(t, http.StatusUnprocessableEntity)
	if d, _ := pb.field("id_number"); !strings.Contains(d, "own") {
		t.Errorf("the person as their own agent: problems %+v, want id_number", pb.Errors)
	}
	type agentJSON struct {
		ID       int64  `json:"id"`
		IDNumber string `json:"id_number"`
		Status   string `json:"status"`
	}
	var a agentJSON
	idn := string(residentID(t, 82))
	b.do(t, "POST", base, "cw1", map[string]any{"name": "李明", "id_number": idn, "relation": "child"}).want(t, http.StatusCreated).decode(t, &a)
	if a.Status != "pending" || a.IDNumber == idn || a.IDNumber == "" {
		t.Fatalf("agent %+v, want pending with the ID number masked", a)
	}
	acct := map[string]any{"bank_code": "CCB", "bank_name": "建行", "account_no": "6217000000000003", "account_name": "李明", "agent_id": a.ID, "primary": true}
	pb = b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), "cw1", acct).problem(t, http.StatusUnprocessableEntity)
	if _, ok := pb.field("agent_id"); !ok {
		t.Errorf("account of a pending agent: problems %+v, want agent_id", pb.Errors)
	}
	decision := fmt.Sprintf("/api/v1/payee-agents/%d/decision", a.ID)
	b.do(t, "POST", decision, "cw1", map[string]any{"outcome": "approve"}).problem(t, http.StatusForbidden)
	var pending struct{ Items []agentJSON }
	b.do(t, "GET", "/api/v1/payee-agents", "approver", nil).want(t, http.StatusOK).decode(t, &pending)
	if len(pending.Items) != 1 || pending.Items[0].IDNumber != idn {
		t.Fatalf("pending agents %+v, want the one, its ID number in full for the approver", pending.Items)
	}
	b.do(t, "POST", decision, "approver", map[string]any{"outcome": "approve"}).want(t, http.StatusOK).decode(t, &a)
	if a.Status != "confirmed" {
		t.Fatalf("agent %+v, want confirmed", a)
	}
	acct["account_name"] = "攻击者"
	b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), "cw1", acct).problem(t, http.StatusUnprocessableEntity)
	acct["account_name"] = "李明"
	var got accountJSON
	b.do(t, "POST", fmt.Sprintf("/api/v1/persons/%d/bank-accounts", p.ID), "cw1", acct).want(t, http.StatusCreated).decode(t, &got)
	if got.Status != "pending" || got.AccountName != "李明" {
		t.Errorf("account of the agent %+v, want pending in the agent's name", got)
	}
	var banks struct {
		Items []struct {
			Code string `json:"code"`
			From string `json:"from"`
		} `json:"items"`
	}
	b.do(t, "GET", "/api/v1/banks", "cw1", nil).want(t, http.StatusOK).decode(t, &banks)
	if len(banks.Items) < 6 || banks.Items[0].From == "" {
		t.Errorf("banks %+v, want the reference table with dates", banks.Items)
	}
}
