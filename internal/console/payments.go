package console

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

func init() { register(paymentMessages) }

// paymentRoutes registers the pages of payments (支付): the month's
// payment run and the batches to make, the batches, a batch for its
// approver with the changed accounts first, its export, its bank return
// and its printable approval sheet; and the bank accounts waiting for a
// second user's confirmation.
func (c *Console) paymentRoutes() {
	read := []auth.Permission{auth.PermPayment, auth.PermApprove}
	c.handle("GET /payments", c.handlePayments, read...)
	c.handle("POST /payments/runs", c.handleRunPayments, auth.PermPayment)
	c.handle("GET /payments/batches", c.handleBatches, read...)
	c.handle("POST /payments/batches", c.handleCreateBatch, auth.PermPayment)
	c.handle("GET /payments/batches/{id}", c.handleBatch, read...)
	c.handle("GET /payments/batches/{id}/sheet", c.handleBatchSheet, read...)
	c.handle("POST /payments/batches/{id}/decision", c.handleDecideBatch, auth.PermApprove)
	c.handle("POST /payments/batches/{id}/cancellation", c.handleCancelBatch, auth.PermPayment)
	c.handle("POST /payments/batches/{id}/export", c.handleExportBatch, auth.PermPayment)
	c.handle("POST /payments/batches/{id}/returns", c.handleBatchReturn, auth.PermPayment)
}

// paymentPage is how many batches, lines or accounts one page lists.
const paymentPage = 100

// returnFileMax bounds a bank return file read from a form.
const returnFileMax = 32 << 20

// batchStatuses are the batch statuses the filter offers.
var batchStatuses = []payment.BatchStatus{payment.BatchDraft, payment.BatchApproved, payment.BatchExported, payment.BatchSettled, payment.BatchCancelled, payment.BatchRejected}

// paymentsPage is the data of the month's payments page.
type paymentsPage struct {
	Month    period.Month
	Months   []choiceOpt
	CanRun   bool
	Run      *payRunResult
	Totals   []payment.StatusTotal
	Balanced bool
	// Banks are, per fund, the banks with pending instructions: the
	// batches to make.
	Banks    []payFundBanks
	Problems map[string]string
}

// payRunResult is what a payment run made, carried in the redirect.
type payRunResult struct{ Made, Held string }

// payFundBanks is a fund's banks with pending instructions of the month.
type payFundBanks struct {
	Fund  payment.Fund
	Banks []payBankRow
}

// payBankRow is a bank with its pending instructions.
type payBankRow struct {
	BankCode, BankName string
	Count              int
	Amount             money.Fen
}

// bankLabel names a bank of the reference table, its code when the table
// has none.
func (c *Console) bankLabel(code string) string {
	if b, ok := registry.BankOn(code, c.app.Clock.Today()); ok {
		return b.Name
	}
	return code
}

// handlePayments shows a month's payments: the run that makes the month's
// instructions, the instructions by fund and status (with whether the
// month reconciles), and the banks with pending instructions, each a
// batch to make.
func (c *Console) handlePayments(w http.ResponseWriter, r *http.Request) error {
	return c.showPayments(w, r, http.StatusOK, nil)
}

func (c *Console) showPayments(w http.ResponseWriter, r *http.Request, status int, problems map[string]string) error {
	p := c.newPage(r, "payments")
	p.Title, p.Active = p.T("payments.title"), "payments"
	pr, _ := auth.PrincipalFrom(r.Context())
	this := c.app.Clock.Today().Period()
	data := paymentsPage{Month: this, CanRun: pr.Can(auth.PermPayment), Problems: problems}
	q := r.URL.Query()
	if s := q.Get("month"); s != "" {
		m, err := period.ParseMonth(s)
		if err != nil {
			return &fault.Error{Code: fault.Invalid, Message: p.T("payments.bad_month"), Fields: map[string]string{"month": s}}
		}
		data.Month = m
	}
	if q.Has("made") {
		data.Run = &payRunResult{Made: q.Get("made"), Held: q.Get("held")}
	}
	for i := -1; i < 6; i++ {
		m := this.Add(-i)
		data.Months = append(data.Months, choiceOpt{Value: m.String(), Text: monthText(p.Lang, m), Selected: m == data.Month})
	}
	rec, err := c.app.Payments.Reconcile(r.Context(), data.Month, "")
	if err != nil {
		return err
	}
	data.Totals, data.Balanced = rec.Totals, rec.Balanced
	for _, f := range payment.Funds {
		bs, err := c.app.Payments.PendingBanks(r.Context(), f, data.Month, false, "")
		if err != nil {
			return err
		}
		if len(bs) > 0 {
			fb := payFundBanks{Fund: f}
			for _, b := range bs {
				fb.Banks = append(fb.Banks, payBankRow{BankCode: b.BankCode, BankName: c.bankLabel(b.BankCode), Count: b.Count, Amount: b.Amount})
			}
			data.Banks = append(data.Banks, fb)
		}
	}
	p.Data = data
	c.render(w, r, status, p)
	return nil
}

// handleRunPayments makes the month's payment instructions in the
// principal's scope (a second run makes nothing).
func (c *Console) handleRunPayments(w http.ResponseWriter, r *http.Request) error {
	m, err := period.ParseMonth(r.PostFormValue("month"))
	if err != nil {
		return c.showPayments(w, r, http.StatusUnprocessableEntity, map[string]string{"month": translate(langOf(r), "payments.bad_month")})
	}
	sum, err := c.app.Payments.Generate(r.Context(), m, "")
	if fault.CodeOf(err) == fault.Invalid {
		return c.showPayments(w, r, http.StatusUnprocessableEntity, faultFieldsIn(langOf(r), err))
	}
	if err != nil {
		return err
	}
	q := url.Values{"month": {m.String()}, "made": {strconv.Itoa(sum.Created)}, "held": {strconv.Itoa(sum.Held)}}
	http.Redirect(w, r, "/payments?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// handleCreateBatch makes a batch of a fund's pending instructions of the
// month at one bank (maker); another user approves it.
func (c *Console) handleCreateBatch(w http.ResponseWriter, r *http.Request) error {
	m, err := period.ParseMonth(r.PostFormValue("month"))
	if err != nil {
		return c.showPayments(w, r, http.StatusUnprocessableEntity, map[string]string{"month": translate(langOf(r), "payments.bad_month")})
	}
	b, err := c.app.Payments.CreateBatch(r.Context(), payment.Fund(r.PostFormValue("fund")), r.PostFormValue("bank"), m, "monthly", "")
	if fault.CodeOf(err) == fault.Invalid {
		return c.showPayments(w, r, http.StatusUnprocessableEntity, faultFieldsIn(langOf(r), err))
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, batchPath(b.ID), http.StatusSeeOther)
	return nil
}

// batchPath is the address of a batch's page.
func batchPath(id payment.BatchID) string {
	return "/payments/batches/" + strconv.FormatInt(int64(id), 10)
}

// batchesPage is the data of the list of batches.
type batchesPage struct {
	Status    string
	Statuses  []choiceOpt
	Rows      []batchRow
	Next      int64
	NextQuery string
}

// batchRow is a batch of the list, with its bank's name.
type batchRow struct {
	*payment.Batch
	BankName string
}

// handleBatches lists the batches of the principal's scope, newest first,
// by status.
func (c *Console) handleBatches(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	p := c.newPage(r, "payments_batches")
	p.Title, p.Active = p.T("payments.batches"), "payments"
	data := batchesPage{Status: q.Get("status")}
	f := payment.BatchFilter{Status: payment.BatchStatus(data.Status), Limit: paymentPage + 1}
	if data.Status != "" && !slices.Contains(batchStatuses, f.Status) {
		return &fault.Error{Code: fault.Invalid, Message: p.T("payments.bad_filter"), Fields: map[string]string{"status": data.Status}}
	}
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	data.Statuses = []choiceOpt{{Value: "", Text: p.T("payments.all"), Selected: data.Status == ""}}
	for _, s := range batchStatuses {
		data.Statuses = append(data.Statuses, choiceOpt{Value: string(s), Text: p.T("payments.batch." + string(s)), Selected: data.Status == string(s)})
	}
	bs, err := c.app.Payments.Batches(r.Context(), f)
	if err != nil {
		return err
	}
	if len(bs) > paymentPage {
		bs = bs[:paymentPage]
		data.Next = int64(bs[len(bs)-1].ID)
		nq := url.Values{"after": {strconv.FormatInt(data.Next, 10)}}
		if data.Status != "" {
			nq.Set("status", data.Status)
		}
		data.NextQuery = nq.Encode()
	}
	for _, b := range bs {
		data.Rows = append(data.Rows, batchRow{Batch: b, BankName: c.bankLabel(b.BankCode)})
	}
	p.Data = data
	c.render(w, r, http.StatusOK, p)
	return nil
}

// batchPage is the data of a batch's page and of its approval sheet.
type batchPage struct {
	Batch    *payment.Batch
	BankName string
	Today    period.Date
	Lines    []batchLineRow
	// Flagged are the lines whose account changed and the first
	// payments (the approval sheet lists them).
	Flagged             []batchLineRow
	Changed, First      int
	From, Next, Total   int
	CreatedBy, Approved staffRef
	// Rejected names the approver who sent the batch back; Note is the
	// reason typed in a refused decision form.
	Rejected             staffRef
	Note                 string
	CanApprove           bool
	CanCancel, CanReturn bool
	// CanExport shows the export form; ExportWhy says why a post that
	// could otherwise export may not.
	CanExport bool
	ExportWhy string
	// Returned is a posted return's summary, carried in the redirect.
	Returned *payReturnSummary
	// ReturnProblems is a refused return file's report, row by row.
	ReturnProblems []payReturnProblem
	ReturnFile     string
	Problems       map[string]string
}

// batchLineRow is one line of a batch as the approver checks it.
type batchLineRow struct {
	Line         int
	Payee        string
	AccountName  string
	Account      string
	Previous     string
	BankName     string
	Amount       money.Fen
	Region       region.Code
	Changed      bool
	FirstPayment bool
	Outcome      payment.Status
	Reason       string
}

// payReturnSummary is what a posted return file did.
type payReturnSummary struct{ Lines, Paid, Failed string }

// payReturnProblem is one problem of a refused return file.
type payReturnProblem struct {
	Row    string
	Column string
	Value  string
	Reason string
}

// handleBatch shows a batch for its approver: counts and totals at the
// top, the lines whose account differs from the one the payee was last
// paid to flagged and first, first payments flagged, each with the payee's
// name, the masked account and the bank; and the forms the principal may
// use (approve, cancel, export, return file).
func (c *Console) handleBatch(w http.ResponseWriter, r *http.Request) error {
	return c.showBatch(w, r, http.StatusOK, "payments_batch", nil)
}

// handleBatchSheet is the printable approval sheet (批次审批单).
func (c *Console) handleBatchSheet(w http.ResponseWriter, r *http.Request) error {
	return c.showBatch(w, r, http.StatusOK, "payments_sheet", nil)
}

// showBatch renders a batch's page (tmpl) with status, and with a refused
// form's problems or return report when given.
func (c *Console) showBatch(w http.ResponseWriter, r *http.Request, status int, tmpl string, fill func(*batchPage)) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	rv, err := c.app.Payments.ReviewBatch(r.Context(), payment.BatchID(id))
	if err != nil {
		return err
	}
	p := c.newPage(r, tmpl)
	pr, _ := auth.PrincipalFrom(r.Context())
	b := rv.Batch
	data := batchPage{Batch: b, Changed: rv.Changed, First: rv.FirstPayments, Total: len(rv.Lines)}
	data.BankName, data.Today = c.bankLabel(b.BankCode), c.app.Clock.Today()
	staff := c.staff(r.Context(), p.Lang)
	data.CreatedBy = staff.id(b.CreatedBy)
	if b.ApprovedBy != 0 {
		data.Approved = staff.id(b.ApprovedBy)
	}
	if b.RejectedBy != 0 {
		data.Rejected = staff.id(b.RejectedBy)
	}
	// Accounts are masked for every post here, as the API's batch view
	// masks them: the last digits tell a changed account; the bank file
	// alone carries them whole.
	row := func(l payment.BatchLine) batchLineRow {
		out := batchLineRow{Line: l.Line, Payee: l.PayeeName, AccountName: l.AccountName, Account: maskedAccount(l.AccountNo), BankName: l.BankName,
			Amount: l.Amount, Region: l.RegionCode, Changed: l.AccountChanged, FirstPayment: l.FirstPayment, Outcome: l.Outcome, Reason: l.Reason}
		if l.AccountChanged {
			out.Previous = maskedAccount(l.LastPaidAccount)
		}
		return out
	}
	for _, l := range rv.Lines {
		if l.AccountChanged || l.FirstPayment {
			data.Flagged = append(data.Flagged, row(l))
		}
	}
	data.From, _ = strconv.Atoi(r.URL.Query().Get("from"))
	data.From = max(0, min(data.From, len(rv.Lines)))
	end := min(data.From+paymentPage, len(rv.Lines))
	for _, l := range rv.Lines[data.From:end] {
		data.Lines = append(data.Lines, row(l))
	}
	if end < len(rv.Lines) {
		data.Next = end
	}
	data.CanApprove = pr.Can(auth.PermApprove) && b.Status == payment.BatchDraft && b.CreatedBy != pr.UserID
	data.CanCancel = pr.Can(auth.PermPayment) && (b.Status == payment.BatchDraft || b.Status == payment.BatchApproved)
	data.CanReturn = pr.Can(auth.PermPayment) && b.Status == payment.BatchExported
	if b.Status == payment.BatchApproved || b.Status == payment.BatchExported {
		switch {
		case pr.Can(auth.PermPayment) && pr.Can(auth.PermPII):
			data.CanExport = true
		case pr.Can(auth.PermPayment):
			data.ExportWhy = p.T("payments.export_needs_pii")
		}
	}
	q := r.URL.Query()
	if q.Has("paid") {
		data.Returned = &payReturnSummary{Lines: q.Get("lines"), Paid: q.Get("paid"), Failed: q.Get("failed")}
	}
	if fill != nil {
		fill(&data)
	}
	p.Title, p.Active, p.Data = p.T("payments.batch_title", b.ID), "payments", data
	p.Print = tmpl == "payments_sheet"
	c.render(w, r, status, p)
	return nil
}

// maskedAccount masks an account number whoever reads it.
func maskedAccount(s string) string {
	if s == "" {
		return ""
	}
	return ids.MaskAccount(s)
}

// handleDecideBatch approves a draft batch (checker), or sends it back
// to its maker with the note (退回: outcome reject), by an approver who
// did not make it (the service's rule). A rejection without the note
// comes back to the form (422).
func (c *Console) handleDecideBatch(w http.ResponseWriter, r *http.Request) error {
	id, version, err := batchForm(r)
	if err != nil {
		return err
	}
	switch r.PostFormValue("outcome") {
	case "", "approve":
		_, err = c.app.Payments.ApproveBatch(r.Context(), id, version)
	case "reject":
		_, err = c.app.Payments.RejectBatch(r.Context(), id, version, r.PostFormValue("note"))
	default:
		err = &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"outcome": "approve or reject"}}
	}
	if fault.CodeOf(err) == fault.Invalid {
		fields := faultFieldsIn(langOf(r), err)
		return c.showBatch(w, r, http.StatusUnprocessableEntity, "payments_batch", func(d *batchPage) { d.Problems, d.Note = fields, r.PostFormValue("note") })
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, batchPath(id), http.StatusSeeOther)
	return nil
}

// handleCancelBatch withdraws a batch not yet exported: its instructions
// go back to pending.
func (c *Console) handleCancelBatch(w http.ResponseWriter, r *http.Request) error {
	id, version, err := batchForm(r)
	if err != nil {
		return err
	}
	if _, err := c.app.Payments.CancelBatch(r.Context(), id, version); err != nil {
		return err
	}
	http.Redirect(w, r, batchPath(id), http.StatusSeeOther)
	return nil
}

// batchForm reads a batch form's path id and the version the page showed.
func batchForm(r *http.Request) (payment.BatchID, int64, error) {
	id, err := pathKey(r, "id")
	if err != nil {
		return 0, 0, err
	}
	version, err := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	if err != nil || version <= 0 {
		return 0, 0, &fault.Error{Code: fault.Invalid, Message: "invalid form", Fields: map[string]string{"version": "is required"}}
	}
	return payment.BatchID(id), version, nil
}

// handleExportBatch makes (or makes again) an approved batch's bank file
// and sends it as a download. Only a post that may see full accounts
// exports it; the service audits every download with the file's SHA-256.
func (c *Console) handleExportBatch(w http.ResponseWriter, r *http.Request) error {
	id, version, err := batchForm(r)
	if err != nil {
		return err
	}
	format := r.PostFormValue("format")
	f, err := payment.BankFile(format)
	if err != nil {
		return &fault.Error{Code: fault.Invalid, Message: "invalid export", Fields: map[string]string{"format": translate(langOf(r), "payments.format_bad")}}
	}
	file, b, err := c.app.Payments.ExportBatch(r.Context(), id, version, f)
	if err != nil {
		return err
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="batch-%d.%s"`, b.ID, format))
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(file)
	return nil
}

// handleBatchReturn posts a bank's return file (回盘) of an exported batch
// from a form's upload. A file with a bad row is refused whole and its
// report shown row by row: nothing is written.
func (c *Console) handleBatchReturn(w http.ResponseWriter, r *http.Request) error {
	id, err := pathKey(r, "id")
	if err != nil {
		return err
	}
	l := langOf(r)
	refuse := func(name string, problems []payReturnProblem) error {
		return c.showBatch(w, r, http.StatusUnprocessableEntity, "payments_batch", func(d *batchPage) {
			d.ReturnFile, d.ReturnProblems = name, problems
		})
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return refuse("", []payReturnProblem{{Reason: translate(l, "payments.return_no_file")}})
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, returnFileMax+1))
	if err != nil {
		return err
	}
	if len(data) > returnFileMax {
		return refuse(hdr.Filename, []payReturnProblem{{Reason: translate(l, "payments.return_too_big")}})
	}
	rows, rep, err := exchange.Read(r.Context(), bytes.NewReader(data), hdr.Filename, exchange.BankReturn(), c.app.Clock.Today())
	if err != nil {
		if rep != nil && !rep.OK() {
			var ps []payReturnProblem
			for _, pb := range rep.Problems {
				ps = append(ps, c.fileProblem(l, pb))
			}
			return refuse(hdr.Filename, ps)
		}
		return err
	}
	sum, err := c.app.Payments.PostReturn(r.Context(), payment.BatchID(id), hdr.Filename, data, payment.Returns(rows))
	if fault.CodeOf(err) == fault.Invalid {
		return refuse(hdr.Filename, c.returnProblems(l, faultFields(err)))
	}
	if err != nil {
		return err
	}
	q := url.Values{"lines": {strconv.Itoa(sum.Lines)}, "paid": {strconv.Itoa(sum.Paid)}, "failed": {strconv.Itoa(sum.Failed)}}
	http.Redirect(w, r, batchPath(payment.BatchID(id))+"?"+q.Encode(), http.StatusSeeOther)
	return nil
}

// fileProblem says in words what is wrong with a row of a return file,
// by the rule it breaks.
func (c *Console) fileProblem(l Lang, pb exchange.Problem) payReturnProblem {
	out := payReturnProblem{Column: pb.Header, Value: pb.Value}
	if pb.Line > 0 {
		out.Row = strconv.Itoa(pb.Line)
	}
	if _, ok := messages["payments.rule."+string(pb.Rule)]; ok {
		out.Reason = translate(l, "payments.rule."+string(pb.Rule))
	} else {
		out.Reason = pb.Reason
	}
	return out
}

// returnFieldKey reads the payment service's problem keys: "row 12:
// reference", "row 12: reason", "file".
var returnFieldKey = regexp.MustCompile(`^row (\d+): (\w+)$`)

// returnProblems puts the payment service's problems with a return file
// (a reference not in the batch or returned twice, a failed row without
// the reason, a line of the batch missing) in words, in row order.
func (c *Console) returnProblems(l Lang, fields map[string]string) []payReturnProblem {
	var out []payReturnProblem
	for k, why := range fields {
		pb := payReturnProblem{Reason: why}
		if m := returnFieldKey.FindStringSubmatch(k); m != nil {
			pb.Row = m[1]
			switch {
			case m[2] == "reference" && strings.Contains(why, "is not a line"):
				pb.Column, pb.Reason = translate(l, "payments.reference"), translate(l, "payments.return_unknown_ref")
			case m[2] == "reference" && strings.Contains(why, "returned already"):
				pb.Column, pb.Reason = translate(l, "payments.reference"), translate(l, "payments.return_twice")
			case m[2] == "reason":
				pb.Column, pb.Reason = translate(l, "payments.fail_reason"), translate(l, "payments.return_no_reason")
			}
		} else if k == "file" && strings.Contains(why, "is missing") {
			pb.Reason = translate(l, "payments.return_missing_line")
		}
		out = append(out, pb)
	}
	slices.SortFunc(out, func(a, b payReturnProblem) int {
		x, _ := strconv.Atoi(a.Row)
		y, _ := strconv.Atoi(b.Row)
		return x - y
	})
	return out
}

// paymentMessages are the texts of the payment pages.
var paymentMessages = map[string]msg{
	"payments.title":                 {"支付", "Payments"},
	"payments.month":                 {"月份", "Month"},
	"payments.show":                  {"查看", "Show"},
	"payments.bad_month":             {"月份格式应为 2026-11", "a month is written 2026-11"},
	"payments.bad_filter":            {"筛选条件有误", "Bad filter"},
	"payments.all":                   {"全部", "All"},
	"payments.run":                   {"生成支付指令", "Make the payment instructions"},
	"payments.run_hint":              {"按月生成各基金的支付指令并记账；同一月份再次生成不会重复。无确认银行账户的对象暂缓支付。", "Makes the month's instructions of every fund with their postings; a second run makes nothing. Payees without a confirmed bank account are held."},
	"payments.run_submit":            {"生成", "Run"},
	"payments.run_done":              {"已生成 %s 条支付指令，其中 %s 条因无确认银行账户暂缓支付。", "%s instructions made, %s of them held for want of a confirmed bank account."},
	"payments.totals":                {"支付指令汇总", "Instructions by fund and status"},
	"payments.fund":                  {"基金", "Fund"},
	"payments.count":                 {"笔数", "Count"},
	"payments.balanced":              {"本月指令、银行回盘与基金账务核对一致。", "The month reconciles: instructions, bank returns and the fund ledger agree."},
	"payments.unbalanced":            {"本月账务核对不平，请核查。", "The month does not reconcile: check it."},
	"payments.no_totals":             {"本月尚无支付指令。", "No instructions this month yet."},
	"payments.to_batch":              {"待生成批次", "Batches to make"},
	"payments.to_batch_hint":         {"按基金和银行生成代发批次（制单），由另一名审批人员审核。", "Make a batch per fund and bank (maker); another user approves it."},
	"payments.make_batch":            {"生成批次", "Make the batch"},
	"payments.nothing_to_batch":      {"本月没有待生成批次的支付指令。", "No pending instructions this month."},
	"payments.batches":               {"支付批次", "Payment batches"},
	"payments.batch_title":           {"支付批次 %d", "Payment batch %d"},
	"payments.bank":                  {"银行", "Bank"},
	"payments.region":                {"地区", "Region"},
	"payments.lines":                 {"笔数", "Lines"},
	"payments.total":                 {"金额合计", "Total"},
	"payments.kind":                  {"类型", "Kind"},
	"payments.kind.monthly":          {"月度发放", "Monthly"},
	"payments.kind.one_off":          {"补发/重发", "One-off"},
	"payments.none":                  {"没有符合条件的批次。", "No batch matches."},
	"payments.more":                  {"下一页", "Next page"},
	"payments.batch.draft":           {"待审批", "To approve"},
	"payments.batch.approved":        {"已审批待导出", "Approved, to export"},
	"payments.batch.exported":        {"已导出待回盘", "Exported, awaiting the return"},
	"payments.batch.settled":         {"已回盘", "Settled"},
	"payments.batch.cancelled":       {"已撤销", "Cancelled"},
	"payments.fund.employee_pension": {"企业职工基本养老保险基金", "Employee pension fund"},
	"payments.fund.resident_pension": {"城乡居民基本养老保险基金", "Resident pension fund"},
	"payments.fund.unemployment":     {"失业保险基金", "Unemployment insurance fund"},
	"payments.fund.work_injury":      {"工伤保险基金", "Work-injury insurance fund"},
	"payments.fund.assistance":       {"社会救助资金", "Social assistance funds"},
	"payments.instr.pending":         {"待支付", "Pending"},
	"payments.instr.held":            {"暂缓", "Held"},
	"payments.instr.batched":         {"已入批次", "In a batch"},
	"payments.instr.paid":            {"已支付", "Paid"},
	"payments.instr.failed":          {"支付失败", "Failed"},
	"payments.instr.cancelled":       {"已取消", "Cancelled"},
	"payments.changed_accounts":      {"变更账户", "Changed accounts"},
	"payments.first_payments":        {"首次支付", "First payments"},
	"payments.flag.changed":          {"变更账户", "Account changed"},
	"payments.flag.first":            {"首次支付", "First payment"},
	"payments.changed_hint":          {"收款账户与上次支付不同的明细排在最前，请逐笔核对后再审批。", "Lines paying an account other than the last one paid come first: check each before approving."},
	"payments.line":                  {"序号", "Line"},
	"payments.payee":                 {"收款人", "Payee"},
	"payments.holder":                {"户名", "Holder"},
	"payments.account":               {"账号", "Account"},
	"payments.previous":              {"原账号", "Last paid to"},
	"payments.amount":                {"金额", "Amount"},
	"payments.outcome":               {"回盘结果", "Return"},
	"payments.flags":                 {"提示", "Flags"},
	"payments.made_by":               {"制单人", "Made by"},
	"payments.approved_by":           {"审批人", "Approved by"},
	"payments.colon":                 {"：", ": "},
	"payments.semicolon":             {"；", "; "},
	"payments.sep":                   {"：", ": "},
	"payments.lines_title":           {"支付明细", "Lines"},
	"payments.lines_shown":           {"第 %d 至 %d 笔，共 %d 笔", "Lines %d to %d of %d"},
	"payments.approve":               {"审批通过", "Approve"},
	"payments.approve_hint":          {"审批人不能是制单人。不同意支付的批次填写理由后退回制单人：批次作废，其支付指令回到待支付，原因处理后（如新账户经确认）重新制单。", "The approver is not the maker. A batch not to be paid is sent back to its maker with the reason: the batch ends and its instructions are pending again, to be batched anew once the cause is fixed (a changed account confirmed, say)."},
	"payments.batch.rejected":        {"已退回", "Sent back"},
	"payments.reject_note":           {"审批意见（退回时必填）", "Note (required to send back)"},
	"payments.decide":                {"审批", "Decision"},
	"payments.rejected_by":           {"退回人", "Sent back by"},
	"payments.rejected_note":         {"退回理由：%s", "Sent back because: %s"},
	"payments.cancel":                {"撤销批次", "Cancel the batch"},
	"payments.cancel_hint":           {"撤销后，本批次的支付指令退回待支付。", "Cancelled, the batch's instructions go back to pending."},
	"payments.cancel_confirm":        {"确定撤销本批次吗？", "Cancel this batch?"},
	"payments.export":                {"导出银行代发文件", "Export the bank file"},
	"payments.export_hint":           {"代发文件含完整账号，每次导出均记入审计日志（含文件 SHA-256）。", "The bank file carries full account numbers; every export is audited with the file's SHA-256."},
	"payments.export_needs_pii":      {"代发文件含完整银行账号，只有可查看个人敏感信息的岗位（系统管理员）可以导出。", "The bank file carries full account numbers: only a post that may see personal data (the administrator) exports it."},
	"payments.format":                {"文件格式", "Format"},
	"payments.format_bad":            {"格式应为 CSV 或 XLSX", "must be CSV or XLSX"},
	"payments.export_submit":         {"导出", "Export"},
	"payments.return":                {"上传银行回盘文件", "Upload the bank's return file"},
	"payments.return_hint":           {"CSV 或 XLSX，须包含本批次每一笔的参考号和处理结果；任何一行有误则整个文件不予入账。", "CSV or XLSX with every line's reference and result; a file with any bad row is refused whole."},
	"payments.return_file":           {"回盘文件", "Return file"},
	"payments.return_submit":         {"上传并入账", "Upload and post"},
	"payments.return_done":           {"回盘已入账：共 %s 笔，成功 %s 笔，失败 %s 笔。", "Return posted: %s lines, %s paid, %s failed."},
	"payments.return_refused":        {"回盘文件 %s 未入账，请修改以下各行后重新上传：", "The return file %s was not posted; correct these rows and upload it again:"},
	"payments.return_no_file":        {"请选择回盘文件", "choose the return file"},
	"payments.return_too_big":        {"文件过大", "the file is too large"},
	"payments.return_unknown_ref":    {"参考号不属于本批次", "the reference is not a line of this batch"},
	"payments.return_twice":          {"参考号重复出现", "the reference is returned twice"},
	"payments.return_no_reason":      {"失败的明细须注明银行退回原因", "a failed line gives the bank's reason"},
	"payments.return_missing_line":   {"文件缺少本批次的明细：银行须回盘每一笔", "a line of the batch is missing: the bank returns every line"},
	"payments.row":                   {"行号", "Row"},
	"payments.column":                {"列", "Column"},
	"payments.value":                 {"内容", "Value"},
	"payments.problem":               {"问题", "Problem"},
	"payments.reference":             {"参考号", "Reference"},
	"payments.fail_reason":           {"失败原因", "Reason"},
	"payments.sheet":                 {"打印批次审批单", "Print the approval sheet"},
	"payments.sheet_title":           {"支付批次审批单", "Payment batch approval sheet"},
	"payments.sheet_flagged":         {"需重点核对的明细（变更账户、首次支付）", "Lines to check (changed accounts, first payments)"},
	"payments.sheet_no_flagged":      {"本批次没有变更账户或首次支付的明细。", "No line of this batch pays a changed account or a first payment."},
	"payments.sign.maker":            {"制单人签字", "Maker"},
	"payments.sign.checker":          {"审批人签字", "Approver"},
	"payments.sign.head":             {"负责人签字", "Head of unit"},
	"payments.sign.date":             {"日期", "Date"},
	"payments.printed_on":            {"打印日期", "Printed on"},
	"payments.period":                {"支付月份", "Month paid"},
	"payments.outcome.paid":          {"成功", "Paid"},
	"payments.outcome.failed":        {"失败", "Failed"},
	"payments.accounts_title":        {"待确认的银行账户", "Bank accounts to confirm"},
	"payments.accounts_hint":         {"经办人员登记或变更的银行账户，须由另一名审批人员确认后方可支付。请核对户名与证件，留意近期身份变更。", "An account a caseworker records or changes is paid only once another user confirms it. Check the holder, and any recent identity change."},
	"payments.owner":                 {"账户所属人", "Owner"},
	"payments.requested_by":          {"登记人", "Requested by"},
	"payments.requested_at":          {"登记时间", "Requested at"},
	"payments.flag.primary":          {"设为发放账户", "To be the paying account"},
	"payments.flag.agent":            {"代领人账户", "A payee agent's account"},
	"payments.flag.identity":         {"近期身份信息变更", "Recent identity change"},
	"payments.confirm":               {"确认", "Confirm"},
	"payments.reject":                {"退回", "Reject"},
	"payments.note":                  {"意见", "Note"},
	"payments.note_needed":           {"退回须填写理由", "a rejection gives the reason"},
	"payments.outcome_bad":           {"请选择确认或退回", "choose confirm or reject"},
	"payments.no_accounts":           {"没有待确认的银行账户。", "No bank account waits for confirmation."},
	"payments.problem_intro":         {"请按提示修改：", "Please correct:"},
	"payments.rule.format":           {"不是可读取的 CSV 或 XLSX 文件", "not a readable CSV or XLSX file"},
	"payments.rule.encoding":         {"文件编码无法识别", "unreadable encoding"},
	"payments.rule.no_header":        {"找不到表头（参考号、处理结果等列）", "no header with the known columns"},
	"payments.rule.missing_column":   {"缺少必需的列", "a required column is missing"},
	"payments.rule.duplicate_column": {"重复的列", "a column given twice"},
	"payments.rule.too_many_rows":    {"行数过多", "too many rows"},
	"payments.rule.field_count":      {"列数与表头不一致", "not as many fields as the header"},
	"payments.rule.empty_line":       {"数据之间有空行", "an empty line between rows"},
	"payments.rule.duplicate_key":    {"参考号重复", "the reference appears twice"},
	"payments.rule.inconsistent":     {"内容前后矛盾（如失败但无原因）", "values that do not fit together"},
	"payments.rule.required":         {"必填项为空", "a required value is empty"},
	"payments.rule.invalid":          {"格式不正确", "not a valid value"},
	"payments.rule.not_in_list":      {"不是可识别的处理结果（成功、失败、退回等）", "not a known result (成功, 失败, …)"},
	"payments.rule.too_long":         {"内容过长", "too long"},
	"payments.rule.negative":         {"金额不能为负", "a negative amount"},
	"payments.rule.control_char":     {"含有控制字符", "a control character"},
}
