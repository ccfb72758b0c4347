package insurance

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/money"
	"safetynet/internal/period"
	"safetynet/internal/policy"
	"safetynet/internal/region"
	"safetynet/internal/registry"
)

// Transfer directions.
const (
	TransferOutward = "out"
	TransferInward  = "in"
)

// TransferYear is one year of the contribution bases behind a transfer.
type TransferYear struct {
	Year int `json:"year"`
	// Base is the sum of the year's actual contribution bases.
	Base money.Fen `json:"base"`
	// Pooled is the pooled-fund portion moved for the year.
	Pooled money.Fen `json:"pooled"`
	Months int       `json:"months"`
}

// Transfer is a move of the employee pension relationship across regions
// (转移接续).
type Transfer struct {
	ID        int64             `json:"id"`
	PersonID  registry.PersonID `json:"person_id"`
	Direction string            `json:"direction"`
	// RegionCode is the person's region here; OtherRegion where the account
	// goes to or comes from (a code or a name outside the jurisdiction).
	RegionCode  region.Code `json:"region_code"`
	OtherRegion string      `json:"other_region"`
	On          period.Date `json:"on"`
	// Balance is the personal-account balance moved.
	Balance money.Fen `json:"balance"`
	// Pooled is the pooled-fund portion moved (统筹基金).
	Pooled     money.Fen          `json:"pooled"`
	Months     int                `json:"months"`
	Years      []TransferYear     `json:"years"`
	CreatedAt  time.Time          `json:"created_at"`
	Parameters []policy.ParamRead `json:"parameters,omitempty"`
	// Status is done (the account is credited or debited), pending (a
	// transfer-in above limits.transfer_in.review_above, waiting for a
	// second user: the account is not credited yet) or rejected.
	Status TransferStatus `json:"status"`
	// CreatedBy is the user who recorded the transfer; DecidedBy and
	// DecidedAt the user who approved or rejected a pending one, with the
	// note of the decision.
	CreatedBy    int64     `json:"created_by,omitempty"`
	DecidedBy    int64     `json:"decided_by,omitempty"`
	DecidedAt    time.Time `json:"decided_at,omitempty"`
	DecisionNote string    `json:"decision_note,omitempty"`
}

// TransferStatus is where a pension-account transfer (转移接续) stands:
// done, pending (a transfer-in waiting for a second user) or rejected.
type TransferStatus string

// Transfer statuses.
const (
	TransferDone     TransferStatus = "done"     // the account is credited or debited
	TransferPending  TransferStatus = "pending"  // waiting for a second user
	TransferRejected TransferStatus = "rejected" // refused by a second user
)

// TransferRef is the ref of a transfer's ledger entry.
func TransferRef(id int64) string { return "transfer:" + strconv.FormatInt(id, 10) }

// transferParty checks the person of a transfer and the other region.
func (s *Accounts) transferParty(ctx context.Context, personID registry.PersonID, other string, on period.Date, pr *fault.Problems) (*registry.Person, error) {
	other = strings.TrimSpace(other)
	switch {
	case other == "" || len(other) > 100:
		pr.Add("region", "name the other region, at most 100 characters")
	case s.juris.Contains(region.Code(other)):
		pr.Add("region", "%s is inside %s: a move within the jurisdiction is no transfer", other, s.juris.Name)
	}
	if on.IsZero() {
		pr.Add("on", "is required")
	} else if on > s.today() {
		pr.Add("on", "is in the future")
	}
	per, err := s.registry.Person(ctx, personID)
	if fault.CodeOf(err) == fault.NotFound {
		pr.Add("person_id", "person %d does not exist", personID)
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if _, err := auth.RequireIn(ctx, auth.PermInsurance, per.RegionCode); err != nil {
		return nil, err
	}
	if !per.Alive() {
		pr.Add("person_id", "the person died on %s", per.DeathDate)
	}
	return per, nil
}

// TransferOut moves a person's employee pension out of the jurisdiction (转出): the
// whole personal-account balance, zeroed by a negative entry, and the
// pooled-fund portion, the transfer ratio of each year's actual
// contribution bases since the parameter's first year. It refuses a dead
// person and an account with no balance.
func (s *Accounts) TransferOut(ctx context.Context, personID registry.PersonID, toRegion string, on period.Date) (*Transfer, error) {
	var pr fault.Problems
	per, err := s.transferParty(ctx, personID, toRegion, on, &pr)
	if err != nil {
		return nil, err
	}
	t := &Transfer{PersonID: personID, Direction: TransferOutward, OtherRegion: strings.TrimSpace(toRegion), On: on, Years: []TransferYear{},
		Status: TransferDone, CreatedBy: userID(ctx)}
	if per != nil {
		t.RegionCode = per.RegionCode
		if t.Balance, err = s.store.AccountBalance(ctx, personID, EmployeePension, 0); err != nil {
			return nil, err
		}
		if t.Balance <= 0 {
			pr.Add("person_id", "the employee personal account has no balance to transfer")
		}
	}
	if err := pr.Err("invalid transfer"); err != nil {
		return nil, err
	}
	ratio, read, err := s.policy.Value("employee_pension.transfer_pooled_ratio", on, per.RegionCode)
	if err != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: "transfer parameters not in force", Err: err, Fields: map[string]string{"on": err.Error()}}
	}
	since, read2, err := s.policy.Value("employee_pension.transfer_pooled_since_year", on, per.RegionCode)
	if err != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: "transfer parameters not in force", Err: err, Fields: map[string]string{"on": err.Error()}}
	}
	t.Parameters = []policy.ParamRead{read, read2}
	years, err := s.store.EmployeeBases(ctx, personID, int(since))
	if err != nil {
		return nil, err
	}
	var pooled money.Total
	for _, y := range years {
		y.Pooled = y.Base.MulRate(money.Rate(ratio))
		pooled.Add(y.Pooled)
		t.Months += y.Months
		t.Years = append(t.Years, y)
	}
	if t.Pooled, err = pooled.Result(); err != nil {
		return nil, fmt.Errorf("pooled funds of person %d: %w", personID, err)
	}
	e := AccountEntry{PersonID: personID, Scheme: EmployeePension, RegionCode: per.RegionCode, Period: on.Period(), Kind: EntryTransferOut, Amount: -t.Balance}
	if err := s.store.SaveTransfer(ctx, t, e); err != nil {
		return nil, err
	}
	return t, nil
}

// TransferInRequest is an employee account received from another region.
type TransferInRequest struct {
	FromRegion string
	On         period.Date
	Balance    money.Fen
	Pooled     money.Fen
	Months     int
}

// TransferIn records an employee account moved into the jurisdiction (转入): the
// balance as a transfer-in entry, with the contribution months and the
// pooled funds received. The balance and the pooled funds must be within
// their plausibility ceilings (limits.transfer_in.balance and .pooled). A
// transfer whose balance and pooled funds together exceed
// limits.transfer_in.review_above is recorded pending, without crediting
// the account, until another user with decision.approve approves it
// ([Accounts.DecideTransfer]).
func (s *Accounts) TransferIn(ctx context.Context, personID registry.PersonID, in TransferInRequest) (*Transfer, error) {
	var pr fault.Problems
	per, err := s.transferParty(ctx, personID, in.FromRegion, in.On, &pr)
	if err != nil {
		return nil, err
	}
	if in.Balance <= 0 {
		pr.Add("balance", "must be positive")
	}
	if in.Pooled < 0 {
		pr.Add("pooled", "must not be negative")
	}
	if in.Months <= 0 || in.Months > 12*60 {
		pr.Add("months", "must be from 1 to 720")
	}
	var code region.Code
	if per != nil {
		code = per.RegionCode
	}
	if !in.On.IsZero() {
		for _, c := range []struct {
			field string
			v     money.Fen
			key   string
		}{{"balance", in.Balance, "limits.transfer_in.balance"}, {"pooled", in.Pooled, "limits.transfer_in.pooled"}} {
			if err := s.policy.Ceiling(&pr, c.field, int64(c.v), c.key, in.On, code); err != nil {
				return nil, &fault.Error{Code: fault.Invalid, Message: "transfer parameters not in force", Err: err, Fields: map[string]string{"on": err.Error()}}
			}
		}
	}
	if err := pr.Err("invalid transfer"); err != nil {
		return nil, err
	}
	review, read, err := s.policy.Value("limits.transfer_in.review_above", in.On, code)
	if err != nil {
		return nil, &fault.Error{Code: fault.Invalid, Message: "transfer parameters not in force", Err: err, Fields: map[string]string{"on": err.Error()}}
	}
	credit, err := money.Add(in.Balance, in.Pooled)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "the balance and the pooled funds overflow")
	}
	t := &Transfer{PersonID: personID, Direction: TransferInward, RegionCode: per.RegionCode, OtherRegion: strings.TrimSpace(in.FromRegion),
		On: in.On, Balance: in.Balance, Pooled: in.Pooled, Months: in.Months, Years: []TransferYear{},
		Status: TransferDone, CreatedBy: userID(ctx), Parameters: []policy.ParamRead{read}}
	if credit > money.Fen(review) {
		t.Status = TransferPending
	}
	if err := s.store.SaveTransfer(ctx, t, transferInEntry(t)); err != nil {
		return nil, err
	}
	return t, nil
}

// transferInEntry is the ledger entry that credits a transfer-in.
func transferInEntry(t *Transfer) AccountEntry {
	return AccountEntry{PersonID: t.PersonID, Scheme: EmployeePension, RegionCode: t.RegionCode, Period: t.On.Period(), Kind: EntryTransferIn, Amount: t.Balance}
}

// DecideTransfer approves or rejects a pending transfer-in, by a user with
// decision.approve in its region who did not record it (maker-checker). An
// approval credits the account with the balance; a rejection needs the
// reason in note and credits nothing. Either is one transaction with its
// audit event.
func (s *Accounts) DecideTransfer(ctx context.Context, id int64, approve bool, note string) (*Transfer, error) {
	t, err := s.store.Transfer(ctx, id)
	if err != nil {
		return nil, err
	}
	p, err := auth.RequireIn(ctx, auth.PermApprove, t.RegionCode)
	if err != nil {
		return nil, err
	}
	if t.Status != TransferPending {
		return nil, fault.Errorf(fault.Conflict, "transfer %d is %s, not pending", id, t.Status)
	}
	if err := auth.SecondUser(p, []int64{t.CreatedBy}, "transfer %d was recorded by you: another user decides it", id); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if !approve && note == "" {
		return nil, &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"note": "give the reason the transfer is rejected"}}
	}
	t.Status, t.DecidedBy, t.DecisionNote = TransferRejected, p.UserID, note
	if approve {
		t.Status = TransferDone
	}
	if err := s.store.DecideTransfer(ctx, t, transferInEntry(t)); err != nil {
		return nil, err
	}
	return t, nil
}

// PendingTransfers lists the transfers-in waiting for a second user in the
// region subtree code (the caller's whole scope when empty), for a user
// with decision.approve.
func (s *Accounts) PendingTransfers(ctx context.Context, code region.Code) ([]Transfer, error) {
	p, err := auth.Require(ctx, auth.PermApprove)
	if err != nil {
		return nil, err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return nil, err
	}
	return s.store.PendingTransfers(ctx, code)
}

// userID is the acting user's ID, 0 for none.
func userID(ctx context.Context) int64 {
	p, _ := auth.PrincipalFrom(ctx)
	return p.UserID
}
