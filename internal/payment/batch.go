package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// BatchID is a batch's surrogate key.
type BatchID int64

// BatchStatus is where a batch stands.
type BatchStatus string

// The batch statuses.
const (
	BatchDraft     BatchStatus = "draft"     // made, waiting for approval
	BatchApproved  BatchStatus = "approved"  // approved by a second user, to export
	BatchExported  BatchStatus = "exported"  // the bank file was made and the money sent to the bank
	BatchSettled   BatchStatus = "settled"   // every line returned paid or failed
	BatchCancelled BatchStatus = "cancelled" // withdrawn before export
	// BatchRejected is a batch an approver sent back to its maker (退回)
	// with the reason: its instructions are pending again.
	BatchRejected BatchStatus = "rejected"
)

// Batch is a set of instructions of one fund paid through one bank (支付批次).
type Batch struct {
	ID          BatchID      `json:"id"`
	Fund        Fund         `json:"fund"`
	BankCode    string       `json:"bank_code"`
	Period      period.Month `json:"period"`
	Kind        string       `json:"kind"` // monthly | one_off
	RegionCode  region.Code  `json:"region_code"`
	Status      BatchStatus  `json:"status"`
	Lines       int          `json:"lines"`
	Total       money.Fen    `json:"total"`
	CreatedBy   int64        `json:"created_by"`
	CreatedName string       `json:"created_name"`
	CreatedAt   time.Time    `json:"created_at"`
	ApprovedBy  int64        `json:"approved_by,omitempty"`
	ApprovedAt  time.Time    `json:"approved_at,omitzero"`
	ExportedAt  time.Time    `json:"exported_at,omitzero"`
	FileSHA256  string       `json:"file_sha256,omitempty"`
	Version     int64        `json:"version"`
	// RejectedBy, RejectedAt and RejectNote are the approver who sent the
	// batch back (BatchRejected), when and why.
	RejectedBy int64     `json:"rejected_by,omitempty"`
	RejectedAt time.Time `json:"rejected_at,omitzero"`
	RejectNote string    `json:"reject_note,omitempty"`
}

// BatchLine is one line of a batch's bank file: the instruction it pays, at
// which attempt, under which reference, and what the bank returned.
type BatchLine struct {
	BatchID       BatchID       `json:"batch_id"`
	Line          int           `json:"line"`
	InstructionID InstructionID `json:"instruction_id"`
	Attempt       int           `json:"attempt"`
	Reference     string        `json:"reference"`
	Amount        money.Fen     `json:"amount"`
	// Outcome is what the bank returned, Paid or Failed; empty before.
	Outcome Status `json:"outcome,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Period, RegionCode and Fund are the instruction's.
	Period     period.Month `json:"period"`
	RegionCode region.Code  `json:"region_code"`
	Fund       Fund         `json:"fund"`
	// For the bank file: the payee's account, read when the file is made.
	AccountNo   string `json:"-"`
	AccountName string `json:"-"`
	BankName    string `json:"-"`
	// For the approver's review (ReviewBatch only): the payee, the bank,
	// and the account the payee was last paid to ("" when never paid).
	PayeeKind       string `json:"payee_kind,omitempty"`
	PayeeID         int64  `json:"payee_id,omitempty"`
	PayeeName       string `json:"payee_name,omitempty"`
	BankCode        string `json:"bank_code,omitempty"`
	LastPaidAccount string `json:"-"`
	AccountChanged  bool   `json:"account_changed,omitempty"`
	FirstPayment    bool   `json:"first_payment,omitempty"`
}

// Review is what an approver reads before approving a batch: its lines
// with each payee's name, account and bank, the lines paying an account
// other than the one the payee was last paid to first.
type Review struct {
	Batch *Batch
	Lines []BatchLine
	// Changed counts the lines whose account differs from the one the
	// payee was last paid to; FirstPayments the lines of payees never
	// paid before.
	Changed       int
	FirstPayments int
}

// Return is one line of a bank's return file (回盘): a reference and
// whether it was paid, with the reason when not.
type Return struct {
	Row       int
	Reference string
	Paid      bool
	Reason    string
}

// BatchStore keeps batches, their lines, bank returns, ledger and
// notices.
type BatchStore interface {
	// CreateBatch takes the pending instructions of the fund, month, bank
	// and region (one_off: of any month up to the batch's) into a new
	// batch, in instruction order, with its lines; Invalid when there are
	// none.
	CreateBatch(ctx context.Context, b *Batch) error
	// PendingBanks lists the banks of the pending instructions of a fund
	// for month m (all months up to m with all), in the region subtree,
	// with their counts and amounts.
	PendingBanks(ctx context.Context, fund Fund, m period.Month, all bool, code region.Code) ([]BankTotal, error)
	// Batch returns a batch.
	Batch(ctx context.Context, id BatchID) (*Batch, error)
	// Batches lists the batches matching f, newest first: those of a key
	// below f.After when it is set, at most f.Limit.
	Batches(ctx context.Context, f BatchFilter) ([]*Batch, error)
	// UpdateBatch stores b's status and approval if its version is
	// current; with entries, posts them in the same transaction.
	UpdateBatch(ctx context.Context, b *Batch, action string, entries []Entry) error
	// BatchLines returns a batch's lines in file order, with the payees'
	// accounts.
	BatchLines(ctx context.Context, id BatchID) ([]BatchLine, error)
	// ReviewLines returns a batch's lines in file order, each with its
	// payee's name, bank and account, and the account of the payee's last
	// paid instruction before it.
	ReviewLines(ctx context.Context, id BatchID) ([]BatchLine, error)
	// RecordDownload audits a download again of an exported batch's bank
	// file, with the SHA-256 of the file served.
	RecordDownload(ctx context.Context, b *Batch, sha string) error
	// StartReturn records a bank return file of a batch; Conflict when the
	// same file was recorded before with every line posted. It returns
	// the file's ID, reusing it when the file was recorded but not
	// wholly posted.
	StartReturn(ctx context.Context, batch BatchID, name, sha string, lines, paid, failed int) (int64, bool, error)
	// PostReturns posts one chunk of a return file: each line's outcome,
	// its instruction paid or failed, and the chunk's journal; lines
	// posted before are skipped. With last, the batch is settled.
	// ReturnPosted says whether the return file of this SHA-256 was
	// recorded for the batch.
	ReturnPosted(ctx context.Context, batch BatchID, sha string) (bool, error)
	PostReturns(ctx context.Context, batch BatchID, rs []Return, journal string, last bool) error
	// SetInstructions changes the status of instructions (retry, hold,
	// release, cancel) if they are in one of from, with one audit event;
	// it returns how many changed. An instruction outside the region
	// subtree scope is Forbidden, and then nothing changes.
	SetInstructions(ctx context.Context, ids []InstructionID, from []Status, to Status, reason string, scope region.Code) (int, error)
	// Instructions lists instructions matching f, by key.
	Instructions(ctx context.Context, f InstructionFilter) ([]*Instruction, error)
	// Ledger sums the ledger per fund and account, for the entries of
	// month m (all months when zero) in the region subtree.
	Ledger(ctx context.Context, m period.Month, code region.Code) ([]Balance, error)
	// InstructionTotals sums the instructions of month m (all when zero)
	// per fund and status.
	InstructionTotals(ctx context.Context, m period.Month, code region.Code) ([]StatusTotal, error)
	// PaidReport sums the paid instructions of months from through to by
	// month, fund, programme and county.
	PaidReport(ctx context.Context, from, to period.Month, code region.Code) ([]PaidRow, error)
	// InTransit sums the lines of exported batches not yet returned, per
	// fund.
	InTransit(ctx context.Context, m period.Month, code region.Code) (map[Fund]money.Fen, error)

	NoticeStore
}

// BankTotal is what a bank has pending of a fund.
type BankTotal struct {
	BankCode string    `json:"bank_code"`
	Count    int       `json:"count"`
	Amount   money.Fen `json:"amount"`
}

// PendingBanks lists the banks with pending instructions of a fund for
// month m (all months up to m with all): the batches to make.
func (s *Service) PendingBanks(ctx context.Context, fund Fund, m period.Month, all bool, code region.Code) ([]BankTotal, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	return s.store.PendingBanks(ctx, fund, m, all, code)
}

// CreateBatch makes a batch (maker): the pending instructions of a fund
// and bank for month m (kind monthly) or of any month up to m (one_off:
// retries and late payments), in the region subtree. Another user approves
// it.
func (s *Service) CreateBatch(ctx context.Context, fund Fund, bank string, m period.Month, kind string, code region.Code) (*Batch, error) {
	var pr fault.Problems
	if !fund.Valid() {
		pr.Add("fund", "%q is not a fund", fund)
	}
	if strings.TrimSpace(bank) == "" {
		pr.Add("bank_code", "is required")
	} else if !registry.KnownBank(bank) {
		pr.Add("bank_code", "%q is not a bank in the reference table of banks", bank)
	}
	switch kind {
	case "monthly", "one_off":
		if m.IsZero() {
			pr.Add("period", "is required: the month of a monthly batch, the last month a one-off batch takes")
		}
	default:
		pr.Add("kind", "%q is not monthly or one_off", kind)
	}
	if err := pr.Err("invalid batch"); err != nil {
		return nil, err
	}
	p, err := auth.Require(ctx, auth.PermPayment)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	b := &Batch{Fund: fund, BankCode: bank, Period: m, Kind: kind, RegionCode: code, Status: BatchDraft, CreatedBy: p.UserID,
		CreatedName: p.Username, CreatedAt: s.clock.Now().UTC(), Version: 1}
	if err := s.store.CreateBatch(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// loadBatch reads a batch for a change, checking its status and version.
func (s *Service) loadBatch(ctx context.Context, id BatchID, version int64, perm auth.Permission, want BatchStatus) (*Batch, auth.Principal, error) {
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return nil, auth.Principal{}, err
	}
	p, err := auth.RequireFound(ctx, perm, b.RegionCode, "batch", id)
	if err != nil {
		return nil, p, err
	}
	if version != 0 && version != b.Version {
		return nil, p, fault.Keyed(fault.Conflict, "version_conflict", "batch %d is at version %d, not %d: read it again", id, b.Version, version)
	}
	if b.Status != want {
		return nil, p, fault.Keyed(fault.Conflict, "batch_state", "batch %d is %s; this needs it %s", id, b.Status, want)
	}
	return b, p, nil
}

// ApproveBatch approves a draft batch (checker): the approval permission,
// and a user other than who made it.
func (s *Service) ApproveBatch(ctx context.Context, id BatchID, version int64) (*Batch, error) {
	b, p, err := s.loadBatch(ctx, id, version, auth.PermApprove, BatchDraft)
	if err != nil {
		return nil, err
	}
	if err := auth.SecondUser(p, []int64{b.CreatedBy}, "batch %d was made by you: another user approves it", id); err != nil {
		return nil, err
	}
	b.Status, b.ApprovedBy, b.ApprovedAt = BatchApproved, p.UserID, s.clock.Now().UTC()
	if err := s.store.UpdateBatch(ctx, b, "approve", nil); err != nil {
		return nil, err
	}
	return b, nil
}

// RejectBatch sends a draft batch back to its maker (退回) with the
// reason, note, which is required: the batch ends rejected and its
// instructions are pending again, as a cancelled batch's are, to be
// batched anew once the cause is fixed (a changed account confirmed, say).
// It is the checker's decision, with the rule of ApproveBatch: the
// approval permission in the batch's region, and a user other than who
// made it (the maker withdraws their own batch with CancelBatch).
func (s *Service) RejectBatch(ctx context.Context, id BatchID, version int64, note string) (*Batch, error) {
	b, p, err := s.loadBatch(ctx, id, version, auth.PermApprove, BatchDraft)
	if err != nil {
		return nil, err
	}
	if err := auth.SecondUser(p, []int64{b.CreatedBy}, "batch %d was made by you: another user decides it (withdraw it by cancelling)", id); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if note == "" {
		return nil, fault.Errorf(fault.Invalid, "invalid decision").WithField("note", "batch_note_required", "give the reason the batch is sent back")
	}
	b.Status, b.RejectedBy, b.RejectedAt, b.RejectNote = BatchRejected, p.UserID, s.clock.Now().UTC(), note
	if err := s.store.UpdateBatch(ctx, b, "reject", nil); err != nil {
		return nil, err
	}
	return b, nil
}

// CancelBatch withdraws a batch not yet exported: its instructions go back
// to pending.
func (s *Service) CancelBatch(ctx context.Context, id BatchID, version int64) (*Batch, error) {
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != BatchDraft && b.Status != BatchApproved {
		return nil, fault.Keyed(fault.Conflict, "batch_state", "batch %d is %s: only a draft or approved batch is cancelled", id, b.Status)
	}
	b, _, err = s.loadBatch(ctx, id, version, auth.PermPayment, b.Status)
	if err != nil {
		return nil, err
	}
	b.Status = BatchCancelled
	if err := s.store.UpdateBatch(ctx, b, "cancel", nil); err != nil {
		return nil, err
	}
	return b, nil
}

// ExportBatch makes an approved batch's bank file in the bank's profile
// and records it sent: the batch's total moves from the fund's account to
// the bank (Dr bank clearing, Cr fund account). The file's SHA-256 is kept
// with the batch. Exporting again returns the same file. The file carries
// account numbers and holders in full, so only a role that may see them
// (auth.PermPII as well as auth.PermPayment) exports it, and every export
// and every download again is audited with the SHA-256 of the file served.
func (s *Service) ExportBatch(ctx context.Context, id BatchID, version int64, format func([]BatchLine) ([]byte, error)) ([]byte, *Batch, error) {
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if p, ok := auth.PrincipalFrom(ctx); ok && !p.Can(auth.PermPII) {
		return nil, nil, fault.Errorf(fault.Forbidden, "the bank file of batch %d carries full account numbers: only a role that may see them exports it", id)
	}
	if b.Status == BatchExported || b.Status == BatchSettled {
		if _, err := auth.RequireFound(ctx, auth.PermPayment, b.RegionCode, "batch", id); err != nil {
			return nil, nil, err
		}
		file, err := s.bankFile(ctx, b, format)
		if err != nil {
			return nil, nil, err
		}
		sum := sha256.Sum256(file)
		if err := s.store.RecordDownload(ctx, b, hex.EncodeToString(sum[:])); err != nil {
			return nil, nil, err
		}
		return file, b, nil
	}
	b, _, err = s.loadBatch(ctx, id, version, auth.PermPayment, BatchApproved)
	if err != nil {
		return nil, nil, err
	}
	file, err := s.bankFile(ctx, b, format)
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(file)
	b.Status, b.ExportedAt, b.FileSHA256 = BatchExported, s.clock.Now().UTC(), hex.EncodeToString(sum[:])
	lines, err := s.store.BatchLines(ctx, b.ID)
	if err != nil {
		return nil, nil, err
	}
	es, err := sendJournal(b, lines)
	if err != nil {
		return nil, nil, err
	}
	if err := s.store.UpdateBatch(ctx, b, "export", es); err != nil {
		return nil, nil, err
	}
	return file, b, nil
}

// sendJournal moves the batch's lines from the fund's account to the bank
// (Dr bank clearing, Cr fund account), per month and county of the
// instructions, so that each month reconciles on its own.
func sendJournal(b *Batch, lines []BatchLine) ([]Entry, error) {
	type key struct {
		m      period.Month
		county region.Code
	}
	sums := map[key]money.Fen{}
	var keys []key
	for _, l := range lines {
		k := key{l.Period, l.RegionCode.County()}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sum, err := money.Add(sums[k], l.Amount)
		if err != nil {
			return nil, fmt.Errorf("send journal of batch %d: %w", b.ID, err)
		}
		sums[k] = sum
	}
	journal := "send/" + strconv.FormatInt(int64(b.ID), 10)
	var es []Entry
	for _, k := range keys {
		es = append(es,
			Entry{Journal: journal, Account: Clearing, Fund: b.Fund, Period: k.m, RegionCode: k.county, Amount: sums[k], PostedAt: b.ExportedAt},
			Entry{Journal: journal, Account: FundBank, Fund: b.Fund, Period: k.m, RegionCode: k.county, Amount: -sums[k], PostedAt: b.ExportedAt})
	}
	return es, nil
}

func (s *Service) bankFile(ctx context.Context, b *Batch, format func([]BatchLine) ([]byte, error)) ([]byte, error) {
	lines, err := s.store.BatchLines(ctx, b.ID)
	if err != nil {
		return nil, err
	}
	file, err := format(lines)
	if err != nil {
		return nil, fmt.Errorf("bank file of batch %d: %w", b.ID, err)
	}
	return file, nil
}

// ReturnSummary says what a return file did.
type ReturnSummary struct {
	BatchID BatchID   `json:"batch_id"`
	Lines   int       `json:"lines"`
	Paid    int       `json:"paid"`
	Failed  int       `json:"failed"`
	PaidSum money.Fen `json:"paid_amount"`
	// Resumed is true when the file had been recorded before and this run
	// posted what an interrupted one had not.
	Resumed bool `json:"resumed"`
	// Posted is true when the batch was settled by this very file before
	// (a run killed after its last commit, posted again): nothing changed.
	Posted bool `json:"posted"`
}

// PostReturn posts a bank's return file of an exported batch (回盘处理):
// every line of the batch must be in it once, by reference. Paid lines
// settle their instructions (Dr payable, Cr bank clearing); failed lines
// bring the money back (Dr fund account, Cr bank clearing) and their
// instructions fail, to retry or hold. It posts in chunks, each with its
// journal, in file order: a run stopped at any point and run again ends as
// an uninterrupted one. A bad file is refused whole, each bad row named.
func (s *Service) PostReturn(ctx context.Context, id BatchID, name string, file []byte, rs []Return) (*ReturnSummary, error) {
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermPayment, b.RegionCode, "batch", id); err != nil {
		return nil, err
	}
	if b.Status != BatchExported && b.Status != BatchSettled {
		return nil, fault.Errorf(fault.Conflict, "batch %d is %s: a return file is posted for an exported batch", id, b.Status)
	}
	lines, err := s.store.BatchLines(ctx, id)
	if err != nil {
		return nil, err
	}
	byRef := make(map[string]*BatchLine, len(lines))
	for i := range lines {
		byRef[lines[i].Reference] = &lines[i]
	}
	var pr fault.Problems
	seen := map[string]int{}
	sum := &ReturnSummary{BatchID: id, Lines: len(rs)}
	for _, r := range rs {
		f := fmt.Sprintf("row %d", r.Row)
		switch l, ok := byRef[r.Reference]; {
		case !ok:
			pr.Add(f+": reference", "%q is not a line of batch %d", r.Reference, id)
		case seen[r.Reference] != 0:
			pr.Add(f+": reference", "%q was returned already on row %d", r.Reference, seen[r.Reference])
		case !r.Paid && strings.TrimSpace(r.Reason) == "":
			pr.Add(f+": reason", "a failed line gives the bank's reason")
		default:
			if r.Paid {
				sum.Paid++
				if sum.PaidSum, err = money.Add(sum.PaidSum, l.Amount); err != nil {
					return nil, fmt.Errorf("return of batch %d: paid total: %w", id, err)
				}
			} else {
				sum.Failed++
			}
		}
		seen[r.Reference] = r.Row
	}
	for _, l := range lines {
		if seen[l.Reference] == 0 {
			pr.Add("file", "line %d of the batch (%s) is missing: the bank returns every line", l.Line, l.Reference)
			break
		}
	}
	if err := pr.Err("invalid return file"); err != nil {
		return nil, err
	}
	h := sha256.Sum256(file)
	if b.Status == BatchSettled {
		posted, err := s.store.ReturnPosted(ctx, id, hex.EncodeToString(h[:]))
		if err != nil {
			return nil, err
		}
		if !posted {
			return nil, fault.Errorf(fault.Conflict, "batch %d is settled by another return file: a batch takes one", id)
		}
		sum.Posted = true
		return sum, nil
	}
	fileID, resumed, err := s.store.StartReturn(ctx, id, name, hex.EncodeToString(h[:]), len(rs), sum.Paid, sum.Failed)
	if err != nil {
		return nil, err
	}
	sum.Resumed = resumed
	for lo := 0; lo < len(rs); lo += chunkSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+chunkSize, len(rs))
		journal := fmt.Sprintf("return/%d/%d/%d", id, fileID, rs[lo].Row)
		if err := s.store.PostReturns(ctx, id, rs[lo:hi], journal, hi == len(rs)); err != nil {
			return nil, err
		}
		if s.ProgressFunc != nil {
			s.ProgressFunc(hi, len(rs))
		}
	}
	return sum, nil
}

// Retry puts failed instructions back to pending, for the next batch.
func (s *Service) Retry(ctx context.Context, ids []InstructionID) (int, error) {
	p, err := auth.Require(ctx, auth.PermPayment)
	if err != nil {
		return 0, err
	}
	return s.store.SetInstructions(ctx, ids, []Status{Failed}, Pending, "retry", p.Scope)
}

// Hold holds pending or failed instructions back with a reason.
func (s *Service) Hold(ctx context.Context, ids []InstructionID, reason string) (int, error) {
	p, err := auth.Require(ctx, auth.PermPayment)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(reason) == "" {
		return 0, &fault.Error{Code: fault.Invalid, Message: "invalid hold", Fields: map[string]string{"reason": "say why the payment is held"}}
	}
	return s.store.SetInstructions(ctx, ids, []Status{Pending, Failed}, Held, reason, p.Scope)
}

// Release releases held instructions to pending. An instruction held for
// want of an account is released only once the payee has a confirmed one
// (the store reads it again): an account still waiting for a second
// user's confirmation is not paid.
func (s *Service) Release(ctx context.Context, ids []InstructionID) (int, error) {
	p, err := auth.Require(ctx, auth.PermPayment)
	if err != nil {
		return 0, err
	}
	return s.store.SetInstructions(ctx, ids, []Status{Held}, Pending, "release", p.Scope)
}

// FindBatch returns a batch.
func (s *Service) FindBatch(ctx context.Context, id BatchID) (*Batch, error) {
	b, err := s.store.Batch(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, b.RegionCode, "batch", id); err != nil {
		return nil, err
	}
	return b, nil
}

// BatchFilter selects batches. A batch belongs to the region it was made
// for: a filter takes the batches made for a region in its subtree.
type BatchFilter struct {
	Region region.Code
	Period period.Month // all months when zero
	Fund   Fund
	Status BatchStatus
	// After, when not zero, takes only the batches of a key below it (the
	// list is newest first); Limit is the most to return.
	After int64
	Limit int
}

// Batches lists the batches in the caller's scope matching f, newest
// first.
func (s *Service) Batches(ctx context.Context, f BatchFilter) ([]*Batch, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	return s.store.Batches(ctx, f)
}

// BatchLines lists a batch's lines.
func (s *Service) BatchLines(ctx context.Context, id BatchID) ([]BatchLine, error) {
	if _, err := s.FindBatch(ctx, id); err != nil {
		return nil, err
	}
	return s.store.BatchLines(ctx, id)
}

// ReviewBatch returns a batch for its approver: every line with the
// payee's name, account and bank, a flag on each line whose account
// differs from the one the payee was last paid to, those lines first
// (then in file order), and their count.
func (s *Service) ReviewBatch(ctx context.Context, id BatchID) (*Review, error) {
	b, err := s.FindBatch(ctx, id)
	if err != nil {
		return nil, err
	}
	lines, err := s.store.ReviewLines(ctx, id)
	if err != nil {
		return nil, err
	}
	r := &Review{Batch: b, Lines: lines}
	for i := range lines {
		l := &lines[i]
		switch {
		case l.LastPaidAccount == "":
			l.FirstPayment = true
			r.FirstPayments++
		case l.LastPaidAccount != l.AccountNo:
			l.AccountChanged = true
			r.Changed++
		}
	}
	slices.SortStableFunc(lines, func(x, y BatchLine) int {
		switch {
		case x.AccountChanged == y.AccountChanged:
			return 0
		case x.AccountChanged:
			return -1
		}
		return 1
	})
	return r, nil
}

// Instructions lists instructions in the caller's scope.
func (s *Service) Instructions(ctx context.Context, f InstructionFilter) ([]*Instruction, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return nil, err
	}
	if f.Region, err = auth.ScopeFilter(p, f.Region); err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	return s.store.Instructions(ctx, f)
}
