package console_test

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"safetynet/internal/console"
	"safetynet/internal/payment"
	"safetynet/internal/registry"
	"safetynet/internal/screening"
)

// changedPayee is a payee whose confirmed account a test changed before
// the month's payment run, and the batch that pays them.
type changedPayee struct {
	Name    string
	Account *registry.BankAccount
	Batch   *payment.Batch
}

// batchWithChangedAccount changes the account of a person of Changji City
// paid last month from the assistance fund (requested by the county's
// caseworker, confirmed by the approver), runs this month's assistance
// payments of the city and makes the batch of that person's bank, by the
// caseworker: a draft batch with one line whose account changed.
func batchWithChangedAccount(t *testing.T, s *site) changedPayee {
	t.Helper()
	cw, ap := screeningAs(t, s, "cw.changji"), screeningAs(t, s, "approver")
	this := s.App.Clock.Today().Period()
	paid, err := s.App.Payments.Instructions(cw, payment.InstructionFilter{Region: "652301", Period: this.Add(-1), Fund: payment.FundAssistance, Status: payment.Paid, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var out changedPayee
	var old *registry.BankAccount
	for _, in := range paid {
		if in.PayeeKind != "person" {
			continue
		}
		accts, err := s.App.Registry.BankAccounts(cw, registry.OwnerPerson, in.PayeeID)
		if err != nil {
			t.Fatal(err)
		}
		name := namedPerson(t, s, registry.PersonID(in.PayeeID))
		for _, a := range accts {
			if a.Primary && a.Status == registry.StatusConfirmed && a.AccountName == name {
				old, out.Name = a, name
			}
		}
		if old != nil {
			break
		}
	}
	if old == nil {
		t.Fatal("no person of 652301 paid last month into an account in their own name")
	}
	out.Account = &registry.BankAccount{OwnerKind: registry.OwnerPerson, OwnerID: old.OwnerID, BankCode: old.BankCode, BankName: old.BankName,
		AccountNo: "62220200009990" + fmt.Sprintf("%05d", old.OwnerID%100000), AccountName: out.Name, Primary: true}
	if err := s.App.Registry.CreateBankAccount(cw, out.Account); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Registry.DecideBankAccount(ap, out.Account.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Assistance.Pay(cw, this, "652301"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.App.Payments.Generate(cw, this, "652301"); err != nil {
		t.Fatal(err)
	}
	if out.Batch, err = s.App.Payments.CreateBatch(cw, payment.FundAssistance, old.BankCode, this, "monthly", "652301"); err != nil {
		t.Fatal(err)
	}
	if out.Batch.Lines < 2 {
		t.Logf("the batch has %d line(s)", out.Batch.Lines)
	}
	return out
}

// TestBatchApprovalInBrowser has the approver open a draft batch whose
// payee's account changed before the payment run: the changed line is
// flagged (变更账户), listed first and counted at the top, with the payee's
// name and the account masked; the approver prints the approval sheet and
// approves the batch.
func TestBatchApprovalInBrowser(t *testing.T) {
	s := newSite(t)
	cp := batchWithChangedAccount(t, s)

	u := s.newUser(t)
	u.signIn("approver")
	u.open("/")
	followClick(u, `[data-queue=batches_to_approve]`)
	u.waitFor(`[data-testid=batches]`)
	followClick(u, fmt.Sprintf(`[data-testid=batch-%d]`, cp.Batch.ID))
	u.waitFor(`[data-testid=lines]`)
	if got := u.text(`[data-testid=changed-count]`); got != "1" {
		t.Errorf("the batch counts %q changed accounts, want 1", got)
	}
	first := u.text(`[data-testid=lines] tbody tr:first-child`)
	if !strings.Contains(first, "变更账户") || !strings.Contains(first, cp.Name) {
		t.Errorf("the first line reads %q, want %s's line flagged 变更账户", first, cp.Name)
	}
	// The new account by its last digits, masked as in the API's batch
	// view, even for an approver who may see personal data.
	if no := cp.Account.AccountNo; !strings.Contains(first, no[len(no)-4:]) || strings.Contains(first, no) {
		t.Errorf("the first line %q does not show the new account masked", first)
	}
	if st := u.text(`[data-testid=batch-status]`); st != "待审批" {
		t.Errorf("the batch reads %q, want 待审批", st)
	}
	u.screenshot("batch")

	followClick(u, `[data-testid=sheet]`)
	u.waitFor(`[data-testid=sheet-flagged]`)
	if got := u.text(`[data-testid=sheet-flagged]`); !strings.Contains(got, cp.Name) || !strings.Contains(got, "变更账户") {
		t.Errorf("the approval sheet's flagged lines read %q", got)
	}
	u.screenshot("batch-sheet")

	u.open(fmt.Sprintf("/payments/batches/%d", cp.Batch.ID))
	followClick(u, `[data-testid=approve]`)
	u.waitFor(`[data-testid=batch-status][data-status=approved]`)
	if st := u.text(`[data-testid=batch-status]`); st != "已审批待导出" {
		t.Errorf("the approved batch reads %q, want 已审批待导出", st)
	}
	b, err := s.App.Payments.FindBatch(screeningAs(t, s, "approver"), cp.Batch.ID)
	if err != nil || b.Status != payment.BatchApproved {
		t.Fatalf("batch %d after approval: %+v, %v", cp.Batch.ID, b, err)
	}
}

// TestPaymentsAccess checks the payment pages' rules request by request:
// a caseworker may not approve a batch (403, shown), a caseworker of
// another county finds a batch of Changji City missing, a role without the
// permission gets 403, a form without the CSRF token changes nothing, only
// a post that may see full accounts exports the bank file (the others are
// told why), and a return file with a bad row is refused whole, row by
// row, before the right one settles the batch.
func TestPaymentsAccess(t *testing.T) {
	s := newSite(t)
	cp := batchWithChangedAccount(t, s)
	path := fmt.Sprintf("/payments/batches/%d", cp.Batch.ID)

	analyst := newClient(t, s)
	analyst.signIn("analyst", "/")
	for _, p := range []string{"/payments", "/payments/batches", path, path + "/sheet", "/persons/accounts?status=pending"} {
		if code := analyst.status(p); code != http.StatusForbidden {
			t.Errorf("an analyst's %s = %d, want 403", p, code)
		}
	}
	fukang := newClient(t, s)
	fukang.signIn("cw.fukang", "/")
	for _, p := range []string{path, path + "/sheet"} {
		if code := fukang.status(p); code != http.StatusNotFound {
			t.Errorf("Fukang's caseworker opens Changji's %s: %d, want 404", p, code)
		}
	}
	if code := fukang.post(path+"/cancellation", url.Values{"csrf": {fukang.csrf}, "version": {fmt.Sprint(cp.Batch.Version)}}); code != http.StatusNotFound {
		t.Errorf("Fukang's caseworker cancels a Changji batch: %d, want 404", code)
	}
	// The approver checks; making and paying are the payment posts'.
	checker := newClient(t, s)
	checker.signIn("approver", "/")
	checker.page("/payments")
	month := s.App.Clock.Today().Period().String()
	for _, p := range []string{"/payments/runs", "/payments/batches", path + "/cancellation", path + "/export", path + "/returns"} {
		if code := checker.post(p, url.Values{"csrf": {checker.csrf}, "month": {month}, "version": {fmt.Sprint(cp.Batch.Version)}}); code != http.StatusForbidden {
			t.Errorf("an approver posts %s: %d, want 403", p, code)
		}
	}

	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	code, body := cw.page(path)
	if code != http.StatusOK || strings.Contains(body, "approve-form") {
		t.Errorf("the caseworker's batch page = %d, with the approval form: %v", code, strings.Contains(body, "approve-form"))
	}
	if regexp.MustCompile(cp.Account.AccountNo).MatchString(body) {
		t.Error("the caseworker's batch page shows a whole account number")
	}
	version := url.Values{"csrf": {cw.csrf}, "version": {fmt.Sprint(cp.Batch.Version)}}
	resp := cw.form(path+"/decision", version, "same-origin")
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("a caseworker approves a batch: %d, want 403", resp.StatusCode)
	}

	ap := newClient(t, s)
	ap.signIn("approver", "/")
	ap.page(path)
	if code := ap.post(path+"/decision", url.Values{"version": {fmt.Sprint(cp.Batch.Version)}}); code != http.StatusForbidden {
		t.Errorf("an approval without the CSRF token = %d, want 403", code)
	}
	if b, _ := s.App.Payments.FindBatch(screeningAs(t, s, "approver"), cp.Batch.ID); b.Status != payment.BatchDraft {
		t.Fatalf("a forged approval changed the batch: %s", b.Status)
	}
	if code := ap.post(path+"/decision", url.Values{"csrf": {ap.csrf}, "version": {fmt.Sprint(cp.Batch.Version)}}); code != http.StatusSeeOther {
		t.Fatalf("the approver's approval = %d, want 303", code)
	}

	// Export: the caseworker is told why not; the administrator downloads.
	code, body = cw.page(path)
	if code != http.StatusOK || !strings.Contains(body, `data-testid="export-why"`) || strings.Contains(body, "export-form") {
		t.Errorf("the caseworker's approved batch = %d, want the reason the export is not theirs", code)
	}
	b, _ := s.App.Payments.FindBatch(screeningAs(t, s, "approver"), cp.Batch.ID)
	if code := cw.post(path+"/export", url.Values{"csrf": {cw.csrf}, "version": {fmt.Sprint(b.Version)}, "format": {"csv"}}); code != http.StatusForbidden {
		t.Errorf("a caseworker exports the bank file: %d, want 403", code)
	}
	admin := newClient(t, s)
	admin.signIn("admin", "/")
	admin.page(path)
	resp = admin.form(path+"/export", url.Values{"csrf": {admin.csrf}, "version": {fmt.Sprint(b.Version)}, "format": {"csv"}}, "same-origin")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the administrator's export = %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
	}

	// The bank's return: a file with a reference not of the batch is
	// refused whole, the row named; nothing is posted.
	lines, err := s.App.Payments.BatchLines(screeningAs(t, s, "approver"), cp.Batch.ID)
	if err != nil {
		t.Fatal(err)
	}
	var good, bad strings.Builder
	good.WriteString("参考号,处理结果,失败原因\n")
	bad.WriteString("参考号,处理结果,失败原因\n")
	for i, l := range lines {
		fmt.Fprintf(&good, "%s,成功,\n", l.Reference)
		if i == 0 {
			fmt.Fprintf(&bad, "NOT-A-LINE,成功,\n")
		} else {
			fmt.Fprintf(&bad, "%s,成功,\n", l.Reference)
		}
	}
	cw.page(path)
	code, body = cw.uploadReturn(path+"/returns", "return.csv", bad.String())
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "return-report") || !strings.Contains(body, "参考号不属于本批次") {
		t.Errorf("a return file with a bad row = %d:\n%s", code, body)
	}
	if b, _ := s.App.Payments.FindBatch(screeningAs(t, s, "approver"), cp.Batch.ID); b.Status != payment.BatchExported {
		t.Fatalf("a refused return file changed the batch: %s", b.Status)
	}
	if code, _ := cw.uploadReturn(path+"/returns", "return.csv", good.String()); code != http.StatusSeeOther {
		t.Errorf("the right return file = %d, want 303", code)
	}
	if b, _ := s.App.Payments.FindBatch(screeningAs(t, s, "approver"), cp.Batch.ID); b.Status != payment.BatchSettled {
		t.Errorf("after the return file the batch is %s, want settled", b.Status)
	}
}

// upload posts a file as the return form does (multipart, with the CSRF
// token) and returns the status and body.
func (c *client) uploadReturn(path, name, content string) (int, string) {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		c.t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	req, err := http.NewRequest("POST", c.s.URL+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestPaymentRunInBrowser has Changji City's caseworker run this month's
// payments from the page, read what the run made, make the batch of a bank
// and land on it, waiting for approval; then read the page in English.
func TestPaymentRunInBrowser(t *testing.T) {
	s := newSite(t)
	if _, err := s.App.Assistance.Pay(screeningAs(t, s, "cw.changji"), s.App.Clock.Today().Period(), "652301"); err != nil {
		t.Fatal(err)
	}
	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open("/payments")
	followClick(u, `[data-testid=run-submit]`)
	u.waitFor(`[data-testid=run-done]`)
	if got := u.text(`[data-testid=run-done]`); !strings.Contains(got, "已生成") {
		t.Errorf("after the run the page reads %q", got)
	}
	if banks := u.text(`[data-testid=banks]`); !strings.Contains(banks, "社会救助资金") || !strings.Contains(banks, "元") {
		t.Errorf("the banks to batch read:\n%s", banks)
	}
	u.screenshot("payments")
	followClick(u, `[data-testid=banks] tbody tr:first-child button`)
	u.waitFor(`[data-testid=batch-status]`)
	if st := u.text(`[data-testid=batch-status]`); st != "待审批" {
		t.Errorf("the new batch reads %q, want 待审批", st)
	}
	if !strings.HasPrefix(u.location(), "/payments/batches/") {
		t.Errorf("after making the batch at %s", u.location())
	}
	followClick(u, `[data-testid=lang]`)
	u.waitFor(`html[lang=en] [data-testid=batch-status]`)
	if st := u.text(`[data-testid=batch-status]`); st != "To approve" {
		t.Errorf("the English batch reads %q, want To approve", st)
	}
	u.screenshot("batch-en")
}

// TestScreeningAndPaymentStatusTexts checks that every status, kind and
// fund the screening and payment pages show by its message key has both
// languages, so that no page prints a raw value.
func TestScreeningAndPaymentStatusTexts(t *testing.T) {
	var keys []string
	add := func(prefix string, vs ...string) {
		for _, v := range vs {
			keys = append(keys, prefix+"."+v)
		}
	}
	for _, s := range []screening.RunStatus{screening.RunProposed, screening.RunReviewed, screening.RunApproved, screening.RunRejected, screening.RunSuperseded} {
		add("screening.status", string(s))
	}
	add("screening.job", string(screening.JobRunning), string(screening.JobDone), string(screening.JobFailed))
	add("screening.phase", screening.PhaseClassify, screening.PhaseHouseholds, screening.PhasePersons, screening.PhaseDone)
	add("screening.change", string(screening.ChangeNew), string(screening.ChangeChanged), string(screening.ChangeStopped))
	for _, s := range []payment.BatchStatus{payment.BatchDraft, payment.BatchApproved, payment.BatchExported, payment.BatchSettled, payment.BatchCancelled} {
		add("payments.batch", string(s))
	}
	for _, f := range payment.Funds {
		add("payments.fund", string(f))
	}
	for _, s := range []payment.Status{payment.Pending, payment.Held, payment.Batched, payment.Paid, payment.Failed, payment.Cancelled} {
		add("payments.instr", string(s))
	}
	add("payments.outcome", string(payment.Paid), string(payment.Failed))
	add("payments.kind", "monthly", "one_off")
	for _, k := range keys {
		zh, en := console.Translate(k)
		if zh == k || en == k || zh == "" || en == "" {
			t.Errorf("%s has no zh-CN or English text", k)
		}
	}
}

// TestBatchReturnInBrowser has Changji City's caseworker upload the bank's
// return file of an exported batch from the page: a file with a line not
// of the batch is refused with its row report and posts nothing; the
// right file settles the batch, each line's result shown.
func TestBatchReturnInBrowser(t *testing.T) {
	s := newSite(t)
	cp := batchWithChangedAccount(t, s)
	ap, admin := screeningAs(t, s, "approver"), screeningAs(t, s, "admin")
	b, err := s.App.Payments.ApproveBatch(ap, cp.Batch.ID, cp.Batch.Version)
	if err != nil {
		t.Fatal(err)
	}
	csv, err := payment.BankFile("csv")
	if err != nil {
		t.Fatal(err)
	}
	if _, b, err = s.App.Payments.ExportBatch(admin, b.ID, b.Version, csv); err != nil {
		t.Fatal(err)
	}
	lines, err := s.App.Payments.BatchLines(ap, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, bad bool) string {
		var f strings.Builder
		f.WriteString("参考号,处理结果,失败原因\n")
		for i, l := range lines {
			switch {
			case bad && i == 0:
				f.WriteString("NOT-A-LINE,成功,\n")
			case i == len(lines)-1:
				fmt.Fprintf(&f, "%s,失败,账户已冻结\n", l.Reference)
			default:
				fmt.Fprintf(&f, "%s,成功,\n", l.Reference)
			}
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(f.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	bad, good := write("return-bad.csv", true), write("return.csv", false)

	u := s.newUser(t)
	u.signIn("cw.changji")
	u.open(fmt.Sprintf("/payments/batches/%d", b.ID))
	u.run(chromedp.SetUploadFiles(`[data-testid=return-file]`, []string{bad}))
	followClick(u, `[data-testid=return-submit]`)
	u.waitFor(`[data-testid=return-report]`)
	if got := u.text(`[data-testid=return-report]`); !strings.Contains(got, "参考号不属于本批次") || !strings.Contains(got, "return-bad.csv") {
		t.Errorf("the refused file's report reads:\n%s", got)
	}
	u.screenshot("batch-return-refused")
	if got, _ := s.App.Payments.FindBatch(ap, b.ID); got.Status != payment.BatchExported {
		t.Fatalf("a refused return file changed the batch: %s", got.Status)
	}
	u.run(chromedp.SetUploadFiles(`[data-testid=return-file]`, []string{good}))
	followClick(u, `[data-testid=return-submit]`)
	u.waitFor(`[data-testid=return-done]`)
	if st := u.text(`[data-testid=batch-status]`); st != "已回盘" {
		t.Errorf("the batch reads %q after its return, want 已回盘", st)
	}
	if got := u.text(`[data-testid=lines]`); !strings.Contains(got, "失败：账户已冻结") || !strings.Contains(got, "成功") {
		t.Errorf("the lines after the return read:\n%s", got)
	}
	u.screenshot("batch-returned")
}

// TestBatchRejection: the approver sends a batch back to its maker (退回)
// from the batch page: without the note the form comes back (422); with
// it the batch reads 已退回 with the reason and its instructions are
// pending again, batched anew by the caseworker. A caseworker may not
// send a batch back, nor anyone without the CSRF token.
func TestBatchRejection(t *testing.T) {
	s := newSite(t)
	cp := batchWithChangedAccount(t, s)
	path := fmt.Sprintf("/payments/batches/%d", cp.Batch.ID)
	reject := func(c *client, note string, csrf bool) (int, string) {
		v := url.Values{"version": {fmt.Sprint(cp.Batch.Version)}, "outcome": {"reject"}, "note": {note}}
		if csrf {
			v.Set("csrf", c.csrf)
		}
		return c.postPage(path+"/decision", v)
	}
	cw := newClient(t, s)
	cw.signIn("cw.changji", "/")
	cw.page(path)
	if code, _ := reject(cw, "账户待核实", true); code != http.StatusForbidden {
		t.Errorf("a caseworker sends a batch back: %d, want 403", code)
	}
	ap := newClient(t, s)
	ap.signIn("approver", "/")
	if _, body := ap.page(path); !strings.Contains(body, `data-testid="reject"`) {
		t.Error("the approver's batch page has no 退回 button")
	}
	if code, _ := reject(ap, "账户待核实", false); code != http.StatusForbidden {
		t.Errorf("a rejection without the CSRF token = %d, want 403", code)
	}
	if code, body := reject(ap, " ", true); code != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="decide-note"`) {
		t.Errorf("a rejection without the note = %d, want 422 with the form", code)
	}
	if b, _ := s.App.Payments.FindBatch(screeningAs(t, s, "approver"), cp.Batch.ID); b.Status != payment.BatchDraft {
		t.Fatalf("a refused rejection changed the batch: %s", b.Status)
	}
	if code, _ := reject(ap, "第1行账户新近变更，请先确认", true); code != http.StatusSeeOther {
		t.Fatalf("the approver's rejection = %d, want 303", code)
	}
	_, body := cw.page(path)
	if !strings.Contains(body, `data-status="rejected"`) || !strings.Contains(body, "已退回") || !strings.Contains(body, "第1行账户新近变更，请先确认") {
		t.Errorf("the maker's page of the rejected batch does not read 已退回 with the reason")
	}
	if strings.Contains(body, `data-testid="cancel"`) {
		t.Error("a rejected batch offers its cancellation")
	}
	again, err := s.App.Payments.CreateBatch(screeningAs(t, s, "cw.changji"), payment.FundAssistance, cp.Batch.BankCode, cp.Batch.Period, "monthly", "652301")
	if err != nil || again.Lines != cp.Batch.Lines || again.Total != cp.Batch.Total {
		t.Errorf("the batch made again after the rejection: %+v, %v; want the %d lines released", again, err, cp.Batch.Lines)
	}
}
