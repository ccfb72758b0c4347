package payment

import (
	"context"
	"fmt"
	"slices"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/clock"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/region"
)

// Source is where an instruction's line comes from.
type Source string

// The sources.
const (
	SourcePension    Source = "pension"    // a pension payroll line (养老金)
	SourceBenefit    Source = "benefit"    // an unemployment benefit or disability allowance line
	SourceAssistance Source = "assistance" // an assistance or allowance line (救助, 津贴)
	SourceRefund     Source = "refund"     // a job-stabilisation refund to an employer (稳岗返还)
)

// Fund is the fund that pays (基金).
type Fund string

// The funds.
const (
	FundEmployeePension Fund = "employee_pension" // 企业职工基本养老保险基金
	FundResidentPension Fund = "resident_pension" // 城乡居民基本养老保险基金
	FundUnemployment    Fund = "unemployment"     // 失业保险基金
	FundWorkInjury      Fund = "work_injury"      // 工伤保险基金
	FundAssistance      Fund = "assistance"       // 社会救助资金 (budget)
)

// Funds lists the funds.
var Funds = []Fund{FundEmployeePension, FundResidentPension, FundUnemployment, FundWorkInjury, FundAssistance}

// Valid reports whether f is a known fund.
func (f Fund) Valid() bool { return slices.Contains(Funds, f) }

// Status is where an instruction stands.
type Status string

// The instruction statuses.
const (
	Pending   Status = "pending"   // to go into the next batch
	Held      Status = "held"      // held back (no bank account, or by hand) until released
	Batched   Status = "batched"   // in a batch, sent or to be sent
	Paid      Status = "paid"      // the bank paid it
	Failed    Status = "failed"    // the bank returned it unpaid; to retry or hold
	Cancelled Status = "cancelled" // will not be paid
)

// InstructionID is an instruction's surrogate key.
type InstructionID int64

// Instruction is one payment to make (支付指令): what one award pays for one
// month, to one payee's account.
type Instruction struct {
	ID InstructionID `json:"id"`
	// Source, SourceRef, Period and Line identify the line paid: the key
	// no second instruction may share.
	Source    Source       `json:"source"`
	SourceRef int64        `json:"source_ref"`
	Period    period.Month `json:"period"`
	Line      string       `json:"line,omitempty"`
	Fund      Fund         `json:"fund"`
	Programme string       `json:"programme"`
	// PayeeKind is person or organisation; a household award is paid to
	// the head of the household.
	PayeeKind     string      `json:"payee_kind"`
	PayeeID       int64       `json:"payee_id"`
	RegionCode    region.Code `json:"region_code"`
	Amount        money.Fen   `json:"amount"`
	BankAccountID int64       `json:"bank_account_id,omitempty"`
	Status        Status      `json:"status"`
	HoldReason    string      `json:"hold_reason,omitempty"`
	BatchID       BatchID     `json:"batch_id,omitempty"`
	Attempts      int         `json:"attempts"`
	FailReason    string      `json:"fail_reason,omitempty"`
	CreatedAt     time.Time   `json:"created_at"`
	Version       int64       `json:"version"`
}

// Line is a line a programme paid for a month, not yet instructed: what
// the store reads to make instructions.
type Line struct {
	Source    Source
	SourceRef int64
	Period    period.Month
	Line      string
	Fund      Fund
	Programme string
	PayeeKind string
	PayeeID   int64
	// RegionCode is the payee's region; BankAccountID the payee's
	// confirmed primary account, 0 when there is none (none at all, or
	// only one waiting for a second user's confirmation).
	RegionCode    region.Code
	Amount        money.Fen
	BankAccountID int64
}

// InstructionFilter selects instructions.
type InstructionFilter struct {
	Region  region.Code
	Period  period.Month
	Fund    Fund
	Status  Status
	BatchID BatchID
	PayeeID int64
	After   int64
	Limit   int
}

// Account is a ledger account of a fund (会计科目).
type Account string

// The accounts. Debits are positive.
const (
	// Expense is benefit expenditure (待遇支出), debited when an
	// instruction is made.
	Expense Account = "expense"
	// Payable is what is owed to payees (应付待遇), credited when an
	// instruction is made and debited when the bank pays it.
	Payable Account = "payable"
	// Clearing is money with the bank for a batch (银行清算), debited when a
	// batch is sent and credited as the bank pays or returns its lines.
	Clearing Account = "bank_clearing"
	// FundBank is the fund's own account (基金专户), credited with what is
	// sent to the bank and debited with what comes back.
	FundBank Account = "fund_bank"
)

// Entry is one side of a posting.
type Entry struct {
	Journal    string       `json:"journal"`
	Account    Account      `json:"account"`
	Fund       Fund         `json:"fund"`
	Period     period.Month `json:"period"`
	RegionCode region.Code  `json:"region_code"`
	// Amount is positive for a debit, negative for a credit.
	Amount   money.Fen `json:"amount"`
	PostedAt time.Time `json:"posted_at"`
}

// chunkSize is how many lines one transaction of a run writes.
const chunkSize = 2_000

// GenerateSummary says what a generation run did.
type GenerateSummary struct {
	Period period.Month `json:"period"`
	Region region.Code  `json:"region"`
	// Created counts the instructions made by this run, Held those of them
	// held for want of a bank account; Existing the lines instructed by an
	// earlier run (a second run of the month creates nothing).
	Created int                `json:"created"`
	Held    int                `json:"held"`
	Amount  money.Fen          `json:"amount"`
	Chunks  int                `json:"chunks"`
	ByFund  map[Fund]money.Fen `json:"by_fund"`
}

// Store keeps instructions, batches, the ledger and notices. Each method
// that changes state does it in one transaction with its audit event and
// ledger postings.
type Store interface {
	// PendingLines returns the lines of month m in the region subtree with
	// no instruction yet, in key order (source, reference, line).
	PendingLines(ctx context.Context, m period.Month, code region.Code) ([]Line, error)
	// CreateInstructions inserts the instructions of one chunk with the
	// chunk's accrual journal (Dr expense, Cr payable per fund and county),
	// all or none. The key refuses an instruction made before: Conflict.
	CreateInstructions(ctx context.Context, is []*Instruction, journal string) error

	BatchStore
	RunStore
}

// Service makes instructions and batches, posts bank returns and the
// ledger, and delivers notices.
type Service struct {
	store Store
	clock clock.Clock
	// ProgressFunc, when set, is told how many lines of a run are done.
	ProgressFunc func(done, total int)
}

// NewService returns a Service telling the time by clk.
func NewService(store Store, clk clock.Clock) *Service { return &Service{store: store, clock: clk} }

// Generate makes the payment instructions of month m in the region subtree
// (生成支付指令) from every programme's lines of the month: pension payroll,
// unemployment benefit and disability allowances, assistance and
// allowances. Each line gets one instruction; a payee with no bank account
// is held. It writes in chunks of chunkSize lines in key order, each chunk
// with its accrual journal: a run stopped at any point and run again makes
// the same instructions and postings. A second run of a month creates
// nothing.
func (s *Service) Generate(ctx context.Context, m period.Month, code region.Code) (*GenerateSummary, error) {
	if m.IsZero() {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid generation", Fields: map[string]string{"period": "is required"}}
	}
	p, err := auth.Require(ctx, auth.PermPayment)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	run := &Run{Period: m, Region: code, Status: RunRunning, CreatedBy: p.UserID, CreatedAt: s.clock.Now().UTC()}
	if err := s.store.StartRun(ctx, run); err != nil {
		return nil, err
	}
	sum, err := s.generate(ctx, m, code)
	if err := s.finishRun(ctx, run, sum, err); err != nil {
		return nil, err
	}
	return sum, nil
}

// generate makes the instructions of a run; on an error, the summary
// counts what the chunks before it made.
func (s *Service) generate(ctx context.Context, m period.Month, code region.Code) (*GenerateSummary, error) {
	lines, err := s.store.PendingLines(ctx, m, code)
	if err != nil {
		return nil, err
	}
	sum := &GenerateSummary{Period: m, Region: code, ByFund: map[Fund]money.Fen{}}
	now := s.clock.Now().UTC()
	for lo := 0; lo < len(lines); lo += chunkSize {
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		hi := min(lo+chunkSize, len(lines))
		is := make([]*Instruction, 0, hi-lo)
		for _, l := range lines[lo:hi] {
			in := &Instruction{Source: l.Source, SourceRef: l.SourceRef, Period: l.Period, Line: l.Line, Fund: l.Fund, Programme: l.Programme,
				PayeeKind: l.PayeeKind, PayeeID: l.PayeeID, RegionCode: l.RegionCode, Amount: l.Amount, BankAccountID: l.BankAccountID,
				Status: Pending, CreatedAt: now, Version: 1}
			if l.BankAccountID == 0 {
				in.Status, in.HoldReason = Held, "no confirmed bank account on record"
				sum.Held++
			}
			is = append(is, in)
			var err error
			if sum.Amount, err = money.Add(sum.Amount, l.Amount); err != nil {
				return nil, fmt.Errorf("payments of %s: %w", m, err)
			}
			if sum.ByFund[l.Fund], err = money.Add(sum.ByFund[l.Fund], l.Amount); err != nil {
				return nil, fmt.Errorf("payments of %s from %s: %w", m, l.Fund, err)
			}
		}
		first := lines[lo]
		journal := fmt.Sprintf("accrue/%s/%s/%d/%s", m, first.Source, first.SourceRef, first.Line)
		if err := s.store.CreateInstructions(ctx, is, journal); err != nil {
			return sum, err
		}
		sum.Created += len(is)
		sum.Chunks++
		if s.ProgressFunc != nil {
			s.ProgressFunc(hi, len(lines))
		}
	}
	return sum, nil
}

// accrual is the journal of a chunk of new instructions: per fund and
// county, Dr expense and Cr payable. A sum past an int64 of fen is an
// error, never a wrapped entry.
func accrual(is []*Instruction, journal string, at time.Time) ([]Entry, error) {
	type key struct {
		fund   Fund
		county region.Code
	}
	sums := map[key]money.Fen{}
	var keys []key
	for _, in := range is {
		k := key{in.Fund, in.RegionCode.County()}
		if _, ok := sums[k]; !ok {
			keys = append(keys, k)
		}
		sum, err := money.Add(sums[k], in.Amount)
		if err != nil {
			return nil, fmt.Errorf("journal %s: %w", journal, err)
		}
		sums[k] = sum
	}
	slices.SortFunc(keys, func(a, b key) int {
		if a.fund != b.fund {
			return cmp(string(a.fund), string(b.fund))
		}
		return cmp(string(a.county), string(b.county))
	})
	m := period.Month(0)
	if len(is) > 0 {
		m = is[0].Period
	}
	var es []Entry
	for _, k := range keys {
		es = append(es,
			Entry{Journal: journal, Account: Expense, Fund: k.fund, Period: m, RegionCode: k.county, Amount: sums[k], PostedAt: at},
			Entry{Journal: journal, Account: Payable, Fund: k.fund, Period: m, RegionCode: k.county, Amount: -sums[k], PostedAt: at})
	}
	return es, nil
}

// Accrual returns the journal entries of a chunk of new instructions, for
// the store to post with them; an error if a sum overflows.
func Accrual(is []*Instruction, journal string, at time.Time) ([]Entry, error) {
	return accrual(is, journal, at)
}

func cmp(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
