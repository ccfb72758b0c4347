package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strconv"

	"safetynet/internal/exchange"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/money"
	"safetynet/internal/payment"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// paymentRoutes are the routes of payment instructions, batches, bank
// files, returns, the ledger and the reports.
func (s *server) paymentRoutes() []route {
	type (
		instructionList = listResponse[instructionResponse]
		batchList       = listResponse[batchResponse]
		bankList        = listResponse[bankTotalResponse]
	)
	return []route{
		{method: "POST", path: "/api/v1/payment-runs", op: "runPayments", handler: s.handleGenerate, tag: "payments",
			summary: "Make the month's payment instructions of every fund, with their ledger postings; a second run makes nothing",
			body:    runRequest{}, status: http.StatusOK, resp: generateResponse{}},
		{method: "GET", path: "/api/v1/payment-instructions", op: "listPaymentInstructions", handler: s.handleListInstructions, tag: "payments",
			summary: "List payment instructions in your scope", params: instructionListParams{}, status: http.StatusOK, resp: instructionList{}},
		{method: "POST", path: "/api/v1/payment-instructions/retries", op: "retryPaymentInstructions", handler: s.handleRetry, tag: "payments",
			summary: "Put failed instructions back for the next batch", body: instructionsRequest{}, status: http.StatusOK, resp: changedResponse{}},
		{method: "POST", path: "/api/v1/payment-instructions/holds", op: "holdPaymentInstructions", handler: s.handleHold, tag: "payments",
			summary: "Hold pending or failed instructions, with the reason", body: instructionsRequest{}, status: http.StatusOK, resp: changedResponse{}},
		{method: "POST", path: "/api/v1/payment-instructions/releases", op: "releasePaymentInstructions", handler: s.handleRelease, tag: "payments",
			summary: "Release held instructions (those without a confirmed bank account stay held)", body: instructionsRequest{}, status: http.StatusOK, resp: changedResponse{}},
		{method: "GET", path: "/api/v1/payment-banks", op: "listPaymentBanks", handler: s.handlePendingBanks, tag: "payments",
			summary: "The banks with pending instructions of a fund: the batches to make", params: pendingBanksParams{}, status: http.StatusOK, resp: bankList{}},
		{method: "GET", path: "/api/v1/payment-batches", op: "listPaymentBatches", handler: s.handleListBatches, tag: "payments",
			summary: "List payment batches, newest first", params: batchListParams{}, status: http.StatusOK, resp: batchList{}},
		{method: "POST", path: "/api/v1/payment-batches", op: "createPaymentBatch", handler: s.handleCreateBatch, tag: "payments",
			summary: "Make a batch of a fund's pending instructions at one bank (maker); another user approves it",
			body:    batchRequest{}, status: http.StatusCreated, resp: batchResponse{}},
		{method: "GET", path: "/api/v1/payment-batches/{id}", op: "getPaymentBatch", handler: s.handleGetBatch, tag: "payments",
			summary: "Read a batch with its lines", params: idParams{}, status: http.StatusOK, resp: batchResponse{}},
		{method: "POST", path: "/api/v1/payment-batches/{id}/decision", op: "decidePaymentBatch", handler: s.handleDecideBatch, tag: "payments",
			summary: "Approve a batch (checker), or reject it with the reason in note: sent back to its maker (status rejected), its instructions pending again to be batched anew; by an approver who did not make it (its maker withdraws it by cancellation)", params: idParams{}, body: decisionRequest{}, status: http.StatusOK, resp: batchResponse{}},
		{method: "POST", path: "/api/v1/payment-batches/{id}/cancellation", op: "cancelPaymentBatch", handler: s.handleCancelBatch, tag: "payments",
			summary: "Withdraw a batch not yet exported: its instructions go back to pending", params: idParams{}, body: caseActionRequest{}, status: http.StatusOK, resp: batchResponse{}},
		{method: "POST", path: "/api/v1/payment-batches/{id}/export", op: "exportPaymentBatch", handler: s.handleExportBatch, tag: "payments",
			summary: "Make an approved batch's bank file (CSV or XLSX) and record the money sent to the bank; again, the same file. Only a role that may see full accounts (pii.view); every export and download is audited with the file's SHA-256",
			params:  idParams{}, body: exportRequest{}, status: http.StatusOK, contentType: "text/csv"},
		{method: "POST", path: "/api/v1/payment-batches/{id}/returns", op: "recordPaymentReturns", handler: s.handleReturn, tag: "payments",
			summary: "Post the bank's return file (回盘): every line paid or failed; a bad file is refused whole, each bad row named",
			params:  idParams{}, body: returnRequest{}, status: http.StatusOK, resp: returnResponse{}},
		{method: "GET", path: "/api/v1/reports/reconciliation", op: "getReconciliationReport", handler: s.handleReconcile, tag: "payments",
			summary: "Reconcile instructions, bank returns and the fund ledger, fund by fund, to the fen", params: reportParams{}, status: http.StatusOK, resp: reconciliationReport{}},
		{method: "GET", path: "/api/v1/reports/payments", op: "getPaymentsReport", handler: s.handlePaidReport, tag: "payments",
			summary: "Amounts paid by programme, county and month", params: reportParams{}, status: http.StatusOK, resp: paidReport{}},
	}
}

type generateResponse struct {
	Period string           `json:"period"`
	Region string           `json:"region"`
	Made   int              `json:"made"`
	Held   int              `json:"held" description:"held for want of a bank account"`
	Amount int64            `json:"amount"`
	ByFund map[string]int64 `json:"by_fund" required:"true" nullable:"false"`
}

func (s *server) handleGenerate(w http.ResponseWriter, r *http.Request) error {
	m, code, err := decodeRun(r, "invalid payment run")
	if err != nil {
		return err
	}
	sum, err := s.pay.Generate(r.Context(), m, code)
	if err != nil {
		return err
	}
	out := generateResponse{Period: sum.Period.String(), Region: string(sum.Region), Made: sum.Created, Held: sum.Held, Amount: int64(sum.Amount), ByFund: map[string]int64{}}
	for f, a := range sum.ByFund {
		out.ByFund[string(f)] = int64(a)
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

type instructionResponse struct {
	ID         int64  `json:"id"`
	Source     string `json:"source" enum:"pension,benefit,assistance,refund"`
	SourceRef  int64  `json:"source_ref" description:"the award, claim, injury or refund paid"`
	Period     string `json:"period"`
	Line       string `json:"line,omitempty"`
	Fund       string `json:"fund"`
	Programme  string `json:"programme"`
	PayeeKind  string `json:"payee_kind"`
	PayeeID    int64  `json:"payee_id"`
	RegionCode string `json:"region_code"`
	Amount     int64  `json:"amount"`
	Status     string `json:"status" enum:"pending,held,batched,paid,failed,cancelled"`
	HoldReason string `json:"hold_reason,omitempty"`
	BatchID    int64  `json:"batch_id,omitempty"`
	Attempts   int    `json:"attempts"`
	FailReason string `json:"fail_reason,omitempty"`
}

func instructionOf(in *payment.Instruction) instructionResponse {
	return instructionResponse{ID: int64(in.ID), Source: string(in.Source), SourceRef: in.SourceRef, Period: in.Period.String(), Line: in.Line,
		Fund: string(in.Fund), Programme: in.Programme, PayeeKind: in.PayeeKind, PayeeID: in.PayeeID, RegionCode: string(in.RegionCode),
		Amount: int64(in.Amount), Status: string(in.Status), HoldReason: in.HoldReason, BatchID: int64(in.BatchID), Attempts: in.Attempts, FailReason: in.FailReason}
}

type instructionListParams struct {
	Region  region.Code     `query:"region"`
	Period  period.Month    `query:"period"`
	Fund    string          `query:"fund"`
	Status  string          `query:"status" enum:"pending,held,batched,paid,failed,cancelled"`
	BatchID payment.BatchID `query:"batch_id"`
	PayeeID int64           `query:"payee_id"`
	pageParams
}

func (s *server) handleListInstructions(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[instructionListParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	f := payment.InstructionFilter{Region: p.Region, Period: p.Period, Fund: payment.Fund(p.Fund),
		Status: payment.Status(p.Status), BatchID: p.BatchID, PayeeID: p.PayeeID, After: page.After, Limit: page.Limit}
	is, err := s.pay.Instructions(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(is, f.Limit, func(in *payment.Instruction) int64 { return int64(in.ID) }, instructionOf))
	return nil
}

type instructionsRequest struct {
	IDs    []int64 `json:"ids" required:"true" minItems:"1" maxItems:"10000"`
	Reason string  `json:"reason,omitempty" description:"required to hold"`
}

type changedResponse struct {
	Changed int `json:"changed"`
}

func (s *server) instructionsAction(w http.ResponseWriter, r *http.Request, do func(ids []payment.InstructionID, reason string) (int, error)) error {
	req, err := decode[instructionsRequest](r)
	if err != nil {
		return err
	}
	if len(req.IDs) == 0 || len(req.IDs) > 10_000 {
		return &fault.Error{Code: fault.Invalid, Message: "invalid request", Fields: map[string]string{"ids": "give 1 to 10,000 instruction ids"}}
	}
	ids := make([]payment.InstructionID, len(req.IDs))
	for i, id := range req.IDs {
		ids[i] = payment.InstructionID(id)
	}
	n, err := do(ids, req.Reason)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, changedResponse{Changed: n})
	return nil
}

func (s *server) handleRetry(w http.ResponseWriter, r *http.Request) error {
	return s.instructionsAction(w, r, func(ids []payment.InstructionID, _ string) (int, error) { return s.pay.Retry(r.Context(), ids) })
}

func (s *server) handleHold(w http.ResponseWriter, r *http.Request) error {
	return s.instructionsAction(w, r, func(ids []payment.InstructionID, reason string) (int, error) {
		return s.pay.Hold(r.Context(), ids, reason)
	})
}

func (s *server) handleRelease(w http.ResponseWriter, r *http.Request) error {
	return s.instructionsAction(w, r, func(ids []payment.InstructionID, _ string) (int, error) { return s.pay.Release(r.Context(), ids) })
}

type pendingBanksParams struct {
	Fund   string       `query:"fund" required:"true"`
	Period period.Month `query:"period" required:"true"`
	All    bool         `query:"all" description:"all months up to period (retries and late payments)"`
	Region region.Code  `query:"region"`
	pageParams
}

type bankTotalResponse struct {
	BankCode string `json:"bank_code"`
	Count    int    `json:"count"`
	Amount   int64  `json:"amount"`
}

func (s *server) handlePendingBanks(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[pendingBanksParams](r)
	if err != nil {
		return err
	}
	fund, m, all, code := payment.Fund(p.Fund), p.Period, p.All, p.Region
	page := p.page()
	if !fund.Valid() {
		return queryProblem("fund", "%q is not a fund", fund)
	}
	bs, err := s.pay.PendingBanks(r.Context(), fund, m, all, code)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, wholePage(bs, page, func(b payment.BankTotal) bankTotalResponse {
		return bankTotalResponse{BankCode: b.BankCode, Count: b.Count, Amount: int64(b.Amount)}
	}))
	return nil
}

type batchRequest struct {
	Fund     string `json:"fund" required:"true" enum:"employee_pension,resident_pension,unemployment,work_injury,assistance"`
	BankCode string `json:"bank_code" required:"true" example:"ICBC"`
	Period   string `json:"period" required:"true" example:"2025-07"`
	Kind     string `json:"kind,omitempty" enum:"monthly,one_off" description:"default monthly; one_off takes the pending of every month up to period"`
	Region   string `json:"region,omitempty"`
}

type batchLineResponse struct {
	Line          int    `json:"line"`
	InstructionID int64  `json:"instruction_id"`
	Attempt       int    `json:"attempt"`
	Reference     string `json:"reference"`
	Amount        int64  `json:"amount"`
	Outcome       string `json:"outcome,omitempty"`
	Reason        string `json:"reason,omitempty"`
	// What the approver checks: who is paid, into which account, at
	// which bank. The account numbers are masked for everyone here; the
	// bank file alone carries them in full.
	PayeeKind    string `json:"payee_kind" enum:"person,organisation"`
	PayeeID      int64  `json:"payee_id"`
	PayeeName    string `json:"payee_name" description:"the registered name of the payee"`
	AccountName  string `json:"account_name" description:"the holder of the account paid"`
	AccountNo    string `json:"account_no" example:"6222************1234" description:"masked"`
	BankCode     string `json:"bank_code"`
	BankName     string `json:"bank_name"`
	PreviousNo   string `json:"previous_account_no,omitempty" description:"the account the payee was last paid to, masked; only when it differs"`
	Changed      bool   `json:"account_changed" description:"the account differs from the one the payee was last paid to; these lines come first"`
	FirstPayment bool   `json:"first_payment" description:"the payee was never paid before"`
}

type batchResponse struct {
	ID         int64               `json:"id"`
	Fund       string              `json:"fund"`
	BankCode   string              `json:"bank_code"`
	Period     string              `json:"period"`
	Kind       string              `json:"kind"`
	RegionCode string              `json:"region_code"`
	Status     string              `json:"status" enum:"draft,approved,exported,settled,cancelled,rejected"`
	Lines      int                 `json:"lines"`
	Total      int64               `json:"total"`
	CreatedBy  int64               `json:"created_by"`
	ApprovedBy int64               `json:"approved_by,omitempty"`
	FileSHA256 string              `json:"file_sha256,omitempty"`
	Version    int64               `json:"version"`
	RejectedBy int64               `json:"rejected_by,omitempty" description:"the approver who sent the batch back (status rejected)"`
	RejectNote string              `json:"reject_note,omitempty" description:"why the batch was sent back"`
	BatchLines []batchLineResponse `json:"batch_lines,omitempty" description:"in single reads: the lines whose account changed first, then in file order"`
	// ChangedAccounts and FirstPayments count the lines so flagged, in
	// single reads.
	ChangedAccounts *int `json:"changed_accounts,omitempty" description:"in single reads: lines paying an account other than the one the payee was last paid to"`
	FirstPayments   *int `json:"first_payments,omitempty" description:"in single reads: lines of payees never paid before"`
}

func batchOf(b *payment.Batch) batchResponse {
	return batchResponse{ID: int64(b.ID), Fund: string(b.Fund), BankCode: b.BankCode, Period: b.Period.String(), Kind: b.Kind, RegionCode: string(b.RegionCode),
		Status: string(b.Status), Lines: b.Lines, Total: int64(b.Total), CreatedBy: b.CreatedBy, ApprovedBy: b.ApprovedBy, FileSHA256: b.FileSHA256, Version: b.Version,
		RejectedBy: b.RejectedBy, RejectNote: b.RejectNote}
}

type batchListParams struct {
	Region region.Code  `query:"region" description:"the batches made for this region's subtree; default your scope"`
	Period period.Month `query:"period"`
	Fund   string       `query:"fund" enum:"employee_pension,resident_pension,unemployment,work_injury,assistance"`
	Status string       `query:"status" enum:"draft,approved,exported,settled,cancelled,rejected"`
	// The list is newest first: next_after is the smallest id of a page.
	pageParams
}

func (s *server) handleListBatches(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[batchListParams](r)
	if err != nil {
		return err
	}
	page := p.page()
	f := payment.BatchFilter{Region: p.Region, Period: p.Period, Fund: payment.Fund(p.Fund),
		Status: payment.BatchStatus(p.Status), After: page.After, Limit: page.Limit}
	if f.Fund != "" && !f.Fund.Valid() {
		return queryProblem("fund", "%q is not a fund", f.Fund)
	}
	switch f.Status {
	case "", payment.BatchDraft, payment.BatchApproved, payment.BatchExported, payment.BatchSettled, payment.BatchCancelled, payment.BatchRejected:
	default:
		return queryProblem("status", "%q is not draft, approved, exported, settled, cancelled or rejected", f.Status)
	}
	bs, err := s.pay.Batches(r.Context(), f)
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, newList(bs, f.Limit, func(b *payment.Batch) int64 { return int64(b.ID) }, batchOf))
	return nil
}

func (s *server) handleCreateBatch(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[batchRequest](r)
	if err != nil {
		return err
	}
	var pr fault.Problems
	m := periodField(&pr, "period", req.Period)
	code := regionField(&pr, "region", req.Region)
	if err := pr.Err("invalid batch"); err != nil {
		return err
	}
	kind := req.Kind
	if kind == "" {
		kind = "monthly"
	}
	b, err := s.pay.CreateBatch(r.Context(), payment.Fund(req.Fund), req.BankCode, m, kind, code)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/payment-batches/"+strconv.FormatInt(int64(b.ID), 10))
	reply(w, r, http.StatusCreated, batchOf(b))
	return nil
}

func (s *server) replyBatch(w http.ResponseWriter, r *http.Request, id payment.BatchID) error {
	rv, err := s.pay.ReviewBatch(r.Context(), id)
	if err != nil {
		return err
	}
	out := batchOf(rv.Batch)
	out.ChangedAccounts, out.FirstPayments = &rv.Changed, &rv.FirstPayments
	for _, l := range rv.Lines {
		bl := batchLineResponse{Line: l.Line, InstructionID: int64(l.InstructionID), Attempt: l.Attempt,
			Reference: l.Reference, Amount: int64(l.Amount), Outcome: string(l.Outcome), Reason: l.Reason,
			PayeeKind: l.PayeeKind, PayeeID: l.PayeeID, PayeeName: l.PayeeName, AccountName: l.AccountName, AccountNo: maskAccount(l.AccountNo),
			BankCode: l.BankCode, BankName: l.BankName, Changed: l.AccountChanged, FirstPayment: l.FirstPayment}
		if l.AccountChanged {
			bl.PreviousNo = maskAccount(l.LastPaidAccount)
		}
		out.BatchLines = append(out.BatchLines, bl)
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// maskAccount masks an account number whoever reads it.
func maskAccount(s string) string {
	if s == "" {
		return ""
	}
	return ids.MaskAccount(s)
}

func (s *server) handleGetBatch(w http.ResponseWriter, r *http.Request) error {
	p, err := bind[idParams](r)
	if err != nil {
		return err
	}
	return s.replyBatch(w, r, payment.BatchID(p.ID))
}

func (s *server) batchAction(w http.ResponseWriter, r *http.Request, do func(id payment.BatchID, version int64) error) error {
	id, _, version, err := versionedID[payment.BatchID, caseActionRequest](r, "invalid request", nil)
	if err != nil {
		return err
	}
	if err := do(id, version); err != nil {
		return err
	}
	return s.replyBatch(w, r, id)
}

// handleDecideBatch serves POST /api/v1/payment-batches/{id}/decision:
// the approval, or the rejection with its note (退回), by a checker.
func (s *server) handleDecideBatch(w http.ResponseWriter, r *http.Request) error {
	p, req, approve, err := bindDecision(r, true)
	if err != nil {
		return err
	}
	if approve {
		_, err = s.pay.ApproveBatch(r.Context(), payment.BatchID(p.ID), *req.Version)
	} else {
		_, err = s.pay.RejectBatch(r.Context(), payment.BatchID(p.ID), *req.Version, req.Note)
	}
	if err != nil {
		return err
	}
	return s.replyBatch(w, r, payment.BatchID(p.ID))
}

func (s *server) handleCancelBatch(w http.ResponseWriter, r *http.Request) error {
	return s.batchAction(w, r, func(id payment.BatchID, v int64) error { _, err := s.pay.CancelBatch(r.Context(), id, v); return err })
}

type exportRequest struct {
	Version *int64 `json:"version,omitempty" description:"required for the first export"`
	Format  string `json:"format,omitempty" enum:"csv,xlsx" description:"default csv"`
}

func (s *server) handleExportBatch(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[idParams, exportRequest](r)
	if err != nil {
		return err
	}
	format := req.Format
	if format == "" {
		format = "csv"
	}
	f, err := payment.BankFile(format)
	if err != nil {
		return &fault.Error{Code: fault.Invalid, Message: "invalid export", Fields: map[string]string{"format": "must be csv or xlsx"}}
	}
	var version int64
	if req.Version != nil {
		version = *req.Version
	}
	file, b, err := s.pay.ExportBatch(r.Context(), payment.BatchID(p.ID), version, f)
	if err != nil {
		return err
	}
	name := "batch-" + strconv.FormatInt(int64(b.ID), 10) + "." + format
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = xlsxMediaType
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	sum := sha256.Sum256(file)
	w.Header().Set("X-File-SHA256", hex.EncodeToString(sum[:]))
	w.WriteHeader(http.StatusOK)
	w.Write(file)
	return nil
}

type returnRequest struct {
	FileName string `json:"file_name" required:"true" example:"return-12.csv" description:".csv or .xlsx"`
	// File is the return file, base64.
	File string `json:"file" required:"true" contentEncoding:"base64"`
}

type returnResponse struct {
	BatchID int64 `json:"batch_id"`
	Lines   int   `json:"lines"`
	Paid    int   `json:"paid"`
	Failed  int   `json:"failed"`
	PaidSum int64 `json:"paid_amount"`
	Resumed bool  `json:"resumed" description:"the file was recorded before and this posting finished it"`
	Posted  bool  `json:"posted" description:"the batch was settled by this very file before: nothing changed"`
}

func (s *server) handleReturn(w http.ResponseWriter, r *http.Request) error {
	p, req, err := bindBody[idParams, returnRequest](r)
	if err != nil {
		return err
	}
	data, err := base64.StdEncoding.DecodeString(req.File)
	if err != nil {
		return &fault.Error{Code: fault.Invalid, Message: "invalid return file", Fields: map[string]string{"file": "is not base64"}}
	}
	rows, rep, err := exchange.Read(r.Context(), bytes.NewReader(data), req.FileName, exchange.BankReturn(), s.today())
	if err != nil {
		if rep != nil && !rep.OK() {
			return rep.Err()
		}
		return err
	}
	sum, err := s.pay.PostReturn(r.Context(), payment.BatchID(p.ID), req.FileName, data, payment.Returns(rows))
	if err != nil {
		return err
	}
	reply(w, r, http.StatusOK, returnResponse{BatchID: int64(sum.BatchID), Lines: sum.Lines, Paid: sum.Paid, Failed: sum.Failed,
		PaidSum: int64(sum.PaidSum), Resumed: sum.Resumed, Posted: sum.Posted})
	return nil
}

// checkResponse is one check of the reconciliation in a month.
type checkResponse struct {
	Period     string `json:"period" example:"2025-03" description:"the month reconciled, YYYY-MM"`
	Fund       string `json:"fund,omitempty" description:"the fund checked; empty for a check over every fund"`
	Name       string `json:"name" description:"what is compared with what"`
	Expected   int64  `json:"expected" description:"what the instructions say, fen"`
	Actual     int64  `json:"actual" description:"what the bank returns or the ledger say, fen"`
	Difference int64  `json:"difference" description:"actual minus expected, fen; 0 when balanced"`
}

// reconciliationTotals says whether every month reconciled balanced.
type reconciliationTotals struct {
	Balanced bool `json:"balanced" description:"every check of every month has no difference"`
}

// reconciliationReport is the body of GET /api/v1/reports/reconciliation.
type reconciliationReport = reportResponse[checkResponse, reconciliationTotals]

func (s *server) handleReconcile(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readReportPeriod(r)
	if err != nil {
		return err
	}
	out := newReport[checkResponse, reconciliationTotals]("reconciliation", p)
	out.Totals.Balanced = true
	for _, m := range p.months() {
		rec, err := s.pay.Reconcile(r.Context(), m, p.Region)
		if err != nil {
			return err
		}
		out.Totals.Balanced = out.Totals.Balanced && rec.Balanced
		for _, c := range rec.Checks {
			out.Rows = append(out.Rows, checkResponse{Period: m.String(), Fund: string(c.Fund), Name: c.Name,
				Expected: int64(c.Expected), Actual: int64(c.Actual), Difference: int64(c.Difference)})
		}
	}
	reply(w, r, http.StatusOK, out)
	return nil
}

// paidRowResponse is what was paid of a programme in a county and month.
type paidRowResponse struct {
	Period    string `json:"period" description:"the month paid for, YYYY-MM"`
	Fund      string `json:"fund" description:"the fund that paid"`
	Programme string `json:"programme"`
	County    string `json:"county" description:"county division code"`
	Payments  int    `json:"payments" description:"instructions paid"`
	Amount    int64  `json:"amount" description:"paid, fen"`
}

// paidTotals adds up the paid report's rows.
type paidTotals struct {
	Payments int   `json:"payments" description:"instructions paid in the range"`
	Amount   int64 `json:"amount" description:"paid in the range, fen"`
}

// paidReport is the body of GET /api/v1/reports/payments.
type paidReport = reportResponse[paidRowResponse, paidTotals]

func (s *server) handlePaidReport(w http.ResponseWriter, r *http.Request) error {
	p, err := s.readReportPeriod(r)
	if err != nil {
		return err
	}
	rows, err := s.pay.PaidReport(r.Context(), p.From, p.To, p.Region)
	if err != nil {
		return err
	}
	out := newReport[paidRowResponse, paidTotals]("payments", p)
	var total money.Fen
	for _, row := range rows {
		out.Rows = append(out.Rows, paidRowResponse{Period: row.Period.String(), Fund: string(row.Fund), Programme: row.Programme,
			County: string(row.County), Payments: row.Payments, Amount: int64(row.Amount)})
		out.Totals.Payments += row.Payments
		if total, err = money.Add(total, row.Amount); err != nil {
			return err
		}
	}
	out.Totals.Amount = int64(total)
	reply(w, r, http.StatusOK, out)
	return nil
}
