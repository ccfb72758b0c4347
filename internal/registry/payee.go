package registry

import (
	"context"
	"fmt"
	"strings"

	"safetynet/internal/auth"
	"safetynet/internal/fault"
	"safetynet/internal/ids"
	"safetynet/internal/region"
)

// Where benefits are paid is a maker-checker change (see docs/payments.md): an
// account or a payee agent recorded by a user is pending until a second
// user with the approval permission confirms it, and only a confirmed
// account is paid. Accounts registered by a system process (the initial
// registration, gen, demo) are confirmed as they are recorded.

// CreateBankAccount records an account for a person or organisation. The
// bank code must be in the reference table of banks (banks.yaml) on
// today's date, and the holder must be the owner (the person's registered
// name, the organisation's name) or, for a person, a confirmed payee
// agent of theirs named by AgentID. Recorded by a user, the account is
// pending and not primary until another user confirms it.
func (s *Service) CreateBankAccount(ctx context.Context, b *BankAccount) error {
	pr := b.validate()
	if _, ok := BankOn(b.BankCode, s.Today()); b.BankCode != "" && !ok {
		pr.Add("bank_code", "%q is not a bank in the reference table of banks on %s", b.BankCode, s.Today())
	}
	if err := pr.Err("invalid bank account"); err != nil {
		return err
	}
	p, err := auth.Require(ctx, auth.PermRegistryWrite)
	if err != nil {
		return err
	}
	code, holder, err := s.owner(ctx, b.OwnerKind, b.OwnerID)
	if err != nil {
		return err
	}
	// An owner outside the scope is answered as a missing one.
	if _, err := auth.RequireOr(ctx, auth.PermRegistryWrite, code, ownerMissing(b.OwnerKind, b.OwnerID)); err != nil {
		return err
	}
	if b.AgentID != 0 {
		a, err := s.store.PayeeAgent(ctx, AgentID(b.AgentID))
		switch {
		case fault.CodeOf(err) == fault.NotFound:
			pr.Add("agent_id", "payee agent %d does not exist", b.AgentID)
		case err != nil:
			return err
		case b.OwnerKind != OwnerPerson || int64(a.PersonID) != b.OwnerID:
			pr.Add("agent_id", "payee agent %d is not an agent of %s %d", b.AgentID, b.OwnerKind, b.OwnerID)
		case a.Status != StatusConfirmed:
			pr.Add("agent_id", "payee agent %d is %s: a second user confirms an agent before an account is paid to them", b.AgentID, a.Status)
		default:
			holder = a.Name
		}
	}
	if err := pr.Err("invalid bank account"); err != nil {
		return err
	}
	if strings.TrimSpace(b.AccountName) != holder {
		what := "the registered name of the " + string(b.OwnerKind)
		if b.AgentID != 0 {
			what = "the name of the payee agent"
		} else if b.OwnerKind == OwnerPerson {
			what += "; an account held by somebody else is paid only as a confirmed payee agent's (agent_id)"
		}
		pr.Add("account_name", "the holder must be %s", what)
		return pr.Err("invalid bank account")
	}
	now := s.clock.Now().UTC()
	if b.OwnerKind == OwnerPerson {
		if err := s.checkAccountAfterIdentity(ctx, p, PersonID(b.OwnerID), now); err != nil {
			return err
		}
	}
	b.AccountName = holder
	b.RegionCode = code
	b.ID, b.Version = 0, 0
	b.WantsPrimary = b.Primary || b.WantsPrimary
	b.Approval = Approval{RequestedBy: p.UserID, RequestedName: p.Username, RequestedAt: now}
	if p.System() {
		b.Status, b.Primary = StatusConfirmed, b.WantsPrimary
		b.DecidedName, b.DecidedAt = p.Username, now
	} else {
		b.Status, b.Primary = StatusPending, false
	}
	if err := s.store.CreateBankAccount(ctx, b); err != nil {
		return err
	}
	return s.flagIdentity(ctx, b)
}

// owner returns the region and the registered name of an account's owner;
// an owner that does not exist is an Invalid owner_id.
func (s *Service) owner(ctx context.Context, kind OwnerKind, id int64) (region.Code, string, error) {
	var err error
	switch kind {
	case OwnerPerson:
		var p *Person
		if p, err = s.store.Person(ctx, PersonID(id)); err == nil {
			return p.RegionCode, p.Name, nil
		}
	case OwnerOrganisation:
		var o *Organisation
		if o, err = s.store.Organisation(ctx, OrgID(id)); err == nil {
			return o.RegionCode, o.Name, nil
		}
	default:
		return "", "", &fault.Error{Code: fault.Invalid, Message: "invalid owner", Fields: map[string]string{"owner_kind": "must be person or organisation"}}
	}
	if fault.CodeOf(err) == fault.NotFound {
		return "", "", ownerMissing(kind, id)
	}
	return "", "", err
}

// ownerMissing is the error of an account's owner that does not exist, or
// lies outside the caller's scope.
func ownerMissing(kind OwnerKind, id int64) error {
	return &fault.Error{Code: fault.Invalid, Message: "invalid bank account", Fields: map[string]string{"owner_id": fmt.Sprintf("%s %d does not exist", kind, id)}}
}

// BankAccount returns an account in the caller's scope.
func (s *Service) BankAccount(ctx context.Context, id BankAccountID) (*BankAccount, error) {
	b, err := s.store.BankAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryRead, b.RegionCode, "bank account", id); err != nil {
		return nil, err
	}
	return b, s.flagIdentity(ctx, b)
}

// BankAccountsByStatus lists the accounts of a status (pending: the
// changes waiting for an approver) in the region subtree of the caller's
// scope, by key.
func (s *Service) BankAccountsByStatus(ctx context.Context, status ApprovalStatus, code region.Code, after int64, limit int) ([]*BankAccount, error) {
	code, err := statusScope(ctx, status, code)
	if err != nil {
		return nil, err
	}
	bs, err := s.store.BankAccountsByStatus(ctx, status, code, after, clampLimit(limit))
	if err != nil {
		return nil, err
	}
	return bs, s.flagIdentity(ctx, bs...)
}

// DecideBankAccount confirms or rejects a pending account (checker): the
// approval permission in the account's region, and a user other than who
// requested it. A rejection gives its reason in note.
func (s *Service) DecideBankAccount(ctx context.Context, id BankAccountID, approve bool, note string) (*BankAccount, error) {
	b, err := s.store.BankAccount(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.decide(ctx, "bank account", int64(id), b.RegionCode, &b.Status, &b.Approval, approve, note); err != nil {
		return nil, err
	}
	if err := s.flagIdentity(ctx, b); err != nil {
		return nil, err
	}
	if approve {
		if b.OwnerKind == OwnerPerson {
			c, err := s.recentIdentityChange(ctx, PersonID(b.OwnerID), b.RequestedAt)
			if err != nil {
				return nil, err
			}
			p, _ := auth.PrincipalFrom(ctx)
			if err := checkAccountDecider(p, b, c); err != nil {
				return nil, err
			}
		}
		if b.AgentID != 0 {
			a, err := s.store.PayeeAgent(ctx, AgentID(b.AgentID))
			if err != nil {
				return nil, err
			}
			if a.Status != StatusConfirmed {
				return nil, fault.Errorf(fault.Conflict, "bank account %d is held by payee agent %d, who is %s", id, a.ID, a.Status)
			}
		}
	}
	if err := s.store.DecideBankAccount(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// decide checks and fills in a maker-checker decision of a pending record
// in region code: who decided, when and why, and its status, confirmed or
// rejected.
func (s *Service) decide(ctx context.Context, what string, id int64, code region.Code, status *ApprovalStatus, ap *Approval, approve bool, note string) error {
	st := *status
	p, err := auth.RequireFound(ctx, auth.PermApprove, code, what, id)
	if err != nil {
		return err
	}
	if st != StatusPending {
		return fault.Errorf(fault.Conflict, "%s %d is %s already", what, id, st)
	}
	if err := auth.SecondUser(p, []int64{ap.RequestedBy}, "%s %d was requested by you: another user confirms it", what, id); err != nil {
		return err
	}
	if !approve && strings.TrimSpace(note) == "" {
		return &fault.Error{Code: fault.Invalid, Message: "invalid decision", Fields: map[string]string{"note": "give the reason of the rejection"}}
	}
	ap.DecidedBy, ap.DecidedName, ap.DecidedAt, ap.DecisionNote = p.UserID, p.Username, s.clock.Now().UTC(), strings.TrimSpace(note)
	*status = StatusRejected
	if approve {
		*status = StatusConfirmed
	}
	return nil
}

// CreatePayeeAgent records a payee agent (代领人) of a person: name, a valid
// resident ID other than the person's, and the relation to the person.
// Recorded by a user, the agent is pending until another user confirms it.
func (s *Service) CreatePayeeAgent(ctx context.Context, a *PayeeAgent) error {
	var pr fault.Problems
	checkName(&pr, "name", a.Name)
	idn, err := ids.ParseResidentID(string(a.IDNumber), s.Today())
	if err != nil {
		pr.Add("id_number", "%v", err)
	}
	if !a.Relation.Valid() || a.Relation == RelHead {
		pr.Add("relation", "unknown relation %q: spouse, child, parent, grandchild, grandparent, sibling, child_in_law or other", a.Relation)
	}
	if err := pr.Err("invalid payee agent"); err != nil {
		return err
	}
	p, err := auth.Require(ctx, auth.PermRegistryWrite)
	if err != nil {
		return err
	}
	person, err := s.store.Person(ctx, a.PersonID)
	if err != nil {
		return err
	}
	if _, err := auth.RequireFound(ctx, auth.PermRegistryWrite, person.RegionCode, "person", a.PersonID); err != nil {
		return err
	}
	if idn == person.IDNumber {
		pr.Add("id_number", "is the person's own: an agent is somebody else")
		return pr.Err("invalid payee agent")
	}
	a.IDNumber, a.Name, a.RegionCode = idn, strings.TrimSpace(a.Name), person.RegionCode
	a.ID, a.Version = 0, 0
	now := s.clock.Now().UTC()
	a.Approval = Approval{RequestedBy: p.UserID, RequestedName: p.Username, RequestedAt: now}
	a.Status = StatusPending
	if p.System() {
		a.Status, a.DecidedName, a.DecidedAt = StatusConfirmed, p.Username, now
	}
	return s.store.CreatePayeeAgent(ctx, a)
}

// PayeeAgents lists a person's payee agents.
func (s *Service) PayeeAgents(ctx context.Context, person PersonID) ([]*PayeeAgent, error) {
	if _, err := s.ownerRegion(ctx, OwnerPerson, int64(person), auth.PermRegistryRead); err != nil {
		return nil, err
	}
	return s.store.PayeeAgents(ctx, person)
}

// PayeeAgentsByStatus lists the payee agents of a status in the region
// subtree of the caller's scope, by key.
func (s *Service) PayeeAgentsByStatus(ctx context.Context, status ApprovalStatus, code region.Code, after int64, limit int) ([]*PayeeAgent, error) {
	code, err := statusScope(ctx, status, code)
	if err != nil {
		return nil, err
	}
	return s.store.PayeeAgentsByStatus(ctx, status, code, after, clampLimit(limit))
}

// DecidePayeeAgent confirms or rejects a pending payee agent (checker),
// as DecideBankAccount.
func (s *Service) DecidePayeeAgent(ctx context.Context, id AgentID, approve bool, note string) (*PayeeAgent, error) {
	a, err := s.store.PayeeAgent(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.decide(ctx, "payee agent", int64(id), a.RegionCode, &a.Status, &a.Approval, approve, note); err != nil {
		return nil, err
	}
	if err := s.store.DecidePayeeAgent(ctx, a); err != nil {
		return nil, err
	}
	return a, nil
}

// statusScope checks a list by approval status: the caller may read the
// registry, status is one of the three, and code is narrowed to the
// caller's scope (the region subtree the list covers).
func statusScope(ctx context.Context, st ApprovalStatus, code region.Code) (region.Code, error) {
	p, err := auth.Require(ctx, auth.PermRegistryRead)
	if err != nil {
		return "", err
	}
	if code, err = auth.ScopeFilter(p, code); err != nil {
		return "", err
	}
	switch st {
	case StatusPending, StatusConfirmed, StatusRejected:
		return code, nil
	}
	return "", &fault.Error{Code: fault.Invalid, Message: "invalid filter", Fields: map[string]string{"status": fmt.Sprintf("%q is not pending, confirmed or rejected", st)}}
}

// clampLimit bounds the limit of a list by status: 100 when unset, at most
// PageMax (the API asks for one more than its page to tell whether more
// remain, so that a page of 500 asks for 501).
func clampLimit(n int) int {
	if n <= 0 {
		return 100
	}
	return min(n, PageMax)
}
