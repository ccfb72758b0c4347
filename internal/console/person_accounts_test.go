package console_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"safetynet/internal/registry"
)

// TestBankAccountsToConfirm has a caseworker request a bank account, which
// the page of accounts to confirm lists with its owner by name, masked for
// the caseworker and whole for the approver; the caseworker may not
// decide (403), a decision without the CSRF token is refused, and the
// approver confirms it.
func TestBankAccountsToConfirm(t *testing.T) {
	s := newSite(t)
	per := richPerson(t, s, "652301")
	cw := signedAs(t, s, "cw.changji")
	b := &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: int64(per.ID), BankCode: "ICBC", BankName: "中国工商银行昌吉分行",
		AccountNo: "6222020000123457", AccountName: per.Name, WantsPrimary: true}
	if err := s.App.Registry.CreateBankAccount(cw, b); err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(int64(b.ID), 10)
	decide := "/persons/accounts/" + id + "/decision"

	c := newClient(t, s)
	c.signIn("cw.changji", "/")
	code, body := c.page("/persons/accounts?status=pending")
	if code != http.StatusOK || !strings.Contains(body, per.Name) || !strings.Contains(body, `data-testid="pacct-`+id+`"`) {
		t.Fatalf("the caseworker's list (%d) lacks the account", code)
	}
	if strings.Contains(body, b.AccountNo) || strings.Contains(body, "pacct-approve-") {
		t.Error("the caseworker sees the whole account number or may confirm")
	}
	if code := c.post(decide, url.Values{"csrf": {c.csrf}, "outcome": {"approve"}}); code != http.StatusForbidden {
		t.Errorf("the caseworker's confirmation = %d, want 403", code)
	}
	fk := newClient(t, s)
	fk.signIn("cw.fukang", "/")
	if _, body := fk.page("/persons/accounts"); strings.Contains(body, `data-testid="pacct-`+id+`"`) {
		t.Error("Fukang's caseworker lists an account of Changji")
	}

	ap := newClient(t, s)
	ap.signIn("approver", "/")
	code, body = ap.page("/persons/accounts")
	if code != http.StatusOK || !strings.Contains(body, b.AccountNo) || !strings.Contains(body, "pacct-approve-"+id) {
		t.Fatalf("the approver's list (%d) shows no whole account to confirm", code)
	}
	if code := ap.post(decide, url.Values{"outcome": {"approve"}}); code != http.StatusForbidden {
		t.Errorf("a confirmation without the CSRF token = %d, want 403", code)
	}
	sys := s.App.System(context.Background(), "test")
	if got, _ := s.App.Registry.BankAccount(sys, b.ID); got.Status != registry.StatusPending {
		t.Fatalf("the account is %s before the approver decided", got.Status)
	}
	// The approver confirms it in the browser, from the home queue.
	u := s.newUser(t)
	u.signIn("approver")
	u.click(`a[data-queue=accounts_to_confirm]`)
	u.waitFor(`[data-testid=pacct-` + id + `]`)
	u.screenshot("accounts")
	u.click(`[data-testid=pacct-approve-` + id + `]`)
	u.run(chromedp.WaitNotPresent(`[data-testid=pacct-` + id + `]`))
	if loc := u.location(); loc != "/persons/accounts?status=pending" {
		t.Errorf("after the confirmation the browser is at %s", loc)
	}
	if got, _ := s.App.Registry.BankAccount(sys, b.ID); got.Status != registry.StatusConfirmed || got.DecidedName != "approver" {
		t.Errorf("after the confirmation the account is %s, decided by %q", got.Status, got.DecidedName)
	}
}
